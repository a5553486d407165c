/**
 * The outbox: copies waiting for the mail server, retried by themselves after temporary failures;
 * copies the server refused, with its own words; and copies that were being sent when the app
 * stopped or the connection ended before the server's answer, which only the person can decide
 * about (send again, mark as sent, or remove) — Sinetti will not risk sending client mail twice on
 * its own; and copies that could not be read, set aside (kept on this computer, never sent).
 */
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { AppError } from '../../shared/result.js';
import type { outboxItemSchema } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

type OutboxItem = z.infer<typeof outboxItemSchema>;

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
});

export function OutboxDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    () =>
      api['send:outbox:list']({}).then((result) => {
        if (result.ok) setItems(result.value);
        else setError(result.error);
      }),
    [api],
  );

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);

  const act = async (channel: 'send:outbox:retry' | 'send:outbox:discard' | 'send:outbox:mark-sent', id: string) => {
    const result = await api[channel]({ id });
    if (!result.ok) setError(result.error);
    await load();
  };

  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface data-testid="outbox-dialog">
        <DialogBody>
          <DialogTitle>{t('outbox.title')}</DialogTitle>
          <DialogContent>
            {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
            {items === null ? (
              <Spinner size="tiny" label={t('app.loading')} />
            ) : items.length === 0 ? (
              <p data-testid="outbox-empty">{t('outbox.empty')}</p>
            ) : (
              <ul className={styles.list}>
                {items.map((item) => (
                  <li key={item.id} className={styles.item} data-testid="outbox-item" data-state={item.state}>
                    <Badge
                      appearance="tint"
                      color={item.state === 'failed' || item.state === 'damaged' ? 'danger' : item.state === 'uncertain' ? 'warning' : 'informative'}
                    >
                      {t(`outbox.state.${item.state}`)}
                    </Badge>{' '}
                    {item.route ? (
                      <>
                        {item.to.join(', ')} — {t(`compose.recipient.${item.route}`)}
                      </>
                    ) : null}
                    {item.state === 'uncertain' ? <p data-testid="outbox-explain">{t('outbox.uncertain.explain')}</p> : null}
                    {item.state === 'damaged' ? <p data-testid="outbox-explain">{t('outbox.damaged.explain')}</p> : null}
                    {item.lastError && item.state !== 'damaged' && item.state !== 'uncertain' ? (
                      <p data-testid="outbox-error">
                        {item.lastError.serverResponse ? t('outbox.server', { response: item.lastError.serverResponse }) : item.lastError.message}
                      </p>
                    ) : null}
                    {item.state === 'failed' || item.state === 'uncertain' || item.state === 'damaged' ? (
                      <div className={styles.actions}>
                        {item.state !== 'damaged' ? (
                          <Button size="small" onClick={() => void act('send:outbox:retry', item.id)} data-testid="outbox-retry">
                            {t('outbox.retry')}
                          </Button>
                        ) : null}
                        {item.state === 'uncertain' ? (
                          <Button size="small" onClick={() => void act('send:outbox:mark-sent', item.id)} data-testid="outbox-mark-sent">
                            {t('outbox.markSent')}
                          </Button>
                        ) : null}
                        <Button size="small" onClick={() => void act('send:outbox:discard', item.id)} data-testid="outbox-discard">
                          {t('outbox.discard')}
                        </Button>
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('keys.close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/**
 * Drafts: the ones on this workstation and the ones in the server's Drafts folder that a key held
 * here opens (written on another workstation, too). Open one into the composer, or discard it
 * here and on the server. Drafts no key here opens are only counted, never shown.
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
import { useIntl } from 'react-intl';
import type { DraftList } from '../../shared/draft-schema.js';
import type { OpenedDraftView } from '../../shared/attachment-upload-schema.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  subject: { fontWeight: tokens.fontWeightSemibold, margin: 0 },
  meta: { margin: `${tokens.spacingVerticalXS} 0`, color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

export function DraftsDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (draft: OpenedDraftView) => void }) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [list, setList] = useState<DraftList | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    () =>
      api['drafts:list']({}).then((result) => {
        if (result.ok) setList(result.value);
        else setError(result.error);
      }),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const open = async (draftId: string) => {
    setBusy(draftId);
    const result = await api['drafts:open']({ draftId });
    setBusy(null);
    if (result.ok) onOpen(result.value);
    else setError(result.error);
  };

  const discard = async (draftId: string) => {
    setBusy(draftId);
    const result = await api['drafts:discard']({ draftId });
    setBusy(null);
    if (!result.ok) setError(result.error);
    await load();
  };

  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface data-testid="drafts-dialog">
        <DialogBody>
          <DialogTitle>{t('drafts.title')}</DialogTitle>
          <DialogContent>
            {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
            {list === null ? (
              <Spinner size="tiny" label={t('app.loading')} />
            ) : (
              <>
                {list.drafts.length === 0 ? <p data-testid="drafts-empty">{t('drafts.empty')}</p> : null}
                {list.drafts.length > 0 ? (
                  <ul className={styles.list}>
                    {list.drafts.map((draft) => (
                      <li key={draft.draftId} className={styles.item} data-testid="draft-item" data-draft-id={draft.draftId}>
                        <p className={styles.subject}>{draft.subject || t('drafts.noSubject')}</p>
                        <p className={styles.meta}>
                          {draft.to ? t('drafts.to', { to: draft.to }) : t('drafts.noRecipients')} ·{' '}
                          {t('drafts.savedAt', { time: formatDateTime(intl, draft.savedAt) })}
                          {draft.attachments > 0 ? ` · ${t('drafts.attachments', { count: draft.attachments })}` : ''}
                        </p>
                        <div className={styles.actions}>
                          <Badge appearance="tint" color={draft.server ? 'success' : 'warning'} data-testid="draft-where">
                            {draft.server ? t('drafts.where.server') : t('drafts.where.local')}
                          </Badge>
                          <Button
                            size="small"
                            appearance="primary"
                            disabled={busy !== null}
                            data-testid="draft-open"
                            aria-label={t('drafts.openNamed', { subject: draft.subject || t('drafts.noSubject') })}
                            onClick={() => void open(draft.draftId)}
                          >
                            {t('drafts.open')}
                          </Button>
                          <Button
                            size="small"
                            disabled={busy !== null}
                            data-testid="draft-discard"
                            aria-label={t('drafts.discardNamed', { subject: draft.subject || t('drafts.noSubject') })}
                            onClick={() => void discard(draft.draftId)}
                          >
                            {t('drafts.discard')}
                          </Button>
                        </div>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {list.unreadableOnServer > 0 ? <p data-testid="drafts-unreadable">{t('drafts.unreadable', { count: list.unreadableOnServer })}</p> : null}
                {list.unavailableAccounts.length > 0 ? <p data-testid="drafts-unavailable">{t('drafts.unavailable')}</p> : null}
              </>
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

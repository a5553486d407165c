/**
 * Signatures per sending identity (own address, each team mailbox) in Finnish, Swedish and
 * English, and saved replies (templates), each in one of the three languages. Stored in the
 * settings document by the main process (validated there).
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Select,
  Spinner,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { LOCALES, type Locale } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { identityKey, type ComposeSettings, type SendIdentity } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  surface: { maxWidth: '48rem', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap' },
  template: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400 },
});

const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

export function ComposeSettingsDialog({
  identities,
  onClose,
  onSaved,
}: {
  identities: SendIdentity[];
  onClose: () => void;
  onSaved: (settings: ComposeSettings) => void;
}) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [settings, setSettings] = useState<ComposeSettings | null>(null);
  const [identity, setIdentity] = useState(identities[0] ? identityKey(identities[0]) : '');
  const [locale, setLocale] = useState<Locale>('fi');
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    void api['settings:compose:get']({}).then((r) => (r.ok ? setSettings(r.value) : setError(r.error)));
  }, [api]);

  const signature = settings?.signatures.find((s) => s.identity === identity && s.locale === locale)?.text ?? '';
  const setSignature = (text: string) =>
    setSettings(
      (s) =>
        s && {
          ...s,
          signatures: [...s.signatures.filter((x) => !(x.identity === identity && x.locale === locale)), ...(text ? [{ identity, locale, text }] : [])],
        },
    );
  const setTemplate = (id: string, change: Partial<ComposeSettings['templates'][number]>) =>
    setSettings((s) => s && { ...s, templates: s.templates.map((x) => (x.id === id ? { ...x, ...change } : x)) });

  const save = async () => {
    if (!settings) return;
    const result = await api['settings:compose:set']({ compose: settings });
    if (!result.ok) return setError(result.error);
    onSaved(result.value);
  };

  return (
    <Dialog open onOpenChange={(_e, d) => (d.open ? undefined : onClose())} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="compose-settings-dialog">
        <DialogBody>
          <DialogTitle>{t('composeSettings.title')}</DialogTitle>
          <DialogContent className={styles.form}>
            {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
            {settings === null ? (
              <Spinner size="tiny" label={t('app.loading')} />
            ) : (
              <>
                <h3 className={styles.heading}>{t('compose.signatures')}</h3>
                <div className={styles.row}>
                  <Field label={t('composeSettings.identity')}>
                    <Select value={identity} onChange={(_e, d) => setIdentity(d.value)} data-testid="signature-identity">
                      {identities.map((i) => (
                        <option key={identityKey(i)} value={identityKey(i)}>
                          {i.name} &lt;{i.address}&gt;
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <Field label={t('composeSettings.language')}>
                    <Select value={locale} onChange={(_e, d) => setLocale(d.value as Locale)} data-testid="signature-locale">
                      {LOCALES.map((l) => (
                        <option key={l} value={l}>
                          {t(`language.${l}`)}
                        </option>
                      ))}
                    </Select>
                  </Field>
                </div>
                <Field label={t('composeSettings.signature')}>
                  <Textarea value={signature} onChange={(_e, d) => setSignature(d.value)} rows={4} autoComplete="off" data-testid="signature-text" />
                </Field>
                <h3 className={styles.heading}>{t('compose.templates')}</h3>
                {settings.templates.map((tpl) => (
                  <div key={tpl.id} className={styles.template} data-testid="template-editor">
                    <div className={styles.row}>
                      <Field label={t('composeSettings.templateName')}>
                        <Input value={tpl.name} onChange={(_e, d) => setTemplate(tpl.id, { name: d.value })} data-testid="template-name" />
                      </Field>
                      <Field label={t('composeSettings.language')}>
                        <Select value={tpl.locale} onChange={(_e, d) => setTemplate(tpl.id, { locale: d.value as Locale })}>
                          {LOCALES.map((l) => (
                            <option key={l} value={l}>
                              {t(`language.${l}`)}
                            </option>
                          ))}
                        </Select>
                      </Field>
                      <Button
                        icon={<DeleteRegular />}
                        aria-label={t('composeSettings.removeTemplate', { name: tpl.name })}
                        onClick={() => setSettings((s) => s && { ...s, templates: s.templates.filter((x) => x.id !== tpl.id) })}
                      />
                    </div>
                    <Field label={t('composeSettings.templateText')}>
                      <Textarea
                        value={tpl.text}
                        onChange={(_e, d) => setTemplate(tpl.id, { text: d.value })}
                        rows={3}
                        autoComplete="off"
                        data-testid="template-text"
                      />
                    </Field>
                  </div>
                ))}
                <Button
                  icon={<AddRegular />}
                  data-testid="add-template"
                  onClick={() =>
                    setSettings((s) => s && { ...s, templates: [...s.templates, { id: newId(), name: t('composeSettings.newTemplate'), locale, text: '' }] })
                  }
                >
                  {t('composeSettings.addTemplate')}
                </Button>
              </>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('keys.cancel')}</Button>
            <Button
              appearance="primary"
              data-testid="save-compose-settings"
              disabled={!settings || settings.templates.some((x) => !x.name.trim())}
              onClick={() => void save()}
            >
              {t('composeSettings.save')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

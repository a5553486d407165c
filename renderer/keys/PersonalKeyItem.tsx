/**
 * One of the person's own keys: the facts to read aloud, and what can be done with it — unlock
 * for this session, lock, save the public key or the revocation certificate, revoke. Revocation
 * is irreversible, so it asks for a reason and a second click; nothing here sees key material.
 */
import { Badge, Button, Field, Input, Select, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useId, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { KeySummaryView } from '../../shared/domain.js';
import type { Result } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar } from '../app/ErrorBar.js';
import { formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';
import { saveAttachment } from '../message/save-attachment.js';

const useStyles = makeStyles({
  key: { border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM },
  title: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase300, letterSpacing: '0.05em' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`,
    margin: `${tokens.spacingVerticalS} 0`,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'end' },
  form: { display: 'grid', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalS },
  unlock: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap', marginTop: tokens.spacingVerticalS },
});

type Reason = 'compromised' | 'superseded' | 'retired';

interface Props {
  keyInfo: KeySummaryView;
  busy: boolean;
  /** Runs a contract call, shows its error or the notice, and reloads the list. */
  run: (action: () => Promise<Result<unknown>>, done: string) => Promise<void>;
  onError: (error: import('../../shared/result.js').AppError) => void;
}

export function PersonalKeyItem({ keyInfo: key, busy, run, onError }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [passphrase, setPassphrase] = useState('');
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState<Reason>('superseded');
  const [description, setDescription] = useState('');
  const [certificate, setCertificate] = useState('');
  const headingId = useId();
  const locked = key.protectedByPassphrase && key.unlockedUntil === null;

  const download = (armored: string, filename: string) => {
    const bytes = new TextEncoder().encode(armored);
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    saveAttachment({ filename, mimeType: 'application/pgp-keys', contentBase64: btoa(binary) });
  };

  const exportArmored = async (channel: 'crypto:keys:public:export' | 'crypto:keys:revocation:export', filename: string) => {
    const result = await api[channel]({ fingerprint: key.fingerprint });
    if (!result.ok) return onError(result.error);
    download(result.value.armored, filename);
  };

  const unlock = (event: FormEvent) => {
    event.preventDefault();
    const value = passphrase;
    setPassphrase('');
    void run(() => api['crypto:keys:unlock']({ fingerprint: key.fingerprint, passphrase: value }), t('keys.unlocked'));
  };

  const revoke = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api['crypto:keys:revoke']({
        fingerprint: key.fingerprint,
        reason,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      if (result.ok) setRevoking(false);
      return result;
    }, t('keys.revokedNotice'));
  };

  const applyCertificate = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api['crypto:keys:revocation:apply']({ fingerprint: key.fingerprint, certificate });
      if (result.ok) {
        setCertificate('');
        setRevoking(false);
      }
      return result;
    }, t('keys.revokedNotice'));
  };

  const shortId = key.fingerprint.slice(-16);
  return (
    <li
      className={styles.key}
      data-testid="key-item"
      data-fingerprint={key.fingerprint}
      data-locked={String(locked)}
      data-revoked={String(key.revoked)}
      aria-labelledby={headingId}
    >
      <div className={styles.title}>
        <strong id={headingId}>{key.userIds.join(', ')}</strong>
        {key.revoked ? (
          <Badge color="danger" data-testid="key-revoked">
            {t('keys.badge.revoked')}
          </Badge>
        ) : null}
        {key.protectedByPassphrase ? (
          <Badge color={locked ? 'informative' : 'success'} appearance="tint" data-testid="key-lock-state">
            {locked ? t('keys.badge.locked') : t('keys.badge.unlockedUntil', { time: formatDateTime(intl, key.unlockedUntil!) })}
          </Badge>
        ) : null}
      </div>
      {key.expiresSoon && key.expires !== null ? (
        <Bar intent="warning" data-testid="key-expiry-warning">
          {t('keys.expiresSoon', { date: formatDateTime(intl, key.expires) })}
        </Bar>
      ) : null}
      <dl className={styles.facts}>
        <dt>{t('keys.fingerprint')}</dt>
        <dd className={styles.fingerprint} data-testid="key-fingerprint">
          {key.fingerprintGrouped}
        </dd>
        <dt>{t('keys.algorithm')}</dt>
        <dd>{key.algorithm}</dd>
        <dt>{t('keys.created')}</dt>
        <dd>{formatDateTime(intl, key.created)}</dd>
        <dt>{t('keys.expires')}</dt>
        <dd>{key.expires === null ? t('keys.noExpiry') : formatDateTime(intl, key.expires)}</dd>
      </dl>

      {locked && !key.revoked ? (
        <form className={styles.unlock} onSubmit={unlock} data-testid="key-unlock-form">
          <Field label={t('keys.unlockPassphrase')}>
            <Input type="password" value={passphrase} onChange={(_e, d) => setPassphrase(d.value)} autoComplete="current-password" />
          </Field>
          <Button type="submit" appearance="primary" disabled={busy || !passphrase} data-testid="key-unlock">
            {t('keys.unlock')}
          </Button>
        </form>
      ) : null}

      <div className={styles.actions}>
        <Button size="small" data-testid="key-export" onClick={() => void exportArmored('crypto:keys:public:export', `${shortId}.asc`)}>
          {t('keys.exportPublic')}
        </Button>
        {key.hasSecret && !key.revoked ? (
          <Button
            size="small"
            data-testid="key-revocation-export"
            onClick={() => void exportArmored('crypto:keys:revocation:export', `${shortId}-revocation.asc`)}
          >
            {t('keys.exportRevocation')}
          </Button>
        ) : null}
        {key.protectedByPassphrase && !locked ? (
          <Button
            size="small"
            data-testid="key-lock"
            onClick={() => void run(() => api['crypto:keys:lock']({ fingerprint: key.fingerprint }), t('keys.lockedNotice'))}
          >
            {t('keys.lock')}
          </Button>
        ) : null}
        {!key.revoked ? (
          <Button size="small" data-testid="key-revoke-start" aria-expanded={revoking} onClick={() => setRevoking(!revoking)}>
            {t('keys.revoke')}
          </Button>
        ) : null}
      </div>

      {revoking ? (
        <>
          <form className={styles.form} onSubmit={revoke} data-testid="key-revoke-form">
            <Bar intent="warning">{t('keys.revokeWarning')}</Bar>
            <Field label={t('keys.revokeReason')}>
              <Select value={reason} onChange={(_e, d) => setReason(d.value as Reason)}>
                <option value="superseded">{t('keys.revokeReason.superseded')}</option>
                <option value="compromised">{t('keys.revokeReason.compromised')}</option>
                <option value="retired">{t('keys.revokeReason.retired')}</option>
              </Select>
            </Field>
            <Field label={t('keys.revokeDescription')}>
              <Input value={description} onChange={(_e, d) => setDescription(d.value)} maxLength={500} />
            </Field>
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={busy} data-testid="key-revoke-confirm">
                {t('keys.revokeConfirm')}
              </Button>
              <Button onClick={() => setRevoking(false)}>{t('keys.cancel')}</Button>
            </div>
          </form>
          <form className={styles.form} onSubmit={applyCertificate}>
            <Field label={t('keys.applyCertificate')} hint={t('keys.applyCertificateHint')}>
              <Textarea value={certificate} onChange={(_e, d) => setCertificate(d.value)} rows={3} spellCheck={false} />
            </Field>
            <div>
              <Button type="submit" disabled={busy || !certificate.trim()} data-testid="key-revocation-apply">
                {t('keys.applyCertificateButton')}
              </Button>
            </div>
          </form>
        </>
      ) : null}
    </li>
  );
}

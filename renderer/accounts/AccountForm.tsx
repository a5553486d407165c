import { Button, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import { useId, useState, type FormEvent } from 'react';
import type { AccountSecurity, AccountSummary } from '../../shared/domain.js';
import { defaultSmtpFor, presetForAddress } from '../../shared/mail-server-presets.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { defaultPort, draftFromAccount, EMPTY_DRAFT, validateDraft, type AccountDraft, type DraftField } from './account-validation.js';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '520px' },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, '& > *:first-child': { flexGrow: 1 } },
  port: { width: '110px' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400 },
  section: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
});

const SECURITIES: AccountSecurity[] = ['tls', 'starttls', 'plain'];

interface Props {
  onSaved: (account: AccountSummary) => void;
  onCancel?: () => void;
  /** In a dialog the dialog title names the form; on the welcome page the form has its own heading. */
  heading?: boolean;
  /** Edit this account (its password is typed only to change it); without it, add a new one. */
  account?: AccountSummary;
}

export function AccountForm({ onSaved, onCancel, heading = true, account }: Props) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const headingId = useId();
  const editing = account !== undefined;
  const [draft, setDraft] = useState<AccountDraft>(() => (account ? draftFromAccount(account) : EMPTY_DRAFT));
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<DraftField, string>>>({});
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [tested, setTested] = useState(false);
  const [presetUsed, setPresetUsed] = useState<string | null>(null);

  const update = <K extends DraftField>(field: K, value: AccountDraft[K]) => {
    setDraft((d) => {
      const next = { ...d, [field]: value };
      // Follow the usual port for the chosen security unless the user typed their own.
      if (field === 'security' && d.port === defaultPort(d.security)) next.port = defaultPort(value as AccountSecurity);
      return next;
    });
    setTested(false);
    setFieldErrors((e) => ({ ...e, [field]: undefined }));
  };

  /** From the address: the user name, and the usual servers of a known provider (never over the network). */
  const fillFromAddress = () => {
    if (editing) return;
    const preset = presetForAddress(draft.address);
    setDraft((d) => ({
      ...d,
      username: d.username || d.address.trim(),
      ...(preset && d.host === ''
        ? {
            host: preset.imap.host,
            port: String(preset.imap.port),
            security: preset.imap.security,
            smtpHost: preset.smtp.host,
            smtpPort: String(preset.smtp.port),
            smtpSecurity: preset.smtp.security,
          }
        : {}),
    }));
    if (preset && draft.host === '') setPresetUsed(preset.provider);
  };

  const run = async (kind: 'test' | 'save') => {
    const { input, errors } = validateDraft(draft, { passwordRequired: !editing || kind === 'test' });
    setFieldErrors(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v)])));
    setError(null);
    setTested(false);
    if (!input) return;
    setBusy(kind);
    try {
      if (kind === 'test') {
        const result = await api['accounts:connection:test']({ ...input, password: input.password ?? '' });
        if (result.ok) setTested(true);
        else setError(result.error);
      } else {
        const result = account
          ? await api['accounts:update']({ ...input, accountId: account.id })
          : await api['accounts:add']({ ...input, password: input.password ?? '' });
        if (result.ok) {
          if (!editing) setDraft(EMPTY_DRAFT);
          onSaved(result.value);
        } else setError(result.error);
      }
    } finally {
      setBusy(null);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('save');
  };

  const field = (name: DraftField) => ({
    validationState: fieldErrors[name] ? ('error' as const) : ('none' as const),
    validationMessage: fieldErrors[name],
  });
  const smtpDefault = defaultSmtpFor({ host: draft.host, port: 0, security: draft.smtpSecurity });

  return (
    <form className={styles.form} data-testid="account-form" aria-labelledby={heading ? headingId : undefined} noValidate onSubmit={submit}>
      {heading ? (
        <h3 id={headingId} className={styles.heading}>
          {t('account.formTitle')}
        </h3>
      ) : null}
      <Field label={t('account.displayName')} required {...field('displayName')}>
        <Input name="displayName" value={draft.displayName} onChange={(_e, d) => update('displayName', d.value)} />
      </Field>
      <Field label={t('account.address')} hint={t('account.addressHint')} {...field('address')}>
        <Input
          name="address"
          type="email"
          value={draft.address}
          autoComplete="off"
          spellCheck={false}
          onChange={(_e, d) => update('address', d.value)}
          onBlur={fillFromAddress}
        />
      </Field>
      {presetUsed ? (
        <Bar intent="info" data-testid="account-preset">
          {t('account.presetUsed', { provider: presetUsed })}
        </Bar>
      ) : null}
      <h4 className={styles.section}>{t('account.incoming')}</h4>
      <div className={styles.row}>
        <Field label={t('account.host')} hint={t('account.hostHint')} required {...field('host')}>
          <Input name="host" value={draft.host} autoComplete="off" spellCheck={false} onChange={(_e, d) => update('host', d.value)} />
        </Field>
        <Field label={t('account.port')} required className={styles.port} {...field('port')}>
          <Input name="port" type="number" min={1} max={65535} value={draft.port} onChange={(_e, d) => update('port', d.value)} />
        </Field>
      </div>
      <Field label={t('account.security')} required>
        <Select name="security" value={draft.security} onChange={(_e, d) => update('security', d.value as AccountSecurity)}>
          {SECURITIES.map((s) => (
            <option key={s} value={s}>
              {t(`account.security.${s}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('account.username')} required {...field('username')}>
        <Input name="username" value={draft.username} autoComplete="off" spellCheck={false} onChange={(_e, d) => update('username', d.value)} />
      </Field>
      <Field
        label={editing ? t('account.newPassword') : t('account.password')}
        hint={editing ? t('account.newPasswordHint') : undefined}
        required={!editing}
        {...field('password')}
      >
        <Input name="password" type="password" value={draft.password} autoComplete="off" onChange={(_e, d) => update('password', d.value)} />
      </Field>
      <h4 className={styles.section}>{t('account.outgoing')}</h4>
      <div className={styles.row}>
        <Field label={t('account.smtpHost')} hint={t('account.smtpHostHint')} {...field('smtpHost')}>
          <Input
            name="smtpHost"
            value={draft.smtpHost}
            placeholder={smtpDefault.host}
            autoComplete="off"
            spellCheck={false}
            onChange={(_e, d) => update('smtpHost', d.value)}
          />
        </Field>
        <Field label={t('account.smtpPort')} className={styles.port} {...field('smtpPort')}>
          <Input
            name="smtpPort"
            type="number"
            min={1}
            max={65535}
            value={draft.smtpPort}
            placeholder={String(smtpDefault.port)}
            onChange={(_e, d) => update('smtpPort', d.value)}
          />
        </Field>
      </div>
      <Field label={t('account.smtpSecurity')}>
        <Select name="smtpSecurity" value={draft.smtpSecurity} onChange={(_e, d) => update('smtpSecurity', d.value as AccountSecurity)}>
          {SECURITIES.map((s) => (
            <option key={s} value={s}>
              {t(`account.security.${s}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('account.teamName')} hint={t('account.teamNameHint')} {...field('teamName')}>
        <Input name="teamName" value={draft.teamName} onChange={(_e, d) => update('teamName', d.value)} />
      </Field>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {tested ? (
        <Bar intent="success" data-testid="connection-test-ok">
          {t('account.testOk')}
        </Bar>
      ) : null}
      <div className={styles.actions}>
        <Button type="button" data-testid="account-test" disabled={busy !== null || (editing && draft.password === '')} onClick={() => void run('test')}>
          {busy === 'test' ? t('account.testing') : t('account.test')}
        </Button>
        <Button type="submit" appearance="primary" data-testid="account-save" disabled={busy !== null}>
          {busy === 'save' ? t('account.saving') : t('account.save')}
        </Button>
        {onCancel ? (
          <Button type="button" appearance="secondary" onClick={onCancel}>
            {t('account.cancel')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}

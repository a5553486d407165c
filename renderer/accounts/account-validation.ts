import { accountInputSchema, accountUpdateSchema, type AccountInput, type AccountSecurity, type AccountSummary } from '../../shared/domain.js';
import { defaultSmtpFor } from '../../shared/mail-server-presets.js';
import type { MessageKey } from '../i18n/catalogs.js';

export interface AccountDraft {
  displayName: string;
  address: string;
  host: string;
  port: string;
  security: AccountSecurity;
  username: string;
  password: string;
  /** Empty host: the IMAP server on the submission port (shown as the placeholder). */
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: AccountSecurity;
  teamName: string;
}

export type DraftField = keyof AccountDraft;

export const EMPTY_DRAFT: AccountDraft = {
  displayName: '',
  address: '',
  host: '',
  port: '993',
  security: 'tls',
  username: '',
  password: '',
  smtpHost: '',
  smtpPort: '',
  smtpSecurity: 'tls',
  teamName: '',
};

/** The form for an existing account: its settings, no password (a new one is typed only to change it). */
export function draftFromAccount(account: AccountSummary): AccountDraft {
  return {
    displayName: account.displayName,
    address: account.address ?? '',
    host: account.host,
    port: String(account.port),
    security: account.security,
    username: account.username,
    password: '',
    smtpHost: account.smtp?.host ?? '',
    smtpPort: account.smtp ? String(account.smtp.port) : '',
    smtpSecurity: account.smtp?.security ?? account.security,
    teamName: account.teamName ?? '',
  };
}

const toPort = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

/**
 * The contract's own schema decides; this only turns its verdict into per-field messages. The
 * SMTP server is sent only when the person gave one (else the service uses the IMAP host).
 */
export function validateDraft(
  draft: AccountDraft,
  options: { passwordRequired: boolean } = { passwordRequired: true },
): { input: (Omit<AccountInput, 'password'> & { password?: string }) | null; errors: Partial<Record<DraftField, MessageKey>> } {
  const smtpGiven = draft.smtpHost.trim() !== '';
  const smtpPort = draft.smtpPort.trim() === '' ? defaultSmtpFor({ host: '', port: 0, security: draft.smtpSecurity }).port : toPort(draft.smtpPort);
  const candidate = {
    displayName: draft.displayName,
    host: draft.host,
    port: toPort(draft.port),
    security: draft.security,
    username: draft.username,
    ...(draft.password !== '' || options.passwordRequired ? { password: draft.password } : {}),
    ...(draft.teamName.trim() ? { teamName: draft.teamName } : {}),
    ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
    ...(smtpGiven ? { smtp: { host: draft.smtpHost, port: smtpPort, security: draft.smtpSecurity } } : {}),
  };
  // Editing: the password is optional (typed only to change it), the rest as when adding.
  const schema = options.passwordRequired ? accountInputSchema.strict() : accountUpdateSchema.omit({ accountId: true });
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return { input: parsed.data, errors: {} };
  const errors: Partial<Record<DraftField, MessageKey>> = {};
  for (const issue of parsed.error.issues) {
    const [top, inner] = issue.path as (string | undefined)[];
    const field = (top === 'smtp' ? (inner === 'port' ? 'smtpPort' : inner === 'security' ? 'smtpSecurity' : 'smtpHost') : top) as DraftField | undefined;
    if (!field || errors[field]) continue;
    if (field === 'port' || field === 'smtpPort') errors[field] = 'account.portInvalid';
    else if ((field === 'host' && draft.host.trim() !== '') || field === 'smtpHost') errors[field] = 'account.hostInvalid';
    else if (field === 'address') errors.address = 'account.addressInvalid';
    else errors[field] = 'account.fieldRequired';
  }
  return { input: null, errors };
}

export function defaultPort(security: AccountSecurity): string {
  return security === 'tls' ? '993' : '143';
}

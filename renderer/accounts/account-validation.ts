import { accountInputSchema, type AccountInput, type AccountSecurity } from '../../shared/domain.js';
import type { MessageKey } from '../i18n/catalogs.js';

export interface AccountDraft {
  displayName: string;
  host: string;
  port: string;
  security: AccountSecurity;
  username: string;
  password: string;
  teamName: string;
}

export type DraftField = keyof AccountDraft;

export const EMPTY_DRAFT: AccountDraft = { displayName: '', host: '', port: '993', security: 'tls', username: '', password: '', teamName: '' };

/** The contract's own schema decides; this only turns its verdict into per-field messages. */
export function validateDraft(draft: AccountDraft): { input: AccountInput | null; errors: Partial<Record<DraftField, MessageKey>> } {
  const candidate = {
    displayName: draft.displayName,
    host: draft.host,
    port: draft.port.trim() === '' ? Number.NaN : Number(draft.port),
    security: draft.security,
    username: draft.username,
    password: draft.password,
    ...(draft.teamName.trim() ? { teamName: draft.teamName } : {}),
  };
  const parsed = accountInputSchema.strict().safeParse(candidate);
  if (parsed.success) return { input: parsed.data, errors: {} };
  const errors: Partial<Record<DraftField, MessageKey>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as DraftField | undefined;
    if (!field || errors[field]) continue;
    if (field === 'port') errors.port = 'account.portInvalid';
    else if (field === 'host' && draft.host.trim() !== '') errors.host = 'account.hostInvalid';
    else errors[field] = 'account.fieldRequired';
  }
  return { input: null, errors };
}

export function defaultPort(security: AccountSecurity): string {
  return security === 'tls' ? '993' : '143';
}

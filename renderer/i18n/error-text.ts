import { ERROR_CODES, type AppError, type ErrorCode } from '../../shared/result.js';
import type { MessageKey } from './catalogs.js';
import type { Translate } from './use-t.js';

/** Codes whose server message adds something the translated text cannot (which field, what limit). */
const SHOW_DETAILS: ReadonlySet<ErrorCode> = new Set([
  'VALIDATION',
  'SERVER',
  'INTERNAL',
  'SETTINGS_INVALID',
  'POLICY_INVALID',
  'SEND_REJECTED',
  'JUSTIFICATION_REQUIRED',
  'TEAM_GRANT_REFUSED',
]);

export function errorKey(code: string): MessageKey | null {
  return (ERROR_CODES as readonly string[]).includes(code) ? (`error.${code as ErrorCode}` as const) : null;
}

export function describeError(t: Translate, error: AppError): { text: string; details: string | null } {
  const key = errorKey(error.code);
  if (!key) return { text: t('error.generic'), details: error.message ? t('error.details', { message: error.message }) : null };
  return { text: t(key), details: SHOW_DETAILS.has(error.code) && error.message ? t('error.details', { message: error.message }) : null };
}

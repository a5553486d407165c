/**
 * The result type every contract call returns. Errors never cross the process boundary as
 * thrown exceptions: they carry a stable code the UI translates and a message for logs/tests.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'KEYCHAIN_LOCKED',
  'KEYCHAIN_UNAVAILABLE',
  'SECRET_CORRUPT',
  'SETTINGS_INVALID',
  'DNS',
  'CONNECTION_REFUSED',
  'TLS_CERTIFICATE',
  'TLS_FAILED',
  'STARTTLS_REQUIRED',
  'PREAUTH_REFUSED',
  'INSECURE_NOT_ALLOWED',
  'AUTH_FAILED',
  'TIMEOUT',
  'CONNECTION_LOST',
  /** Browser host: this page's session credential was refused (a reloaded page, a spent launch address). */
  'SESSION_ENDED',
  'MAILBOX_UNAVAILABLE',
  'MESSAGE_GONE',
  'MESSAGE_PARSE',
  /** Too deeply nested or too many parts to open safely (a limit, not damage and not a missing message). */
  'MESSAGE_TOO_COMPLEX',
  'TOO_LARGE',
  'UNSAFE_URL',
  'SERVER',
  'DECRYPTION_FAILED',
  'KEY_LOCKED',
  'WRONG_PASSPHRASE',
  'POLICY_INVALID',
  'SEND_BLOCKED',
  'SEND_NOT_APPROVED',
  'JUSTIFICATION_REQUIRED',
  'SEND_REJECTED',
  /** The approved message could not be stored in the outbox: nothing was sent, the approval is unspent. */
  'OUTBOX_FAILED',
  'INTERNAL',
  /** A team-key grant failed a check (not signed by the lead it names, another team, lead not confirmed). */
  'TEAM_GRANT_REFUSED',
  /** The app is locked (idle time, the OS locked the screen, or the person locked it): no data until unlocked. */
  'LOCKED',
  /** The server can keep no team handling state (no conditional STORE of keywords, and no journal folder the person may add to). */
  'TEAM_STATE_UNSUPPORTED',
  /** Someone else handles the team message, or claimed or answered it since the composer opened. */
  'TEAM_ITEM_TAKEN',
  // Signing in with the organisation account (OAuth2, issue 14).
  /** The sign-in is no longer valid (refresh token revoked or expired): the person signs in again. */
  'SIGN_IN_REQUIRED',
  'OAUTH_CONSENT_REQUIRED',
  'OAUTH_ACCESS_DENIED',
  'OAUTH_UNREACHABLE',
  'OAUTH_FAILED',
  'CLOCK_SKEW',
  /** The mail service has SMTP AUTH turned off for the tenant (Microsoft 365: 535 5.7.139, 550 5.7.30). */
  'SMTP_AUTH_DISABLED',
  /** The audit trail could not record the action, so it was not done (an opened message is not shown). */
  'AUDIT_UNAVAILABLE',
  /** The organisation set this (enforced, or a setting only it may set): the person cannot change it. */
  'MANAGED_SETTING_LOCKED',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export interface AppError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.object({ code: errorCodeSchema, message: z.string() }) }),
  ]);
}

/** An error that services throw internally; the dispatcher turns it into a failed Result. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }
}

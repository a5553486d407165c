/** Maps what Node's sockets, TLS and imapflow throw to the contract's error codes, with a clear message each. */
import { ServiceError, type ErrorCode } from '../../../shared/result.js';

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

interface ImapLikeError {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  cause?: unknown;
}

export function classifyImapError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = (error ?? {}) as ImapLikeError;
  const code = e.code ?? '';
  const message = e.message ?? '';
  const [errorCode, text] = pick(code, message, e);
  return new ServiceError(errorCode, text, { cause: error });
}

function pick(code: string, message: string, e: ImapLikeError): [ErrorCode, string] {
  const causeCode = (e.cause as { code?: string } | undefined)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || causeCode === 'ENOTFOUND') {
    return ['DNS', 'The server name could not be found (DNS).'];
  }
  if (code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED') {
    return ['CONNECTION_REFUSED', 'The server refused the connection: check the host and port.'];
  }
  if (CERT_CODES.has(code) || CERT_CODES.has(causeCode) || /certificate/i.test(message)) {
    return ['TLS_CERTIFICATE', "The server's TLS certificate is not trusted or does not match its name."];
  }
  if (/PREAUTH/i.test(message)) {
    return ['PREAUTH_REFUSED', 'The server skipped login (PREAUTH) before encryption was set up; the connection was refused.'];
  }
  if (e.tlsFailed || /STARTTLS/i.test(message)) {
    return ['STARTTLS_REQUIRED', 'The server did not offer STARTTLS; the password was not sent.'];
  }
  if (e.authenticationFailed || code === 'AUTHENTICATIONFAILED' || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return ['AUTH_FAILED', 'The user name or password was not accepted.'];
  }
  if (/TIMEOUT|ETIMEDOUT/i.test(code) || /timed? ?out/i.test(message)) {
    return ['TIMEOUT', 'The server did not answer in time.'];
  }
  if (/EPROTO|ERR_SSL|ERR_TLS/i.test(code) || /SSL|TLS/i.test(message)) {
    return ['TLS_FAILED', 'A secure (TLS) connection could not be set up with the server.'];
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'NoConnection' || code === 'EConnectionClosed' || /closed/i.test(message)) {
    return ['CONNECTION_LOST', 'The connection to the server was lost.'];
  }
  return ['SERVER', 'The mail server reported an error.'];
}

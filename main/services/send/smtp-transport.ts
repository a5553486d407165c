/**
 * Trust boundary: how every SMTP connection is made, the counterpart of imap-client-factory.
 * nodemailer's defaults are not safe for client data — on port 587 it sends AUTH in plaintext
 * when the server does not offer STARTTLS — so the options are fixed here (fail closed):
 * - 'tls' is implicit TLS; 'starttls' sets `requireTLS`, so a stripped STARTTLS ends the
 *   connection before any credential or message byte is sent;
 * - certificates are verified (TLS 1.2+); a certificate error is reported, never ignored;
 * - 'plain' only to loopback (local test and demo servers);
 * - the SMTP envelope is given explicitly (never derived from headers), so Bcc-like surprises
 *   and header injection cannot change who receives the message.
 * Failures are classified for the outbox: temporary (retry with backoff) or permanent (keep the
 * draft, show the server's reason).
 */
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AccountSecurity } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import { isLoopbackHost } from '../mail/imap-client-factory.js';
import { ehloNameFor } from './message-id.js';
import type { Envelope, MailTransport } from './send-gate.js';

export interface SmtpEndpoint {
  host: string;
  port: number;
  security: AccountSecurity;
  username: string;
  password: string;
}

export interface SmtpTransportOptions {
  extraCaPem?: string;
  timeoutMs?: number;
  /**
   * The name announced in EHLO: the sender's domain (message-id.ts `ehloNameFor`); never the
   * workstation's own host name (it leaks into Received headers), never `.invalid`.
   */
  clientName?: string;
}

export function buildSmtpOptions(endpoint: SmtpEndpoint, options: SmtpTransportOptions = {}): SMTPTransport.Options {
  if (endpoint.security === 'plain' && !isLoopbackHost(endpoint.host)) {
    throw new ServiceError('INSECURE_NOT_ALLOWED', 'An unencrypted connection is allowed only to a server on this computer. Use TLS or STARTTLS.');
  }
  const timeout = options.timeoutMs ?? 30_000;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    requireTLS: endpoint.security === 'starttls',
    ignoreTLS: endpoint.security === 'plain',
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }), ...(options.extraCaPem ? { ca: [...rootCertificates, options.extraCaPem] } : {}) },
    auth: { user: endpoint.username, pass: endpoint.password },
    name: options.clientName ?? ehloNameFor(endpoint.username),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    // nodemailer would log message content and credentials at debug level: never.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export type SmtpFailureKind = 'temporary' | 'permanent';

export class SmtpSendError extends ServiceError {
  constructor(
    code: ConstructorParameters<typeof ServiceError>[0],
    message: string,
    readonly kind: SmtpFailureKind,
    /** The server's own words (for the person and for support), when it gave any. */
    readonly serverResponse?: string,
  ) {
    super(code, message);
  }
}

/** Maps nodemailer's errors to the contract's codes and says whether retrying can help. */
export function classifySmtpError(error: unknown): SmtpSendError {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const response = e.response?.slice(0, 500);
  // Before the response code: a missing STARTTLS comes with the EHLO reply's 250.
  if (e.code === 'ETLS') return new SmtpSendError('STARTTLS_REQUIRED', 'The mail server did not offer an encrypted connection, so nothing was sent.', 'permanent');
  if (typeof e.responseCode === 'number') {
    if (e.code === 'EAUTH') return new SmtpSendError('AUTH_FAILED', 'The mail server did not accept the user name or password.', 'permanent', response);
    return e.responseCode >= 500
      ? new SmtpSendError('SEND_REJECTED', `The mail server refused the message: ${response ?? e.responseCode}`, 'permanent', response)
      : new SmtpSendError('SERVER', `The mail server is temporarily unable to accept the message: ${response ?? e.responseCode}`, 'temporary', response);
  }
  // nodemailer reports socket errors as ESOCKET/ECONNECTION with the system error in the message.
  const system = /\b(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)\b/.exec(`${e.message ?? ''} ${(error as { errno?: string }).errno ?? ''}`)?.[1];
  switch (system === 'ENOTFOUND' || system === 'EAI_AGAIN' ? 'EDNS' : (system ?? e.code)) {
    case 'ECONNREFUSED':
      return new SmtpSendError('CONNECTION_REFUSED', 'The mail server refused the connection.', 'temporary');
    case 'ETIMEDOUT':
      return new SmtpSendError('TIMEOUT', 'The mail server did not answer in time.', 'temporary');
    case 'EDNS':
      return new SmtpSendError('DNS', 'The mail server name could not be resolved.', 'temporary');
    default:
      if (/certificate|self[- ]signed|unable to verify/i.test(e.message ?? '')) return new SmtpSendError('TLS_CERTIFICATE', `The mail server's certificate is not trusted: ${e.message}`, 'permanent');
      return new SmtpSendError('CONNECTION_LOST', 'The connection to the mail server was lost before the message was accepted.', 'temporary');
  }
}

export class SmtpTransport implements MailTransport {
  private readonly transporter;

  constructor(endpoint: SmtpEndpoint, options: SmtpTransportOptions = {}) {
    this.transporter = nodemailer.createTransport(buildSmtpOptions(endpoint, options));
  }

  async send(envelope: Envelope): Promise<void> {
    try {
      await this.transporter.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw: envelope.raw });
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

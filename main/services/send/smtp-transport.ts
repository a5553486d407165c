/**
 * Trust boundary: how every SMTP connection is made, the counterpart of imap-client-factory.
 * nodemailer's defaults are not safe for client data — on port 587 it sends AUTH in plaintext
 * when the server does not offer STARTTLS — so the options are fixed here (fail closed):
 * - 'tls' is implicit TLS; 'starttls' sets `requireTLS`, so a stripped STARTTLS ends the
 *   connection before any credential or message byte is sent;
 * - certificates are verified (TLS 1.2+); a certificate error is reported, never ignored;
 * - 'plain' only to loopback (local test and demo servers);
 * - the credential is asked at every connection (accounts/credentials.ts), never kept: a changed
 *   password or a refreshed token is used by the next message; an OAuth2 token the server
 *   refuses is dropped and a fresh one tried once (XOAUTH2), a refused password never retried;
 * - the SMTP envelope is given explicitly (never derived from headers), so Bcc-like surprises
 *   and header injection cannot change who receives the message.
 * Failures are classified for the outbox: temporary (retry with backoff), permanent (keep the
 * draft, show the server's reason) or uncertain: the whole message was handed to the server and
 * then the connection failed without its final answer, so it may have been accepted. Only the
 * person decides about such a copy; resending it on our own could deliver it twice.
 */
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AccountSecurity } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { Credential } from '../accounts/credentials.js';
import { isLoopbackHost } from '../mail/imap-client-factory.js';
import { ehloNameFor } from '../mime/message-id.js';
import type { Envelope, MailTransport } from './send-gate.js';

export interface SmtpEndpoint {
  host: string;
  port: number;
  security: AccountSecurity;
  /** The login name (also names the EHLO domain when no clientName is given). */
  username: string;
  /** Asked at every connection. */
  credential: () => Promise<Credential>;
  /** The server refused this credential: an OAuth2 token is dropped so the next ask refreshes it. */
  refused?: (credential: Credential) => Promise<void>;
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

export function buildSmtpOptions(endpoint: Omit<SmtpEndpoint, 'credential' | 'refused'>, options: SmtpTransportOptions = {}): SMTPTransport.Options {
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
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      ...(options.extraCaPem ? { ca: [...rootCertificates, options.extraCaPem] } : {}),
    },
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

export type SmtpFailureKind = 'temporary' | 'permanent' | 'uncertain';

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
  if (e.code === 'ETLS')
    return new SmtpSendError('STARTTLS_REQUIRED', 'The mail server did not offer an encrypted connection, so nothing was sent.', 'permanent');
  if (typeof e.responseCode === 'number') {
    // Microsoft 365 with SMTP AUTH turned off for the tenant or mailbox: only IT can change it.
    if (/\b5\.7\.(139|30)\b/.test(response ?? ''))
      return new SmtpSendError('SMTP_AUTH_DISABLED', 'SMTP AUTH is turned off for this mailbox or organisation.', 'permanent', response);
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
      if (/certificate|self[- ]signed|unable to verify/i.test(e.message ?? ''))
        return new SmtpSendError('TLS_CERTIFICATE', `The mail server's certificate is not trusted: ${e.message}`, 'permanent');
      return new SmtpSendError('CONNECTION_LOST', 'The connection to the mail server was lost before the message was accepted.', 'temporary');
  }
}

/**
 * The token for nodemailer's XOAUTH2 step. When the server refuses it, nodemailer asks again with
 * `renew`: we answer with an error, and `send` asks the credential provider for a fresh token on
 * a new connection (one home for refreshing, never a loop inside nodemailer).
 */
function xoauth2Token(user: string, accessToken: string) {
  return {
    getToken: (renew: boolean, callback: (error: Error | null, token?: string) => void) =>
      // The server's 535 to this token, as nodemailer would report a refused password.
      renew ? callback(Object.assign(new Error('The access token was refused.'), { code: 'EAUTH', responseCode: 535 })) : callback(null, accessToken),
    buildXOAuth2Token: (token: string) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`, 'utf8').toString('base64'),
  };
}

/** Chunks small enough that the socket's backpressure, not our buffer, decides how far the message got. */
const CHUNK = 64 * 1024;

export class SmtpTransport implements MailTransport {
  private readonly options: SMTPTransport.Options;
  private readonly connections = new Set<SMTPConnection>();

  constructor(
    private readonly endpoint: SmtpEndpoint,
    options: SmtpTransportOptions = {},
  ) {
    this.options = buildSmtpOptions(endpoint, options);
  }

  async send(envelope: Envelope): Promise<void> {
    // `handedOver` turns true when the last byte of the message went to the socket (DATA is
    // complete from our side, the final dot follows at once). A failure after that with no
    // answer from the server is not a failure we may retry: the server may have the message.
    let handedOver = false;
    let offset = 0;
    const message = new Readable({
      read() {
        if (offset >= envelope.raw.length) return void this.push(null);
        this.push(envelope.raw.subarray(offset, offset + CHUNK));
        offset += CHUNK;
      },
    });
    message.once('end', () => (handedOver = true));
    try {
      await this.transaction(envelope, message, await this.endpoint.credential()).catch(async (error: unknown) => {
        // A token refused at AUTH (nothing of the message sent yet): one more try with a fresh one.
        const refused = (error as { refusedCredential?: Credential }).refusedCredential;
        if (refused?.method !== 'oauth2' || !this.endpoint.refused) throw error;
        await this.endpoint.refused(refused);
        await this.transaction(envelope, message, await this.endpoint.credential());
      });
    } catch (error) {
      const failure = classifySmtpError(error);
      const answered = typeof (error as { responseCode?: unknown }).responseCode === 'number';
      if (handedOver && !answered) {
        throw new SmtpSendError(
          'CONNECTION_LOST',
          'The whole message was handed to the mail server, but the connection ended before the server confirmed it: it may have been delivered.',
          'uncertain',
        );
      }
      throw failure;
    }
  }

  close(): void {
    for (const connection of this.connections) connection.close();
    this.connections.clear();
  }

  /** One SMTP session (connect, AUTH when offered, MAIL/RCPT/DATA, QUIT) as nodemailer's SMTP transport runs it. */
  private transaction(envelope: Envelope, message: Readable, credential: Credential): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const connection = new SMTPConnection(this.options as ConstructorParameters<typeof SMTPConnection>[0]);
      this.connections.add(connection);
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        this.connections.delete(connection);
        if (error) {
          connection.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        } else {
          connection.quit();
          resolve();
        }
      };
      // `on`, not `once`: a late error (after QUIT) must never become an unhandled 'error' event.
      connection.on('error', (error: Error) => finish(error));
      connection.connect((error?: Error | null) => {
        if (error) return finish(error);
        const transfer = () => connection.send({ from: envelope.from, to: envelope.to }, message, (sendError) => finish(sendError ?? undefined));
        if (!connection.allowsAuth) return transfer();
        const login =
          credential.method === 'oauth2'
            ? { user: credential.user, method: 'XOAUTH2', oauth2: xoauth2Token(credential.user, credential.accessToken) }
            : { user: credential.user, credentials: { user: credential.user, pass: credential.password }, method: false };
        connection.login(login as Parameters<SMTPConnection['login']>[0], (loginError) =>
          loginError ? finish(Object.assign(loginError, { refusedCredential: credential })) : transfer(),
        );
      });
    });
  }
}

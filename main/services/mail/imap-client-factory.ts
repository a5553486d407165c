/**
 * Trust boundary: how every IMAP connection is made. Invariants (fail closed):
 * - 'tls' is implicit TLS with certificate verification and TLS 1.2+;
 * - 'starttls' REQUIRES the upgrade (imapflow `doSTARTTLS: true`): a server or attacker that does
 *   not offer STARTTLS, or answers with a PREAUTH greeting, gets a refused connection and never
 *   sees the password or token;
 * - 'plain' is allowed only to loopback addresses (local test and demo servers);
 * - imapflow never logs raw socket data (it would contain message content and credentials).
 */
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { ServiceError } from '../../../shared/result.js';
import type { AccountSecurity } from '../../../shared/domain.js';
import type { Logger } from '../logging/logger.js';
import type { Credential } from '../accounts/credentials.js';

/** The server and the credential asked for this connection (accounts/credentials.ts). */
export interface ImapEndpoint {
  host: string;
  port: number;
  security: AccountSecurity;
  credential: Credential;
}

export interface ImapClientFactoryOptions {
  /** Extra trusted CA certificates (PEM), added to the system roots — e.g. an organisation's CA. */
  extraCaPem?: string;
  connectTimeoutMs?: number;
  logger: Logger;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

export function buildImapOptions(endpoint: ImapEndpoint, options: ImapClientFactoryOptions): ImapFlowOptions {
  if (endpoint.security === 'plain' && !isLoopbackHost(endpoint.host)) {
    throw new ServiceError('INSECURE_NOT_ALLOWED', 'An unencrypted connection is allowed only to a server on this computer. Use TLS or STARTTLS.');
  }
  const timeout = options.connectTimeoutMs ?? 15_000;
  const ca = options.extraCaPem ? [...rootCertificates, options.extraCaPem] : undefined;
  const log = options.logger;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    doSTARTTLS: endpoint.security === 'starttls' ? true : endpoint.security === 'plain' ? false : undefined,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
    // An OAuth2 token goes as OAUTHBEARER when offered, else XOAUTH2 (imapflow chooses).
    auth:
      endpoint.credential.method === 'oauth2'
        ? { user: endpoint.credential.user, accessToken: endpoint.credential.accessToken }
        : { user: endpoint.credential.user, pass: endpoint.credential.password },
    qresync: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 5 * 60_000,
    disableAutoIdle: false,
    // imapflow waits 15 s of quiet before IDLE; a selected mailbox must show new mail at once.
    autoIdleDelay: 300,
    logRaw: false,
    emitLogs: false,
    logger: {
      // imapflow's own log records can carry protocol data: keep only warnings/errors, and of
      // those only the message text and error code.
      debug: () => undefined,
      info: () => undefined,
      warn: (obj: { msg?: string; err?: { code?: string } }) => log.debug('imap warning', { msg: obj?.msg, code: obj?.err?.code }),
      error: (obj: { msg?: string; err?: { code?: string } }) => log.debug('imap error', { msg: obj?.msg, code: obj?.err?.code }),
    },
  };
}

export function createImapClient(endpoint: ImapEndpoint, options: ImapClientFactoryOptions): ImapFlow {
  const client = new ImapFlow(buildImapOptions(endpoint, options));
  // An unhandled 'error' event would crash the services process; connection loss is handled by
  // whoever owns the client through the 'close' event.
  client.on('error', (error: Error & { code?: string }) => options.logger.debug('imap connection error', { code: error.code }));
  return client;
}

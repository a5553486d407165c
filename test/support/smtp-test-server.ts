/**
 * A real SMTP server on loopback for tests (the `smtp-server` package, as PLATFORM-NOTES allows
 * for fault injection), with the test Dovecot's certificate: implicit TLS, STARTTLS, or a server
 * that hides STARTTLS (a downgrade attack). Accepted messages can be delivered on into Dovecot
 * over LMTP. Faults: temporary failures, a dropped connection in the middle of DATA, a connection
 * dropped after the whole message arrived but before the server's answer (the server keeps it),
 * rejected recipients. It records every AUTH attempt and every message (with the EHLO name it came
 * with), to prove what did (not) arrive.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { deliverLmtp } from './lmtp-deliver.js';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** The name the client announced in EHLO/HELO. */
  helo: string;
}

export interface SmtpTestServer {
  port: number;
  received: ReceivedMessage[];
  /** Every AUTH the server saw, marked when it came over an unencrypted connection. */
  authAttempts: string[];
  faults: { temporaryFailures: number; dropNextData: boolean; dropAfterNextData: boolean; rejectRecipients: string[] };
  close(): Promise<void>;
}

export interface SmtpTestServerOptions {
  mode: 'tls' | 'starttls' | 'strip-starttls' | 'plain';
  /** The test Dovecot's config file: its directory holds the TLS certificate to serve. */
  dovecotConfigPath: string;
  users: Record<string, string>;
  /** XOAUTH2 offered too: whether this access token is good for the user (e.g. the provider's introspection). */
  acceptToken?: (user: string, accessToken: string) => Promise<boolean>;
  /** Deliver accepted messages into Dovecot (recipient local part = Dovecot user). */
  lmtpPort?: number;
  /** Only recipients in these domains are delivered into Dovecot; the rest are just recorded (the "internet"). */
  deliverDomain?: string | string[];
}

export async function startSmtpTestServer(options: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const tlsDir = join(dirname(options.dovecotConfigPath), 'tls');
  const state: SmtpTestServer = {
    port: 0,
    received: [],
    authAttempts: [],
    faults: { temporaryFailures: 0, dropNextData: false, dropAfterNextData: false, rejectRecipients: [] },
    close: async () => undefined,
  };
  const serverOptions: SMTPServerOptions = {
    secure: options.mode === 'tls',
    key: readFileSync(join(tlsDir, 'server.key')),
    cert: readFileSync(join(tlsDir, 'server.pem')),
    hideSTARTTLS: options.mode === 'strip-starttls' || options.mode === 'plain',
    disabledCommands: options.mode === 'plain' || options.mode === 'strip-starttls' ? ['STARTTLS'] : [],
    allowInsecureAuth: options.mode === 'plain' || options.mode === 'strip-starttls',
    authMethods: options.acceptToken ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    size: 60 * 1024 * 1024,
    logger: false,
    onAuth(auth, session, callback) {
      state.authAttempts.push(`${auth.username}${session.secure ? '' : ' (in plaintext)'}`);
      if (auth.method === 'XOAUTH2') {
        void (options.acceptToken?.(auth.username ?? '', auth.accessToken ?? '') ?? Promise.resolve(false)).then((good) =>
          good ? callback(null, { user: auth.username }) : callback(null, { data: { status: '401', schemes: 'bearer' } }),
        );
        return;
      }
      if (options.users[auth.username ?? ''] === auth.password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (state.faults.rejectRecipients.includes(address.address))
        return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      const dropConnections = () => {
        for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) connection._socket.destroy();
      };
      if (state.faults.dropNextData) {
        state.faults.dropNextData = false;
        // Part of the message is in: the connection dies before the server answers.
        stream.once('data', dropConnections);
        stream.resume();
        return;
      }
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.faults.temporaryFailures > 0) {
          state.faults.temporaryFailures -= 1;
          return callback(Object.assign(new Error('4.3.0 Temporary failure, try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks);
        const message = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          helo: session.hostNameAppearsAs,
        };
        if (state.faults.dropAfterNextData) {
          state.faults.dropAfterNextData = false;
          // The whole message is in and the server keeps it, but its 250 never reaches the client.
          state.received.push(message);
          dropConnections();
          return;
        }
        const domains = options.deliverDomain === undefined ? null : [options.deliverDomain].flat();
        const local = message.to.filter((to) => !domains || domains.some((d) => to.toLowerCase().endsWith(`@${d}`)));
        const deliver = options.lmtpPort ? Promise.all(local.map((to) => deliverLmtp(options.lmtpPort!, to.split('@')[0]!, raw))) : Promise.resolve([]);
        deliver.then(
          () => {
            state.received.push(message);
            callback();
          },
          (error: Error) => callback(Object.assign(error, { responseCode: 451 })),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

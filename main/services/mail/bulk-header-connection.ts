/**
 * Trust boundary: a second, short-lived IMAP connection that does one thing — stream the bulk
 * header FETCH of a mailbox into compact rows (bulk-fetch-parser.ts) — because imapflow builds a
 * token tree and objects for every message, which is where a 50,000-message sync spent its time.
 * imapflow offers no way to read a command's raw response, and taking over its socket would race
 * its reader, IDLE and compression; so this is its own connection, made from exactly the options
 * imap-client-factory builds for imapflow (host, port, TLS settings, credentials), with the same
 * invariants:
 * - implicit TLS or a REQUIRED STARTTLS, certificates verified, TLS 1.2+; plain only to loopback
 *   (refused by buildImapOptions before anything connects);
 * - a PREAUTH greeting is refused, and so are bytes the server sends after its STARTTLS answer
 *   before the TLS handshake (STARTTLS command injection);
 * - the mailbox is opened with EXAMINE (read-only: a FETCH here never sets \Seen), and the rows
 *   are accepted only when its UIDVALIDITY is the one the session's state belongs to;
 * - nothing it receives is logged (it is message content), and errors name no content.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ImapFlowOptions } from 'imapflow';
import { encodePath } from 'imapflow/lib/tools.js';
import { ServiceError } from '../../../shared/result.js';
import { ResponseFramer } from './bulk-fetch-framer.js';
import { BulkFetchParseError, FetchResponseParser } from './bulk-fetch-parser.js';
import type { CompactRow, StringInterner } from './compact-row.js';
import { toUidRange } from './uid-ranges.js';

export const BULK_FETCH_ITEMS = '(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)';

type Waiter = { tag: string; onUntagged?: (response: Buffer) => void; resolve: (text: string) => void; reject: (error: Error) => void };

export interface BulkFetchResult {
  /** Rows parsed. */
  rows: number;
  /** FETCH responses that did not parse (their messages got no row). */
  malformed: number;
}

export class BulkHeaderConnection {
  private socket: Socket | TLSSocket;
  private framer: ResponseFramer;
  private waiter: Waiter | null = null;
  private onContinue: (() => void) | null = null;
  private failure: Error | null = null;
  private tagCounter = 0;
  private greeting: ((response: Buffer) => void) | null = null;
  /** Set between STARTTLS's OK and the handshake: any response then is an injection. */
  private awaitingTls = false;
  private startTlsTag = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    this.framer = new ResponseFramer((response) => this.dispatch(response));
    this.listen(socket);
  }

  /** Connects, secures, authenticates and EXAMINEs `path`, checking its UIDVALIDITY. */
  static async open(options: ImapFlowOptions, path: string, uidValidity: bigint): Promise<BulkHeaderConnection> {
    const { host, port } = options;
    if (!host || !port) throw new ServiceError('VALIDATION', 'No server for the header connection.');
    const timeout = options.connectionTimeout ?? 15_000;
    const tls = { ...(options.tls ?? {}), servername: isIpLiteral(host) ? undefined : host };
    const socket: Socket = options.secure ? tlsConnect({ host, port, ...tls }) : netConnect(port, host);
    const connection = new BulkHeaderConnection(socket);
    const timer = setTimeout(() => connection.destroy(new ServiceError('CONNECTION_LOST', 'The server did not answer in time.')), timeout);
    try {
      await connection.readGreeting();
      if (!options.secure && options.doSTARTTLS === true) await connection.startTls(host, tls);
      else if (!options.secure && options.doSTARTTLS !== false) throw new ServiceError('STARTTLS_REQUIRED', 'Refusing an unencrypted connection.');
      const capabilities = await connection.capabilities();
      await connection.authenticate(options.auth, capabilities);
      await connection.examine(path, uidValidity);
      connection.socket.setTimeout(options.socketTimeout ?? 5 * 60_000, () =>
        connection.destroy(new ServiceError('CONNECTION_LOST', 'The connection to the server timed out.')),
      );
      return connection;
    } catch (error) {
      connection.destroy(error as Error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `UID FETCH` of these UIDs; each row goes to `onRow` as soon as its response is parsed. */
  async fetch(uids: readonly number[], onRow: (row: CompactRow) => void, interner?: StringInterner): Promise<BulkFetchResult> {
    const parser = new FetchResponseParser(interner);
    const result: BulkFetchResult = { rows: 0, malformed: 0 };
    await this.command(`UID FETCH ${toUidRange(uids)} ${BULK_FETCH_ITEMS}`, (response) => {
      try {
        const outcome = parser.parse(response);
        if (outcome.kind === 'row') {
          result.rows++;
          onRow(outcome.row);
        }
      } catch (error) {
        if (!(error instanceof BulkFetchParseError)) throw error;
        result.malformed++;
      }
    });
    return result;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.command('LOGOUT');
    } catch {
      // The server may close before its tagged answer; the connection ends either way.
    }
    this.destroy(new ServiceError('CONNECTION_LOST', 'The connection was closed.'));
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      try {
        this.framer.push(chunk);
      } catch (error) {
        this.destroy(error as Error);
      }
    });
    socket.on('error', (error: Error & { code?: string }) =>
      this.destroy(new ServiceError('CONNECTION_LOST', `The connection to the server failed${error.code ? ` (${error.code})` : ''}.`)),
    );
    socket.on('close', () => this.destroy(new ServiceError('CONNECTION_LOST', 'The server closed the connection.')));
  }

  private destroy(error: Error): void {
    if (!this.failure) this.failure = error;
    this.socket.destroy();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(this.failure);
    const greeting = this.greeting;
    this.greeting = null;
    if (greeting) greeting(Buffer.alloc(0));
  }

  private dispatch(response: Buffer): void {
    if (this.awaitingTls) {
      this.destroy(new ServiceError('STARTTLS_REQUIRED', 'The server sent data before the TLS handshake.'));
      return;
    }
    if (this.greeting) {
      const greeting = this.greeting;
      this.greeting = null;
      greeting(response);
      return;
    }
    if (response[0] === 0x2a /* * */) {
      if (startsWithText(response, '* BYE')) {
        if (this.waiter?.tag === 'LOGOUT') return;
        this.destroy(new ServiceError('CONNECTION_LOST', 'The server ended the connection.'));
        return;
      }
      this.waiter?.onUntagged?.(response);
      return;
    }
    if (response[0] === 0x2b /* + */) {
      const next = this.onContinue;
      this.onContinue = null;
      if (next) next();
      else this.destroy(new ServiceError('SERVER', 'The server sent an unexpected continuation.'));
      return;
    }
    const waiter = this.waiter;
    const text = response.toString('latin1');
    if (!waiter || !text.startsWith(`${waiter.tag} `)) {
      this.destroy(new ServiceError('SERVER', 'The server answered a command that was not sent.'));
      return;
    }
    this.waiter = null;
    const status = text.slice(waiter.tag.length + 1, waiter.tag.length + 4).toUpperCase();
    const ok = status === 'OK ' || (status === 'OK' && text.length === waiter.tag.length + 3);
    if (ok && this.startTlsTag === waiter.tag) this.awaitingTls = true;
    if (ok) waiter.resolve(text);
    else waiter.reject(new ServiceError('SERVER', 'The server refused the header fetch.'));
  }

  private command(command: string, onUntagged?: (response: Buffer) => void, onContinue?: () => void): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const tag = command === 'LOGOUT' ? 'LOGOUT' : `b${++this.tagCounter}`;
    if (command === 'STARTTLS') this.startTlsTag = tag;
    return new Promise<string>((resolve, reject) => {
      this.waiter = { tag, onUntagged, resolve, reject };
      this.onContinue = onContinue ?? null;
      this.socket.write(`${tag} ${command}\r\n`);
    });
  }

  private readGreeting(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.greeting = (response) => {
        if (this.failure) return reject(this.failure);
        if (startsWithText(response, '* OK')) return resolve();
        // PREAUTH would skip authentication (and STARTTLS with it): never accepted.
        reject(new ServiceError('PREAUTH_REFUSED', 'The server greeting was refused.'));
      };
    });
  }

  private async startTls(host: string, tls: Record<string, unknown>): Promise<void> {
    await this.command('STARTTLS');
    if (this.framer.partial || this.failure) throw this.failure ?? new ServiceError('STARTTLS_REQUIRED', 'The server sent data before the TLS handshake.');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tlsConnect({ socket: plain, host, ...tls });
    this.socket = secure;
    this.listen(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.awaitingTls = false;
  }

  private async capabilities(): Promise<Set<string>> {
    const found = new Set<string>();
    await this.command('CAPABILITY', (response) => {
      const text = response.toString('latin1');
      if (/^\* CAPABILITY /i.test(text)) for (const c of text.slice(13).split(' ')) if (c) found.add(c.toUpperCase());
    });
    return found;
  }

  private async authenticate(auth: ImapFlowOptions['auth'], capabilities: Set<string>): Promise<void> {
    if (!auth?.user) throw new ServiceError('AUTH_FAILED', 'No credentials for the header connection.');
    const refused = () => new ServiceError('AUTH_FAILED', 'The server refused the credentials.');
    let mechanism: string;
    let initial: string;
    if (auth.accessToken) {
      mechanism = 'XOAUTH2';
      initial = Buffer.from(`user=${auth.user}\x01auth=Bearer ${auth.accessToken}\x01\x01`, 'utf8').toString('base64');
    } else if (capabilities.has('AUTH=PLAIN')) {
      mechanism = 'PLAIN';
      initial = Buffer.from(`\x00${auth.user}\x00${auth.pass ?? ''}`, 'utf8').toString('base64');
    } else {
      throw new ServiceError('AUTH_FAILED', 'The server offers no login method the header connection supports.');
    }
    const command = capabilities.has('SASL-IR')
      ? this.command(`AUTHENTICATE ${mechanism} ${initial}`)
      : this.command(`AUTHENTICATE ${mechanism}`, undefined, () => this.socket.write(`${initial}\r\n`));
    await command.catch(() => {
      throw refused();
    });
  }

  private async examine(path: string, uidValidity: bigint): Promise<void> {
    const encoded = encodePath({ enabled: new Set(), capabilities: new Map() } as never, path);
    // Modified UTF-7 leaves only printable ASCII; anything else cannot be a quoted string.
    if (![...encoded].every((c) => c >= ' ' && c <= '~')) throw new ServiceError('MAILBOX_UNAVAILABLE', 'The mailbox name cannot be sent as is.');
    let seen: bigint | null = null;
    await this.command(`EXAMINE "${encoded.replace(/["\\]/g, '\\$&')}"`, (response) => {
      const match = /^\* OK \[UIDVALIDITY (\d{1,10})\]/i.exec(response.toString('latin1'));
      if (match) seen = BigInt(match[1]!);
    });
    if (seen !== uidValidity) throw new ServiceError('MAILBOX_UNAVAILABLE', 'The mailbox changed while its headers were being read.');
  }
}

function startsWithText(response: Buffer, text: string): boolean {
  return response.length >= text.length && response.toString('latin1', 0, text.length).toUpperCase() === text.toUpperCase();
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

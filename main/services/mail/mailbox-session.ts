/**
 * One open mailbox: its own IMAP connection, kept selected so the server's IDLE/unsolicited
 * responses deliver new, expunged and re-flagged messages live. Header sync is incremental:
 * the UID list comes first (cheap), rows are fetched in UID windows newest first — a page the UI
 * asks for jumps the queue — and on re-open CONDSTORE/QRESYNC tells whether anything changed at all.
 * Message bodies are never fetched here except for the one message being opened.
 */
import type { ImapFlow } from 'imapflow';
import type { MailboxRef, MailEvent, MessagePage, SortOrder } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { Logger } from '../logging/logger.js';
import type { BulkHeaderConnection } from './bulk-header-connection.js';
import { classifyImapError } from './imap-errors.js';
import { MailboxState } from './mailbox-state.js';
import { flagsFromSet, toMessageRow, type FetchedHeaderData } from './message-row.js';
import { expandUidSet, toUidRange } from './uid-ranges.js';

export const HEADER_QUERY = {
  uid: true,
  flags: true,
  size: true,
  internalDate: true,
  envelope: true,
  bodyStructure: true,
} as const;

const DEFAULT_WINDOW = 1000;
/** UIDs per command on the bulk header connection: few round trips, and a reply never huge. */
const DEFAULT_BULK_WINDOW = 10_000;

/** Every UID in the selected mailbox; ESEARCH (RFC 4731) keeps the answer a compact set. */
async function listUids(client: ImapFlow, exists: number): Promise<number[]> {
  const result = await client.search({ all: true }, { uid: true, returnOptions: ['ALL'] });
  if (result === false || result === undefined) throw new ServiceError('SERVER', 'The server refused to list the messages of this mailbox.');
  if (Array.isArray(result)) return [...new Set(result)].sort((a, b) => a - b);
  return expandUidSet(result.all ?? '', exists);
}

export interface MailboxSessionDeps {
  ref: MailboxRef;
  connect: () => Promise<ImapFlow>;
  /** State left by an earlier session of this mailbox, reused when UIDVALIDITY still matches. */
  previousState?: MailboxState;
  emit: (event: MailEvent) => void;
  logger: Logger;
  reconnectDelaysMs?: number[];
  /** Headers fetched per background window. */
  windowSize?: number;
  /**
   * Opens the bulk header connection (bulk-header-connection.ts) for this mailbox at this
   * UIDVALIDITY; without it, or when it fails, the backfill runs on the session's imapflow
   * connection.
   */
  openBulk?: (uidValidity: bigint) => Promise<BulkHeaderConnection>;
  bulkWindowSize?: number;
  /** Keeps the state for the next run (the sealed header cache), when complete and on close. */
  persist?: (state: MailboxState) => Promise<void>;
}

export class MailboxSession {
  private client: ImapFlow | null = null;
  state: MailboxState | null = null;
  private opening: Promise<void> | null = null;
  private backfill: Promise<void> | null = null;
  private closed = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backfillRequested = false;
  private bulk: { connection: BulkHeaderConnection; state: MailboxState } | null = null;
  /** Set after the bulk connection failed once: the rest of this session uses imapflow. */
  private bulkDisabled = false;

  constructor(private readonly deps: MailboxSessionDeps) {
    this.state = deps.previousState ?? null;
  }

  get ref(): MailboxRef {
    return this.deps.ref;
  }

  /** Connects, selects and brings the UID list up to date. Safe to call repeatedly. */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new ServiceError('CONNECTION_LOST', 'The mailbox was closed.'));
    this.opening ??= this.doOpen().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async page(offset: number, limit: number, sort: SortOrder): Promise<MessagePage> {
    // Rows from the sealed cache show at once, while the connection opens and brings them up to
    // date (a 'resync' event follows when anything changed).
    if (!this.client && this.state?.complete && !this.closed) {
      this.open().catch((error: unknown) => this.deps.logger.info('mailbox open failed', { code: (error as { code?: string }).code }));
      return this.answer(this.state, offset, limit, sort);
    }
    const state = await this.ready();
    let uids = state.slice(sort, offset, limit);
    const missing = uids.filter((uid) => !state.rows.has(uid));
    if (missing.length) {
      await this.fetchRows(missing);
      uids = state.slice(sort, offset, limit);
    }
    this.backfillRequested = true;
    this.startBackfill();
    return this.answer(state, offset, limit, sort);
  }

  private answer(state: MailboxState, offset: number, limit: number, sort: SortOrder): MessagePage {
    return {
      total: state.total,
      offset,
      rows: state.slice(sort, offset, limit).map((uid) => state.row(uid)),
      complete: state.complete,
    };
  }

  /** Runs an operation on this session's selected connection. */
  async withClient<T>(operation: (client: ImapFlow) => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await operation(this.client!);
    } catch (error) {
      throw classifyImapError(error);
    }
  }

  /** Resolves once every header is known (used by tests and the benchmark). */
  async whenComplete(): Promise<void> {
    await this.ready();
    this.backfillRequested = true;
    this.startBackfill();
    while (this.backfill) await this.backfill;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await this.closeBulk();
    if (client) await client.logout().catch(() => client.close());
    await this.persist();
  }

  private async persist(): Promise<void> {
    if (!this.deps.persist || !this.state) return;
    await this.deps.persist(this.state).catch((error: unknown) => this.deps.logger.info('header cache not saved', { code: (error as { code?: string }).code }));
  }

  /** Opens the mailbox unless this session already has it selected. */
  async ready(): Promise<MailboxState> {
    if (!this.client || !this.client.usable || !this.state) await this.open();
    return this.state!;
  }

  private async doOpen(): Promise<void> {
    const client = await this.deps.connect();
    try {
      const mailbox = await client.mailboxOpen(this.deps.ref.path);
      const uidValidity = BigInt(mailbox.uidValidity);
      const previous = this.state && this.state.uidValidity === uidValidity ? this.state : null;
      const unchanged =
        previous !== null &&
        mailbox.highestModseq !== undefined &&
        previous.highestModseq === BigInt(mailbox.highestModseq) &&
        previous.total === mailbox.exists;
      const state = previous ?? new MailboxState(uidValidity);
      if (!unchanged) {
        state.setUids(mailbox.exists ? await listUids(client, mailbox.exists) : []);
        if (previous?.highestModseq !== undefined && previous.rows.size) {
          await this.refreshChangedFlags(client, state, previous.highestModseq);
        }
      }
      state.highestModseq = mailbox.highestModseq !== undefined ? BigInt(mailbox.highestModseq) : undefined;
      this.state = state;
      this.attach(client);
      this.reconnectAttempt = 0;
      // Also when the state was replaced (UIDVALIDITY changed): rows shown from the cache are gone.
      if ((!unchanged && previous) || (this.deps.previousState && !previous)) this.emitChanged('resync');
      // On the session's connection the backfill starts after the first page the UI asks for
      // (see page()), so that page does not queue behind a whole window of older headers; the bulk
      // header connection is another connection, so it starts at once. A reconnect resumes it.
      if (previous || this.backfillRequested || this.deps.openBulk) this.startBackfill();
    } catch (error) {
      client.close();
      throw classifyImapError(error);
    }
  }

  private async refreshChangedFlags(client: ImapFlow, state: MailboxState, since: bigint): Promise<void> {
    for await (const message of client.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: since })) {
      state.updateFlags(message.uid, flagsFromSet(message.flags));
    }
  }

  private attach(client: ImapFlow): void {
    this.client = client;
    client.on('exists', (info: { count: number; prevCount: number }) => {
      if (client !== this.client) return;
      void this.onExists(client, info.count).catch((error) => this.deps.logger.warn('new mail sync failed', { code: (error as { code?: string }).code }));
    });
    client.on('expunge', (info: { seq?: number; uid?: number }) => {
      if (client !== this.client || !this.state) return;
      const uid = info.uid ?? (info.seq ? this.state.uidAtSequence(info.seq) : undefined);
      if (uid !== undefined && this.state.removeUid(uid)) this.emitChanged('expunged');
    });
    client.on('flags', (info: { uid?: number; seq: number; flags: Set<string> }) => {
      if (client !== this.client || !this.state) return;
      const uid = info.uid ?? this.state.uidAtSequence(info.seq);
      if (uid !== undefined && this.state.updateFlags(uid, flagsFromSet(info.flags))) this.emitChanged('flags');
    });
    client.on('close', () => {
      if (client !== this.client) return;
      this.client = null;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private async onExists(client: ImapFlow, count: number): Promise<void> {
    const state = this.state!;
    if (count <= state.total) return;
    const lastUid = state.uids[state.uids.length - 1] ?? 0;
    const fresh: number[] = [];
    for await (const message of client.fetch(`${lastUid + 1}:*`, HEADER_QUERY, { uid: true })) {
      if (message.uid > lastUid) fresh.push(message.uid);
      state.appendUids([message.uid]);
      state.putRow(toMessageRow(message as FetchedHeaderData));
    }
    if (fresh.length) this.emitChanged('new');
  }

  private startBackfill(): void {
    if (this.backfill || !this.state || this.state.complete) return;
    this.backfill = (async () => {
      try {
        while (this.client && this.state && !this.state.complete && !this.closed) {
          if (this.deps.openBulk && !this.bulkDisabled) await this.fetchRowsInBulk(this.state);
          else await this.fetchRows(this.state.missing(this.deps.windowSize ?? DEFAULT_WINDOW));
        }
      } catch (error) {
        this.deps.logger.info('header backfill interrupted', { code: (error as { code?: string }).code });
      } finally {
        this.backfill = null;
        await this.closeBulk();
      }
      if (this.state?.complete && !this.closed) {
        this.emitChanged('resync');
        // Sealing and writing the cache is not part of the sync: nobody waits for it.
        void this.persist();
      }
    })();
  }

  private async fetchRows(uids: number[]): Promise<void> {
    if (!uids.length) return;
    const client = this.client;
    const state = this.state;
    if (!client || !state) throw new ServiceError('CONNECTION_LOST', 'The connection to the server was lost.');
    try {
      for await (const message of client.fetch(toUidRange(uids), HEADER_QUERY, { uid: true })) {
        state.putRow(toMessageRow(message as FetchedHeaderData));
      }
    } catch (error) {
      throw classifyImapError(error);
    }
    // The server answers only for UIDs that still exist: forget the ones it skipped.
    for (const uid of uids) if (!state.rows.has(uid)) state.removeUid(uid);
  }

  /**
   * One window of the backfill on the bulk header connection. A window with a response that did
   * not parse is read again through imapflow (no row is guessed); a connection that fails is
   * given up for this session, and the backfill goes on through imapflow.
   */
  private async fetchRowsInBulk(state: MailboxState): Promise<void> {
    const uids = state.missing(this.deps.bulkWindowSize ?? DEFAULT_BULK_WINDOW);
    if (!uids.length) return;
    let result;
    try {
      if (this.bulk?.state !== state) {
        await this.closeBulk();
        this.bulk = { connection: await this.deps.openBulk!(state.uidValidity), state };
      }
      result = await this.bulk.connection.fetch(uids, (row) => state.putBulkRow(row), state.interner);
    } catch (error) {
      this.deps.logger.info('bulk header connection failed; using the session connection', { code: (error as { code?: string }).code });
      this.bulkDisabled = true;
      await this.closeBulk();
      return;
    }
    if (result.malformed) {
      this.deps.logger.warn('malformed header responses; reading the window again', { malformed: result.malformed });
      await this.fetchRows(uids);
      return;
    }
    // The server answers only for UIDs that still exist: forget the ones it skipped.
    if (state === this.state) for (const uid of uids) if (!state.rows.has(uid)) state.removeUid(uid);
  }

  private async closeBulk(): Promise<void> {
    const bulk = this.bulk;
    this.bulk = null;
    await bulk?.connection.close();
  }

  private scheduleReconnect(): void {
    const delays = this.deps.reconnectDelaysMs ?? [250, 1000, 3000, 10_000, 30_000];
    const delay = delays[Math.min(this.reconnectAttempt, delays.length - 1)]!;
    this.reconnectAttempt++;
    this.deps.emit({ type: 'connection', accountId: this.deps.ref.accountId, state: 'reconnecting' });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.open().then(
        () => this.deps.emit({ type: 'connection', accountId: this.deps.ref.accountId, state: 'connected' }),
        () => this.scheduleReconnect(),
      );
    }, delay);
  }

  private emitChanged(reason: 'new' | 'expunged' | 'flags' | 'resync'): void {
    this.deps.emit({ type: 'mailbox-changed', mailbox: this.deps.ref, reason, total: this.state?.total ?? 0 });
  }
}

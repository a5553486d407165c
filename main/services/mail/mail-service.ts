/**
 * The mail capability: accounts, their connections, open mailboxes and message actions.
 * Credentials are asked from the credential provider (accounts/credentials.ts) each time a
 * connection is made and never kept or returned; accounts themselves belong to accounts/.
 * Every user action on a message emits a domain event (the audit trail's seam).
 */
import type { ImapFlow } from 'imapflow';
import type { SearchQuery } from '../../../shared/search-schema.js';
import type { AccountSummary, MailboxGroup, MailboxRef, MessagePage, MessageRow, MessageView, SortOrder } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { MailEventHub } from '../events/mail-events.js';
import type { Logger } from '../logging/logger.js';
import type { AccountConnections, AccountService, ImapServer, SendingAccount } from '../accounts/account-service.js';
import type { Credential, CredentialProvider } from '../accounts/credentials.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { StoredAccount } from '../settings/settings-schema.js';
import { BulkHeaderConnection } from './bulk-header-connection.js';
import { buildImapOptions, createImapClient, type ImapEndpoint } from './imap-client-factory.js';
import { classifyImapError } from './imap-errors.js';
import { discoverAccount } from './mailbox-discovery.js';
import type { TeamDirectoryEntry } from '../team/team-directory.js';
import type { HeaderCache } from './header-cache.js';
import { MailboxSession } from './mailbox-session.js';
import type { MailboxState } from './mailbox-state.js';
import { downloadAttachment, loadMessage } from './message-loader.js';
import { encryptedUids, fetchRows, imapCriteria, searchWindow, type WindowResult } from './message-search.js';
import { readOfferedKey } from './offered-key-reader.js';
import { arrivedSecured } from './original-security.js';
import { openable } from './structure-limits.js';

/** Open mailboxes kept connected (and IDLE-ing) at once per service; older ones are closed. */
const MAX_OPEN_SESSIONS = 4;
/** How long an edit or removal of an account waits for its connections to log out politely. */
const FORGET_WAIT_MS = 2_000;

/** What the team module runs before a message is read (team/team-work-service.ts `beforeOpen`). */
export interface OpenGuard {
  beforeOpen(ref: MailboxRef, uid: number, secured: () => Promise<boolean>): Promise<void>;
  /** The secure-mail gateway's header name (policy), which also marks a message as having arrived secured. */
  gatewayHeader(): string;
}

export interface MailServiceDeps {
  settings: SettingsStore;
  /** The accounts (settings entries) and, at connect time, their credentials. */
  accounts: Pick<AccountService, 'list' | 'stored' | 'sendingAccount'>;
  credentials: CredentialProvider;
  mailEvents: MailEventHub;
  domainEvents: DomainEventBus;
  logger: Logger;
  extraCaPem?: string;
  connectTimeoutMs?: number;
  headerWindowSize?: number;
  /** Header sync on its own streaming connection (bulk-header-connection.ts); on unless false. */
  bulkHeaderSync?: boolean;
  /** The sealed header cache (header-cache.ts); without it every run syncs every header again. */
  headerCache?: HeaderCache;
  /** Keys for opening encrypted mail (the crypto service); without it encrypted mail shows as no-key. */
  keys?: import('../crypto/key-provider.js').KeyProvider;
  /** Told of each encrypted message the person opened and Sinetti decrypted (the local search index). */
  onDecrypted?: (opened: DecryptedMessage) => void;
  /** Told when a mailbox is opened for the person (the search index then catches up with its encrypted mail). */
  onMailboxOpened?: (ref: MailboxRef) => void;
}

/** An encrypted message read and decrypted here, with the UIDVALIDITY its UID belongs to. */
export interface DecryptedMessage {
  ref: MailboxRef;
  uidValidity: bigint;
  view: MessageView;
}

/** Folders a search of every mailbox leaves out: deleted mail, spam and the team keys folder. */
const UNSEARCHED = /^(trash|roskakori|papperskorg|junk|spam|roskaposti|skräppost|sinetti-avaimet)$/i;

export class MailService implements AccountConnections {
  private readonly sessions = new Map<string, MailboxSession>();
  private readonly states = new Map<string, MailboxState>();
  private readonly control = new Map<string, ImapFlow>();
  private openGuard: OpenGuard | null = null;
  /** One connection per account for search and background indexing, so a long scan never holds up drafts or sends. */
  private readonly searchClients = new Map<string, ImapFlow>();

  constructor(private readonly deps: MailServiceDeps) {}

  listAccounts(): AccountSummary[] {
    return this.deps.accounts.list();
  }

  /** Who this account sends as and through which server (no secret; see AccountService). */
  async sendingAccount(accountId: string): Promise<SendingAccount> {
    return this.deps.accounts.sendingAccount(accountId);
  }

  /** The connection test of accounts/: one login with the credential given, then logout. */
  async test(server: ImapServer, credential: Credential): Promise<{ capabilities: string[] }> {
    const client = this.newClient({ ...server, credential });
    try {
      await client.connect();
      const capabilities = [...client.capabilities.keys()].sort();
      await client.logout();
      return { capabilities };
    } catch (error) {
      client.close();
      throw classifyImapError(error);
    }
  }

  /**
   * Closes the account's connections and drops its cached state (it was edited or removed). A
   * polite LOGOUT waits behind whatever the connection is doing (a header window of a large
   * mailbox): the person waits at most FORGET_WAIT_MS for it, then the sockets are closed.
   */
  async forget(accountId: string): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, session] of this.sessions) {
      if (session.ref.accountId === accountId) {
        this.sessions.delete(key);
        closing.push(session.close());
      }
    }
    for (const key of [...this.states.keys()]) if (key.startsWith(`${accountId}\u0000`)) this.states.delete(key);
    this.deps.headerCache?.removeAccount(accountId);
    const kept = [this.control, this.searchClients].flatMap((clients) => {
      const client = clients.get(accountId);
      clients.delete(accountId);
      return client ? [client] : [];
    });
    for (const client of kept) closing.push(client.logout().catch(() => client.close()));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, FORGET_WAIT_MS)));
    await Promise.race([Promise.allSettled(closing), waited]);
    clearTimeout(timer);
    for (const client of kept) client.close();
  }

  async listMailboxes(): Promise<MailboxGroup[]> {
    return (await this.discover()).groups;
  }

  /** Every team mailbox of every account (the team directory), read afresh. */
  async teamDirectory(): Promise<TeamDirectoryEntry[]> {
    return (await this.discover()).teams;
  }

  /** Mailbox groups and the team directory of every account, from one pass per account. */
  async discover(): Promise<{ groups: MailboxGroup[]; teams: TeamDirectoryEntry[] }> {
    const groups: MailboxGroup[] = [];
    const teams: TeamDirectoryEntry[] = [];
    for (const account of this.deps.settings.get().accounts) {
      const client = await this.controlClient(account.id);
      try {
        const found = await discoverAccount(client, account);
        groups.push(...found.groups);
        teams.push(...found.teams);
      } catch (error) {
        throw classifyImapError(error);
      }
    }
    return { groups, teams };
  }

  async page(ref: MailboxRef, offset: number, limit: number, sort: SortOrder): Promise<MessagePage> {
    // Not session(): a page of cached rows does not wait for the connection (mailbox-session.ts).
    const session = await this.sessionFor(ref);
    const page = await session.page(offset, limit, sort);
    if (session.state) this.states.set(`${ref.accountId}\u0000${ref.path}`, session.state);
    return page;
  }

  /**
   * Runs before any message is read (set by the team module): for a team INBOX it settles the
   * claim first and refuses a secured message someone else handles, before anything is decrypted.
   */
  setOpenGuard(guard: OpenGuard): void {
    this.openGuard = guard;
  }

  async openMessage(ref: MailboxRef, uid: number): Promise<MessageView> {
    const session = await this.session(ref);
    if (this.openGuard) {
      const guard = this.openGuard;
      await guard.beforeOpen(ref, uid, () =>
        session.withClient(async (client) => {
          const header = guard.gatewayHeader();
          const { meta, structure } = openable(await client.fetchOne(String(uid), { uid: true, bodyStructure: true, headers: [header] }, { uid: true }));
          return arrivedSecured(client, uid, { structure, gatewayHeaderLines: meta.headers?.toString('latin1') ?? '' }, header);
        }),
      );
    }
    const view = await session.withClient((client) => loadMessage(client, ref, uid, this.deps.keys));
    session.state?.updateFlags(uid, view.flags);
    if (view.crypto?.decryption === 'decrypted' && session.state) this.deps.onDecrypted?.({ ref, uidValidity: session.state.uidValidity, view });
    this.deps.domainEvents.emit({ type: 'message.opened', accountId: ref.accountId, mailbox: ref.path, uid, at: Date.now() });
    if (view.crypto?.decryption === 'decrypted')
      this.deps.domainEvents.emit({ type: 'message.decrypted', accountId: ref.accountId, mailbox: ref.path, uid, at: Date.now() });
    return view;
  }

  /**
   * What a reply needs to know about the original, decided here and not by the renderer: its
   * Message-ID, and whether it arrived secured (encrypted as PGP/MIME, also inside a signed
   * envelope, or inline PGP, or marked by the secure-mail gateway's header: original-security.ts) —
   * a secure conversation stays secure.
   */
  async replyContext(ref: MailboxRef, uid: number, gatewayHeader: string): Promise<{ messageId?: string; secure: boolean }> {
    const session = await this.session(ref);
    return session.withClient(async (client) => {
      const { meta, structure } = openable(
        await client.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true, headers: [gatewayHeader] }, { uid: true }),
      );
      const messageId = meta.envelope?.messageId?.replace(/^<|>$/g, '');
      const secure = await arrivedSecured(client, uid, { structure, gatewayHeaderLines: meta.headers?.toString('latin1') ?? '' }, gatewayHeader);
      return { ...(messageId ? { messageId } : {}), secure };
    });
  }

  /** The key the message offers for its sender, read again from the server (never from the renderer). */
  async offeredKey(ref: MailboxRef, uid: number): Promise<{ data: Uint8Array; source: 'autocrypt' | 'attachment' }> {
    const session = await this.session(ref);
    return session.withClient((client) => readOfferedKey(client, uid));
  }

  async attachment(ref: MailboxRef, uid: number, partId: string) {
    const session = await this.session(ref);
    const result = await session.withClient((client) => downloadAttachment(client, uid, partId, this.deps.keys));
    this.deps.domainEvents.emit({ type: 'attachment.fetched', accountId: ref.accountId, mailbox: ref.path, uid, partId, at: Date.now() });
    return result;
  }

  async setFlags(ref: MailboxRef, uids: number[], change: { seen?: boolean; flagged?: boolean }): Promise<void> {
    const session = await this.session(ref);
    await session.withClient(async (client) => {
      const range = uids.join(',');
      for (const [flag, value] of [
        ['\\Seen', change.seen],
        ['\\Flagged', change.flagged],
      ] as const) {
        if (value === true) await client.messageFlagsAdd(range, [flag], { uid: true });
        if (value === false) await client.messageFlagsRemove(range, [flag], { uid: true });
      }
    });
    this.deps.domainEvents.emit({ type: 'message.flags-changed', accountId: ref.accountId, mailbox: ref.path, uids, at: Date.now() });
  }

  async move(ref: MailboxRef, uids: number[], destination: string): Promise<void> {
    const session = await this.session(ref);
    await session.withClient(async (client) => {
      const moved = await client.messageMove(uids.join(','), destination, { uid: true });
      if (!moved) throw new ServiceError('SERVER', 'The server did not move the messages.');
    });
    this.deps.domainEvents.emit({ type: 'message.moved', accountId: ref.accountId, mailbox: ref.path, uids, destination, at: Date.now() });
  }

  /** Moves to the Trash of the same mailbox owner (a team's own Trash for team mail, never a personal one). */
  async delete(ref: MailboxRef, uids: number[]): Promise<{ movedTo: string | null }> {
    const trash = await this.trashFor(ref);
    if (!trash) {
      throw new ServiceError('NOT_FOUND', 'This mailbox has no Trash folder; the message was not deleted.');
    }
    if (trash === ref.path) throw new ServiceError('VALIDATION', 'The message is already in the Trash.');
    await this.move(ref, uids, trash);
    this.deps.domainEvents.emit({ type: 'message.deleted', accountId: ref.accountId, mailbox: ref.path, uids, at: Date.now() });
    return { movedTo: trash };
  }

  /**
   * Runs an operation on a fresh connection of its own, closed afterwards (the team keys folder:
   * it must not disturb the selected sessions or the control connection).
   */
  async withConnection<T>(accountId: string, operation: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connect(accountId);
    try {
      return await operation(client);
    } catch (error) {
      throw error instanceof ServiceError ? error : classifyImapError(error);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** For tests and the benchmark: the session behind a mailbox. */
  async session(ref: MailboxRef): Promise<MailboxSession> {
    const session = await this.sessionFor(ref);
    await session.ready();
    if (session.state) this.states.set(`${ref.accountId}\u0000${ref.path}`, session.state);
    return session;
  }

  /** The session of a mailbox, made (with its cached state) if there is none; not yet connected. */
  private async sessionFor(ref: MailboxRef): Promise<MailboxSession> {
    this.account(ref.accountId);
    const key = `${ref.accountId}\u0000${ref.path}`;
    let session = this.sessions.get(key);
    if (session) {
      // Most recently used last.
      this.sessions.delete(key);
      this.sessions.set(key, session);
    } else {
      const previousState = this.states.get(key) ?? (await this.deps.headerCache?.load(ref)) ?? undefined;
      // Another call may have opened it while the cache was read.
      session = this.sessions.get(key) ?? this.newSession(ref, previousState);
      if (!this.sessions.has(key)) {
        this.sessions.set(key, session);
        await this.evictSessions();
        // Search indexes a mailbox's encrypted messages once it is open.
        void session.ready().then(
          () => this.deps.onMailboxOpened?.(ref),
          () => undefined,
        );
      }
    }
    return session;
  }

  private newSession(ref: MailboxRef, previousState: MailboxState | undefined): MailboxSession {
    return new MailboxSession({
      ref,
      connect: () => this.connect(ref.accountId),
      ...(previousState ? { previousState } : {}),
      emit: (event) => this.deps.mailEvents.emit(event),
      logger: this.deps.logger.child('mailbox'),
      windowSize: this.deps.headerWindowSize,
      ...(this.deps.bulkHeaderSync === false ? {} : { openBulk: (uidValidity: bigint) => this.openBulkHeaders(ref, uidValidity) }),
      bulkWindowSize: this.deps.headerWindowSize,
      ...(this.deps.headerCache ? { persist: (state: MailboxState) => this.deps.headerCache!.save(ref, state) } : {}),
    });
  }

  /** Closes a mailbox's connection but keeps what is known of it, so a re-open is incremental. */
  async closeMailbox(ref: MailboxRef): Promise<void> {
    const key = `${ref.accountId}\u0000${ref.path}`;
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    await session?.close();
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.close()));
    const controls = [...this.control.values(), ...this.searchClients.values()];
    this.control.clear();
    this.searchClients.clear();
    await Promise.all(controls.map((c) => c.logout().catch(() => c.close())));
  }

  private async evictSessions(): Promise<void> {
    while (this.sessions.size > MAX_OPEN_SESSIONS) {
      const [oldestKey, oldest] = this.sessions.entries().next().value as [string, MailboxSession];
      this.sessions.delete(oldestKey);
      await oldest.close();
    }
  }

  /** Files the copy of a sent message in the account's own Sent folder (special-use \Sent), read. */
  async appendToSent(accountId: string, raw: Buffer, teamMailbox?: string): Promise<string> {
    const groups = await this.listMailboxes();
    const own = groups.find((g) => g.accountId === accountId && g.kind === 'personal') ?? groups.find((g) => g.accountId === accountId);
    const sentOf = (group: MailboxGroup | undefined) =>
      group?.mailboxes.find((m) => m.specialUse === '\\Sent' || /^(sent|lähetetyt|skickat)$/i.test(m.name))?.path;
    // Sent as a team: the team's own Sent folder when it has one, so the whole team sees the answer.
    const sent = (teamMailbox ? sentOf(groups.find((g) => g.accountId === accountId && g.id === teamMailbox)) : undefined) ?? sentOf(own);
    if (!sent) throw new ServiceError('MAILBOX_UNAVAILABLE', 'This account has no Sent folder for the copy of the message.');
    const client = await this.controlClient(accountId);
    try {
      await client.append(sent, raw, ['\\Seen']);
    } catch (error) {
      throw classifyImapError(error);
    }
    return sent;
  }

  /**
   * Runs `fn` on the account's control connection (the drafts folder uses it: appends, and
   * fetches under a mailbox lock, without opening an IDLE session that would evict the person's;
   * the composer reads originals through it).
   */
  async withControlClient<T>(accountId: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    this.account(accountId);
    const client = await this.controlClient(accountId);
    try {
      return await fn(client);
    } catch (error) {
      throw error instanceof ServiceError ? error : classifyImapError(error);
    }
  }

  /** The original of a reply is marked answered (seen by the whole team in a team mailbox). */
  async markAnswered(ref: MailboxRef, uid: number): Promise<void> {
    const session = await this.session(ref);
    await session.withClient((client) => client.messageFlagsAdd(String(uid), ['\\Answered'], { uid: true }));
  }

  /** A forwarded original is marked `$Forwarded` (the keyword IMAP clients share, RFC 5788 registry). */
  async markForwarded(ref: MailboxRef, uid: number): Promise<void> {
    const session = await this.session(ref);
    await session.withClient((client) => client.messageFlagsAdd(String(uid), ['$Forwarded'], { uid: true }));
  }

  /** Senders of the header rows already synced (for recipient suggestions; no message content). */
  *knownSenders(): Iterable<{ name: string; address: string; date: number }> {
    for (const state of this.states.values()) {
      for (const row of state.rows.values()) if (row.fromAddress) yield { name: row.fromName, address: row.fromAddress, date: row.date };
    }
  }

  /** The mailboxes a search of everything covers (selectable, not Trash, Junk or the team keys folder). */
  async searchableMailboxes(): Promise<MailboxRef[]> {
    const groups = await this.listMailboxes();
    return groups.flatMap((g) =>
      g.mailboxes
        .filter((m) => m.selectable && m.specialUse !== '\\Trash' && m.specialUse !== '\\Junk' && !UNSEARCHED.test(m.name))
        .map((m) => ({ accountId: m.accountId, path: m.path })),
    );
  }

  /** The person's own addresses ("to me"): each account's sending address, else its user name when that is one. */
  ownAddresses(): string[] {
    return this.deps.settings
      .get()
      .accounts.filter((a) => !a.teamName)
      .map((a) => (a.address ?? a.username).toLowerCase())
      .filter((a) => /^[^@\s]+@[^@\s]+$/.test(a));
  }

  /** One UID window of a server-side search (message-search.ts), on the account's search connection. */
  async searchWindow(ref: MailboxRef, query: SearchQuery, upper: number | null, size: number): Promise<WindowResult> {
    const criteria = imapCriteria(query, this.ownAddresses());
    if (!criteria) return { uids: [], nextUpper: null, uidValidity: 0n, scanned: 0 };
    return this.onSearchClient(ref.accountId, (client) => searchWindow(client, ref.path, criteria, upper, size));
  }

  /** UIDs of the PGP/MIME-encrypted messages in a mailbox (for the local index of encrypted mail). */
  async encryptedUids(ref: MailboxRef): Promise<{ uids: number[]; uidValidity: bigint }> {
    return this.onSearchClient(ref.accountId, (client) => encryptedUids(client, ref.path));
  }

  /** The list rows of these UIDs as the server has them now (flags included); gone ones are left out. */
  async searchRows(ref: MailboxRef, uids: readonly number[]): Promise<{ rows: MessageRow[]; uidValidity: bigint }> {
    return this.onSearchClient(ref.accountId, (client) => fetchRows(client, ref.path, uids));
  }

  /**
   * Reads an encrypted message for the local search index without marking it read and without
   * disturbing the person's open sessions. Only what the reader would show is returned.
   */
  async readForIndex(ref: MailboxRef, uid: number): Promise<DecryptedMessage> {
    return this.onSearchClient(ref.accountId, async (client) => {
      const lock = await client.getMailboxLock(ref.path, { readOnly: true });
      try {
        const uidValidity = BigInt(client.mailbox ? client.mailbox.uidValidity : 0);
        return { ref, uidValidity, view: await loadMessage(client, ref, uid, this.deps.keys, { markSeen: false }) };
      } finally {
        lock.release();
      }
    });
  }

  private async onSearchClient<T>(accountId: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    this.account(accountId);
    const client = await this.keptClient(this.searchClients, accountId);
    try {
      return await fn(client);
    } catch (error) {
      throw error instanceof ServiceError ? error : classifyImapError(error);
    }
  }

  private async trashFor(ref: MailboxRef): Promise<string | null> {
    const groups = await this.listMailboxes();
    const group = groups.find((g) => g.accountId === ref.accountId && g.mailboxes.some((m) => m.path === ref.path));
    return group?.mailboxes.find((m) => m.specialUse === '\\Trash' || /^(trash|roskakori|papperskorg)$/i.test(m.name))?.path ?? null;
  }

  private account(accountId: string): StoredAccount {
    return this.deps.accounts.stored(accountId);
  }

  private newClient(endpoint: ImapEndpoint): ImapFlow {
    return createImapClient(endpoint, {
      logger: this.deps.logger.child('imap'),
      extraCaPem: this.deps.extraCaPem,
      connectTimeoutMs: this.deps.connectTimeoutMs,
    });
  }

  /** The person's identifier in team state on this account: the account's address (never free text). */
  memberAddress(accountId: string): string {
    const account = this.account(accountId);
    // An account added without its address is named by its login on that server (what the server knows it by).
    const address = account.address ?? (/^[^@\s]+@[^@\s]+$/.test(account.username) ? account.username : `${account.username}@${account.host}`);
    return address.toLowerCase();
  }

  /** A new connection of its own for the caller to keep and close (team state and its IDLE watchers). */
  connectDedicated(accountId: string): Promise<ImapFlow> {
    return this.connect(accountId);
  }

  /**
   * A new logged-in connection with a credential asked now. A token the server refuses (expired
   * or revoked before its time) is dropped and a fresh one tried once; a second refusal is the
   * answer (a password is never retried: that would only lock the account sooner).
   */
  private async connect(accountId: string): Promise<ImapFlow> {
    const { host, port, security } = this.account(accountId);
    for (let attempt = 1; ; attempt++) {
      const credential = await this.deps.credentials.credential(accountId);
      const client = this.newClient({ host, port, security, credential });
      try {
        await client.connect();
        return client;
      } catch (error) {
        client.close();
        const failure = classifyImapError(error);
        if (failure.code !== 'AUTH_FAILED' || credential.method !== 'oauth2' || attempt > 1) throw failure;
        await this.deps.credentials.refused(accountId, credential);
      }
    }
  }

  /** The bulk header connection: the same endpoint, TLS settings and credentials as connect(). */
  private async openBulkHeaders(ref: MailboxRef, uidValidity: bigint): Promise<BulkHeaderConnection> {
    const { host, port, security } = this.account(ref.accountId);
    const credential = await this.deps.credentials.credential(ref.accountId);
    const options = buildImapOptions(
      { host, port, security, credential },
      { logger: this.deps.logger.child('imap'), extraCaPem: this.deps.extraCaPem, connectTimeoutMs: this.deps.connectTimeoutMs },
    );
    return BulkHeaderConnection.open(options, ref.path, uidValidity);
  }

  private async controlClient(accountId: string): Promise<ImapFlow> {
    return this.keptClient(this.control, accountId);
  }

  private async keptClient(kept: Map<string, ImapFlow>, accountId: string): Promise<ImapFlow> {
    const existing = kept.get(accountId);
    if (existing?.usable) return existing;
    const client = await this.connect(accountId);
    client.on('close', () => {
      if (kept.get(accountId) === client) kept.delete(accountId);
    });
    kept.set(accountId, client);
    return client;
  }
}

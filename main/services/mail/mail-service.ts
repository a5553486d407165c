/**
 * The mail capability: accounts, their connections, open mailboxes and message actions.
 * Credentials are asked from the credential provider (accounts/credentials.ts) each time a
 * connection is made and never kept or returned; accounts themselves belong to accounts/.
 * Every user action on a message emits a domain event (the audit trail's seam).
 */
import type { ImapFlow } from 'imapflow';
import type { AccountSummary, MailboxGroup, MailboxRef, MessagePage, MessageView, SortOrder } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { MailEventHub } from '../events/mail-events.js';
import type { Logger } from '../logging/logger.js';
import type { AccountConnections, AccountService, ImapServer, SendingAccount } from '../accounts/account-service.js';
import type { Credential, CredentialProvider } from '../accounts/credentials.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { StoredAccount } from '../settings/settings-schema.js';
import { createImapClient, type ImapEndpoint } from './imap-client-factory.js';
import { classifyImapError } from './imap-errors.js';
import { discoverMailboxes } from './mailbox-discovery.js';
import { MailboxSession } from './mailbox-session.js';
import type { MailboxState } from './mailbox-state.js';
import { downloadAttachment, loadMessage } from './message-loader.js';
import { readOfferedKey } from './offered-key-reader.js';
import { arrivedSecured } from './original-security.js';
import { openable } from './structure-limits.js';

/** Open mailboxes kept connected (and IDLE-ing) at once per service; older ones are closed. */
const MAX_OPEN_SESSIONS = 4;
/** How long an edit or removal of an account waits for its connections to log out politely. */
const FORGET_WAIT_MS = 2_000;

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
  /** Keys for opening encrypted mail (the crypto service); without it encrypted mail shows as no-key. */
  keys?: import('../crypto/key-provider.js').KeyProvider;
}

export class MailService implements AccountConnections {
  private readonly sessions = new Map<string, MailboxSession>();
  private readonly states = new Map<string, MailboxState>();
  private readonly control = new Map<string, ImapFlow>();

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
    const control = this.control.get(accountId);
    this.control.delete(accountId);
    if (control) closing.push(control.logout().catch(() => control.close()));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, FORGET_WAIT_MS)));
    await Promise.race([Promise.allSettled(closing), waited]);
    clearTimeout(timer);
    control?.close();
  }

  async listMailboxes(): Promise<MailboxGroup[]> {
    const groups: MailboxGroup[] = [];
    for (const account of this.deps.settings.get().accounts) {
      const client = await this.controlClient(account.id);
      try {
        groups.push(...(await discoverMailboxes(client, account)));
      } catch (error) {
        throw classifyImapError(error);
      }
    }
    return groups;
  }

  async page(ref: MailboxRef, offset: number, limit: number, sort: SortOrder): Promise<MessagePage> {
    return (await this.session(ref)).page(offset, limit, sort);
  }

  async openMessage(ref: MailboxRef, uid: number): Promise<MessageView> {
    const session = await this.session(ref);
    const view = await session.withClient((client) => loadMessage(client, ref, uid, this.deps.keys));
    session.state?.updateFlags(uid, view.flags);
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
    this.account(ref.accountId);
    const key = `${ref.accountId}\u0000${ref.path}`;
    let session = this.sessions.get(key);
    if (session) {
      // Most recently used last.
      this.sessions.delete(key);
      this.sessions.set(key, session);
    } else {
      session = new MailboxSession({
        ref,
        connect: () => this.connect(ref.accountId),
        previousState: this.states.get(key),
        emit: (event) => this.deps.mailEvents.emit(event),
        logger: this.deps.logger.child('mailbox'),
        windowSize: this.deps.headerWindowSize,
      });
      this.sessions.set(key, session);
      await this.evictSessions();
    }
    await session.ready();
    if (session.state) this.states.set(key, session.state);
    return session;
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
    const controls = [...this.control.values()];
    this.control.clear();
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
      for (const row of state.rows.values()) if (row.from.address) yield { name: row.from.name, address: row.from.address, date: row.date };
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

  private async controlClient(accountId: string): Promise<ImapFlow> {
    const existing = this.control.get(accountId);
    if (existing?.usable) return existing;
    const client = await this.connect(accountId);
    client.on('close', () => {
      if (this.control.get(accountId) === client) this.control.delete(accountId);
    });
    this.control.set(accountId, client);
    return client;
  }
}

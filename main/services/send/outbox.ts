/**
 * The durable outbox between the send gate and SMTP. A message the gate approved is written to
 * disk sealed under the vault key before `enqueue` returns, so network loss, a 4xx answer, a
 * restart or a crash lose nothing; it is removed only after the server accepted it.
 *
 * Exactly once: each queued copy keeps its bytes (and so its Message-ID) across retries. A copy
 * that was being handed to the server when the app stopped is not re-sent automatically — the
 * server may already have accepted it — but held as `uncertain` for the person to decide. A
 * permanent refusal (5xx, rejected recipient, TLS policy) is kept as `failed` with the server's
 * reason, never retried silently. The bookkeeping is sealed too: recipients are client data.
 *
 * Never fatal: a copy that cannot be read (damaged, sealed under another vault key) is moved to
 * quarantine and reported, and the outbox starts anyway; a locked keychain defers the work and
 * retries later; every failure inside background delivery is caught per copy, logged (ids and
 * codes, never content) and the next attempt is always scheduled — a rejection escaping a
 * fire-and-forget promise would end the Node process the browser host runs in.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../../../shared/result.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { OutboxQuarantine, type DamagedEntry } from './outbox-quarantine.js';
import type { Envelope, MailTransport } from './send-gate.js';
import { classifySmtpError, SmtpSendError } from './smtp-transport.js';

/** What to do once a whole message is accepted. The Sent copy is sealed like the queued copies. */
export interface AfterSend {
  sentCopy?: Buffer;
  replyTo?: { mailbox: { accountId: string; path: string }; uid: number };
  /** The original of a forward: marked `$Forwarded` once the forward is accepted. */
  forwarded?: { mailbox: { accountId: string; path: string }; uid: number };
  /** File the Sent copy in this team mailbox's Sent folder when it has one (the person's own otherwise). */
  teamMailbox?: string;
}

const afterSchema = z.object({
  accountId: z.string(),
  messageId: z.string(),
  sentCopyBase64: z.string().optional(),
  replyTo: z.object({ mailbox: z.object({ accountId: z.string(), path: z.string() }), uid: z.number() }).optional(),
  forwarded: z.object({ mailbox: z.object({ accountId: z.string(), path: z.string() }), uid: z.number() }).optional(),
  teamMailbox: z.string().optional(),
});

export type OutboxState = 'queued' | 'sending' | 'uncertain' | 'failed';
export type { DamagedEntry } from './outbox-quarantine.js';

const metaSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  messageId: z.string(),
  route: z.enum(['plain', 'openpgp', 'gateway']),
  from: z.string(),
  to: z.array(z.string()),
  state: z.enum(['queued', 'sending', 'uncertain', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  createdAt: z.number(),
  lastError: z.object({ code: z.string(), message: z.string(), serverResponse: z.string().optional() }).optional(),
});
export type OutboxItem = z.infer<typeof metaSchema>;

export interface OutboxOptions {
  dir: string;
  secrets: SecretStore;
  transportFor: (accountId: string) => Promise<MailTransport>;
  /** Called once per accepted copy (or a copy the person marked as sent). */
  onAccepted?: (item: OutboxItem) => void | Promise<void>;
  /**
   * Called once when every copy of a message has been accepted, with what was enqueued to do then
   * (file the Sent copy, mark the original answered). Survives restarts like the copies do.
   */
  onMessageDone?: (done: { accountId: string; messageId: string; after: AfterSend }) => Promise<void>;
  onChange?: () => void;
  /** Delay before attempt n (1-based) after a temporary failure. */
  backoffMs?: (attempt: number) => number;
  /** How soon to try again when the keychain was locked or unreachable (default 30 s). */
  vaultRetryMs?: number;
  now?: () => number;
  logger?: Logger;
}

const DEFAULT_BACKOFF = [5_000, 15_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The keychain could not give the vault key now (locked, no Secret Service): later may work, the entry is not damaged. */
function vaultUnreachable(error: unknown): error is ServiceError {
  return error instanceof ServiceError && (error.code === 'KEYCHAIN_LOCKED' || error.code === 'KEYCHAIN_UNAVAILABLE');
}

/** The person must sign in again (OAuth2): the copy waits in the queue instead of failing. */
function waitsForSignIn(error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'SIGN_IN_REQUIRED';
}

function codeOf(error: unknown): string {
  return error instanceof ServiceError ? error.code : error instanceof SyntaxError || error instanceof z.ZodError ? 'SECRET_CORRUPT' : 'INTERNAL';
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

export class Outbox {
  private readonly items = new Map<string, OutboxItem>();
  /** Entries on disk not read yet because the vault key was out of reach. */
  private readonly unread = new Set<string>();
  /** Follow-ups not run yet because the vault key was out of reach. */
  private afterUnread = false;
  private readonly quarantine: OutboxQuarantine;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly backoff: (attempt: number) => number;
  private readonly log: Logger;

  private constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.backoff = options.backoffMs ?? ((n) => DEFAULT_BACKOFF[Math.min(Math.max(n, 1) - 1, DEFAULT_BACKOFF.length - 1)]!);
    this.log = options.logger ?? silent;
    this.quarantine = new OutboxQuarantine(options.dir);
  }

  /**
   * Opens the outbox on disk (what a previous run left queued) and starts delivering. Never
   * throws for what is on disk: damaged entries are quarantined, unreadable ones wait.
   */
  static async open(options: OutboxOptions): Promise<Outbox> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const outbox = new Outbox(options);
    for (const name of readdirSync(options.dir)) {
      const id = name.endsWith('.meta') ? name.slice(0, -'.meta'.length) : '';
      if (UUID.test(id)) outbox.unread.add(id);
    }
    await outbox.readUnread();
    outbox.afterUnread = true;
    outbox.kick();
    return outbox;
  }

  list(): OutboxItem[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Copies set aside because they could not be read: kept on disk, never sent, shown to the person. */
  damaged(): DamagedEntry[] {
    return this.quarantine.list();
  }

  /**
   * Persists every copy (sealed) before returning, all or none: when one cannot be stored, the
   * ones already written are removed again and the error goes to the caller, so a message is
   * never half-queued. Delivery starts in the background afterwards.
   */
  async enqueue(accountId: string, messageId: string, envelopes: Envelope[], after: AfterSend = {}): Promise<OutboxItem[]> {
    const created: OutboxItem[] = [];
    const written: string[] = [];
    const afterFile = `after-${this.afterKey(messageId)}.sealed`;
    try {
      if (after.sentCopy || after.replyTo || after.forwarded) {
        const record = {
          accountId,
          messageId,
          ...(after.sentCopy ? { sentCopyBase64: after.sentCopy.toString('base64') } : {}),
          ...(after.replyTo ? { replyTo: after.replyTo } : {}),
          ...(after.forwarded ? { forwarded: after.forwarded } : {}),
          ...(after.teamMailbox ? { teamMailbox: after.teamMailbox } : {}),
        };
        const sealedAfter = await this.options.secrets.seal(`outbox-after:${this.afterKey(messageId)}`, Buffer.from(JSON.stringify(record)));
        writeAtomic(join(this.options.dir, afterFile), sealedAfter);
        written.push(afterFile);
      }
      for (const envelope of envelopes) {
        const item: OutboxItem = {
          id: randomUUID(),
          accountId,
          messageId,
          route: envelope.route,
          from: envelope.from,
          to: envelope.to,
          state: 'queued',
          attempts: 0,
          nextAttemptAt: this.now(),
          createdAt: this.now(),
        };
        const sealed = await this.options.secrets.seal(this.sealName(item.id), envelope.raw);
        writeAtomic(join(this.options.dir, `${item.id}.sealed`), sealed);
        written.push(`${item.id}.sealed`);
        await this.writeMeta(item);
        written.push(`${item.id}.meta`);
        created.push(item);
      }
    } catch (error) {
      for (const file of written) rmSync(join(this.options.dir, file), { force: true });
      this.log.error('message could not be stored in the outbox', { code: codeOf(error) });
      throw error;
    }
    for (const item of created) this.items.set(item.id, item);
    this.changed();
    this.kick();
    return created;
  }

  /** The person decided: send an uncertain or failed copy again (same bytes, same Message-ID). */
  async retry(id: string): Promise<void> {
    const item = this.require(id);
    if (item.state === 'queued' || item.state === 'sending') return;
    Object.assign(item, { state: 'queued', nextAttemptAt: this.now() });
    await this.writeMeta(item);
    this.changed();
    this.kick();
  }

  /**
   * The person checked that an uncertain copy did arrive: it counts as accepted (the draft goes,
   * the Sent copy is filed), and it is never sent again.
   */
  async markSent(id: string): Promise<void> {
    const item = this.require(id);
    if (item.state !== 'uncertain') throw new ServiceError('VALIDATION', 'Only a message that may already have been sent can be marked as sent.');
    this.remove(item);
    await this.afterAccepted(item);
  }

  /** Removes a copy without sending it (or a damaged copy, whose bytes only now are deleted). */
  discard(id: string): void {
    if (!this.items.has(id) && this.quarantine.has(id)) {
      this.quarantine.remove(id);
      this.changed();
      return;
    }
    const item = this.require(id);
    if (item.state === 'sending') throw new ServiceError('VALIDATION', 'The message is being sent right now.');
    this.remove(item);
    // The last copy of a message that will not be sent: no Sent copy and no "answered" for it.
    if (!this.list().some((i) => i.messageId === item.messageId))
      rmSync(join(this.options.dir, `after-${this.afterKey(item.messageId)}.sealed`), { force: true });
  }

  /** Runs due deliveries now (the background loop calls this; tests await it). Never rejects. */
  async flush(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.deliverDue()
      .catch((error: unknown) => this.log.error('outbox pass failed', { code: codeOf(error) }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private kick(): void {
    if (this.stopped) return;
    // Fire-and-forget with a catch: flush never rejects, and the next attempt is always scheduled.
    void this.flush().finally(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    let next = Math.min(
      ...this.list()
        .filter((i) => i.state === 'queued')
        .map((i) => i.nextAttemptAt),
    );
    if (this.unread.size > 0 || this.afterUnread) next = Math.min(next, this.now() + (this.options.vaultRetryMs ?? 30_000));
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.now()));
    this.timer.unref();
  }

  private async deliverDue(): Promise<void> {
    if (this.unread.size > 0) {
      await this.readUnread();
      // Follow-ups held back while copies were unread can run now.
      if (this.unread.size === 0) this.afterUnread = true;
    }
    // Items queued while this pass runs are picked up too; each item at most once per pass.
    const tried = new Set<string>();
    for (;;) {
      const item = this.list().find((i) => !tried.has(i.id) && i.state === 'queued' && i.nextAttemptAt <= this.now());
      if (!item || this.stopped) break;
      tried.add(item.id);
      try {
        await this.deliver(item);
      } catch (error) {
        // Not the server's answer (deliver handles those): our own step failed. Try again later.
        this.log.error('outbox delivery step failed', { id: item.id, code: codeOf(error) });
        await this.defer(item, error);
      }
    }
    if (this.afterUnread) await this.finishAll();
  }

  private async deliver(item: OutboxItem): Promise<void> {
    let raw: Buffer;
    try {
      raw = await this.options.secrets.open(this.sealName(item.id), readFileSync(join(this.options.dir, `${item.id}.sealed`)));
    } catch (error) {
      if (vaultUnreachable(error)) return this.defer(item, error);
      this.setAside(item.id, error);
      this.items.delete(item.id);
      this.changed();
      return;
    }
    // Recorded before the first byte goes out: if this cannot be written, nothing is sent (a
    // crash after an unrecorded send would send it again).
    await this.writeMeta({ ...item, state: 'sending', attempts: item.attempts + 1 });
    Object.assign(item, { state: 'sending', attempts: item.attempts + 1 });
    try {
      const transport = await this.options.transportFor(item.accountId);
      await transport.send({ route: item.route, from: item.from, to: item.to, raw });
    } catch (error) {
      const failure =
        error instanceof SmtpSendError
          ? error
          : error instanceof ServiceError
            ? new SmtpSendError(error.code, error.message, vaultUnreachable(error) || waitsForSignIn(error) ? 'temporary' : 'permanent')
            : classifySmtpError(error);
      const state: OutboxState = failure.kind === 'temporary' ? 'queued' : failure.kind === 'uncertain' ? 'uncertain' : 'failed';
      Object.assign(item, {
        state,
        nextAttemptAt: this.now() + (state === 'queued' ? this.backoff(item.attempts) : 0),
        lastError: { code: failure.code, message: failure.message, ...(failure.serverResponse ? { serverResponse: failure.serverResponse } : {}) },
      });
      this.log.warn('outbox copy not accepted', { id: item.id, code: failure.code, state });
      await this.persist(item);
      this.changed();
      return;
    }
    // Accepted: remove first, so no later failure can make it go out again.
    this.remove(item);
    await this.afterAccepted(item);
  }

  /** After a copy is out: the accepted hook and, once every copy is, the follow-up. Never throws. */
  private async afterAccepted(item: OutboxItem): Promise<void> {
    try {
      await this.options.onAccepted?.(item);
    } catch (error) {
      this.log.error('after-acceptance hook failed', { id: item.id, code: codeOf(error) });
    }
    await this.finishIfDone(this.afterKey(item.messageId));
  }

  /** Back to the queue with a later attempt (our own step failed, or the keychain is locked). */
  private async defer(item: OutboxItem, error: unknown): Promise<void> {
    const code = codeOf(error);
    Object.assign(item, {
      state: 'queued',
      nextAttemptAt: this.now() + (vaultUnreachable(error) ? (this.options.vaultRetryMs ?? 30_000) : this.backoff(Math.max(item.attempts, 1))),
      lastError: { code, message: error instanceof ServiceError ? error.message : 'The message could not be prepared for sending.' },
    });
    await this.persist(item);
    this.changed();
  }

  /** Writes the bookkeeping; when even that fails, the state in memory still holds for this run. */
  private async persist(item: OutboxItem): Promise<void> {
    try {
      await this.writeMeta(item);
    } catch (error) {
      this.log.error('outbox state could not be saved', { id: item.id, code: codeOf(error) });
    }
  }

  /** Reads the entries on disk not read yet: damaged ones go to quarantine, unreachable ones wait. */
  private async readUnread(): Promise<void> {
    for (const id of [...this.unread]) {
      const file = join(this.options.dir, `${id}.meta`);
      let item: OutboxItem;
      try {
        const parsed = metaSchema.safeParse(JSON.parse((await this.options.secrets.open(`outbox-meta:${id}`, readFileSync(file))).toString('utf8')));
        if (!parsed.success || parsed.data.id !== id) throw new ServiceError('SECRET_CORRUPT', 'An outbox entry is damaged.');
        item = parsed.data;
      } catch (error) {
        if (vaultUnreachable(error)) {
          this.log.warn('outbox waits for the keychain', { code: error.code, waiting: this.unread.size });
          return;
        }
        this.unread.delete(id);
        this.setAside(id, error);
        continue;
      }
      this.unread.delete(id);
      // Interrupted while handing it to the server: it may have been accepted. Ask, never guess.
      if (item.state === 'sending') item.state = 'uncertain';
      this.items.set(item.id, item);
      await this.persist(item);
    }
    this.changed();
  }

  private setAside(id: string, error: unknown): void {
    const code = codeOf(error);
    this.log.error('damaged outbox entry moved to quarantine', { id, code });
    try {
      this.quarantine.put(this.options.dir, [`${id}.meta`, `${id}.sealed`], id, code, this.now());
    } catch (moveError) {
      this.log.error('damaged outbox entry could not be moved', { id, code: codeOf(moveError) });
    }
  }

  /** Messages whose copies were all accepted before a stop, but whose follow-up did not run. */
  private async finishAll(): Promise<void> {
    this.afterUnread = false;
    let names: string[] = [];
    try {
      names = readdirSync(this.options.dir).filter((n) => n.startsWith('after-') && n.endsWith('.sealed'));
    } catch (error) {
      this.log.error('outbox could not be listed', { code: codeOf(error) });
    }
    for (const name of names) await this.finishIfDone(name.slice('after-'.length, -'.sealed'.length));
  }

  /** Runs the follow-up of a message once none of its copies is left in the outbox. Never throws. */
  private async finishIfDone(key: string): Promise<void> {
    const name = `after-${key}.sealed`;
    const path = join(this.options.dir, name);
    let sealed: Buffer;
    try {
      sealed = readFileSync(path);
    } catch {
      return;
    }
    let record: z.infer<typeof afterSchema>;
    try {
      record = afterSchema.parse(JSON.parse((await this.options.secrets.open(`outbox-after:${key}`, sealed)).toString('utf8')));
    } catch (error) {
      if (vaultUnreachable(error)) {
        this.afterUnread = true;
        return;
      }
      this.log.error('damaged outbox follow-up moved to quarantine', { code: codeOf(error) });
      try {
        this.quarantine.put(this.options.dir, [name], `after-${key}`, codeOf(error), this.now());
      } catch {
        // Left where it is: it is retried (and reported again) at the next start.
      }
      return;
    }
    if (this.list().some((i) => i.messageId === record.messageId) || this.unread.size > 0) return;
    try {
      await this.options.onMessageDone?.({
        accountId: record.accountId,
        messageId: record.messageId,
        after: {
          ...(record.sentCopyBase64 ? { sentCopy: Buffer.from(record.sentCopyBase64, 'base64') } : {}),
          ...(record.replyTo ? { replyTo: record.replyTo } : {}),
          ...(record.forwarded ? { forwarded: record.forwarded } : {}),
          ...(record.teamMailbox ? { teamMailbox: record.teamMailbox } : {}),
        },
      });
      rmSync(path, { force: true });
    } catch (error) {
      // The message itself is out; filing the copy is retried on the next start (idempotent enough:
      // at worst a second Sent copy, never a second message to the recipient).
      this.log.warn('follow-up after sending failed; retried at the next start', { code: codeOf(error) });
    }
  }

  /** File-name-safe key for a Message-ID. */
  private afterKey(messageId: string): string {
    return createHash('sha256').update(messageId).digest('hex').slice(0, 32);
  }

  private require(id: string): OutboxItem {
    const item = this.items.get(id);
    if (!item) throw new ServiceError('NOT_FOUND', 'No such message in the outbox.');
    return item;
  }

  private remove(item: OutboxItem): void {
    this.items.delete(item.id);
    rmSync(join(this.options.dir, `${item.id}.meta`), { force: true });
    rmSync(join(this.options.dir, `${item.id}.sealed`), { force: true });
    this.changed();
  }

  private changed(): void {
    try {
      this.options.onChange?.();
    } catch (error) {
      this.log.error('outbox change listener failed', { code: codeOf(error) });
    }
  }

  private async writeMeta(item: OutboxItem): Promise<void> {
    writeAtomic(join(this.options.dir, `${item.id}.meta`), await this.options.secrets.seal(`outbox-meta:${item.id}`, Buffer.from(JSON.stringify(item))));
  }

  private sealName(id: string): string {
    return `outbox:${id}`;
  }
}

function writeAtomic(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, path);
}

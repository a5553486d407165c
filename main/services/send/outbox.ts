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
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../../../shared/result.js';
import type { SecretStore } from '../secrets/secret-store.js';
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
  /** Called once per accepted copy. */
  onAccepted?: (item: OutboxItem) => void | Promise<void>;
  /**
   * Called once when every copy of a message has been accepted, with what was enqueued to do then
   * (file the Sent copy, mark the original answered). Survives restarts like the copies do.
   */
  onMessageDone?: (done: { accountId: string; messageId: string; after: AfterSend }) => Promise<void>;
  onChange?: () => void;
  /** Delay before attempt n (1-based) after a temporary failure. */
  backoffMs?: (attempt: number) => number;
  now?: () => number;
}

const DEFAULT_BACKOFF = [5_000, 15_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

export class Outbox {
  private readonly items = new Map<string, OutboxItem>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly backoff: (attempt: number) => number;

  private constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.backoff = options.backoffMs ?? ((n) => DEFAULT_BACKOFF[Math.min(n - 1, DEFAULT_BACKOFF.length - 1)]!);
  }

  /** Opens the outbox on disk (what a previous run left queued) and starts delivering. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const outbox = new Outbox(options);
    for (const name of readdirSync(options.dir).filter((n) => n.endsWith('.meta'))) {
      const id = name.slice(0, -'.meta'.length);
      const parsed = metaSchema.safeParse(JSON.parse((await options.secrets.open(`outbox-meta:${id}`, readFileSync(join(options.dir, name)))).toString('utf8')));
      if (!parsed.success || parsed.data.id !== id) throw new ServiceError('SECRET_CORRUPT', `An outbox entry is damaged (${id}); it was left untouched.`);
      const item = parsed.data;
      // Interrupted while handing it to the server: it may have been accepted. Ask, never guess.
      if (item.state === 'sending') item.state = 'uncertain';
      outbox.items.set(item.id, item);
      await outbox.writeMeta(item);
    }
    outbox.kick();
    // Messages whose copies were all accepted before a stop, but whose follow-up did not run.
    for (const name of readdirSync(options.dir).filter((n) => n.startsWith('after-') && n.endsWith('.sealed'))) await outbox.finishIfDone(name.slice('after-'.length, -'.sealed'.length));
    return outbox;
  }

  list(): OutboxItem[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Persists every copy (sealed) before returning; then delivery starts in the background. */
  async enqueue(accountId: string, messageId: string, envelopes: Envelope[], after: AfterSend = {}): Promise<OutboxItem[]> {
    const created: OutboxItem[] = [];
    if (after.sentCopy || after.replyTo || after.forwarded) {
      const record = {
        accountId,
        messageId,
        ...(after.sentCopy ? { sentCopyBase64: after.sentCopy.toString('base64') } : {}),
        ...(after.replyTo ? { replyTo: after.replyTo } : {}),
        ...(after.forwarded ? { forwarded: after.forwarded } : {}),
        ...(after.teamMailbox ? { teamMailbox: after.teamMailbox } : {}),
      };
      writeAtomic(join(this.options.dir, `after-${this.afterKey(messageId)}.sealed`), await this.options.secrets.seal(`outbox-after:${this.afterKey(messageId)}`, Buffer.from(JSON.stringify(record))));
    }
    for (const envelope of envelopes) {
      const item: OutboxItem = { id: randomUUID(), accountId, messageId, route: envelope.route, from: envelope.from, to: envelope.to, state: 'queued', attempts: 0, nextAttemptAt: this.now(), createdAt: this.now() };
      const sealed = await this.options.secrets.seal(this.sealName(item.id), envelope.raw);
      writeAtomic(join(this.options.dir, `${item.id}.sealed`), sealed);
      await this.writeMeta(item);
      this.items.set(item.id, item);
      created.push(item);
    }
    this.options.onChange?.();
    this.kick();
    return created;
  }

  /** The person decided: send an uncertain or failed copy again (same bytes, same Message-ID). */
  async retry(id: string): Promise<void> {
    const item = this.require(id);
    if (item.state === 'queued' || item.state === 'sending') return;
    Object.assign(item, { state: 'queued', nextAttemptAt: this.now() });
    await this.writeMeta(item);
    this.options.onChange?.();
    this.kick();
  }

  discard(id: string): void {
    const item = this.require(id);
    if (item.state === 'sending') throw new ServiceError('VALIDATION', 'The message is being sent right now.');
    this.remove(item);
  }

  /** Runs due deliveries now (the background loop calls this; tests await it). */
  async flush(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.deliverDue().finally(() => {
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
    void this.flush().then(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = Math.min(...this.list().filter((i) => i.state === 'queued').map((i) => i.nextAttemptAt));
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.now()));
    this.timer.unref();
  }

  private async deliverDue(): Promise<void> {
    // Items queued while this pass runs are picked up too; each item at most once per pass.
    const tried = new Set<string>();
    for (;;) {
      const item = this.list().find((i) => !tried.has(i.id) && i.state === 'queued' && i.nextAttemptAt <= this.now());
      if (!item || this.stopped) return;
      tried.add(item.id);
      const raw = await this.options.secrets.open(this.sealName(item.id), readFileSync(join(this.options.dir, `${item.id}.sealed`)));
      Object.assign(item, { state: 'sending', attempts: item.attempts + 1 });
      await this.writeMeta(item);
      try {
        const transport = await this.options.transportFor(item.accountId);
        await transport.send({ route: item.route, from: item.from, to: item.to, raw });
      } catch (error) {
        const failure = error instanceof SmtpSendError ? error : error instanceof ServiceError ? new SmtpSendError(error.code, error.message, 'permanent') : classifySmtpError(error);
        Object.assign(item, {
          state: failure.kind === 'temporary' ? 'queued' : 'failed',
          nextAttemptAt: this.now() + (failure.kind === 'temporary' ? this.backoff(item.attempts) : 0),
          lastError: { code: failure.code, message: failure.message, ...(failure.serverResponse ? { serverResponse: failure.serverResponse } : {}) },
        });
        await this.writeMeta(item);
        this.options.onChange?.();
        continue;
      }
      // Accepted: remove first, so no later failure can make it go out again.
      this.remove(item);
      await this.options.onAccepted?.(item);
      await this.finishIfDone(this.afterKey(item.messageId));
    }
  }

  /** Runs the follow-up of a message once none of its copies is left in the outbox. */
  private async finishIfDone(key: string): Promise<void> {
    const path = join(this.options.dir, `after-${key}.sealed`);
    let sealed: Buffer;
    try {
      sealed = readFileSync(path);
    } catch {
      return;
    }
    const record = afterSchema.parse(JSON.parse((await this.options.secrets.open(`outbox-after:${key}`, sealed)).toString('utf8')));
    if (this.list().some((i) => i.messageId === record.messageId)) return;
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
    } catch {
      // The message itself is out; filing the copy is retried on the next start (idempotent enough:
      // at worst a second Sent copy, never a second message to the recipient).
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
    this.options.onChange?.();
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

/**
 * The append-only trail on this workstation: <dataDir>/audit/trail.jsonl (records, hash-chained),
 * checkpoints.jsonl (signed), workstation.pub. Invariants:
 * - append() resolves only after the record's line is on disk (datasync): a caller that awaits it
 *   may rely on the record, one that gets an error must treat the action as not recordable;
 * - appends are serialised, so sequence numbers are gapless and in order;
 * - the body is sealed under the vault key bound to its sequence number, so the local file holds
 *   no readable person, mailbox or Message-ID, and a body cannot be moved to another position;
 * - a line torn by a crash during a write (never confirmed to anyone) is cut off at the next start
 *   and that is itself recorded.
 */
import { existsSync, mkdirSync, openSync, closeSync, fstatSync, readSync, ftruncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { leadingSeq, trailLines } from './trail-lines.js';
import { join } from 'node:path';
import { GENESIS_HASH, parsePayload, signCheckpoint, splitLine, trailLine, type Checkpoint } from './audit-chain.js';
import { auditBodySchema, type AuditBody, type AuditRecord } from './audit-record.js';
import { loadWorkstationKey, type WorkstationKey } from './workstation-key.js';
import type { SecretStore } from '../secrets/secret-store.js';

export interface AuditTrailOptions {
  dir: string;
  secrets: Pick<SecretStore, 'get' | 'set' | 'seal' | 'open'>;
  /** A signed checkpoint after this many records (default 1000). */
  checkpointEvery?: number;
  /** …and when this long has passed since the last one with records since (default 1 h). */
  checkpointPeriodMs?: number;
  now?: () => number;
}

export interface TrailPosition {
  seq: number;
  hash: string;
}

export class AuditTrail {
  readonly trailFile: string;
  readonly checkpointFile: string;
  readonly publicKeyFile: string;
  readonly checkpointEvery: number;
  private readonly periodMs: number;
  private readonly now: () => number;
  private head: TrailPosition = { seq: 0, hash: GENESIS_HASH };
  private lastCheckpoint: { seq: number; at: number } = { seq: 0, at: 0 };
  private key: WorkstationKey | null = null;
  private handle: FileHandle | null = null;
  private checkpointHandle: FileHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private tornTail = false;
  private readonly appendListeners = new Set<(position: TrailPosition) => void>();

  constructor(private readonly options: AuditTrailOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.trailFile = join(options.dir, 'trail.jsonl');
    this.checkpointFile = join(options.dir, 'checkpoints.jsonl');
    this.publicKeyFile = join(options.dir, 'workstation.pub');
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.periodMs = options.checkpointPeriodMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Opens the trail (reads where the chain ends) without writing anything. */
  ready(): Promise<void> {
    const run = this.queue.then(() => this.start());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Where the chain stands (the last record written). */
  position(): TrailPosition {
    return { ...this.head };
  }

  /** Called after each record is on disk (the shipper wakes up). */
  onAppend(listener: (position: TrailPosition) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async workstationKey(): Promise<WorkstationKey> {
    this.key ??= await loadWorkstationKey(this.options.secrets, this.publicKeyFile);
    return this.key;
  }

  /** Reads where the chain ends (and cuts a torn last line); true when one was cut. */
  private async start(): Promise<void> {
    if (this.handle) return;
    await this.workstationKey();
    if (existsSync(this.trailFile)) {
      const { head, torn } = readTail(this.trailFile);
      this.head = head;
      this.tornTail = torn;
    }
    if (existsSync(this.checkpointFile)) {
      const { last } = readLastCheckpoint(this.checkpointFile);
      if (last) this.lastCheckpoint = { seq: last.s, at: last.t };
    }
    this.handle = await open(this.trailFile, 'a', 0o600);
    this.checkpointHandle = await open(this.checkpointFile, 'a', 0o600);
  }

  /** Appends one record and resolves once it is durable. */
  append(record: { subjects: string[]; body: AuditBody; at?: number }): Promise<AuditRecord> {
    const run = this.queue.then(async () => {
      await this.start();
      if (this.tornTail) {
        this.tornTail = false;
        await this.write({ subjects: [], body: { ...record.body, action: 'trail.tail-discarded', outcome: 'failed', details: {} } });
      }
      return this.write(record);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(record: { subjects: string[]; body: AuditBody; at?: number }): Promise<AuditRecord> {
    const body = auditBodySchema.parse(record.body);
    const seq = this.head.seq + 1;
    const at = record.at ?? this.now();
    const sealed = await this.options.secrets.seal(`audit:${seq}`, Buffer.from(JSON.stringify(body), 'utf8'));
    const { line, hash } = trailLine(this.head.hash, { s: seq, t: at, p: [...record.subjects], b: sealed.toString('base64') });
    await this.handle!.write(line);
    await this.handle!.datasync();
    this.head = { seq, hash };
    if (seq - this.lastCheckpoint.seq >= this.checkpointEvery) await this.signCheckpoint('count');
    else if (at - this.lastCheckpoint.at >= this.periodMs && this.lastCheckpoint.at > 0) await this.signCheckpoint('period');
    for (const listener of this.appendListeners) listener({ seq, hash });
    return { seq, at, subjects: [...record.subjects], body };
  }

  /** Signs the head now (a period passed, the app closes), when records were added since the last checkpoint. */
  checkpoint(why: Checkpoint['why'] = 'period'): Promise<Checkpoint | null> {
    const run = this.queue.then(async () => {
      await this.start();
      if (this.head.seq === 0 || this.head.seq === this.lastCheckpoint.seq) return null;
      return this.signCheckpoint(why);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Whether a period checkpoint is due (for the service's timer). */
  checkpointDue(): boolean {
    return this.head.seq > this.lastCheckpoint.seq && this.now() - this.lastCheckpoint.at >= this.periodMs;
  }

  private async signCheckpoint(why: Checkpoint['why']): Promise<Checkpoint> {
    const key = await this.workstationKey();
    const checkpoint = signCheckpoint(key.privateKey, key.publicKey, { s: this.head.seq, h: this.head.hash, t: this.now(), why });
    await this.checkpointHandle!.write(JSON.stringify(checkpoint) + '\n');
    await this.checkpointHandle!.datasync();
    this.lastCheckpoint = { seq: checkpoint.s, at: checkpoint.t };
    return checkpoint;
  }

  /**
   * Every record in order (from `fromSeq`), bodies opened only for those `want` accepts by their
   * clear fields: a lookup over a million records opens just the ones about its client.
   */
  async *records(
    options: { fromSeq?: number; want?: (seq: number, at: number, subjects: string[]) => boolean; containing?: string } = {},
  ): AsyncGenerator<AuditRecord> {
    if (!existsSync(this.trailFile)) return;
    for await (const text of trailLines(this.trailFile)) {
      // A pseudonym that is not in the line at all: no need to parse it (most lines, in a lookup).
      if (options.containing !== undefined && !text.includes(options.containing)) continue;
      const split = splitLine(text);
      const payload = split ? parsePayload(split.payload) : null;
      if (!payload) continue;
      if (options.fromSeq !== undefined && payload.s < options.fromSeq) continue;
      if (options.want && !options.want(payload.s, payload.t, payload.p)) continue;
      const opened = await this.options.secrets.open(`audit:${payload.s}`, Buffer.from(payload.b, 'base64'));
      const body = auditBodySchema.safeParse(JSON.parse(opened.toString('utf8')));
      if (!body.success) continue;
      yield { seq: payload.s, at: payload.t, subjects: payload.p, body: body.data };
    }
  }

  /** Records from `fromSeq` with their chain hashes (for shipping). */
  async *recordsWithHash(options: { fromSeq: number }): AsyncGenerator<{ record: AuditRecord; hash: string }> {
    if (!existsSync(this.trailFile)) return;
    for await (const text of trailLines(this.trailFile)) {
      const split = splitLine(text);
      const seq = split ? leadingSeq(split.payload) : null;
      if (seq === null || seq < options.fromSeq) continue;
      const payload = parsePayload(split!.payload);
      if (!split || !payload) continue;
      const opened = await this.options.secrets.open(`audit:${payload.s}`, Buffer.from(payload.b, 'base64'));
      const body = auditBodySchema.parse(JSON.parse(opened.toString('utf8')));
      yield { record: { seq: payload.s, at: payload.t, subjects: payload.p, body }, hash: split.hash };
    }
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.handle && this.head.seq > this.lastCheckpoint.seq) await this.checkpoint('close');
    await this.queue;
    await this.handle?.close();
    await this.checkpointHandle?.close();
    this.handle = null;
    this.checkpointHandle = null;
  }
}

const TAIL_BYTES = 256 * 1024;

/** The last record's position, and whether a torn (unterminated) last line was cut off. */
function readTail(file: string): { head: TrailPosition; torn: boolean } {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    let torn = false;
    let end = text.length;
    if (text.length > 0 && !text.endsWith('\n')) {
      // A crash mid-write: the line was never confirmed to anyone. Cut it; the next record says so.
      const cut = text.lastIndexOf('\n') + 1;
      ftruncateSync(fd, start + Buffer.byteLength(text.slice(0, cut), 'utf8'));
      end = cut;
      torn = true;
    }
    const lines = text.slice(0, end).split('\n').filter(Boolean).reverse();
    for (const line of lines) {
      const split = splitLine(line);
      const payload = split ? parsePayload(split.payload) : null;
      if (split && payload) return { head: { seq: payload.s, hash: split.hash }, torn };
    }
    return { head: { seq: 0, hash: GENESIS_HASH }, torn };
  } finally {
    closeSync(fd);
  }
}

function readLastCheckpoint(file: string): { last: Checkpoint | null } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - 64 * 1024);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    for (const line of lines.reverse()) {
      try {
        return { last: JSON.parse(line) as Checkpoint };
      } catch {
        // A damaged line: the verifier reports it; keep looking for the last good one.
      }
    }
    return { last: null };
  } finally {
    closeSync(fd);
  }
}

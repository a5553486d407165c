/**
 * Ships the trail to the organisation's log system as RFC 5424 syslog over TLS (RFC 5425: each
 * message framed by its octet count), in order, and counts a record as shipped only once the
 * receiver confirmed the batch. RFC 5425 has no application acknowledgement, so a batch is
 * confirmed when the receiver closes the TLS connection after reading everything we sent and our
 * end-of-stream (close_notify, FIN): the receiver has then read every byte. Only then does the
 * cursor (audit/shipped-syslog.json, written atomically) move.
 *
 * The queue is the trail itself: records waiting are the ones after the cursor, sealed under the
 * vault key like every record; a crash between "stored" and "shipped" leaves them after the
 * cursor, and they go at the next start. A receiver that is away is retried with backoff (up to
 * a minute) for as long as it takes. Each message carries the record's sequence number and chain
 * hash in its structured data, so a receiver can drop a duplicate and check the chain.
 */
import { connect, type TLSSocket } from 'node:tls';
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/logger.js';
import type { AuditRecord } from './audit-record.js';
import type { AuditTrail } from './audit-trail.js';

export interface SyslogDestination {
  host: string;
  port: number;
  /** Extra trusted CA (PEM); the system roots otherwise. */
  caPem?: string;
}

/** RFC 5424: facility 13 (log audit), severity 6 (informational). */
const PRI = 13 * 8 + 6;
/** RFC 5612's documentation enterprise number, for the structured-data ID. */
const SD_ID = 'sinetti@32473';
const BATCH = 500;
const MAX_BACKOFF_MS = 60_000;

const sdEscape = (value: string) => value.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** One record as an RFC 5424 message (MSG is the record as JSON: identifiers and pseudonyms only). */
export function syslogMessage(record: AuditRecord, hash: string, hostname: string): string {
  const header = `<${PRI}>1 ${new Date(record.at).toISOString()} ${hostname.replace(/[^\x21-\x7e]/g, '-').slice(0, 255) || '-'} sinetti - ${record.body.action}`;
  const sd = `[${SD_ID} seq="${record.seq}" hash="${hash}" ws="${sdEscape(record.body.workstation)}"]`;
  return `${header} ${sd} ${JSON.stringify({ seq: record.seq, at: record.at, subjects: record.subjects, ...record.body })}`;
}

/** RFC 5425 octet-counting frame. */
export const frame = (message: string) => {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
};

export class SyslogShipper {
  private readonly cursorFile: string;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly trail: AuditTrail,
    private readonly destination: () => SyslogDestination | null,
    private readonly options: { logger?: Logger; firstBackoffMs?: number; hostname: string },
  ) {
    this.cursorFile = join(trail.trailFile, '..', 'shipped-syslog.json');
    this.backoffMs = options.firstBackoffMs ?? 1000;
    this.unsubscribe = trail.onAppend(() => this.kick());
  }

  /** The last record the receiver confirmed. */
  shipped(): number {
    if (!existsSync(this.cursorFile)) return 0;
    const value = JSON.parse(readFileSync(this.cursorFile, 'utf8')) as { seq?: unknown };
    return typeof value.seq === 'number' ? value.seq : 0;
  }

  /** Ships whatever waits (now, or after the current run). */
  kick(): void {
    if (this.stopped || !this.destination()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.shipAll()
      .then(
        () => {
          this.backoffMs = this.options.firstBackoffMs ?? 1000;
        },
        (error: unknown) => {
          this.options.logger?.warn('audit shipping to syslog failed; retrying', { error: error instanceof Error ? error.message : String(error) });
          this.schedule();
        },
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when nothing is being shipped (tests, close). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.backoffMs);
    this.timer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private async shipAll(): Promise<void> {
    await this.trail.ready();
    for (;;) {
      const destination = this.destination();
      if (!destination) return;
      const from = this.shipped() + 1;
      if (from > this.trail.position().seq) return;
      const batch: string[] = [];
      let last = 0;
      for await (const { record, hash } of this.trail.recordsWithHash({ fromSeq: from })) {
        if (record.seq !== from + batch.length) throw new Error(`the trail skips from ${from + batch.length - 1} to ${record.seq}`);
        batch.push(syslogMessage(record, hash, this.options.hostname));
        last = record.seq;
        if (batch.length >= BATCH) break;
      }
      if (batch.length === 0) return;
      await sendBatch(destination, batch);
      const temp = `${this.cursorFile}.tmp`;
      writeFileSync(temp, JSON.stringify({ seq: last }), { mode: 0o600 });
      renameSync(temp, this.cursorFile);
    }
  }
}

/** Sends the frames and resolves once the receiver has closed after reading all of them and our end. */
function sendBatch(destination: SyslogDestination, messages: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    const socket: TLSSocket = connect(
      { host: destination.host, port: destination.port, servername: destination.host, ...(destination.caPem ? { ca: destination.caPem } : {}) },
      () => {
        socket.write(Buffer.concat(messages.map(frame)));
        socket.end(() => {
          ended = true;
        });
      },
    );
    socket.setTimeout(30_000, () => fail(new Error('the syslog receiver did not confirm in time')));
    socket.on('error', fail);
    socket.on('data', () => undefined);
    socket.on('close', (hadError) => {
      if (hadError) return;
      if (ended && socket.readableEnded) resolve();
      else reject(new Error('the syslog receiver closed before confirming the batch'));
    });
  });
}

/**
 * What we know about one mailbox's headers: the UID list in server order, the rows fetched so far
 * (compact: compact-row.ts) and the CONDSTORE position they reflect. Rows are keyed by UID, so a
 * resync after a dropped connection can never produce duplicates.
 *
 * Rows read on the bulk header connection (another connection than the session's) may be older
 * than a flag change the session's connection has already reported for a message without a row
 * yet: such changes wait in `pendingFlags` and win over the bulk row's flags.
 */
import type { MessageRow, SortOrder } from '../../../shared/domain.js';
import { compactFromRow, rowFromCompact, StringInterner, type CompactRow } from './compact-row.js';

export class MailboxState {
  /** Ascending UIDs, i.e. sequence-number order. */
  uids: number[] = [];
  readonly rows = new Map<number, CompactRow>();
  highestModseq: bigint | undefined;
  readonly interner = new StringInterner();
  private readonly pendingFlags = new Map<number, MessageRow['flags']>();
  private dateOrder: number[] | null = null;

  constructor(readonly uidValidity: bigint) {}

  get total(): number {
    return this.uids.length;
  }

  get complete(): boolean {
    return this.rows.size >= this.uids.length;
  }

  setUids(uids: number[]): { added: number[]; removed: number[] } {
    const previous = new Set(this.uids);
    const current = new Set(uids);
    const removed = this.uids.filter((uid) => !current.has(uid));
    const added = uids.filter((uid) => !previous.has(uid));
    for (const uid of removed) {
      this.rows.delete(uid);
      this.pendingFlags.delete(uid);
    }
    this.uids = uids;
    this.invalidateOrder();
    return { added, removed };
  }

  appendUids(uids: number[]): void {
    const last = this.uids[this.uids.length - 1] ?? 0;
    const fresh = uids.filter((uid) => uid > last).sort((a, b) => a - b);
    if (fresh.length) {
      this.uids = this.uids.concat(fresh);
      this.invalidateOrder();
    }
  }

  removeUid(uid: number): boolean {
    const index = binarySearch(this.uids, uid);
    if (index < 0) return false;
    this.uids.splice(index, 1);
    this.rows.delete(uid);
    this.pendingFlags.delete(uid);
    this.invalidateOrder();
    return true;
  }

  uidAtSequence(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  /** A row read on the session's own connection (in order with its flag updates). */
  putRow(row: MessageRow | CompactRow): void {
    this.pendingFlags.delete(row.uid);
    this.store('flags' in row ? compactFromRow(row) : row);
  }

  /** A row read on the bulk header connection: a flag change seen since then is newer. */
  putBulkRow(row: CompactRow): void {
    const pending = this.pendingFlags.get(row.uid);
    if (pending) this.pendingFlags.delete(row.uid);
    this.store(pending ? row.withFlags(pending) : row);
  }

  private store(row: CompactRow): void {
    if (binarySearch(this.uids, row.uid) < 0) return; // expunged while the fetch was in flight
    const known = this.rows.has(row.uid);
    this.rows.set(row.uid, row);
    if (!known) this.invalidateOrder();
  }

  updateFlags(uid: number, flags: MessageRow['flags']): boolean {
    const row = this.rows.get(uid);
    if (!row) {
      if (binarySearch(this.uids, uid) >= 0) this.pendingFlags.set(uid, flags);
      return false;
    }
    this.rows.set(uid, row.withFlags(flags));
    return true;
  }

  /** The contract's row for a UID, built on demand (only for the rows a page shows). */
  row(uid: number): MessageRow | null {
    const row = this.rows.get(uid);
    return row ? rowFromCompact(row) : null;
  }

  /**
   * The UIDs at display positions [offset, offset + limit). Until every header is known, arrival
   * (UID) order stands in for date order so the newest rows show at once; once complete, rows are
   * ordered by their date.
   */
  slice(sort: SortOrder, offset: number, limit: number): number[] {
    const ascending = this.ascendingOrder();
    const n = ascending.length;
    const end = Math.min(n, offset + limit);
    const out: number[] = [];
    for (let i = offset; i < end; i++) out.push(sort === 'date-asc' ? ascending[i]! : ascending[n - 1 - i]!);
    return out;
  }

  private ascendingOrder(): readonly number[] {
    if (!this.complete) return this.uids;
    if (!this.dateOrder) {
      this.dateOrder = [...this.uids].sort((a, b) => this.rows.get(a)!.date - this.rows.get(b)!.date || a - b);
    }
    return this.dateOrder;
  }

  /** UIDs without a row yet, newest first, at most `limit`. */
  missing(limit: number): number[] {
    const out: number[] = [];
    for (let i = this.uids.length - 1; i >= 0 && out.length < limit; i--) {
      const uid = this.uids[i]!;
      if (!this.rows.has(uid)) out.push(uid);
    }
    return out;
  }

  private invalidateOrder(): void {
    this.dateOrder = null;
  }
}

export function binarySearch(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

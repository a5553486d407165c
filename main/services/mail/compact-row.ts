/**
 * A header row as the list keeps it for a whole mailbox: one small object of scalars and strings
 * per message (flags and the security marks packed into one number, sender strings interned per
 * mailbox), instead of the contract's MessageRow with its nested objects. A MessageRow is built
 * only for the rows a page shows.
 */
import type { MessageRow } from '../../../shared/domain.js';

export const SEEN = 1;
export const ANSWERED = 2;
export const FLAGGED = 4;
export const HAS_ATTACHMENTS = 8;
export const ENCRYPTED = 16;
export const SIGNED = 32;

export class CompactRow {
  constructor(
    readonly uid: number,
    readonly fromName: string,
    readonly fromAddress: string,
    readonly subject: string,
    /** Milliseconds since epoch (the Date header, else the arrival time). */
    readonly date: number,
    readonly size: number,
    /** SEEN | ANSWERED | FLAGGED | HAS_ATTACHMENTS | ENCRYPTED | SIGNED. */
    readonly bits: number,
  ) {}

  withFlags(flags: MessageRow['flags']): CompactRow {
    return new CompactRow(this.uid, this.fromName, this.fromAddress, this.subject, this.date, this.size, (this.bits & ~7) | flagBits(flags));
  }
}

export function flagBits(flags: MessageRow['flags']): number {
  return (flags.seen ? SEEN : 0) | (flags.answered ? ANSWERED : 0) | (flags.flagged ? FLAGGED : 0);
}

export function compactFromRow(row: MessageRow): CompactRow {
  return new CompactRow(
    row.uid,
    row.from.name,
    row.from.address,
    row.subject,
    row.date,
    row.size,
    flagBits(row.flags) | (row.hasAttachments ? HAS_ATTACHMENTS : 0) | (row.encrypted ? ENCRYPTED : 0) | (row.signed ? SIGNED : 0),
  );
}

export function rowFromCompact(row: CompactRow): MessageRow {
  const bits = row.bits;
  return {
    uid: row.uid,
    from: { name: row.fromName, address: row.fromAddress },
    subject: row.subject,
    date: row.date,
    size: row.size,
    flags: { seen: (bits & SEEN) !== 0, answered: (bits & ANSWERED) !== 0, flagged: (bits & FLAGGED) !== 0 },
    hasAttachments: (bits & HAS_ATTACHMENTS) !== 0,
    encrypted: (bits & ENCRYPTED) !== 0,
    signed: (bits & SIGNED) !== 0,
  };
}

/**
 * One copy of each distinct string (senders repeat across a mailbox). Bounded: past `limit`
 * distinct values it stops remembering new ones, so a hostile mailbox cannot grow it without end.
 */
export class StringInterner {
  private readonly seen = new Map<string, string>();
  constructor(private readonly limit = 100_000) {}

  intern(value: string): string {
    if (value === '') return '';
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    if (this.seen.size < this.limit) this.seen.set(value, value);
    return value;
  }
}

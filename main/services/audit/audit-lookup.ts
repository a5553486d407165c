/**
 * Answers "who has viewed my data?" from the trail: every record whose pseudonyms include the
 * client's (identity code or address, hashed with the same key) in a period, opened only when it
 * matches, so a lookup over a million records opens just that client's. Also the person's own
 * activity. Each lookup and export is itself recorded (pseudonymised like any other).
 */
import { ServiceError } from '../../../shared/result.js';
import type { AuditLookupResult, AuditRow } from '../../../shared/audit-schema.js';
import type { AuditRecord } from './audit-record.js';
import type { AuditService } from './audit-service.js';
import { lookupTerm } from './pseudonyms.js';

/** Records older than this are released only for a special reason (a county's refusal case). */
export const TWO_YEARS_MS = 2 * 365.25 * 24 * 60 * 60 * 1000;

export function toRow(record: AuditRecord): AuditRow {
  const { body } = record;
  return {
    seq: record.seq,
    at: record.at,
    person: body.person,
    workstation: body.workstation,
    action: body.action,
    outcome: body.outcome,
    ...(body.mailbox ? { mailbox: body.mailbox } : {}),
    ...(body.uid ? { uid: body.uid } : {}),
    ...(body.messageId ? { messageId: body.messageId } : {}),
  };
}

/** The accesses to a client in [from, to], oldest first; no recording (see lookup). */
export async function findAccesses(audit: AuditService, term: string, from: number, to: number, now = Date.now()): Promise<AuditLookupResult> {
  const parsed = lookupTerm(term);
  if (!parsed) throw new ServiceError('VALIDATION', 'Enter a valid personal identity code or an e-mail address.');
  const hasher = await audit.pseudonymizer();
  const wanted = parsed.kind === 'identity-code' ? hasher.identityCode(parsed.value) : hasher.address(parsed.value);
  const rows: AuditRow[] = [];
  const want = (_seq: number, at: number, subjects: string[]) => at >= from && at <= to && subjects.includes(wanted);
  for await (const record of audit.trail.records({ containing: `"${wanted}"`, want })) {
    // Lookups and exports of the trail name the client too; they are not accesses to the client's messages.
    if (record.body.action === 'audit.looked-up' || record.body.action === 'audit.exported') continue;
    rows.push(toRow(record));
  }
  return { kind: parsed.kind, rows, olderThanTwoYears: rows.filter((r) => now - r.at > TWO_YEARS_MS).length, localKey: hasher.keyKind === 'local' };
}

export async function lookup(audit: AuditService, term: string, from: number, to: number): Promise<AuditLookupResult> {
  const result = await findAccesses(audit, term, from, to);
  const parsed = lookupTerm(term)!;
  await audit.record({
    action: 'audit.looked-up',
    outcome: 'ok',
    details: { kind: parsed.kind, from, to, found: result.rows.length },
    ...(parsed.kind === 'identity-code' ? { identityCodes: [parsed.value] } : { addresses: [parsed.value] }),
  });
  return result;
}

/** The person's own activity: records made as any of their account identities (or their OS user). */
export async function ownActivity(audit: AuditService, identities: readonly string[], from: number, to: number): Promise<AuditRow[]> {
  const mine = new Set(identities);
  const rows: AuditRow[] = [];
  for await (const record of audit.trail.records({ want: (_seq, at) => at >= from && at <= to })) if (mine.has(record.body.person)) rows.push(toRow(record));
  return rows;
}

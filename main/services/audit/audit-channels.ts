/** The audit trail's own contract channels: lookup, own activity, export (each recorded), verification. */
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { AuditService } from './audit-service.js';
import { exportCsv, exportPdf } from './audit-export.js';
import { findAccesses, lookup, ownActivity } from './audit-lookup.js';
import { lookupTerm } from './pseudonyms.js';

type AuditChannels = Pick<ServiceHandlers, 'audit:lookup' | 'audit:own' | 'audit:export' | 'audit:verify'>;

export function auditChannels(audit: AuditService, identities: () => string[]): AuditChannels {
  const person = () => identities()[0] ?? audit.person();
  return {
    'audit:lookup': async ({ term, from, to }) => lookup(audit, term, from, to),
    'audit:own': async ({ from, to }) => ownActivity(audit, [...identities(), audit.person()], from, to),
    'audit:export': async ({ term, from, to, format, locale }) => {
      const result = await findAccesses(audit, term, from, to);
      const parsed = lookupTerm(term)!;
      const request = { term, kind: result.kind, from, to, locale, producedBy: person() };
      const content = format === 'csv' ? exportCsv(result, request) : await exportPdf(result, request);
      // Recorded before the file leaves main, like any other content shown.
      await audit.record({
        action: 'audit.exported',
        outcome: 'ok',
        details: { kind: parsed.kind, format, from, to, rows: result.rows.length },
        ...(parsed.kind === 'identity-code' ? { identityCodes: [parsed.value] } : { addresses: [parsed.value] }),
      });
      const stamp = new Date().toISOString().slice(0, 10);
      return {
        filename: `sinetti-lokitiedot-${stamp}.${format}`,
        mimeType: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/pdf',
        contentBase64: content.toString('base64'),
      };
    },
    'audit:verify': async () => {
      const result = await audit.verify();
      await audit.record({
        action: 'audit.verified',
        outcome: result.ok ? 'ok' : 'failed',
        details: { records: result.records, problems: result.problems.length },
      });
      return result;
    },
  };
}

/**
 * What the audit views see: accesses found for a client (identity code or address) in a period,
 * the person's own activity, an export, and the trail's verification. Rows name who, when, what
 * and which mailbox; never content, and never the identity code itself (the renderer already has
 * the one it typed).
 */
import { z } from 'zod';

export const auditPeriodSchema = z
  .object({
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  })
  .strict()
  .refine((p) => p.from <= p.to, { message: 'the period ends before it starts' });

export const auditLookupRequestSchema = z
  .object({
    /** A personal identity code or an e-mail address. */
    term: z.string().trim().min(3).max(320),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  })
  .strict()
  .refine((p) => p.from <= p.to, { message: 'the period ends before it starts' });

export const auditRowSchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  person: z.string(),
  workstation: z.string(),
  action: z.string(),
  outcome: z.enum(['ok', 'refused', 'failed']),
  mailbox: z.string().optional(),
  uid: z.number().int().optional(),
  messageId: z.string().optional(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const auditLookupResultSchema = z.object({
  kind: z.enum(['identity-code', 'address']),
  rows: z.array(auditRowSchema),
  /** Rows older than two years: released only for a special reason (the county's refusal case). */
  olderThanTwoYears: z.number().int(),
  /** Records are pseudonymised with this workstation's own key (no organisation key in the policy). */
  localKey: z.boolean(),
});
export type AuditLookupResult = z.infer<typeof auditLookupResultSchema>;

export const auditExportRequestSchema = z
  .object({
    term: z.string().trim().min(3).max(320),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
    format: z.enum(['csv', 'pdf']),
    locale: z.enum(['fi', 'sv-FI', 'en']),
  })
  .strict();

export const auditExportSchema = z.object({ filename: z.string(), mimeType: z.string(), contentBase64: z.string() });

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  records: z.number().int(),
  firstSeq: z.number().int().nullable(),
  lastSeq: z.number().int().nullable(),
  checkpoints: z.number().int(),
  unsignedTail: z.number().int(),
  problems: z.array(
    z.object({
      kind: z.string(),
      seq: z.number().int().optional(),
      count: z.number().int().optional(),
      line: z.number().int().optional(),
      message: z.string(),
    }),
  ),
});

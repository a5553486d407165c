/**
 * What one audit record says. A record names the person, the workstation, the app version, the
 * action and its outcome, and the objects by identifier only (mailbox, UID, Message-ID, key
 * fingerprint). It never holds message content, a subject, a file name or a plaintext identity
 * code: client identifiers appear only as keyed hashes (pseudonyms.ts), kept beside the sealed
 * body so a lookup can filter without opening every record.
 */
import { z } from 'zod';

export const AUDIT_ACTIONS = [
  'trail.started',
  'trail.tail-discarded',
  'message.opened',
  'message.decrypted',
  'attachment.saved',
  'message.exported',
  'message.moved',
  'message.deleted',
  'send.stored',
  'send.accepted',
  'send.blocked',
  'send.justified',
  'draft.saved',
  'key.created',
  'key.imported',
  'key.revoked',
  'team-key.created',
  'team-key.granted',
  'team-key.rotated',
  'team-key.imported',
  'correspondent-key.changed',
  'policy.changed',
  'policy.false-positive',
  'account.added',
  'account.removed',
  'keys.locked',
  'keys.unlocked',
  'claim.changed',
  'audit.looked-up',
  'audit.exported',
  'audit.verified',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditOutcomeSchema = z.enum(['ok', 'refused', 'failed']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/** Details are identifiers, counts, domains and codes: a closed set of small scalar fields. */
const detailValue = z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(320)).max(100)]);

export const auditBodySchema = z
  .object({
    v: z.literal(1),
    action: z.enum(AUDIT_ACTIONS),
    outcome: auditOutcomeSchema,
    /** The account identity the person acted as (`user@host`), or the OS user for workstation-wide acts. */
    person: z.string().max(400),
    workstation: z.string().max(255),
    app: z.string().max(50),
    accountId: z.string().max(100).optional(),
    mailbox: z.string().max(1000).optional(),
    uid: z.number().int().positive().optional(),
    messageId: z.string().max(998).optional(),
    details: z.record(z.string().max(50), detailValue).optional(),
  })
  .strict();
export type AuditBody = z.infer<typeof auditBodySchema>;

/** A record as read back: sequence number, time, pseudonyms of the client identifiers it concerns, and its body. */
export interface AuditRecord {
  seq: number;
  at: number;
  subjects: string[];
  body: AuditBody;
}

/** What a caller records; person, workstation and version are filled in by the audit service. */
export type AuditEntry = Omit<AuditBody, 'v' | 'person' | 'workstation' | 'app'> & {
  /** Client identity codes and e-mail addresses the action touched: hashed before anything is written. */
  identityCodes?: readonly string[];
  addresses?: readonly string[];
  /** Overrides the person (the account's identity is used when `accountId` is given). */
  person?: string;
};

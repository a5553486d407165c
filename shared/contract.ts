/**
 * The one IPC contract between the renderer and the services. Every channel names a capability
 * and maps a request schema to a response schema. Both hosts (Electron IPC and the loopback
 * browser host) validate requests against these schemas in the main process before any service
 * sees them; the renderer's API type is derived from here.
 */
import { z } from 'zod';
import type { RequestChannel } from './channels.js';
import {
  accountInputSchema,
  accountSummarySchema,
  accountUpdateSchema,
  appInfoSchema,
  attachmentContentSchema,
  localeSchema,
  mailboxGroupSchema,
  mailboxRefSchema,
  mailEventSchema,
  messagePageSchema,
  messageViewSchema,
  sortOrderSchema,
  uiSettingsSchema,
  keyAlgorithmSchema,
  keySummarySchema,
} from './domain.js';
import { policyLayerSchema, policyStateSchema } from './policy-schema.js';
import { managedConfigViewSchema } from './managed-config-schema.js';
import { approvalSchema, decisionSchema, outboxItemSchema, sendIdentitySchema } from './send-schema.js';
import { composeContextSchema, composeSettingsSchema, correspondentSchema } from './send-schema.js';
import { draftIdSchema, draftListSchema, draftSaveResultSchema } from './draft-schema.js';
import type { Result } from './result.js';
import {
  grantImportResultSchema,
  grantImportSourceSchema,
  grantPreviewSchema,
  pendingGrantSchema,
  teamFingerprintSchema,
  teamRefSchema,
  teamViewSchema,
} from './team-key-schema.js';
import { keyringContract } from './keyring-schema.js';
import { sessionLockContract } from './session-lock-schema.js';
import { workInProgressContract } from './work-in-progress-schema.js';
import { teamBoardSchema } from './team-board.js';
import { teamItemSchema, teamItemStatusSchema, teamItemViewSchema, teamMemberIdSchema } from './team-work-schema.js';
import { searchContract } from './search-schema.js';
import {
  draftContentRequestSchema,
  openedDraftViewSchema,
  outgoingMessageRequestSchema,
  stagedAttachmentSchema,
  uploadBeginSchema,
  uploadChunkSchema,
  attachmentIdSchema,
} from './attachment-upload-schema.js';
import {
  auditExportRequestSchema,
  auditExportSchema,
  auditLookupRequestSchema,
  auditLookupResultSchema,
  auditPeriodSchema,
  auditRowSchema,
  auditVerificationSchema,
} from './audit-schema.js';

const empty = z.object({}).strict();
const uid = z.number().int().positive();
const uidList = z.array(uid).min(1).max(5000);
/** A team change: whether it applied (false: someone else was first) and the state after it. */
const teamChangeResultSchema = z.object({ applied: z.boolean(), item: teamItemSchema });
/** v4 (40 hex) or v6 (64 hex) OpenPGP fingerprint. */
const fingerprint = z.string().regex(/^[0-9A-Fa-f]{40}([0-9A-Fa-f]{24})?$/);

export const contract = {
  'app:info:get': { request: empty, response: appInfoSchema },
  'settings:ui:get': { request: empty, response: uiSettingsSchema },
  'settings:locale:set': { request: z.object({ locale: localeSchema }).strict(), response: uiSettingsSchema },
  'accounts:list': { request: empty, response: z.array(accountSummarySchema) },
  'accounts:connection:test': { request: accountInputSchema.strict(), response: z.object({ capabilities: z.array(z.string()) }) },
  'accounts:add': { request: accountInputSchema.strict(), response: accountSummarySchema },
  'accounts:remove': { request: z.object({ accountId: z.string().min(1).max(100) }).strict(), response: z.object({}) },
  // Accounts: edit and credentials (issues 12 and 14).
  'accounts:update': { request: accountUpdateSchema, response: accountSummarySchema },
  'accounts:credentials:set': {
    request: z.object({ accountId: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).strict(),
    response: z.object({}),
  },
  'mail:mailboxes:list': { request: empty, response: z.array(mailboxGroupSchema) },
  'mail:messages:page': {
    request: z
      .object({
        mailbox: mailboxRefSchema,
        offset: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(500),
        sort: sortOrderSchema,
      })
      .strict(),
    response: messagePageSchema,
  },
  'mail:message:open': { request: z.object({ mailbox: mailboxRefSchema, uid }).strict(), response: messageViewSchema },
  'mail:message:flags:set': {
    request: z
      .object({
        mailbox: mailboxRefSchema,
        uids: uidList,
        seen: z.boolean().optional(),
        flagged: z.boolean().optional(),
      })
      .strict(),
    response: z.object({}),
  },
  'mail:message:move': {
    request: z.object({ mailbox: mailboxRefSchema, uids: uidList, destination: z.string().min(1).max(1000) }).strict(),
    response: z.object({}),
  },
  'mail:message:delete': { request: z.object({ mailbox: mailboxRefSchema, uids: uidList }).strict(), response: z.object({ movedTo: z.string().nullable() }) },
  'mail:attachment:get': {
    request: z.object({ mailbox: mailboxRefSchema, uid, partId: z.string().regex(/^\d+(\.\d+)*$/) }).strict(),
    response: attachmentContentSchema,
  },
  'app:link:open': {
    request: z.object({ url: z.string().min(1).max(8192) }).strict(),
    /** `delegated`: the host cannot open links itself (browser host); the renderer opens the vetted URL. */
    response: z.object({ url: z.string(), delegated: z.boolean() }),
  },
  'crypto:keys:list': { request: empty, response: z.array(keySummarySchema) },
  'crypto:keys:generate': {
    request: z
      .object({
        name: z.string().trim().min(1).max(200),
        email: z.email().max(320),
        algorithm: keyAlgorithmSchema,
        /** Optional: the vault already protects the key at rest; a passphrase adds a second lock. */
        passphrase: z.string().min(8).max(1024).optional(),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      })
      .strict(),
    response: keySummarySchema,
  },
  'crypto:keys:import': {
    request: z
      .object({
        armored: z
          .string()
          .min(1)
          .max(256 * 1024),
      })
      .strict(),
    response: keySummarySchema,
  },
  'crypto:keys:public:export': {
    request: z.object({ fingerprint }).strict(),
    response: z.object({ armored: z.string() }),
  },
  'crypto:keys:unlock': { request: z.object({ fingerprint, passphrase: z.string().min(1).max(1024) }).strict(), response: keySummarySchema },
  /** Without a fingerprint: lock every key (e.g. when leaving the workstation). */
  'crypto:keys:lock': { request: z.object({ fingerprint: fingerprint.optional() }).strict(), response: z.object({}) },
  'crypto:keys:revoke': {
    request: z.object({ fingerprint, reason: z.enum(['compromised', 'superseded', 'retired']), description: z.string().max(500).optional() }).strict(),
    response: keySummarySchema,
  },
  'crypto:keys:revocation:export': { request: z.object({ fingerprint }).strict(), response: z.object({ armored: z.string() }) },
  'crypto:keys:revocation:apply': {
    request: z
      .object({
        fingerprint,
        certificate: z
          .string()
          .min(1)
          .max(64 * 1024),
      })
      .strict(),
    response: keySummarySchema,
  },
  /** The effective secure-send policy, where each value came from, and the managed policy's state. */
  'policy:state:get': { request: empty, response: policyStateSchema },
  /** Re-reads the managed policy file (after IT replaced it). */
  'policy:reload': { request: empty, response: policyStateSchema },
  /** The person's own layer; only values stricter than the rest take effect. */
  'policy:preferences:set': { request: z.object({ layer: policyLayerSchema }).strict(), response: policyStateSchema },
  /**
   * The person says a hint is wrong (a false positive). It unblocks nothing; it is recorded in the
   * audit trail with identifiers only (detector, vocabulary label, confidence, where), never the
   * text or the masked finding, so IT can tune the rules.
   */
  'policy:false-positive:report': {
    request: z
      .object({
        findings: z
          .array(
            z
              .object({
                detector: z.enum(['identity-code', 'business-id', 'iban', 'icd-10', 'sensitive-term']),
                label: z
                  .string()
                  .regex(/^[a-z0-9-]+(\/[a-z0-9-]+)?$/)
                  .max(200),
                confidence: z.enum(['low', 'medium', 'high']),
                part: z.enum(['subject', 'body', 'attachment']),
              })
              .strict(),
          )
          .min(1)
          .max(50),
      })
      .strict(),
    response: z.object({}),
  },
  /** IT's managed configuration as it applies: every setting's value, who set it, and whether the person may change it. */
  'config:managed:get': { request: empty, response: managedConfigViewSchema },
  /** The person's own value for a setting that allows one (null: back to the organisation's default); MANAGED_SETTING_LOCKED where IT enforces. */
  'config:personal:set': {
    request: z.object({ key: z.string().min(1).max(200), value: z.unknown() }).strict(),
    response: managedConfigViewSchema,
  },
  /** The addresses the person can send as. */
  'send:identities:list': { request: empty, response: z.array(sendIdentitySchema) },
  /** The decision for the message as it stands (the composer's hints) and the approval token for it. */
  'send:evaluate': {
    request: z.object({ message: outgoingMessageRequestSchema }).strict(),
    response: z.object({ decision: decisionSchema, token: z.string() }),
  },
  /** Through the send gate into the outbox: refused unless the token approves exactly this message. */
  'send:submit': {
    request: z.object({ message: outgoingMessageRequestSchema, approval: approvalSchema }).strict(),
    response: z.object({ queued: z.number(), messageId: z.string() }),
  },
  'send:outbox:list': { request: empty, response: z.array(outboxItemSchema) },
  /** The person decided: send a failed or uncertain copy again (same bytes, same Message-ID). */
  'send:outbox:retry': { request: z.object({ id: z.uuid() }).strict(), response: z.object({}) },
  'send:outbox:discard': { request: z.object({ id: z.uuid() }).strict(), response: z.object({}) },
  /** The person checked that a copy which may have been sent did arrive: never sent again, its follow-up runs. */
  'send:outbox:mark-sent': { request: z.object({ id: z.uuid() }).strict(), response: z.object({}) },
  // Team keys: public facts only; the team's secret keys never leave the main process.
  /** Every team mailbox with the key generations held, whether the person leads it, and (for leads) the members. */
  'crypto:team:list': { request: empty, response: z.array(teamViewSchema) },
  /** A lead creates the team's first key (the name and address it carries for correspondents). */
  'crypto:team:create': {
    request: teamRefSchema.extend({ name: z.string().trim().min(1).max(200), email: z.email().max(320) }).strict(),
    response: teamViewSchema,
  },
  /** A lead seals the team key to a member's public key, files it in the team keys folder, and gets it back to save as a file. */
  'crypto:team:grant': {
    request: teamRefSchema
      .extend({
        memberPublicKey: z
          .string()
          .min(1)
          .max(256 * 1024),
      })
      .strict(),
    response: z.object({ member: z.object({ fingerprint: z.string(), fingerprintGrouped: z.string(), userIds: z.array(z.string()) }), armored: z.string() }),
  },
  /** A lead removes a member: the key rotates and the new generation is sealed to everyone else. */
  'crypto:team:remove-member': { request: teamRefSchema.extend({ memberFingerprint: teamFingerprintSchema }).strict(), response: teamViewSchema },
  'crypto:team:public:export': { request: teamRefSchema, response: z.object({ armored: z.string() }) },
  /** Grants addressed to the person's keys for team keys they do not hold yet. */
  'crypto:team:grants:pending': { request: empty, response: z.array(pendingGrantSchema) },
  /** What a grant saved as a file holds (team, lead fingerprint to compare), checked like an import; nothing is stored. */
  'crypto:team:grants:preview': {
    request: z
      .object({
        armored: z
          .string()
          .min(1)
          .max(512 * 1024),
      })
      .strict(),
    response: grantPreviewSchema,
  },
  /** Imports a grant; `confirmLead` is the lead fingerprint the person compared (needed until that lead is trusted for the team). */
  'crypto:team:grants:import': {
    request: z.object({ source: grantImportSourceSchema, confirmLead: teamFingerprintSchema.optional() }).strict(),
    response: grantImportResultSchema,
  },
  // Correspondents' public keyring (shared/keyring-schema.ts).
  ...keyringContract,
  /** What a reply, reply-all or forward starts with: recipients, subject and the quoted root body, read in main. */
  'mail:message:compose-context': {
    request: z.object({ mailbox: mailboxRefSchema, uid, mode: z.enum(['reply', 'reply-all', 'forward']) }).strict(),
    response: composeContextSchema,
  },
  /** Recipient suggestions from headers already synced and recent recipients (addresses only). */
  'send:correspondents:suggest': { request: z.object({ query: z.string().max(200) }).strict(), response: z.array(correspondentSchema) },
  'settings:compose:get': { request: empty, response: composeSettingsSchema },
  'settings:compose:set': { request: z.object({ compose: composeSettingsSchema }).strict(), response: composeSettingsSchema },
  // Drafts: saved here (sealed) and to the server's Drafts folder encrypted to the person's own key.
  'drafts:save': { request: z.object({ draft: draftContentRequestSchema }).strict(), response: draftSaveResultSchema },
  'drafts:list': { request: empty, response: draftListSchema },
  'drafts:open': { request: z.object({ draftId: draftIdSchema }).strict(), response: openedDraftViewSchema },
  'drafts:discard': { request: z.object({ draftId: draftIdSchema }).strict(), response: z.object({}) },
  // Attachments in pieces (shared/attachment-upload-schema.ts): the main process holds the bytes.
  'attachments:upload:begin': { request: uploadBeginSchema, response: stagedAttachmentSchema.pick({ attachmentId: true }) },
  'attachments:upload:chunk': { request: uploadChunkSchema, response: z.object({ received: z.number(), complete: z.boolean() }) },
  'attachments:release': { request: z.object({ attachmentIds: z.array(attachmentIdSchema).max(100) }).strict(), response: z.object({}) },
  // Idle lock (shared/session-lock-schema.ts).
  ...sessionLockContract,
  // Work an update must not interrupt (shared/work-in-progress-schema.ts).
  ...workInProgressContract,
  // Team handling (issue 11): the team lead's board, watched live (`team-changed` events) until closed.
  'team:board:get': { request: teamRefSchema, response: teamBoardSchema },
  'team:board:close': { request: teamRefSchema, response: z.object({}) },
  /** Everything `from` has open in the team: released to the queue (no `to`) or shared out in turn among `to`. */
  'team:handover': {
    request: teamRefSchema.extend({ from: z.email().max(320), to: z.array(z.email().max(320)).max(50) }).strict(),
    response: z.object({ moved: z.number().int(), failed: z.array(z.object({ uid: z.number().int(), code: z.string() })) }),
  },
  // Team handling (shared/team-work-schema.ts): the state lives in the team mailbox on the server.
  /** Every message of a team INBOX with its handling state (the board and the list). */
  'team:items:list': {
    request: z.object({ accountId: z.string().min(1).max(100), team: z.string().min(1).max(200) }).strict(),
    response: z.array(teamItemSchema),
  },
  /** The handling state of a message, or null when its mailbox is not a team INBOX. */
  'team:item:get': { request: z.object({ mailbox: mailboxRefSchema, uid }).strict(), response: teamItemViewSchema.nullable() },
  'team:item:claim': { request: z.object({ mailbox: mailboxRefSchema, uid }).strict(), response: teamChangeResultSchema },
  'team:item:release': { request: z.object({ mailbox: mailboxRefSchema, uid }).strict(), response: teamChangeResultSchema },
  'team:item:status': { request: z.object({ mailbox: mailboxRefSchema, uid, status: teamItemStatusSchema }).strict(), response: teamChangeResultSchema },
  /** Takes over from the handler the person saw, with a reason (sealed to the team key). */
  'team:item:take-over': {
    request: z.object({ mailbox: mailboxRefSchema, uid, from: teamMemberIdSchema.nullable(), reason: z.string().trim().min(1).max(1000) }).strict(),
    response: teamChangeResultSchema,
  },
  /** The team lead gives the message to another member. */
  'team:item:reassign': {
    request: z.object({ mailbox: mailboxRefSchema, uid, from: teamMemberIdSchema.nullable(), to: z.email().max(320) }).strict(),
    response: teamChangeResultSchema,
  },
  // Search (shared/search-schema.ts).
  ...searchContract,
  // Audit trail (shared/audit-schema.ts): every lookup and export is itself recorded.
  /** Every recorded access to a client's messages (identity code or address) in a period. */
  'audit:lookup': { request: auditLookupRequestSchema, response: auditLookupResultSchema },
  /** The person's own recorded activity in a period. */
  'audit:own': { request: auditPeriodSchema, response: z.array(auditRowSchema) },
  /** The lookup as a CSV or PDF file in the chosen language. */
  'audit:export': { request: auditExportRequestSchema, response: auditExportSchema },
  /** Checks the chain and the signed checkpoints and says where the trail was changed. */
  'audit:verify': { request: empty, response: auditVerificationSchema },
} as const satisfies Record<RequestChannel, { request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof contract;
export type RequestOf<C extends RequestChannel> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends RequestChannel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<Contract[C]['response']>;

export { mailEventSchema };

/** What the renderer sees: one function per capability plus the event subscription. */
export type SinettiApi = {
  [C in RequestChannel]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
} & {
  onMailEvent(listener: (event: z.infer<typeof mailEventSchema>) => void): () => void;
};

/** What the services implement: one handler per channel, receiving an already validated request. */
export type ServiceHandlers = {
  [C in RequestChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

/**
 * The sending part of the contract: the message the composer hands over (From is an account, never
 * a free address), the decision it gets back for its hints, and the outbox it can watch. The
 * services derive the sender, the Message-ID and routes themselves; nothing here is trusted
 * beyond its shape.
 */
import { z } from 'zod';
import { localeSchema, mailboxRefSchema } from './domain.js';
import { isValidOutgoingAddress } from './outgoing-address.js';
import { teamReplyBasisSchema } from './team-work-schema.js';

/** A recipient: nodemailer's parser, no quoted local parts or comments, IDN in Unicode or punycode (shared/outgoing-address.ts). */
export const outgoingRecipientSchema = z
  .string()
  .max(320)
  .refine(isValidOutgoingAddress, { message: 'not a valid recipient address (no quoted local parts or comments)' });

export const outgoingMessageSchema = z
  .object({
    /** The account (its address) the message is sent from. */
    accountId: z.string().min(1).max(100),
    to: z.array(outgoingRecipientSchema).min(1).max(100),
    cc: z.array(outgoingRecipientSchema).max(100).default([]),
    subject: z.string().max(500),
    text: z.string().max(2_000_000),
    attachments: z
      .array(
        z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(1).max(255), contentBase64: z.string().max(40 * 1024 * 1024) }).strict(),
      )
      .max(20)
      .default([]),
    /** The message this one answers: the services read its Message-ID and whether it came secured. */
    replyTo: z.object({ mailbox: mailboxRefSchema, uid: z.number().int().positive() }).strict().optional(),
    /** The message this one forwards: inline (its text is in `text`) or attached as message/rfc822, which the services fetch themselves. */
    forward: z
      .object({ mailbox: mailboxRefSchema, uid: z.number().int().positive(), mode: z.enum(['inline', 'attachment']) })
      .strict()
      .optional(),
    /** What the composer saw of a team original when it opened (the traffic cop compares it before the reply leaves). */
    teamBasis: teamReplyBasisSchema.optional(),
    /** Send as this team mailbox of the account (a `send:identities:list` entry's teamMailbox), not as the person. */
    teamMailbox: z.string().min(1).max(1100).optional(),
    /** The person chose a secure route although the rules would allow less (it can only tighten). */
    secure: z.boolean().optional(),
    /**
     * The composer's draft id (one per message written). The main process mints the Message-ID
     * from it and the sender's domain, so checks, the send and every retry carry the same one; a
     * Message-ID from the renderer is not accepted (the object is strict).
     */
    draftId: z.uuid(),
  })
  .strict();
export type OutgoingMessageInput = z.input<typeof outgoingMessageSchema>;

const findingSchema = z.object({
  detector: z.enum(['identity-code', 'business-id', 'iban', 'icd-10', 'sensitive-term']),
  label: z.string(),
  masked: z.string(),
  start: z.number(),
  end: z.number(),
  confidence: z.enum(['low', 'medium', 'high']),
  where: z.discriminatedUnion('part', [
    z.object({ part: z.literal('subject') }),
    z.object({ part: z.literal('body'), index: z.number() }),
    z.object({ part: z.literal('attachment'), filename: z.string() }),
  ]),
});

export const decisionSchema = z.object({
  route: z.enum(['plain', 'openpgp', 'gateway', 'split', 'blocked']),
  sensitive: z.boolean(),
  justificationRequired: z.boolean(),
  findings: z.array(findingSchema),
  notScanned: z.array(z.object({ filename: z.string(), reason: z.string() })),
  recipients: z.array(
    z.object({
      address: z.string(),
      class: z.enum(['internal', 'partner', 'external']),
      hasKey: z.boolean(),
      action: z.enum(['allow', 'justify', 'gateway', 'encrypt', 'block']),
      route: z.enum(['plain', 'openpgp', 'gateway', 'blocked']),
      reason: z.string(),
    }),
  ),
  blocked: z.array(
    z.union([
      z.object({ code: z.literal('subject-finding'), findings: z.array(findingSchema) }),
      z.object({ code: z.literal('recipient-unreachable'), addresses: z.array(z.string()) }),
      z.object({ code: z.literal('attachment-too-large'), filenames: z.array(z.string()), maxSizeMb: z.number() }),
      z.object({ code: z.literal('no-recipients') }),
    ]),
  ),
});
export type DecisionView = z.infer<typeof decisionSchema>;

export const approvalSchema = z
  .object({
    token: z.string().max(200),
    justification: z.string().max(2000).optional(),
    mobileNumber: z.string().max(30).optional(),
  })
  .strict();

export const sendIdentitySchema = z.object({
  accountId: z.string(),
  address: z.string(),
  name: z.string(),
  /** Set for a team mailbox the person may send as: pass it back as the message's teamMailbox. */
  teamMailbox: z.string().optional(),
  kind: z.enum(['personal', 'team']).optional(),
});
export type SendIdentity = z.infer<typeof sendIdentitySchema>;

/** What a reply or forward starts with, worked out in the main process from the original. */
export const composeContextSchema = z.object({
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  /** The quoted (reply) or forwarded (inline) text of the original's own root body only. */
  quoted: z.string(),
  /** The identity (account and team mailbox) the original arrived in, to send from by default. */
  accountId: z.string(),
  teamMailbox: z.string().optional(),
  /** The original arrived encrypted or through the gateway: the answer stays secure. */
  secure: z.boolean(),
});
export type ComposeContext = z.infer<typeof composeContextSchema>;

/** A suggestion for a recipient: from headers the app already has (never from message content). */
export const correspondentSchema = z.object({ name: z.string(), address: z.string() });

/**
 * A copy in the outbox. `damaged`: a copy that could not be read (damaged, or sealed under another
 * vault key) was set aside, kept on disk and never sent; nothing about it (recipients, route) is
 * known any more, so only its id and the error code are given.
 */
export const outboxItemSchema = z.object({
  id: z.string(),
  messageId: z.string().optional(),
  route: z.enum(['plain', 'openpgp', 'gateway']).optional(),
  to: z.array(z.string()),
  state: z.enum(['queued', 'sending', 'uncertain', 'failed', 'damaged']),
  attempts: z.number(),
  lastError: z.object({ code: z.string(), message: z.string(), serverResponse: z.string().optional() }).optional(),
});

/** Which identity a signature belongs to: the account, or the account and team mailbox. */
export const identityKey = (identity: { accountId: string; teamMailbox?: string | undefined }) =>
  identity.teamMailbox ? `${identity.accountId}|${identity.teamMailbox}` : identity.accountId;

/** Signatures per sending identity and language, and saved replies (templates) per language. */
export const composeSettingsSchema = z
  .object({
    signatures: z.array(z.object({ identity: z.string().min(1).max(1200), locale: localeSchema, text: z.string().max(5000) }).strict()).max(300),
    templates: z
      .array(
        z
          .object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/), name: z.string().trim().min(1).max(120), locale: localeSchema, text: z.string().max(50_000) })
          .strict(),
      )
      .max(200),
  })
  .strict();
export type ComposeSettings = z.infer<typeof composeSettingsSchema>;

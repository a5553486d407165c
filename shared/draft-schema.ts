/**
 * The drafts part of the contract: a draft is the composer's state as typed (recipients are free
 * text, they may be half-written), keyed by a stable draft id the composer makes once. Subject,
 * text, attachments and reply reference reuse the outgoing message's schema, so a draft can never
 * hold what a message could not. The draft id also links the message sent from it (main mints its
 * Message-ID from the draft id: main/services/send/message-id.ts).
 */
import { z } from 'zod';
import { outgoingMessageSchema } from './send-schema.js';

const outgoing = outgoingMessageSchema.shape;

export const draftIdSchema = z.uuid();

export const draftContentSchema = z
  .object({
    draftId: draftIdSchema,
    /** The account it would be sent from; empty while the composer has not chosen one. */
    accountId: z.string().max(100),
    /** As typed in the composer (comma-separated, possibly unfinished). */
    to: z.string().max(32_000),
    cc: z.string().max(32_000),
    subject: outgoing.subject,
    text: outgoing.text,
    attachments: outgoing.attachments,
    replyTo: outgoing.replyTo,
  })
  .strict();
export type DraftContentInput = z.input<typeof draftContentSchema>;
export type DraftContent = z.output<typeof draftContentSchema>;

/**
 * Where the last save went. `saved`: locally and to the server's Drafts folder, encrypted.
 * Otherwise it is kept on this workstation only, and why: no own key to encrypt to, the own key is
 * locked (a server copy is signed so a planted one is recognised), no account chosen, or the
 * server did not take it (`error` has the code).
 */
export const draftServerStateSchema = z.enum(['saved', 'no-key', 'key-locked', 'no-account', 'failed']);
export type DraftServerState = z.infer<typeof draftServerStateSchema>;

export const draftSaveResultSchema = z.object({
  draftId: z.string(),
  savedAt: z.number(),
  server: draftServerStateSchema,
  /** The error code when the server did not take the copy. */
  error: z.string().optional(),
});
export type DraftSaveResult = z.infer<typeof draftSaveResultSchema>;

export const draftSummarySchema = z.object({
  draftId: z.string(),
  accountId: z.string(),
  subject: z.string(),
  to: z.string(),
  savedAt: z.number(),
  local: z.boolean(),
  server: z.boolean(),
  attachments: z.number(),
});
export type DraftSummary = z.infer<typeof draftSummarySchema>;

export const draftListSchema = z.object({
  drafts: z.array(draftSummarySchema),
  /** Encrypted drafts in a Drafts folder that no key held here opens (another person's, or a key not imported). */
  unreadableOnServer: z.number(),
  /** Accounts whose Drafts folder could not be read just now (the list shows local drafts only for them). */
  unavailableAccounts: z.array(z.string()),
});
export type DraftList = z.infer<typeof draftListSchema>;

export const openedDraftSchema = z.object({
  draftId: z.string(),
  accountId: z.string(),
  to: z.string(),
  cc: z.string(),
  subject: z.string(),
  text: z.string(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), contentBase64: z.string() })),
  replyTo: z.object({ mailbox: z.object({ accountId: z.string(), path: z.string() }), uid: z.number() }).optional(),
  savedAt: z.number(),
});
export type OpenedDraft = z.infer<typeof openedDraftSchema>;

/**
 * Attachments travel to the main process in pieces and are then named by id: no request carries
 * a whole file, so no message over the browser host's socket or IPC grows with attachment size.
 * The composer uploads each file (`attachments:upload:begin`, then `…:chunk` in order); the send
 * check, the send and the draft name the uploads by id, and the main process owns the bytes.
 * These are the contract's shapes; inside main the services keep their own message shapes
 * (send-schema.ts, draft-schema.ts) with the bytes filled in from the uploads.
 */
import { z } from 'zod';
import { draftContentSchema } from './draft-schema.js';
import { outgoingMessageSchema } from './send-schema.js';

/** Raw bytes per upload piece: one piece stays about 1.4 MB of base64 in a request. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/** The largest single file (the send schema's 40 M base64 characters hold 30 MiB). */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

export const attachmentIdSchema = z.uuid();
export const attachmentRefSchema = z.object({ attachmentId: attachmentIdSchema }).strict();
const attachmentRefs = z.array(attachmentRefSchema).max(20).default([]);

export const uploadBeginSchema = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.string().min(1).max(255),
    size: z.number().int().min(0).max(MAX_UPLOAD_BYTES),
  })
  .strict();

export const uploadChunkSchema = z
  .object({
    attachmentId: attachmentIdSchema,
    /** Where this piece starts; pieces come in order, each right after the previous one. */
    offset: z.number().int().min(0).max(MAX_UPLOAD_BYTES),
    dataBase64: z
      .string()
      .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict();

/** The outgoing message as the composer sends it: attachments by upload id. */
export const outgoingMessageRequestSchema = outgoingMessageSchema.extend({ attachments: attachmentRefs }).strict();
export type OutgoingMessageRequest = z.input<typeof outgoingMessageRequestSchema>;

/** A draft as the composer saves it: attachments by upload id. */
export const draftContentRequestSchema = draftContentSchema.extend({ attachments: attachmentRefs }).strict();
export type DraftContentRequest = z.input<typeof draftContentRequestSchema>;

/** An attachment the main process holds for the composer (uploaded, or from a reopened draft). */
export const stagedAttachmentSchema = z.object({ attachmentId: z.string(), filename: z.string(), contentType: z.string(), size: z.number() });
export type StagedAttachment = z.infer<typeof stagedAttachmentSchema>;

/** A reopened draft as the composer gets it: its attachments already held by the main process. */
export const openedDraftViewSchema = z.object({
  draftId: z.string(),
  accountId: z.string(),
  to: z.string(),
  cc: z.string(),
  subject: z.string(),
  text: z.string(),
  attachments: z.array(stagedAttachmentSchema),
  replyTo: z.object({ mailbox: z.object({ accountId: z.string(), path: z.string() }), uid: z.number() }).optional(),
  savedAt: z.number(),
});
export type OpenedDraftView = z.infer<typeof openedDraftViewSchema>;

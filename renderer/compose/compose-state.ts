/**
 * The composer's state and the ONE function that turns it into the message the main process
 * checks and sends (`buildOutgoing`). Everything that leaves — recipients, identity, text,
 * attachments, the reply/forward link, the chosen secure route — goes through here, so the
 * hint, the send and anything else built on the composer (drafts) see the same message.
 */
import type { MailboxRef } from '../../shared/domain.js';
import { checkOutgoingAddress, type AddressCheck } from '../../shared/outgoing-address.js';
import type { OutgoingMessageRequest } from '../../shared/attachment-upload-schema.js';

/** An attachment the main process holds for the composer (uploaded in pieces: upload-attachment.ts). */
export interface ComposeAttachment {
  attachmentId: string;
  filename: string;
  contentType: string;
  /** Size in bytes (shown against the policy's limit). */
  size: number;
}

export type ComposeMode = 'new' | 'reply' | 'reply-all' | 'forward';

/** What the composer is opened for; a reply or forward starts from what main says about the original. */
export interface ComposeInitial {
  mode: Exclude<ComposeMode, 'new'>;
  original: { mailbox: MailboxRef; uid: number };
  /** For a forward: the original's text inline, or the original itself attached (message/rfc822). */
  forwardMode?: 'inline' | 'attachment';
}

/** A recipient chip: what was typed or picked, and how it checked. */
export interface RecipientChip {
  input: string;
  check: AddressCheck;
}

export interface ComposeState {
  identity: { accountId: string; teamMailbox?: string } | null;
  to: RecipientChip[];
  cc: RecipientChip[];
  /** Text typed in a recipient box but not yet made a chip: it counts too. */
  pendingTo: string;
  pendingCc: string;
  subject: string;
  text: string;
  attachments: ComposeAttachment[];
  /** The person asked for a secure route although the rules would allow less. */
  secure: boolean;
  initial?: ComposeInitial;
  /**
   * The draft this message is written in (one per composer, kept by a reopened draft). The main
   * process mints the Message-ID from it and the sender's domain; the renderer never makes one.
   */
  draftId: string;
}

export const chipOf = (input: string): RecipientChip => ({ input, check: checkOutgoingAddress(input) });

const valid = (chips: RecipientChip[], pending: string) =>
  [...chips, ...(pending.trim() ? [chipOf(pending)] : [])].flatMap((c) => (c.check.ok ? [c.check.address.ascii] : []));

/** Any recipient that did not check out: the message is not sent until it is fixed or removed. */
export const invalidRecipients = (state: ComposeState) => [...state.to, ...state.cc].filter((c) => !c.check.ok);

/** The message as it stands, or null while it has no sender or no valid recipient. */
export function buildOutgoing(state: ComposeState): OutgoingMessageRequest | null {
  const to = valid(state.to, state.pendingTo);
  if (!state.identity || to.length === 0) return null;
  const { initial } = state;
  return {
    accountId: state.identity.accountId,
    ...(state.identity.teamMailbox ? { teamMailbox: state.identity.teamMailbox } : {}),
    to,
    cc: valid(state.cc, state.pendingCc),
    subject: state.subject,
    text: state.text,
    attachments: state.attachments.map(({ attachmentId }) => ({ attachmentId })),
    draftId: state.draftId,
    ...(initial && initial.mode !== 'forward' ? { replyTo: initial.original } : {}),
    ...(initial?.mode === 'forward' ? { forward: { ...initial.original, mode: initial.forwardMode ?? 'inline' } } : {}),
    ...(state.secure ? { secure: true } : {}),
  };
}

/** A stable key for "the same message" (attachments by upload id: the main process holds the bytes). */
export function outgoingKey(message: OutgoingMessageRequest | null): string {
  return message ? JSON.stringify(message) : '';
}

/** A v4 UUID from getRandomValues (randomUUID needs a secure context the app:// page may not be). */
export function newDraftId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The signature block appended to the text: separated by the usual "-- " line. */
export const signatureBlock = (signature: string) => (signature.trim() ? `\n\n-- \n${signature.trim()}` : '');

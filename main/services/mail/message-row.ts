/** Turns what IMAP FETCH returns into the compact list row the UI shows. */
import type { MessageRow } from '../../../shared/domain.js';
import type { BodyStructureNode } from '../mime/mime-types.js';

// The type lives with the MIME shapes crypto/ reads too (no mail ↔ crypto cycle).
export type { BodyStructureNode };

interface EnvelopeAddress {
  name?: string;
  address?: string;
}

export interface FetchedHeaderData {
  uid: number;
  flags?: Set<string>;
  size?: number;
  internalDate?: Date | string;
  envelope?: { date?: Date; subject?: string; from?: EnvelopeAddress[] };
  bodyStructure?: BodyStructureNode;
}

export function flagsFromSet(flags: Set<string> | undefined): MessageRow['flags'] {
  return {
    seen: flags?.has('\\Seen') ?? false,
    answered: flags?.has('\\Answered') ?? false,
    flagged: flags?.has('\\Flagged') ?? false,
  };
}

/** An attached message (a forward as attachment): one attachment, never more body parts. */
export function isAttachedMessage(node: BodyStructureNode): boolean {
  const type = (node.type ?? '').toLowerCase();
  return type === 'message/rfc822' || type === 'message/global';
}

export function isAttachmentNode(node: BodyStructureNode): boolean {
  // The server describes an attached message's own parts as its children; it is still one file.
  if (isAttachedMessage(node)) return true;
  if (node.childNodes?.length) return false;
  const type = (node.type ?? '').toLowerCase();
  const disposition = (node.disposition ?? '').toLowerCase();
  if (disposition === 'attachment') return true;
  if (type.startsWith('text/') || type.startsWith('multipart/')) return false;
  if (type === 'message/rfc822') return true;
  if (disposition === 'inline' && node.id && type.startsWith('image/')) return false;
  return !type.startsWith('multipart/');
}

export function securityOf(structure: BodyStructureNode | undefined): { encrypted: boolean; signed: boolean } {
  const type = (structure?.type ?? '').toLowerCase();
  const smime = (structure?.parameters?.['smime-type'] ?? '').toLowerCase();
  return {
    // A signature around an encrypted root (RFC 9787 envelope) is still an encrypted message.
    encrypted:
      type === 'multipart/encrypted' ||
      (type === 'application/pkcs7-mime' && smime !== 'signed-data') ||
      (type === 'multipart/signed' && (structure?.childNodes?.[0]?.type ?? '').toLowerCase() === 'multipart/encrypted'),
    signed: type === 'multipart/signed' || (type === 'application/pkcs7-mime' && smime === 'signed-data'),
  };
}

/** Parts that carry a signature or the encryption itself: never something the sender attached. */
const CRYPTO_PARTS = new Set(['application/pgp-signature', 'application/pgp-encrypted', 'application/pkcs7-signature', 'application/x-pkcs7-signature']);

/**
 * Whether the list shows an attachment mark. The signature part of a signed message is not an
 * attachment, and neither is the ciphertext of an encrypted one: what is attached inside the
 * encryption is known only once it is decrypted.
 */
export function hasAttachments(structure: BodyStructureNode | undefined): boolean {
  if (!structure) return false;
  const stack = [structure];
  while (stack.length) {
    const node = stack.pop()!;
    const type = (node.type ?? '').toLowerCase();
    if (type === 'multipart/encrypted') continue;
    if (isAttachmentNode(node) && node !== structure && !CRYPTO_PARTS.has(type)) return true;
    if (node.childNodes && !isAttachedMessage(node)) stack.push(...node.childNodes);
  }
  return false;
}

export function toMessageRow(data: FetchedHeaderData): MessageRow {
  const from = data.envelope?.from?.[0];
  const internal = data.internalDate ? new Date(data.internalDate).getTime() : 0;
  const headerDate = data.envelope?.date ? new Date(data.envelope.date).getTime() : NaN;
  return {
    uid: data.uid,
    from: { name: from?.name ?? '', address: from?.address ?? '' },
    subject: data.envelope?.subject ?? '',
    // An arrival time the server sent unreadable counts as unknown (0), never NaN.
    date: Number.isFinite(headerDate) ? headerDate : Number.isFinite(internal) ? internal : 0,
    size: data.size ?? 0,
    flags: flagsFromSet(data.flags),
    hasAttachments: hasAttachments(data.bodyStructure),
    ...securityOf(data.bodyStructure),
  };
}

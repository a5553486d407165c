/**
 * Opens one message: BODYSTRUCTURE first, then only the parts worth showing (text/plain and
 * text/html bodies, never attachments), reassembled with their MIME headers into a small
 * multipart document that postal-mime parses — so charsets, transfer encodings and encoded words
 * are decoded by the library, and a 50 MB attachment is never downloaded to show a paragraph.
 * Malformed MIME becomes MESSAGE_PARSE, never a crash and never a partial guess.
 *
 * OpenPGP (message-security.ts, shared with the inspect command): a PGP/MIME-encrypted root is
 * decrypted (only its ciphertext part is downloaded; a root wrapped in an outer signature, RFC
 * 9787's envelope, is downloaded whole to check that signature) and its attachments are listed
 * as decrypted parts "2.x"; a multipart/signed message is downloaded whole to verify the exact signed bytes;
 * inline PGP counts only as the whole text body; anything encrypted deeper stays unopened.
 */
import { randomBytes } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';
import type { Address, AttachmentInfo, BodySegment, CryptoStatus, MailboxRef, MessageView, UnopenedPart } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import { inlineBlocksIn } from '../crypto/inline-pgp.js';
import { staticKeyProvider } from '../crypto/key-provider.js';
import { encryptedRootOf, type KeyProvider } from '../crypto/pgp-mime-reader.js';
import { flagsFromSet, isAttachedMessage, isAttachmentNode, securityOf, type BodyStructureNode } from './message-row.js';
import {
  CRYPTO_PART_TYPES,
  decryptedAttachment,
  readEncryptedMessage,
  readEncryptedRoot,
  readUnencryptedRoot,
  senderIdentity,
  signedSegments,
  singleFrom,
  textOfLeaf,
} from './message-security.js';
import { AUTOCRYPT_HEADER, describeKeyOffer } from './key-offer.js';
import { openable, parseFailure } from './structure-limits.js';

/** Bodies larger than this are not rendered (a text body this size is not a letter). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

interface BodyPart {
  part: string;
  type: string;
}

export function planParts(structure: BodyStructureNode): { bodies: BodyPart[]; attachments: AttachmentInfo[] } {
  const bodies: BodyPart[] = [];
  const attachments: AttachmentInfo[] = [];
  const visit = (node: BodyStructureNode, fallbackPart: string) => {
    const part = node.part ?? fallbackPart;
    // An attached message's text is not this message's body: it is listed as its .eml file.
    if (node.childNodes?.length && !isAttachedMessage(node)) {
      node.childNodes.forEach((child, i) => visit(child, part ? `${part}.${i + 1}` : String(i + 1)));
      return;
    }
    const type = (node.type ?? 'text/plain').toLowerCase();
    if (isAttachmentNode(node)) {
      attachments.push({
        partId: part || '1',
        filename: node.dispositionParameters?.filename ?? node.parameters?.name ?? 'liite',
        mimeType: type,
        size: node.size ?? 0,
      });
    } else if ((type === 'text/plain' || type === 'text/html') && (node.disposition ?? '').toLowerCase() !== 'attachment') {
      bodies.push({ part: part || '1', type });
    }
  };
  visit(structure, '');
  return { bodies, attachments };
}

function toAddresses(list: { name?: string; address?: string }[] | undefined): Address[] {
  return (list ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/** Without a KeyProvider (no crypto service) nothing can be decrypted or verified. */
const NO_KEYS = staticKeyProvider([], []);

export async function loadMessage(
  client: ImapFlow,
  ref: MailboxRef,
  uid: number,
  keys?: KeyProvider,
  options: { markSeen?: boolean } = {},
): Promise<MessageView> {
  const { meta, structure } = openable(
    await client.fetchOne(
      String(uid),
      { uid: true, flags: true, envelope: true, bodyStructure: true, size: true, internalDate: true, headers: ['from', 'sender', AUTOCRYPT_HEADER] },
      { uid: true },
    ),
  );
  const encryptedRoot = encryptedRootOf(structure);
  const single = !structure.childNodes?.length;
  // The Date header, which a signature's own time is checked against (it is not signed).
  const headerDate = meta.envelope?.date ? new Date(meta.envelope.date).getTime() : NaN;
  // Display-name tricks and the From count come from the raw headers, not the envelope.
  const identity = senderIdentity(meta.headers?.toString('latin1') ?? '');
  // Exactly one From address, or no signature can count for the message; and it must be the
  // address the header line shows (the server's ENVELOPE): if two parsers disagree about who the
  // sender is, no signature can vouch for either (fail closed).
  const shownFrom = meta.envelope?.from?.length === 1 ? (meta.envelope.from[0]?.address ?? '') : '';
  const from = singleFrom(identity).toLowerCase() === shownFrom.toLowerCase() ? singleFrom(identity) : '';

  let text: string | undefined;
  let html: string | undefined;
  let crypto: CryptoStatus | undefined;
  let innerSubject: string | undefined;
  let attachments: AttachmentInfo[] = [];
  let unopened: UnopenedPart[] = [];
  let segments: BodySegment[] | undefined;
  if (encryptedRoot) {
    // Only the ciphertext is downloaded; a signed envelope is fetched whole, since its outer
    // signature covers the encrypted entity's exact bytes.
    const reading = encryptedRoot.outer
      ? await readEncryptedMessage(await fetchWhole(client, uid, MAX_ENCRYPTED_BYTES, meta.size), from, keys ?? NO_KEYS, headerDate)
      : await readEncryptedRoot(await downloadPart(client, uid, encryptedRoot.ciphertextPart, MAX_ENCRYPTED_BYTES), from, keys ?? NO_KEYS, headerDate);
    crypto = reading.status;
    attachments = reading.attachments;
    unopened = reading.unopened;
    segments = reading.segments;
    innerSubject = reading.protectedSubject;
    if (reading.mime) {
      const parsed = await parseMime(reading.mime);
      text = parsed.text;
      html = parsed.html;
    }
  } else {
    const planned = planParts(structure);
    attachments = planned.attachments.filter((a) => !CRYPTO_PART_TYPES.has(a.mimeType));
    let fetched: { source: Buffer; parts: Map<string, FetchedPart> | null } | null = null;
    if (planned.bodies.length) {
      const bodySize = single ? (meta.size ?? 0) : 0;
      if (bodySize > MAX_BODY_BYTES) throw new ServiceError('TOO_LARGE', 'The message body is too large to show.');
      fetched = single ? { source: await fetchWhole(client, uid), parts: null } : await fetchBodies(client, uid, structure, planned.bodies);
      const parsed = await parseMime(fetched.source);
      text = parsed.text ?? undefined;
      html = parsed.html ?? undefined;
    }
    const shown = `${text ?? ''}\n${html ?? ''}`;
    const reading = await readUnencryptedRoot(
      {
        structure,
        ...(single && text !== undefined ? { rootText: text } : {}),
        // Only a body that shows an armor line at all is read part by part.
        textParts: async () =>
          !fetched || !inlineBlocksIn(shown).length
            ? []
            : fetched.parts
              ? Promise.all(
                  [...fetched.parts].map(async ([part, p]) => ({ part, text: await textOfLeaf(Buffer.concat([ensureBlankLine(p.mimeHeader), p.body])) })),
                )
              : [{ part: '1', text: shown }],
        source: async () => fetchWhole(client, uid, MAX_ENCRYPTED_BYTES, meta.size),
        headerDate,
      },
      from,
      keys ?? NO_KEYS,
    );
    crypto = reading.crypto;
    unopened = reading.unopened;
    // A signature on one part only (partial, or unverifiable there): show the body part by part.
    const covered = crypto?.signature.coveredPart;
    if (covered && fetched?.parts) {
      segments = await signedSegments(
        [...fetched.parts].map(([part, p]) => ({ part, entity: Buffer.concat([ensureBlankLine(p.mimeHeader), p.body]) })),
        covered,
      );
    }
    if (reading.inline) {
      text = reading.inline.text;
      html = undefined;
    }
  }
  const envelope = meta.envelope ?? {};
  const internal = meta.internalDate ? new Date(meta.internalDate).getTime() : 0;
  // A key offered for the sender (shown as "import the sender's key"; imported only when the person asks).
  const keyOffer = await describeKeyOffer(meta.headers?.toString('latin1') ?? '', from, attachments, keys).catch(() => null);
  const flags = flagsFromSet(meta.flags);
  // The search index reads arriving encrypted mail without marking it read (markSeen false).
  if (!flags.seen && options.markSeen !== false) {
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    flags.seen = true;
  }
  const security = securityOf(structure);
  return {
    mailbox: ref,
    uid,
    subject: innerSubject ?? envelope.subject ?? '',
    from: toAddresses(envelope.from)[0] ?? { name: '', address: '' },
    to: toAddresses(envelope.to),
    cc: toAddresses(envelope.cc),
    date: Number.isFinite(headerDate) ? headerDate : internal,
    flags,
    text,
    html,
    attachments,
    // A part labelled encrypted that holds no ciphertext is not encrypted (nothing of it is shown).
    encrypted:
      ((security.encrypted || encryptedRoot !== null) && crypto?.decryption !== 'not-ciphertext') ||
      (crypto?.inline === true && crypto.decryption !== 'not-encrypted'),
    signed: security.signed || (crypto?.inline === true && crypto.signature.status !== 'none'),
    ...(crypto ? { crypto } : {}),
    identity,
    ...(unopened.length ? { unopened } : {}),
    ...(keyOffer ? { keyOffer } : {}),
    ...(segments?.length ? { segments } : {}),
  };
}

/** 25 MiB of attachments inside the encryption: base64 (×1.37) then ASCII armor (×1.35), plus room. */
const MAX_ENCRYPTED_BYTES = 64 * 1024 * 1024;

async function downloadPart(client: ImapFlow, uid: number, part: string, maxBytes: number): Promise<Buffer> {
  const { content } = await client.download(String(uid), part, { uid: true, chunkSize: 4 * 1024 * 1024, maxBytes });
  if (!content) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function fetchWhole(client: ImapFlow, uid: number, maxBytes?: number, size?: number): Promise<Buffer> {
  if (maxBytes !== undefined && (size ?? 0) > maxBytes) throw new ServiceError('TOO_LARGE', 'The message is too large to verify or decrypt.');
  const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  if (!message || !message.source) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
  return message.source;
}

async function fetchBodies(
  client: ImapFlow,
  uid: number,
  structure: BodyStructureNode,
  bodies: BodyPart[],
): Promise<{ source: Buffer; parts: Map<string, FetchedPart> }> {
  const keys = ['HEADER', ...bodies.flatMap((b) => [`${b.part}.MIME`, b.part])];
  const message = await client.fetchOne(String(uid), { uid: true, bodyParts: keys }, { uid: true });
  if (!message || !message.bodyParts) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
  const get = (key: string) => message.bodyParts!.get(key.toLowerCase()) ?? message.bodyParts!.get(key) ?? Buffer.alloc(0);
  let total = 0;
  for (const b of bodies) total += get(b.part).length;
  if (total > MAX_BODY_BYTES) throw new ServiceError('TOO_LARGE', 'The message body is too large to show.');
  const parts = new Map(bodies.map((b) => [b.part, { mimeHeader: get(`${b.part}.MIME`), body: get(b.part) }]));
  return { source: assembleMessage(get('HEADER'), structure, parts), parts };
}

type FetchedPart = { mimeHeader: Buffer; body: Buffer };

/**
 * Rebuilds the message with the original multipart tree (so multipart/alternative stays an
 * alternative) but only the fetched leaves, for postal-mime to parse like any message.
 */
export function assembleMessage(header: Buffer, structure: BodyStructureNode, parts: Map<string, FetchedPart>): Buffer {
  const chunks: Buffer[] = [Buffer.from(stripContentHeaders(header.toString('latin1')) + 'MIME-Version: 1.0\r\n', 'latin1')];
  const emit = (node: BodyStructureNode, path: string): boolean => {
    if (node.childNodes?.length) {
      const children = node.childNodes.map((child, i) => ({ child, path: child.part ?? (path ? `${path}.${i + 1}` : String(i + 1)) }));
      if (!children.some(({ path: p }) => [...parts.keys()].some((k) => k === p || k.startsWith(`${p}.`)))) return false;
      const boundary = `sinetti-${randomBytes(12).toString('hex')}`;
      chunks.push(Buffer.from(`Content-Type: ${node.type ?? 'multipart/mixed'}; boundary="${boundary}"\r\n\r\n`, 'latin1'));
      for (const { child, path: childPath } of children) {
        if (!child.childNodes?.length && !parts.has(childPath)) continue;
        chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'));
        if (emit(child, childPath)) chunks.push(Buffer.from('\r\n', 'latin1'));
        else chunks.pop();
      }
      chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
      return true;
    }
    const part = parts.get(path);
    if (!part) return false;
    chunks.push(ensureBlankLine(part.mimeHeader), part.body);
    return true;
  };
  emit(structure, '');
  return Buffer.concat(chunks);
}

function stripContentHeaders(header: string): string {
  const lines = header.replace(/\r?\n\r?\n[\s\S]*$/, '').split(/\r?\n/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = /^(content-type|content-transfer-encoding|mime-version)\s*:/i.test(line);
    if (!skipping && line) kept.push(line);
  }
  return kept.map((l) => `${l}\r\n`).join('');
}

function ensureBlankLine(mimeHeader: Buffer): Buffer {
  const text = mimeHeader.toString('latin1').replace(/(\r?\n)+$/, '');
  return Buffer.from(`${text}\r\n\r\n`, 'latin1');
}

export async function parseMime(source: Buffer): Promise<{ text?: string; html?: string; subject?: string }> {
  try {
    const email = await PostalMime.parse(source, { attachmentEncoding: 'arraybuffer' });
    return { text: email.text, html: email.html, subject: email.subject };
  } catch (error) {
    throw parseFailure(error);
  }
}

export async function downloadAttachment(
  client: ImapFlow,
  uid: number,
  partId: string,
  keys?: KeyProvider,
): Promise<{ filename: string; mimeType: string; content: Buffer }> {
  const { structure } = openable(await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true }));
  const encryptedRoot = encryptedRootOf(structure);
  if (encryptedRoot) {
    // Attachments inside the encryption exist only in the decrypted entity ("2.x"): decrypt again.
    if (!partId.startsWith('2.')) throw new ServiceError('NOT_FOUND', 'No such attachment in this message.');
    return decryptedAttachment(await downloadPart(client, uid, encryptedRoot.ciphertextPart, MAX_ENCRYPTED_BYTES), partId, keys ?? NO_KEYS);
  }
  const attachment = planParts(structure).attachments.find((a) => a.partId === partId);
  if (!attachment) throw new ServiceError('NOT_FOUND', 'No such attachment in this message.');
  if (attachment.size > MAX_ATTACHMENT_BYTES * 1.4) throw new ServiceError('TOO_LARGE', 'The attachment is too large.');
  // A few MiB per round trip: the 64 KiB default costs one round trip per chunk.
  const { content } = await client.download(String(uid), partId, { uid: true, chunkSize: 4 * 1024 * 1024, maxBytes: MAX_ATTACHMENT_BYTES });
  if (!content) throw new ServiceError('MESSAGE_GONE', 'The attachment could not be downloaded.');
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return { filename: attachment.filename, mimeType: attachment.mimeType, content: Buffer.concat(chunks) };
}

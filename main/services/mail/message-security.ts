/**
 * What the message loader and the inspect command both need to judge a message beyond its
 * root encryption: the sender identity from the raw From/Sender headers, the content inside a
 * decrypted entity (signed-then-encrypted, attachments, nested parts), and encrypted or signed
 * parts found deeper that are deliberately NOT opened. One implementation for both, so inspect
 * says what the app shows.
 *
 * Invariants: nothing nested is decrypted here; decrypted attachments are marked as decrypted;
 * verdicts come from signature-verdict.ts (never from the body).
 */
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import type { AttachmentInfo, BodySegment, CryptoStatus, SenderIdentity, UnopenedPart } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import { inlineBlocksIn, openInline, wholeBodyBlock } from '../crypto/inline-pgp.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { encryptedRootOf, isPgpMimeEncrypted, openEncrypted } from '../crypto/pgp-mime-reader.js';
import { containsPgpMimeSigned, isPgpMimeSigned, joinPart, signedVerdict } from '../crypto/pgp-signed-reader.js';
import { withDateCheck } from '../crypto/signature-verdict.js';
import { isAttachedMessage, isAttachmentNode, type BodyStructureNode } from './message-row.js';
import { allEntities, findEntity, parseMimeTree, type MimeEntity } from './mime-tree.js';

/** The decrypted entity is addressed as part "2" of the message (the ciphertext part of an
 * encrypted root), so its own parts are "2.1", "2.2", … — the same numbers the attachment
 * download takes. A signed envelope's decrypted entity keeps the same numbers (the download
 * finds the ciphertext with encryptedRootOf, whatever its real part). */
export const DECRYPTED_PREFIX = '2';

const EMAIL_IN_TEXT = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[^\s<>"'(),;:@]+/g;

/** From the raw header block (or just its From/Sender lines). */
export function senderIdentity(headerText: string): SenderIdentity {
  const unfolded = headerText.replace(/\r?\n[ \t]+/g, ' ');
  const values = (name: string) => [...unfolded.matchAll(new RegExp(`^${name}[ \\t]*:(.*)$`, 'gim'))].map((m) => m[1]!.trim());
  const mailboxes = (value: string) => flatten(addressParser(value));
  const from = values('from').flatMap(mailboxes);
  const identity: SenderIdentity = { fromAddresses: from.map((m) => m.address) };
  const first = from[0];
  if (first) {
    const name = decodeWords(first.name ?? '');
    const inName = (name.match(EMAIL_IN_TEXT) ?? []).find((a) => a.toLowerCase() !== first.address.toLowerCase());
    if (inName) identity.displayNameAddress = inName;
  }
  const sender = values('sender').flatMap(mailboxes)[0];
  if (sender && first && sender.address.toLowerCase() !== first.address.toLowerCase()) identity.sender = sender.address;
  return identity;
}

function flatten(list: ReturnType<typeof addressParser>): { name: string; address: string }[] {
  return list.flatMap((entry) =>
    'group' in entry && Array.isArray(entry.group)
      ? flatten(entry.group)
      : 'address' in entry && entry.address
        ? [{ name: entry.name ?? '', address: entry.address }]
        : [],
  );
}

/** The one From address signatures are compared with, or '' when there is not exactly one. */
export function singleFrom(identity: SenderIdentity): string {
  return identity.fromAddresses.length === 1 ? identity.fromAddresses[0]! : '';
}

/** PGP/MIME-encrypted entities anywhere below the root (the root itself is the message's own layer). */
export function nestedEncrypted(structure: BodyStructureNode, prefix?: string): UnopenedPart[] {
  const found: UnopenedPart[] = [];
  const visit = (node: BodyStructureNode, path: string, isRoot: boolean) => {
    if (!isRoot && isPgpMimeEncrypted(node)) {
      found.push({ partId: joinPart(prefix, path), kind: 'pgp-mime-encrypted' });
      return;
    }
    node.childNodes?.forEach((child, i) => visit(child, child.part ?? (path ? `${path}.${i + 1}` : String(i + 1)), false));
  };
  visit(structure, structure.part ?? '', true);
  return found;
}

/** The decoded text of every text leaf (not attachments) of a parsed tree, by part number. */
export async function textPartsOfTree(tree: MimeEntity): Promise<{ part: string; text: string }[]> {
  const out: { part: string; text: string }[] = [];
  for (const leaf of allEntities(tree)) {
    if (leaf.childNodes || !(leaf.type ?? '').startsWith('text/')) continue;
    if ((leaf.disposition ?? '') === 'attachment') continue;
    out.push({ part: leaf.part || '1', text: await textOfLeaf(leaf.raw) });
  }
  return out;
}

/** Inline blocks in text parts: each is an unopened part (never decrypted, never merged). */
export function inlineBlocksInParts(parts: { part: string; text: string }[], prefix?: string): UnopenedPart[] {
  return parts.flatMap(({ part, text }) => inlineBlocksIn(text).map((kind) => ({ partId: joinPart(prefix, part), kind })));
}

export interface EncryptedRootReading {
  status: CryptoStatus;
  /** For a partial signature inside the encryption: the body part by part. */
  segments?: BodySegment[];
  /** The decrypted inner entity; absent unless decryption and integrity succeeded. */
  mime?: Buffer;
  /** The subject from the protected headers inside the encryption (RFC 9788), when there is one. */
  protectedSubject?: string;
  attachments: AttachmentInfo[];
  unopened: UnopenedPart[];
}

/**
 * A PGP/MIME-encrypted root (the message's own layer): decrypt, then read what is inside.
 * `headerDate`: the message's Date header (ms), which a signature's time is checked against.
 */
export async function readEncryptedRoot(ciphertext: Buffer, fromAddress: string, keys: KeyProvider, headerDate?: number): Promise<EncryptedRootReading> {
  const opened = await openEncrypted(ciphertext, fromAddress, keys);
  if (!opened.mime) return { status: opened.status, attachments: [], unopened: [] };
  // Parsed once: the signature, attachments, segments and protected headers all read this tree.
  const tree = parseTreeOrNull(opened.mime);
  const inner = await readDecryptedEntity(opened.mime, opened.status.signature, fromAddress, keys, tree);
  const covered = inner.signature.coveredPart;
  const segments = covered && tree ? await signedSegments(textEntitiesOfTree(tree, DECRYPTED_PREFIX), covered) : undefined;
  const headersEntity = tree ? protectedHeadersEntity(tree) : undefined;
  const protectedSubject = headersEntity ? await subjectOf(headersEntity.raw) : undefined;
  return {
    status: {
      ...opened.status,
      protectedSubject: headersEntity !== undefined,
      signature: withDateCheck(await withAcceptance(inner.signature, keys), headerDate),
    },
    mime: opened.mime,
    attachments: inner.attachments,
    unopened: inner.unopened,
    ...(protectedSubject ? { protectedSubject } : {}),
    ...(segments ? { segments } : {}),
  };
}

/**
 * A whole message whose own layer is encrypted (encryptedRootOf): an encrypted root, or one
 * wrapped in an outer signature at the root (RFC 9787 cryptographic envelope). The outer
 * signature covers only the ciphertext — whoever signed it need not have written, or even
 * read, what it decrypts to — so it is reported as `outerSignature` and never as the message's
 * signature, which comes from inside the encryption as for any encrypted message.
 */
export async function readEncryptedMessage(source: Buffer, fromAddress: string, keys: KeyProvider, headerDate?: number): Promise<EncryptedRootReading> {
  const tree = parseMimeTree(source);
  const root = encryptedRootOf(tree);
  const entity = root ? findEntity(tree, root.ciphertextPart) : undefined;
  if (!root || !entity) throw new ServiceError('MESSAGE_PARSE', 'The message is not an encrypted message.');
  const reading = await readEncryptedRoot(decodeTransfer(entity), fromAddress, keys, headerDate);
  if (!root.outer) return reading;
  return { ...reading, status: { ...reading.status, outerSignature: await outerSignatureOf(tree, root.outer, fromAddress, keys) } };
}

async function outerSignatureOf(
  tree: MimeEntity,
  protocol: 'openpgp' | 'smime',
  fromAddress: string,
  keys: KeyProvider,
): Promise<NonNullable<CryptoStatus['outerSignature']>> {
  // S/MIME is not read at all here (no certificates, no trust store): said, never judged.
  if (protocol === 'smime' || !isPgpMimeSigned(tree)) return { protocol, status: 'not-checked', signerUserIds: [] };
  const verdict = await signedVerdict(tree, fromAddress, keys, { rootCovers: true });
  const status = verdict.status === 'good' || verdict.status === 'mismatch' || verdict.status === 'unknown-key' ? verdict.status : 'bad';
  return {
    protocol,
    status,
    signerUserIds: verdict.signerUserIds,
    ...(verdict.keyId ? { keyId: verdict.keyId } : {}),
    ...(verdict.fingerprint ? { fingerprint: verdict.fingerprint } : {}),
  };
}

function parseTreeOrNull(mime: Buffer): MimeEntity | null {
  try {
    return parseMimeTree(mime);
  } catch {
    return null;
  }
}

const PROTECTED_HEADERS = /^content-type:[^\n]*protected-headers\s*=\s*"?v1/im;

/**
 * The entity carrying RFC 9788 protected headers inside the encryption: the decrypted root, or —
 * signed, then encrypted — the signed part of a multipart/signed root (the cryptographic
 * payload; its headers are covered by the signature as well).
 */
function protectedHeadersEntity(tree: MimeEntity): MimeEntity | undefined {
  const carries = (entity: MimeEntity) => PROTECTED_HEADERS.test(`content-type: ${entity.headers.get('content-type') ?? ''}`);
  if (carries(tree)) return tree;
  const signed = isPgpMimeSigned(tree) ? tree.childNodes![0]! : undefined;
  return signed && carries(signed) ? signed : undefined;
}

async function subjectOf(entity: Buffer): Promise<string | undefined> {
  try {
    return (await PostalMime.parse(entity, { attachmentEncoding: 'arraybuffer' })).subject || undefined;
  } catch {
    return undefined;
  }
}

/** Adds how far the person trusts the signing key ("valid from a verified / unverified key"). */
async function withAcceptance(signature: CryptoStatus['signature'], keys: KeyProvider): Promise<CryptoStatus['signature']> {
  if (!signature.fingerprint) return signature;
  const acceptance = await keys.acceptanceOf(signature.fingerprint);
  return acceptance ? { ...signature, acceptance } : signature;
}

export interface UnencryptedRootInput {
  structure: BodyStructureNode;
  /** The decoded body of a single-part text/plain root (inline PGP is judged on it). */
  rootText?: string;
  /** Decoded text parts, to find embedded inline blocks. */
  textParts: () => Promise<{ part: string; text: string }[]>;
  /** The whole raw message; fetched only when a PGP/MIME signature must be verified. */
  source: () => Promise<Buffer>;
  /** The Date header (ms): a signature's time is checked against it. */
  headerDate?: number;
}

export interface UnencryptedRootReading {
  crypto?: CryptoStatus;
  /** Inline PGP as the whole body: the text to show instead (absent when it did not open). */
  inline?: { text?: string };
  unopened: UnopenedPart[];
}

/**
 * A message whose root is not PGP/MIME encrypted: inline PGP when the whole text body is one
 * block, a multipart/signed root (good/mismatch/…) or deeper (partial), and everything
 * encrypted or signed deeper down reported as unopened.
 */
export async function readUnencryptedRoot(input: UnencryptedRootInput, fromAddress: string, keys: KeyProvider): Promise<UnencryptedRootReading> {
  const { structure } = input;
  const unopened = nestedEncrypted(structure);
  const single = !structure.childNodes?.length;
  const kind =
    single && (structure.type ?? 'text/plain').toLowerCase() === 'text/plain' && input.rootText !== undefined ? wholeBodyBlock(input.rootText) : null;
  let crypto: CryptoStatus | undefined;
  let inline: UnencryptedRootReading['inline'];
  if (kind) {
    const opened = await openInline(input.rootText!, kind, fromAddress, keys);
    crypto = { ...opened.status, signature: withDateCheck(await withAcceptance(opened.status.signature, keys), input.headerDate) };
    inline = opened.text !== undefined ? { text: opened.text } : {};
  } else {
    unopened.push(...inlineBlocksInParts(await input.textParts()));
  }
  if (containsPgpMimeSigned(structure)) {
    const signature = await signedVerdict(parseMimeTree(await input.source()), fromAddress, keys, { rootCovers: true });
    crypto = {
      decryption: 'not-encrypted',
      recipientKeyIds: [],
      signature: withDateCheck(await withAcceptance(signature, keys), input.headerDate),
      protectedSubject: false,
    };
  }
  return { crypto, ...(inline ? { inline } : {}), unopened };
}

/** The decoded text of one MIME entity (header + body), charset and transfer encoding undone. */
export async function textOfLeaf(entity: Buffer): Promise<string> {
  try {
    const email = await PostalMime.parse(entity, { attachmentEncoding: 'arraybuffer' });
    return `${email.text ?? ''}\n${email.html ?? ''}`;
  } catch {
    return '';
  }
}

export interface DecryptedContent {
  signature: CryptoStatus['signature'];
  attachments: AttachmentInfo[];
  unopened: UnopenedPart[];
}

/**
 * Reads the entity that came out of the message's own encryption layer. A signature made by the
 * encryption layer wins; otherwise a multipart/signed inner root (signed, then encrypted: RFC
 * 3156 §6.1) counts for the message, a signed part deeper is `partial`.
 */
export async function readDecryptedEntity(
  mime: Buffer,
  encryptionSignature: CryptoStatus['signature'],
  fromAddress: string,
  keys: KeyProvider,
  parsed?: MimeEntity | null,
): Promise<DecryptedContent> {
  const tree = parsed === undefined ? parseTreeOrNull(mime) : parsed;
  if (!tree) return { signature: encryptionSignature, attachments: [], unopened: [] };
  const signature =
    encryptionSignature.status !== 'none' ? encryptionSignature : await signedVerdict(tree, fromAddress, keys, { rootCovers: true, prefix: DECRYPTED_PREFIX });
  const attachments = attachmentsOf(tree).map((a) => ({ ...a, partId: joinPart(DECRYPTED_PREFIX, a.partId), decrypted: true }));
  const unopened = [...nestedEncrypted(tree, DECRYPTED_PREFIX), ...inlineBlocksInParts(await textPartsOfTree(tree), DECRYPTED_PREFIX)];
  return { signature, attachments, unopened };
}

/** The PGP/MIME control parts: a signature or version part is not an attachment. */
export const CRYPTO_PART_TYPES = new Set(['application/pgp-signature', 'application/pgp-encrypted']);

/** Attachments as the list shows them; a multipart/signed's signature part is not one. */
export function attachmentsOf(structure: BodyStructureNode): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  const visit = (node: BodyStructureNode, path: string) => {
    if (node.childNodes?.length && !isAttachedMessage(node)) {
      node.childNodes.forEach((child, i) => visit(child, child.part ?? (path ? `${path}.${i + 1}` : String(i + 1))));
      return;
    }
    const type = (node.type ?? 'text/plain').toLowerCase();
    if (!isAttachmentNode(node) || CRYPTO_PART_TYPES.has(type)) return;
    out.push({
      partId: path || '1',
      filename: decodeWords(node.dispositionParameters?.filename ?? node.parameters?.name ?? 'liite'),
      mimeType: type,
      size: node.size ?? 0,
    });
  };
  visit(structure, structure.part ?? '');
  return out;
}

/** Decrypts the root again and returns one attachment from inside it (by its "2.x" number). */
export async function decryptedAttachment(
  ciphertext: Buffer,
  partId: string,
  keys: KeyProvider,
): Promise<{ filename: string; mimeType: string; content: Buffer }> {
  const opened = await openEncrypted(ciphertext, '', keys);
  if (!opened.mime) throw new ServiceError('DECRYPTION_FAILED', 'The message could not be decrypted.');
  const tree = parseMimeTree(opened.mime);
  const inner = partId.slice(DECRYPTED_PREFIX.length + 1);
  const listed = attachmentsOf(tree).find((a) => a.partId === inner);
  const entity = listed ? findEntity(tree, inner) : undefined;
  if (!listed || !entity) throw new ServiceError('NOT_FOUND', 'No such attachment in this message.');
  return { filename: listed.filename, mimeType: listed.mimeType, content: decodeTransfer(entity) };
}

/** The body of a leaf with its Content-Transfer-Encoding undone. */
export function decodeTransfer(entity: MimeEntity): Buffer {
  const body = entity.body;
  if (entity.encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (entity.encoding === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
  }
  return body;
}

/**
 * The text parts one by one, each marked whether it lies inside the signed part `covered`, for a
 * partial signature: the person then sees exactly which text the signature is for. `entities`
 * are whole MIME entities (header + body) in display order.
 */
export async function signedSegments(entities: { part: string; entity: Buffer }[], covered: string): Promise<BodySegment[]> {
  const segments: BodySegment[] = [];
  for (const { part, entity } of entities) {
    let email;
    try {
      email = await PostalMime.parse(entity, { attachmentEncoding: 'arraybuffer' });
    } catch {
      continue;
    }
    const signed = part === covered || part.startsWith(`${covered}.`);
    const isHtml = /^content-type:\s*text\/html/im.test(
      entity
        .subarray(0, 4096)
        .toString('latin1')
        .split(/\r?\n\r?\n/)[0] ?? '',
    );
    segments.push(isHtml ? { partId: part, signed, html: email.html ?? '' } : { partId: part, signed, text: email.text ?? '' });
  }
  return segments;
}

/** The text leaves of a parsed tree as entities for signedSegments, with the message's part numbers. */
export function textEntitiesOfTree(tree: MimeEntity, prefix?: string): { part: string; entity: Buffer }[] {
  return allEntities(tree)
    .filter((e) => !e.childNodes && (e.type === 'text/plain' || e.type === 'text/html') && (e.disposition ?? '') !== 'attachment')
    .map((e) => ({ part: joinPart(prefix, e.part || '1'), entity: e.raw }));
}

/**
 * Verifying RFC 3156 multipart/signed: the detached signature in the second part covers the
 * first part's exact bytes (MIME header included), canonicalised to CRLF. The verdict follows
 * the identity rules (signature-verdict.ts): good only for a signed ROOT (or the whole body
 * under the message's own encryption) by a key carrying the single From address; a signed part
 * anywhere else is `partial`, naming the part. Keys come from the KeyProvider only — never from
 * the message. Every `verified` promise is awaited.
 */
import { createMessage, readSignature, verify } from 'openpgp';
import { allEntities, type BodyStructureNode, type MimeEntity } from '../mime/mime-types.js';
import type { KeyProvider } from './key-provider.js';
import { checkSignatures } from './message-crypto.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';
import { NO_SIGNATURE, signatureVerdict, type SignatureCheck, type SignatureStatus } from './signature-verdict.js';

export function isPgpMimeSigned(node: BodyStructureNode): boolean {
  return (
    (node.type ?? '').toLowerCase() === 'multipart/signed' &&
    (node.parameters?.protocol ?? '').toLowerCase() === 'application/pgp-signature' &&
    (node.childNodes?.length ?? 0) === 2 &&
    (node.childNodes![1]!.type ?? '').toLowerCase() === 'application/pgp-signature'
  );
}

/** Whether any part (the root included) of a BODYSTRUCTURE is PGP/MIME signed. */
export function containsPgpMimeSigned(node: BodyStructureNode): boolean {
  return isPgpMimeSigned(node) || (node.childNodes ?? []).some(containsPgpMimeSigned);
}

/** Lone LF → CRLF: what RFC 3156 signs, whatever line ends the message was stored with. */
export function canonicalCrlf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export async function verifyDetached(
  signed: Buffer,
  armoredSignature: string,
  keys: KeyProvider,
): Promise<{ checks: SignatureCheck[]; keys: Awaited<ReturnType<KeyProvider['verificationKeys']>> }> {
  const verificationKeys = await keys.verificationKeys();
  let signature;
  try {
    signature = await readSignature({ armoredSignature, config: OPENPGP_CONFIG });
  } catch {
    return { checks: [{ keyId: '', valid: false, reason: 'unreadable signature' }], keys: verificationKeys };
  }
  const message = await createMessage({ binary: canonicalCrlf(signed) });
  let result;
  try {
    result = await verify({ message, signature, verificationKeys, config: OPENPGP_CONFIG, expectSigned: false });
  } catch (error) {
    return {
      checks: [{ keyId: signature.getSigningKeyIDs()[0]?.toHex().toUpperCase() ?? '', valid: false, reason: (error as Error).message }],
      keys: verificationKeys,
    };
  }
  return { checks: await checkSignatures(result.signatures, verificationKeys), keys: verificationKeys };
}

/**
 * The verdict for the first PGP/MIME-signed entity in `tree` (depth-first). `rootCovers`: the
 * tree is the whole message (or the whole body under its own encryption layer), so a signed
 * root counts for the message. `prefix` turns the tree's part numbers into the message's.
 */
export async function signedVerdict(
  tree: MimeEntity,
  fromAddress: string,
  keys: KeyProvider,
  options: { rootCovers: boolean; prefix?: string },
): Promise<SignatureStatus> {
  const signed = allEntities(tree).find(isPgpMimeSigned);
  if (!signed) return NO_SIGNATURE;
  const [content, signaturePart] = signed.childNodes as [MimeEntity, MimeEntity];
  const armored = decodeSimple(signaturePart);
  const { checks, keys: verificationKeys } = await verifyDetached(content.raw, armored, keys);
  const isRoot = signed === tree;
  const part = joinPart(options.prefix, signed.part || '1');
  const scope = { coversMessage: isRoot && options.rootCovers, part };
  // An unreadable signature part is an invalid signature, not an unknown key.
  if (checks.length === 1 && checks[0]!.keyId === '') return { status: 'bad', signerUserIds: [], ...(scope.coversMessage ? {} : { coveredPart: part }) };
  return signatureVerdict(checks, verificationKeys, fromAddress, scope);
}

export function joinPart(prefix: string | undefined, part: string): string {
  return prefix ? `${prefix}.${part}` : part;
}

/** A signature part is ASCII armor; base64 transfer encoding is undone if a sender used it. */
function decodeSimple(entity: MimeEntity): string {
  if (entity.encoding === 'base64') return Buffer.from(entity.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  return entity.body.toString('latin1');
}

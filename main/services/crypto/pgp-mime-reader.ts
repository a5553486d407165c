/**
 * Reading PGP/MIME (RFC 3156) encrypted messages. Only an encrypted ROOT is decrypted: an
 * encrypted part found deeper inside attacker-built MIME is never decrypted automatically (that
 * is how decryption oracles and EFAIL-style mixing work). A failed decryption or integrity check
 * yields a status and no content at all.
 */
import { readMessage } from 'openpgp';
import type { CryptoStatus } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { BodyStructureNode } from '../mime/mime-types.js';
import type { KeyProvider } from './key-provider.js';
import { decryptAndVerify } from './message-crypto.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';
import { NO_SIGNATURE, signatureVerdict } from './signature-verdict.js';

export interface OpenedEncrypted {
  status: CryptoStatus;
  /** The decrypted inner MIME entity; absent unless decryption and integrity succeeded. */
  mime?: Buffer;
}

export type { KeyProvider } from './key-provider.js';

export function isPgpMimeEncrypted(structure: BodyStructureNode): boolean {
  const children = structure.childNodes ?? [];
  return (
    (structure.type ?? '').toLowerCase() === 'multipart/encrypted' &&
    (structure.parameters?.protocol ?? '').toLowerCase() === 'application/pgp-encrypted' &&
    children.length === 2 &&
    (children[1]!.type ?? '').toLowerCase() === 'application/octet-stream'
  );
}

const noSignature = NO_SIGNATURE;

export async function openEncrypted(ciphertext: Buffer, fromAddress: string, keys: KeyProvider): Promise<OpenedEncrypted> {
  let recipientKeyIds: string[] = [];
  try {
    const message = await readMessage({ armoredMessage: ciphertext.toString('latin1'), config: OPENPGP_CONFIG });
    recipientKeyIds = message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());
  } catch {
    return { status: { decryption: 'failed', recipientKeyIds, signature: noSignature, protectedSubject: false } };
  }
  const decryptionKeys = await keys.decryptionKeys();
  const usable = decryptionKeys.filter((key) => recipientKeyIds.some((id) => key.getKeys().some((k) => k.getKeyID().toHex().toUpperCase() === id)));
  const holds = (key: { getKeys(): { getKeyID(): { toHex(): string } }[] }) => recipientKeyIds.some((id) => key.getKeys().some((k) => k.getKeyID().toHex().toUpperCase() === id));
  if (usable.length === 0) {
    // Held but locked by its passphrase: the person can unlock it, which is not "no key".
    const locked = (await keys.lockedKeys()).some(holds);
    return { status: { decryption: locked ? 'locked' : 'no-key', recipientKeyIds, signature: noSignature, protectedSubject: false } };
  }

  const verificationKeys = [...(await keys.verificationKeys()), ...usable.map((k) => k.toPublic())];
  let decrypted;
  try {
    decrypted = await decryptAndVerify(ciphertext.toString('latin1'), usable, verificationKeys);
  } catch (error) {
    if (error instanceof ServiceError) return { status: { decryption: 'failed', recipientKeyIds, signature: noSignature, protectedSubject: false } };
    throw error;
  }
  const mime = Buffer.from(decrypted.data);
  return {
    mime,
    status: {
      decryption: 'decrypted',
      recipientKeyIds: [],
      // A signature made inside the encryption layer covers the whole inner message.
      signature: await signatureVerdict(decrypted.signatures, verificationKeys, fromAddress, { coversMessage: true }),
      protectedSubject: /^content-type:[^\n]*protected-headers\s*=\s*"?v1/im.test(headerBlock(mime)),
    },
  };
}

function headerBlock(mime: Buffer): string {
  const text = mime.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
}

/**
 * Reading PGP/MIME (RFC 3156) encrypted messages. Only an encrypted ROOT is decrypted: an
 * encrypted part found deeper inside attacker-built MIME is never decrypted automatically (that
 * is how decryption oracles and EFAIL-style mixing work). A failed decryption or integrity check
 * yields a status and no content at all.
 */
import { decryptSessionKeys, readMessage, type Message, type PrivateKey } from 'openpgp';
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

/** Where the message's own encryption layer is, and what (if anything) signs it from outside. */
export interface EncryptedRoot {
  /** The part holding the ciphertext. */
  ciphertextPart: string;
  /** An outer signature around the encrypted root (RFC 9787 cryptographic envelope). */
  outer?: 'openpgp' | 'smime';
}

const SMIME_SIGNATURE_PROTOCOLS = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

/**
 * The message's own encryption layer: a PGP/MIME-encrypted root, or one wrapped in a signature
 * directly at the root (multipart/signed, OpenPGP or S/MIME, whose first part is the encrypted
 * entity — what Thunderbird opens too). Anything deeper (a multipart/mixed in between) is not
 * the message's own layer and is never decrypted.
 */
export function encryptedRootOf(structure: BodyStructureNode): EncryptedRoot | null {
  if (isPgpMimeEncrypted(structure)) return { ciphertextPart: '2' };
  const children = structure.childNodes ?? [];
  if ((structure.type ?? '').toLowerCase() !== 'multipart/signed' || children.length !== 2 || !isPgpMimeEncrypted(children[0]!)) return null;
  const protocol = (structure.parameters?.protocol ?? '').toLowerCase();
  const signatureType = (children[1]!.type ?? '').toLowerCase();
  if (protocol === 'application/pgp-signature' && signatureType === protocol) return { ciphertextPart: '1.2', outer: 'openpgp' };
  if (SMIME_SIGNATURE_PROTOCOLS.has(protocol) && SMIME_SIGNATURE_PROTOCOLS.has(signatureType)) return { ciphertextPart: '1.2', outer: 'smime' };
  return null;
}

const noSignature = NO_SIGNATURE;

/** The key ID of a hidden recipient (gpg --throw-keyids / -R, RFC 9580 §5.1.1 "anonymous recipient"). */
export const WILDCARD_KEY_ID = '0000000000000000';

/** Packet tags of encrypted data: SED (no integrity), SEIPD, AEAD-encrypted. */
const ENCRYPTED_DATA_TAGS = new Set([9, 18, 20]);

export async function openEncrypted(ciphertext: Buffer, fromAddress: string, keys: KeyProvider): Promise<OpenedEncrypted> {
  const status = (decryption: CryptoStatus['decryption'], recipientKeyIds: string[] = []): OpenedEncrypted => ({
    status: { decryption, recipientKeyIds, signature: noSignature, protectedSubject: false },
  });
  const armored = ciphertext.toString('latin1');
  // Labelled encrypted but armored as something else (a signed text, a key): it is not encrypted,
  // and saying "integrity failed" would claim there was protected content.
  const armorType = /^-----BEGIN PGP ([A-Z][A-Z ]*[A-Z])[^\n]*-----[ \t\r]*$/m.exec(armored)?.[1];
  if (armorType !== undefined && armorType !== 'MESSAGE') return status('not-ciphertext');
  let recipientKeyIds: string[] = [];
  let message: Message<string>;
  try {
    message = await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG });
    if (!message.packets.some((p) => ENCRYPTED_DATA_TAGS.has((p.constructor as { tag?: number }).tag ?? -1))) return status('not-ciphertext');
    recipientKeyIds = message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());
  } catch {
    // No armor at all is not ciphertext either; armor that does not parse is damaged ciphertext.
    return status(armorType === undefined ? 'not-ciphertext' : 'failed');
  }
  // A hidden recipient names no key: every key the person holds is a candidate (openpgp.js tries
  // each against the wildcard key ID), as gpg does with --try-all-secrets.
  const hidden = recipientKeyIds.includes(WILDCARD_KEY_ID);
  const holds = (key: { getKeys(): { getKeyID(): { toHex(): string } }[] }) =>
    hidden || recipientKeyIds.some((id) => key.getKeys().some((k) => k.getKeyID().toHex().toUpperCase() === id));
  const usable = (await keys.decryptionKeys()).filter(holds);
  if (usable.length === 0) {
    // Held but locked by its passphrase: the person can unlock it, which is not "no key".
    const locked = (await keys.lockedKeys()).some(holds);
    return status(locked ? 'locked' : 'no-key', recipientKeyIds);
  }
  // To a hidden recipient, none of the held keys opening the session key means "not for a key
  // you hold", not damage.
  if (hidden && !(await opensSessionKey(message, usable))) return status('no-key', recipientKeyIds);

  const verificationKeys = [...(await keys.verificationKeys()), ...usable.map((k) => k.toPublic())];
  let decrypted;
  try {
    decrypted = await decryptAndVerify(armored, usable, verificationKeys);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return status('failed', recipientKeyIds);
  }
  const mime = Buffer.from(decrypted.data);
  return {
    mime,
    status: {
      decryption: 'decrypted',
      recipientKeyIds: [],
      // A signature made inside the encryption layer covers the whole inner message.
      signature: await signatureVerdict(decrypted.signatures, verificationKeys, fromAddress, { coversMessage: true }),
      // Whether protected headers (RFC 9788) are inside is read by message-security, which
      // parses the decrypted entity anyway (they may sit in a signed part).
      protectedSubject: false,
    },
  };
}

async function opensSessionKey(message: Message<string>, keys: PrivateKey[]): Promise<boolean> {
  try {
    return (await decryptSessionKeys({ message, decryptionKeys: keys, config: OPENPGP_CONFIG })).length > 0;
  } catch {
    return false;
  }
}

/**
 * Encrypting/signing and decrypting/verifying OpenPGP data, the layer under PGP/MIME. Fails
 * closed: ciphertext without integrity protection is refused, a failed decryption yields no
 * plaintext at all (openpgp.js buffers until the integrity check passes when streaming is off),
 * and every signature promise is awaited before a verdict is returned.
 */
import { createMessage, decrypt, encrypt, readMessage, type Key, type PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';

/** What openpgp.js returns per signature (its type is not exported by name). */
type VerificationResult = Awaited<ReturnType<typeof decrypt>>['signatures'][number];

export interface SignatureCheck {
  keyId: string;
  valid: boolean;
  /** Fingerprint of the verifying key when it is known. */
  fingerprint?: string;
  reason?: string;
  /** The signature's creation time (its hashed subpacket), when the packet could be read. */
  created?: Date;
}

export interface Decrypted {
  data: Uint8Array;
  signatures: SignatureCheck[];
}

/** `newline`: CRLF for armor that goes straight into a MIME message. */
export async function encryptAndSign(
  data: Uint8Array | string,
  recipients: Key[],
  signingKey?: PrivateKey,
  options: { newline?: '\n' | '\r\n' } = {},
): Promise<string> {
  if (recipients.length === 0) throw new ServiceError('VALIDATION', 'No recipient keys: refusing to produce a message nobody can read.');
  const message = typeof data === 'string' ? await createMessage({ text: data }) : await createMessage({ binary: data });
  const binary = (await encrypt({
    message,
    encryptionKeys: recipients,
    ...(signingKey ? { signingKeys: signingKey } : {}),
    format: 'binary',
    config: OPENPGP_CONFIG,
  })) as Uint8Array;
  return armorMessage(binary, options.newline);
}

/**
 * ASCII armor (RFC 4880 §6, RFC 9580 §6.2) with Node's native base64: openpgp.js's own armor took
 * more time than the encryption itself on large messages. The CRC-24 line stays: GnuPG 2.2 does
 * not find the end of the armor without it.
 */
export function armorMessage(binary: Uint8Array, newline: '\n' | '\r\n' = '\n'): string {
  const base64 = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  const crc = crc24(binary);
  const checksum = Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  const n = newline;
  return `-----BEGIN PGP MESSAGE-----${n}${n}${lines.join(n)}${n}=${checksum}${n}-----END PGP MESSAGE-----${n}`;
}

let crcTable: Uint32Array | null = null;

/** The OpenPGP armor checksum (CRC-24, init 0xB704CE, generator 0x1864CFB), a byte at a time by table. */
export function crc24(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n << 16;
      for (let k = 0; k < 8; k++) c = c & 0x800000 ? ((c << 1) ^ 0x1864cfb) & 0xffffff : (c << 1) & 0xffffff;
      crcTable[n] = c;
    }
  }
  let crc = 0xb704ce;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) & 0xffffff) ^ crcTable[((crc >> 16) ^ data[i]!) & 0xff]!;
  return crc;
}

export async function decryptAndVerify(armored: string | Uint8Array, decryptionKeys: PrivateKey[], verificationKeys: Key[] = []): Promise<Decrypted> {
  let message;
  try {
    message =
      typeof armored === 'string'
        ? await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG })
        : await readMessage({ binaryMessage: armored, config: OPENPGP_CONFIG });
  } catch (error) {
    throw new ServiceError('MESSAGE_PARSE', `Not an OpenPGP message: ${(error as Error).message}`);
  }
  let result;
  try {
    result = await decrypt({ message, decryptionKeys, verificationKeys, format: 'binary', config: OPENPGP_CONFIG });
  } catch (error) {
    // No partial output leaves this function: the caller gets an error and nothing else.
    throw new ServiceError('DECRYPTION_FAILED', `The message could not be decrypted: ${(error as Error).message}`);
  }
  return { data: result.data as Uint8Array, signatures: await checkSignatures(result.signatures, verificationKeys) };
}

/** Awaits every signature's `verified` promise (openpgp.js reports nothing until then), one check each. */
export async function checkSignatures(signatures: VerificationResult[], verificationKeys: Key[]): Promise<SignatureCheck[]> {
  const checks: SignatureCheck[] = [];
  for (const signature of signatures) {
    const keyId = signature.keyID.toHex().toUpperCase();
    const fingerprint = verificationKeys
      .find((k) => k.getKeys(signature.keyID).length > 0)
      ?.getFingerprint()
      .toUpperCase();
    const created = await signature.signature.then((s) => s.packets[0]?.created ?? undefined).catch(() => undefined);
    const when = created instanceof Date && Number.isFinite(created.getTime()) ? { created } : {};
    try {
      await signature.verified;
      checks.push({ keyId, valid: true, fingerprint, ...when });
    } catch (error) {
      checks.push({ keyId, valid: false, fingerprint, reason: (error as Error).message, ...when });
    }
  }
  return checks;
}

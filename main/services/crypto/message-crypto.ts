/**
 * Encrypting/signing and decrypting/verifying OpenPGP data, the layer under PGP/MIME. Fails
 * closed: ciphertext without integrity protection is refused, a failed decryption yields no
 * plaintext at all (openpgp.js buffers until the integrity check passes when streaming is off),
 * and every signature promise is awaited before a verdict is returned.
 */
import { createMessage, decrypt, encrypt, readMessage, type Key, type PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';

export interface SignatureCheck {
  keyId: string;
  valid: boolean;
  /** Fingerprint of the verifying key when it is known. */
  fingerprint?: string;
  reason?: string;
}

export interface Decrypted {
  data: Uint8Array;
  signatures: SignatureCheck[];
}

export async function encryptAndSign(data: Uint8Array | string, recipients: Key[], signingKey?: PrivateKey): Promise<string> {
  if (recipients.length === 0) throw new ServiceError('VALIDATION', 'No recipient keys: refusing to produce a message nobody can read.');
  const message = typeof data === 'string' ? await createMessage({ text: data }) : await createMessage({ binary: data });
  return encrypt({
    message,
    encryptionKeys: recipients,
    ...(signingKey ? { signingKeys: signingKey } : {}),
    format: 'armored',
    config: OPENPGP_CONFIG,
  }) as Promise<string>;
}

export async function decryptAndVerify(armored: string | Uint8Array, decryptionKeys: PrivateKey[], verificationKeys: Key[] = []): Promise<Decrypted> {
  let message;
  try {
    message = typeof armored === 'string' ? await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG }) : await readMessage({ binaryMessage: armored, config: OPENPGP_CONFIG });
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
  const signatures: SignatureCheck[] = [];
  for (const signature of result.signatures) {
    const keyId = signature.keyID.toHex().toUpperCase();
    const known = verificationKeys.find((k) => k.getKeys(signature.keyID).length > 0);
    try {
      await signature.verified;
      signatures.push({ keyId, valid: true, fingerprint: known?.getFingerprint().toUpperCase() });
    } catch (error) {
      signatures.push({ keyId, valid: false, fingerprint: known?.getFingerprint().toUpperCase(), reason: (error as Error).message });
    }
  }
  return { data: result.data as Uint8Array, signatures };
}

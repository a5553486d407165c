/**
 * Trust boundary: the organisation's own signature over an update, checked on every platform
 * before anything is installed (electron-updater alone skips the Windows publisher check when
 * `publisherName` is empty and checks only a hash on Linux). Invariants:
 * - the signature file names the installer file and the version, and carries the file's SHA-512;
 *   an Ed25519 signature by the organisation's key covers exactly those three lines;
 * - the file on disk is hashed again here (streamed), never trusted from the feed;
 * - every failure — malformed signature file, other file or version, wrong key type, bad
 *   signature, hash mismatch, unreadable file — throws: nothing is installed.
 * IT signs with `scripts/sign-update.mjs` (docs/deployment.md). Plain Node: no electron import.
 */
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';

export const SIGNATURE_FORMAT = 'sinetti-update-signature-v1';

export const updateSignatureSchema = z
  .object({
    format: z.literal(SIGNATURE_FORMAT),
    file: z.string().min(1).max(255),
    version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
    sha512: z.string().regex(/^[0-9a-f]{128}$/),
    signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  })
  .strict();
export type UpdateSignature = z.infer<typeof updateSignatureSchema>;

export class UpdateVerificationError extends Error {}

/** The exact bytes the organisation signs. */
export function signedStatement(file: string, version: string, sha512: string): Buffer {
  return Buffer.from(`${SIGNATURE_FORMAT}\nfile=${file}\nversion=${version}\nsha512=${sha512}\n`, 'utf8');
}

export function organisationKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new UpdateVerificationError('the organisation’s update key is not a readable public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UpdateVerificationError('the organisation’s update key must be an Ed25519 key');
  return key;
}

export async function sha512OfFile(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Resolves when the downloaded file is the one the organisation signed for `expectedVersion`; throws otherwise. */
export async function verifyUpdateFile(path: string, signatureText: string, publicKeyPem: string, expectedVersion: string): Promise<void> {
  const key = organisationKey(publicKeyPem);
  let parsed: UpdateSignature;
  try {
    parsed = updateSignatureSchema.parse(JSON.parse(signatureText));
  } catch {
    throw new UpdateVerificationError('the update’s signature file is malformed');
  }
  if (parsed.file !== basename(path)) throw new UpdateVerificationError('the signature is for another file');
  if (parsed.version !== expectedVersion) throw new UpdateVerificationError('the signature is for another version');
  const statement = signedStatement(parsed.file, parsed.version, parsed.sha512);
  if (!verify(null, statement, key, Buffer.from(parsed.signature, 'base64'))) throw new UpdateVerificationError('the update’s signature is not valid');
  let actual: string;
  try {
    actual = await sha512OfFile(path);
  } catch {
    throw new UpdateVerificationError('the downloaded update could not be read');
  }
  if (!timingSafeEqual(Buffer.from(actual, 'hex'), Buffer.from(parsed.sha512, 'hex'))) {
    throw new UpdateVerificationError('the downloaded update is not the file that was signed');
  }
}

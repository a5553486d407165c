/**
 * Reading public keys from whatever a correspondent's key arrives as: ASCII armor (a pasted
 * block, a .asc file, a keyserver answer) or binary packets (a WKD answer, an attached .gpg, an
 * Autocrypt keydata), with the one strict openpgp.js configuration and bounded size and count.
 */
import { readKeys, type Key } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';

/** A public key with many signatures is tens of KiB; a whole keyring export stays far below this. */
export const MAX_KEY_DATA_BYTES = 512 * 1024;

const ARMORED_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

export async function parsePublicKeys(data: string | Uint8Array, maxKeys: number): Promise<Key[]> {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > MAX_KEY_DATA_BYTES) throw new ServiceError('TOO_LARGE', `Key data over ${MAX_KEY_DATA_BYTES / 1024} KiB is not read.`);
  const text = typeof data === 'string' ? data : looksArmored(data) ? Buffer.from(data).toString('utf8') : null;
  let keys: Key[];
  try {
    if (text === null) keys = await readKeys({ binaryKeys: data as Uint8Array, config: OPENPGP_CONFIG });
    else {
      // openpgp.js reads one armored block; a pasted file may hold several.
      const blocks = text.match(ARMORED_BLOCK) ?? [text];
      keys = (await Promise.all(blocks.map((block) => readKeys({ armoredKeys: block, config: OPENPGP_CONFIG })))).flat();
    }
  } catch (error) {
    throw new ServiceError('VALIDATION', `Not a usable OpenPGP public key: ${(error as Error).message}`);
  }
  if (keys.length === 0) throw new ServiceError('VALIDATION', 'No OpenPGP key was found.');
  if (keys.length > maxKeys) throw new ServiceError('VALIDATION', `Too many keys at once (${keys.length}; at most ${maxKeys}).`);
  return keys;
}

/** Lower-case e-mail addresses of the key's user IDs, each once. */
export function addressesOf(key: Key): string[] {
  const out = new Set<string>();
  for (const user of key.users) {
    const email = user.userID?.email?.trim().toLowerCase();
    if (email) out.add(email);
  }
  return [...out];
}

function looksArmored(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, 64)).toString('latin1').trimStart();
  return head.startsWith('-----BEGIN PGP');
}

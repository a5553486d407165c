/**
 * A public key a message offers for its sender: the Autocrypt header, or an attached key
 * (application/pgp-keys). Opening the message only reports the offer; the key is read again
 * from the server when the person imports it (offered-key-reader.ts), so the renderer never
 * supplies key bytes.
 */
import type { AttachmentInfo, KeyOfferView } from '../../../shared/domain.js';
import { autocryptFor } from '../crypto/autocrypt-header.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { MAX_KEY_DATA_BYTES, addressesOf, parsePublicKeys } from '../crypto/public-key-parsing.js';

export const AUTOCRYPT_HEADER = 'autocrypt';

export function keyAttachments(attachments: AttachmentInfo[]): AttachmentInfo[] {
  return attachments.filter((a) => a.mimeType === 'application/pgp-keys' && a.size <= MAX_KEY_DATA_BYTES * 1.4);
}

/** What the message view may say about an offered key; null when there is nothing to offer. */
export async function describeKeyOffer(rawHeaders: string, from: string, attachments: AttachmentInfo[], keys?: KeyProvider): Promise<KeyOfferView | null> {
  const autocrypt = await autocryptKey(rawHeaders, from);
  if (autocrypt) {
    const fingerprint = autocrypt.getFingerprint().toUpperCase();
    const known = keys ? (await keys.acceptanceOf(fingerprint)) !== null : false;
    return { source: 'autocrypt', fingerprint, known };
  }
  return keyAttachments(attachments).length ? { source: 'attachment', known: false } : null;
}

/** The Autocrypt key, only if it parses and carries the sender's address. */
export async function autocryptKey(rawHeaders: string, from: string) {
  const header = autocryptFor(rawHeaders, from);
  if (!header) return null;
  const key = await parsePublicKeys(header.keydata, 1).then(
    ([k]) => k!,
    () => null,
  );
  return key && addressesOf(key).includes(header.addr) ? key : null;
}

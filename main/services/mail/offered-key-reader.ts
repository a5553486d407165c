/** Reads the key a message offers again from the server, for the import the person asked for. */
import type { ImapFlow } from 'imapflow';
import { ServiceError } from '../../../shared/result.js';
import { autocryptFor } from '../crypto/autocrypt-header.js';
import { MAX_KEY_DATA_BYTES } from '../crypto/public-key-parsing.js';
import { AUTOCRYPT_HEADER, autocryptKey, keyAttachments } from './key-offer.js';
import { planParts } from './message-loader.js';
import { openable } from './structure-limits.js';

/** Re-reads the offered key from the server: the Autocrypt key when valid, else the first attached key. */
export async function readOfferedKey(client: ImapFlow, uid: number): Promise<{ data: Uint8Array; source: 'autocrypt' | 'attachment' }> {
  const { meta, structure } = openable(
    await client.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true, headers: [AUTOCRYPT_HEADER] }, { uid: true }),
  );
  const from = meta.envelope?.from?.length === 1 ? (meta.envelope.from[0]?.address ?? '') : '';
  const headers = meta.headers?.toString('latin1') ?? '';
  // The same checks as when the message opened: one header, for the single From, with a key carrying that address.
  const autocrypt = autocryptFor(headers, from);
  if (autocrypt && (await autocryptKey(headers, from))) return { data: autocrypt.keydata, source: 'autocrypt' };
  const [attachment] = keyAttachments(planParts(structure).attachments);
  if (!attachment) throw new ServiceError('NOT_FOUND', 'The message offers no key.');
  const { content } = await client.download(String(uid), attachment.partId, { uid: true, maxBytes: MAX_KEY_DATA_BYTES + 1 });
  if (!content) throw new ServiceError('MESSAGE_GONE', 'The attached key could not be downloaded.');
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return { data: new Uint8Array(Buffer.concat(chunks)), source: 'attachment' };
}

/**
 * Whether an original arrived secured, so that a reply to it (or a forward of it) stays secure —
 * decided here once, for the composer's context (what the person sees) and for the send gate (what
 * may leave). Secured is every message the reader would decrypt, whether or not it could:
 *  - a PGP/MIME-encrypted root (RFC 3156), also inside an outer signature (RFC 9787's envelope);
 *  - inline PGP that the reader opens as the message: a single-part text/plain root whose whole
 *    body is one encrypted armored block (crypto/inline-pgp.ts `wholeBodyBlock`, the same rule);
 *  - mail the secure-mail gateway marked with its header.
 * An inline block after other text is never opened by the reader and does not count here either.
 */
import type { ImapFlow } from 'imapflow';
import { wholeBodyBlock } from '../crypto/inline-pgp.js';
import { encryptedRootOf } from '../crypto/pgp-mime-reader.js';
import type { BodyStructureNode } from './message-row.js';

/** Larger inline ciphertext than the reader opens is still ciphertext: judged by its first line. */
const MAX_INLINE_BYTES = 40 * 1024 * 1024;
const ARMOR_START = '-----BEGIN PGP MESSAGE-----';

export interface OriginalFacts {
  structure: BodyStructureNode;
  /** The raw header lines fetched for the gateway's header name (imapflow `headers: [name]`). */
  gatewayHeaderLines: string;
}

export async function arrivedSecured(client: ImapFlow, uid: number, facts: OriginalFacts, gatewayHeader: string): Promise<boolean> {
  if (encryptedRootOf(facts.structure) !== null) return true;
  if (facts.gatewayHeaderLines.toLowerCase().startsWith(`${gatewayHeader.toLowerCase()}:`)) return true;
  return isInlineEncryptedRoot(client, uid, facts.structure);
}

/** A single-part text/plain root that is one inline-PGP encrypted block. */
async function isInlineEncryptedRoot(client: ImapFlow, uid: number, structure: BodyStructureNode): Promise<boolean> {
  if (structure.childNodes?.length || (structure.type ?? 'text/plain').toLowerCase() !== 'text/plain') return false;
  const { content } = await client.download(String(uid), structure.part ?? '1', { uid: true, maxBytes: MAX_INLINE_BYTES });
  if (!content) return false;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of content) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  // imapflow decodes the transfer encoding and the charset.
  const text = Buffer.concat(chunks).toString('utf8');
  if (size >= MAX_INLINE_BYTES) return text.trimStart().startsWith(ARMOR_START);
  return wholeBodyBlock(text) === 'inline-encrypted';
}

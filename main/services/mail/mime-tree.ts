/**
 * A minimal MIME tree over raw message bytes, for the few places that need the exact bytes of a
 * part: a multipart/signed signature covers its first part byte for byte (RFC 3156 §5), and the
 * entities inside a decrypted message have no IMAP part numbers of their own. Parts are numbered
 * like IMAP BODYSTRUCTURE (root leaf "1", children "1", "2", "2.1", …) so the same planning code
 * works on both. Untrusted input: depth and part count are bounded; malformed MIME becomes
 * MESSAGE_PARSE, never a guess.
 */
import { ServiceError } from '../../../shared/result.js';
import type { MimeEntity } from '../mime/mime-types.js';

// The entity type and its walk live with the MIME shapes crypto/ reads too (no mail ↔ crypto cycle).
export { allEntities, type MimeEntity } from '../mime/mime-types.js';

const MAX_DEPTH = 12;
const MAX_PARTS = 2000;

export function parseMimeTree(raw: Buffer): MimeEntity {
  const counter = { parts: 0 };
  return parseEntity(raw, '', 0, counter, true);
}

/** The entity at an IMAP-style part path ("" or "1" for a single-part root). */
export function findEntity(root: MimeEntity, path: string): MimeEntity | undefined {
  if (path === '' || (!root.childNodes && path === '1')) return root;
  const walk = (node: MimeEntity): MimeEntity | undefined => {
    if (node.part === path && node !== root) return node;
    for (const child of node.childNodes ?? []) {
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  return walk(root);
}

function parseEntity(raw: Buffer, part: string, depth: number, counter: { parts: number }, isRoot: boolean): MimeEntity {
  if (depth > MAX_DEPTH || ++counter.parts > MAX_PARTS) throw new ServiceError('MESSAGE_PARSE', 'The message is nested too deeply to be read.');
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  // A header with no body at all (or a part that starts with the blank line: no header).
  const headerEnd = text.startsWith('\r\n') ? 0 : text.startsWith('\n') ? 0 : split ? split.index : text.length;
  const bodyStart = headerEnd === 0 ? (text.startsWith('\r\n') ? 2 : text.startsWith('\n') ? 1 : 0) : split ? split.index + split[0].length : text.length;
  const headers = parseHeaders(text.slice(0, headerEnd));
  const { type, parameters } = parseContentType(headers.get('content-type'));
  const disposition = parseContentType(headers.get('content-disposition'));
  const body = raw.subarray(bodyStart);
  const entity: MimeEntity = {
    part: isRoot ? '' : part,
    type,
    parameters,
    ...(headers.has('content-disposition') ? { disposition: disposition.type, dispositionParameters: disposition.parameters } : {}),
    ...(headers.get('content-id') ? { id: headers.get('content-id') } : {}),
    encoding: (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
    size: body.length,
    raw,
    body,
    headers,
  };
  if (type.startsWith('multipart/')) {
    const boundary = parameters.boundary;
    if (!boundary) throw new ServiceError('MESSAGE_PARSE', 'A multipart part has no boundary.');
    const children = splitMultipart(body, boundary);
    entity.childNodes = children.map((child, i) => parseEntity(child, part ? `${part}.${i + 1}` : String(i + 1), depth + 1, counter, false));
  }
  return entity;
}

/**
 * The body parts between the boundaries. The line break before a delimiter belongs to the
 * delimiter (RFC 2046 §5.1.1), so each part's bytes are exactly what a signature covers.
 */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const starts: { lineStart: number; contentStart: number; close: boolean }[] = [];
  let from = 0;
  while (from <= text.length) {
    const at = text.indexOf(delimiter, from);
    if (at < 0) break;
    const atLineStart = at === 0 || text[at - 1] === '\n';
    const after = at + delimiter.length;
    const close = text.startsWith('--', after);
    let lineEnd = text.indexOf('\n', after);
    if (lineEnd < 0) lineEnd = text.length;
    const rest = text.slice(after + (close ? 2 : 0), lineEnd).replace(/\r$/, '');
    if (atLineStart && /^[ \t]*$/.test(rest)) {
      // The preceding CRLF (or LF) is part of the delimiter.
      const lineStart = at === 0 ? 0 : text[at - 2] === '\r' ? at - 2 : at - 1;
      starts.push({ lineStart, contentStart: Math.min(lineEnd + 1, text.length), close });
      if (close) break;
    }
    from = after;
  }
  const parts: Buffer[] = [];
  for (let i = 0; i + 1 < starts.length; i++) parts.push(body.subarray(starts[i]!.contentStart, starts[i + 1]!.lineStart));
  if (starts.length === 0) throw new ServiceError('MESSAGE_PARSE', 'A multipart part has no parts.');
  return parts;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins: a second Content-Type must not change how the part is read.
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** `type/sub; a="b"; c=d` → { type, parameters } (lower-case names, quotes removed). */
export function parseContentType(value: string | undefined): { type: string; parameters: Record<string, string> } {
  if (!value) return { type: 'text/plain', parameters: {} };
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      pieces.push(current);
      current = '';
    } else current += ch;
  }
  pieces.push(current);
  const parameters: Record<string, string> = {};
  for (const piece of pieces.slice(1)) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const name = piece.slice(0, eq).trim().toLowerCase();
    const raw = piece.slice(eq + 1).trim();
    if (!(name in parameters)) parameters[name] = raw.startsWith('"') ? raw.slice(1, raw.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, '$1') : raw;
  }
  return { type: (pieces[0] ?? '').trim().toLowerCase() || 'text/plain', parameters };
}

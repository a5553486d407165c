/**
 * A minimal MIME tree over raw message bytes, for the few places that need the exact bytes of a
 * part: a multipart/signed signature covers its first part byte for byte (RFC 3156 §5), and the
 * entities inside a decrypted message have no IMAP part numbers of their own. Parts are numbered
 * like IMAP BODYSTRUCTURE (root leaf "1", children "1", "2", "2.1", …) so the same planning code
 * works on both. Untrusted input: depth, part count and header bytes are bounded before the
 * work they would cost is done, and a message over them is MESSAGE_TOO_COMPLEX; malformed MIME
 * becomes MESSAGE_PARSE, never a guess.
 */
import { ServiceError } from '../../../shared/result.js';
import type { MimeEntity } from '../mime/mime-types.js';

// The entity type and its walk live with the MIME shapes crypto/ reads too (no mail ↔ crypto cycle).
export { allEntities, type MimeEntity } from '../mime/mime-types.js';

const MAX_DEPTH = 12;
const MAX_PARTS = 2000;
/** Header bytes of all entities together (as postal-mime counts them): a 50 MB header is not a letter. */
const MAX_HEADER_BYTES = 2 * 1024 * 1024;

interface Budget {
  parts: number;
  headerBytes: number;
}

const tooComplex = (why: string) => new ServiceError('MESSAGE_TOO_COMPLEX', why);

export function parseMimeTree(raw: Buffer): MimeEntity {
  const counter: Budget = { parts: 0, headerBytes: 0 };
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

function parseEntity(raw: Buffer, part: string, depth: number, counter: Budget, isRoot: boolean): MimeEntity {
  if (depth > MAX_DEPTH || ++counter.parts > MAX_PARTS) throw tooComplex('The message is nested too deeply or has too many parts to be read.');
  // The header's size from the bytes, before a 50 MB header is copied into a string and parsed.
  const blank = raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a) ? [0] : [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i >= 0);
  if (counter.headerBytes + (blank.length ? Math.min(...blank) : raw.length) > MAX_HEADER_BYTES)
    throw tooComplex('The message headers are too large to be read.');
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  // A header with no body at all (or a part that starts with the blank line: no header).
  const headerEnd = text.startsWith('\r\n') ? 0 : text.startsWith('\n') ? 0 : split ? split.index : text.length;
  counter.headerBytes += headerEnd;
  if (counter.headerBytes > MAX_HEADER_BYTES) throw tooComplex('The message headers are too large to be read.');
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
    const children = splitMultipart(body, boundary, MAX_PARTS - counter.parts);
    // Counted before any child is parsed: 100,000 parts fail here, not after 2,000 parses.
    if (counter.parts + children.length > MAX_PARTS) throw tooComplex('The message is nested too deeply or has too many parts to be read.');
    entity.childNodes = children.map((child, i) => parseEntity(child, part ? `${part}.${i + 1}` : String(i + 1), depth + 1, counter, false));
  }
  return entity;
}

/**
 * The body parts between the boundaries. The line break before a delimiter belongs to the
 * delimiter (RFC 2046 §5.1.1), so each part's bytes are exactly what a signature covers.
 */
export function splitMultipart(body: Buffer, boundary: string, maxParts = Infinity): Buffer[] {
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
      // Stop splitting as soon as the parts are over the limit (100,000 of them cost a second).
      if (starts.length > maxParts + 1) throw tooComplex('The message is nested too deeply or has too many parts to be read.');
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

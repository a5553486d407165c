/**
 * A PDF is pre-read before pdf.js sees it: every stream is decoded as pdf.js would decode it,
 * with one output budget for the whole document enforced while inflating (bounded-inflate.ts).
 * pdf.js inflates each stream whole, with no limit of its own, so an 830 KB file whose streams
 * inflate to gigabytes grew the process past 5 GB until V8 gave up; refusing such a document
 * here (as "not scanned") is what keeps the process alive.
 *
 * Deliberately conservative, because the reading must not be weaker than pdf.js's:
 *  - every `stream` keyword in the file is a stream, whatever the cross-reference table says, and
 *    its data runs to where its own DEFLATE data ends (a wrong /Length or a fake `endstream`
 *    inside the data changes nothing);
 *  - data that carries a zlib header is inflated whatever the dictionary says; hex and ASCII85
 *    text is decoded first; a zlib stream inside the output (chained FlateDecode) is inflated too;
 *  - object streams (which pdf.js also reads streams from) are read again, a level deeper;
 *  - what cannot be bounded here is refused: LZW and RunLength (which expand thousands of times
 *    over and are rare today), a /Filter given by reference, and encrypted documents (whose
 *    streams cannot be read without decrypting them first).
 */
import { hasZlibHeader, inflateWithin, OverBudget, type ByteBudget } from './bounded-inflate.js';

export type PdfPrescan = { ok: true; decodedBytes: number } | { ok: false; reason: 'too-large' | 'unsupported' | 'encrypted' | 'too-deep' };

class Refused extends Error {
  constructor(readonly reason: 'unsupported' | 'encrypted' | 'too-deep') {
    super(reason);
  }
}

/** Object streams inside object streams (pdf.js allows streams there); deeper is refused. */
const MAX_DEPTH = 2;
/** Layers of FlateDecode on one stream. */
const MAX_LAYERS = 3;
const UNBOUNDED_FILTERS = /\/(LZWDecode|LZW|RunLengthDecode|RL)\b/;
const INDIRECT_FILTER = /\/(Filter|F)\s+\d+\s+\d+\s+R\b/;

export function prescanPdf(bytes: Uint8Array, budgetBytes: number): PdfPrescan {
  const budget: ByteBudget = { left: budgetBytes };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (/\/Encrypt\b/.test(buffer.toString('latin1'))) return { ok: false, reason: 'encrypted' };
  try {
    scan(buffer, budget, 0);
  } catch (error) {
    if (error instanceof OverBudget) return { ok: false, reason: 'too-large' };
    if (error instanceof Refused) return { ok: false, reason: error.reason };
    throw error;
  }
  return { ok: true, decodedBytes: budgetBytes - budget.left };
}

function scan(buffer: Buffer, budget: ByteBudget, depth: number): void {
  if (depth > MAX_DEPTH) throw new Refused('too-deep');
  for (let from = 0; ;) {
    const at = buffer.indexOf('stream', from, 'latin1');
    if (at < 0) return;
    from = at + 6;
    if (at >= 3 && buffer.toString('latin1', at - 3, at) === 'end') continue;
    // The stream's own dictionary: what lies between the object's start and the keyword.
    const objStart = buffer.lastIndexOf(' obj', at, 'latin1');
    const dictionary = buffer.toString('latin1', Math.max(objStart < 0 ? 0 : objStart, at - 64 * 1024), at);
    if (UNBOUNDED_FILTERS.test(dictionary) || INDIRECT_FILTER.test(dictionary)) throw new Refused('unsupported');
    if (/\/Crypt\b/.test(dictionary)) throw new Refused('encrypted');
    let start = at + 6;
    while (buffer[start] === 0x20) start++;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] === 0x0a) start++;
    const data = textDecoded(buffer.subarray(start), dictionary);
    const objectStream = /\/First\b/.test(dictionary);
    const decoded = inflateLayers(data, budget, objectStream);
    const inner = decoded ? Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength) : undefined;
    if (inner?.includes('stream', 0, 'latin1')) scan(inner, budget, depth + 1);
  }
}

/**
 * Inflates while the data carries a zlib header, up to MAX_LAYERS; returns the last layer's output
 * when it was kept (object streams, or output that is itself zlib data).
 */
function inflateLayers(data: Uint8Array, budget: ByteBudget, keep: boolean): Uint8Array | undefined {
  let current = data;
  let output: Uint8Array | undefined;
  for (let layer = 0; hasZlibHeader(current); layer++) {
    if (layer >= MAX_LAYERS) throw new Refused('too-deep');
    // Output is held only when it is read again: an object stream, or zlib data inside zlib data.
    const chunks: Uint8Array[] = [];
    let nextIsZlib = false;
    let first = true;
    inflateWithin(current.subarray(2), budget, {
      onData: (chunk) => {
        if (first) nextIsZlib = hasZlibHeader(chunk);
        first = false;
        if (keep || nextIsZlib) chunks.push(chunk);
      },
    });
    output = keep || nextIsZlib ? Buffer.concat(chunks) : undefined;
    if (!nextIsZlib || !output) break;
    current = output;
  }
  return keep ? output : undefined;
}

/** ASCIIHex and ASCII85 data decoded (they come before FlateDecode in a filter chain), else the data as it is. */
function textDecoded(data: Buffer, dictionary: string): Uint8Array {
  if (/\/(ASCIIHexDecode|AHx)\b/.test(dictionary)) return hexDecoded(data);
  if (/\/(ASCII85Decode|A85)\b/.test(dictionary)) return ascii85Decoded(data);
  return data;
}

function hexDecoded(data: Buffer): Uint8Array {
  const end = data.indexOf('>');
  const digits = data.toString('latin1', 0, end < 0 ? data.length : end).replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex');
}

function ascii85Decoded(data: Buffer): Uint8Array {
  const end = data.indexOf('~>');
  const text = data.toString('latin1', 0, end < 0 ? data.length : end).replace(/\s/g, '');
  const out: number[] = [];
  let group: number[] = [];
  const flush = (n: number) => {
    while (group.length < 5) group.push(84);
    const value = group.reduce((v, c) => v * 85 + c, 0);
    for (let i = 0; i < n - 1; i++) out.push((value >>> (24 - 8 * i)) & 0xff);
    group = [];
  };
  for (const ch of text) {
    if (ch === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const c = ch.charCodeAt(0) - 33;
    if (c < 0 || c > 84) continue;
    group.push(c);
    if (group.length === 5) flush(5);
  }
  if (group.length) flush(group.length);
  return Uint8Array.from(out);
}

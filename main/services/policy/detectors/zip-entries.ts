/**
 * The entries of a zip container (DOCX, XLSX, PPTX, ODT, ODS) read from its central directory —
 * what Office and LibreOffice read — with each entry inflated under a budget shared by the whole
 * container (bounded-inflate.ts). Hand-written because fflate's `unzipSync` inflates each entry
 * whole into a buffer sized by the header's claim, with no running budget; reading the directory
 * is small, and everything that would need judgement (zip64, multi-disk, unknown methods) is
 * refused rather than guessed.
 */
import { inflateWithin, OverBudget, type ByteBudget } from './bounded-inflate.js';

export interface ZipEntry {
  name: string;
  /** General-purpose flag bit 0: the entry is encrypted. */
  encrypted: boolean;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The container cannot be read as a plain zip (damaged, zip64, split, unknown compression). */
export class ZipUnreadable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ZipUnreadable';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** End-of-central-directory record (22 bytes) plus the longest comment. */
const EOCD_SEARCH = 22 + 0xffff;
/** A document with more entries than this is not an ordinary document. */
export const MAX_ZIP_ENTRIES = 10_000;

export function zipEntries(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - EOCD_SEARCH); at--) {
    if (view.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipUnreadable('No end of central directory.');
  const disk = view.getUint16(end + 4, true);
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (disk !== 0 || count === 0xffff || offset === 0xffffffff) throw new ZipUnreadable('Zip64 or split archive.');
  if (count > MAX_ZIP_ENTRIES) throw new ZipUnreadable('Too many entries.');
  if (offset + size > end) throw new ZipUnreadable('Central directory out of bounds.');
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL) throw new ZipUnreadable('Damaged central directory.');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) throw new ZipUnreadable('Zip64 entry.');
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(zip.subarray(at + 46, at + 46 + nameLength));
    entries.push({ name, encrypted: (flags & 1) === 1, method, compressedSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's content, inflated under `budget` (throws OverBudget past it, ZipUnreadable when damaged). */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry, budget: ByteBudget): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || view.getUint32(at, true) !== LOCAL) throw new ZipUnreadable('Damaged local header.');
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new ZipUnreadable('Entry out of bounds.');
  if (entry.method === 0) {
    budget.left -= data.length;
    if (budget.left < 0) throw new OverBudget();
    return data;
  }
  if (entry.method !== 8) throw new ZipUnreadable(`Compression method ${entry.method}.`);
  const result = inflateWithin(data, budget, { keep: true });
  if (!result.complete) throw new ZipUnreadable('Damaged entry.');
  return result.output ?? new Uint8Array(0);
}

/**
 * Text out of an attachment, so the same detectors that read the body can read it: PDF, Office
 * Open XML (DOCX, XLSX), OpenDocument (ODT, ODS), RTF, Outlook messages (.msg), plain text (UTF-8, UTF-16, Windows-1252), CSV,
 * HTML and attached messages
 * (`.eml`, recursively). Anything that cannot be read — images, encrypted files, archives,
 * unknown binaries, a file over the limits — is reported as not scanned with the reason, for
 * the policy to decide; it is never treated as "nothing found".
 *
 * The type is decided from the bytes first (a renamed file is read as what it is), the name and
 * declared type second.
 *
 * Untrusted input: every reader is bounded in size, depth and time WHILE it reads (limits below):
 * zip entries and PDF streams are inflated under a running byte budget (bounded-inflate.ts), an
 * attached message is parsed with postal-mime's header, nesting and part limits, and text past
 * its limit is not cut silently. Anything over a limit is not scanned ('too-large', 'too-deep',
 * 'timeout'), which the decision counts as sensitive outside the organisation — never a crash,
 * a hang, or "nothing found".
 */
import { OverBudget, type ByteBudget } from './bounded-inflate.js';
import { htmlHiddenText, htmlToDetectorText } from './html-text.js';
import { pdfText } from './pdf-text.js';
import { readOutlookMessage } from './outlook-msg-text.js';
import { rtfText, RtfUnreadable } from './rtf-text.js';
import { readZipEntry, ZipUnreadable, zipEntries } from './zip-entries.js';
import PostalMime from 'postal-mime';
import { SaxesParser } from 'saxes';

export type NotScannedReason = 'image' | 'encrypted' | 'archive' | 'unsupported' | 'too-large' | 'malformed' | 'too-deep' | 'timeout';

/** Reasons that mean "over a limit or unreadable", not "a kind of file we do not read": content may be hiding there. */
export const INCOMPLETE_SCAN_REASONS: ReadonlySet<NotScannedReason> = new Set(['too-large', 'too-deep', 'timeout', 'malformed']);

export type ExtractedText = { status: 'scanned'; text: string; kind: string } | { status: 'not-scanned'; reason: NotScannedReason; kind: string };

export interface AttachmentInput {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** An inline part the HTML body shows by its Content-ID (a signature logo; see signature-image.ts). */
  referencedInline?: boolean;
}

export interface ExtractionLimits {
  inputBytes: number;
  unzippedBytes: number;
  pdfDecodedBytes: number;
  pdfHeapMb: number;
  textChars: number;
  depth: number;
  mimeParts: number;
  headerBytes: number;
  millis: number;
}

export const EXTRACTION_LIMITS: ExtractionLimits = {
  inputBytes: 50 * 1024 * 1024,
  /** Total bytes inflated out of one zip container (the document parts read), counted while inflating. */
  unzippedBytes: 64 * 1024 * 1024,
  /** Total bytes of every stream of one PDF decoded, counted while inflating (bounds pdf.js, which has no limit). */
  pdfDecodedBytes: 128 * 1024 * 1024,
  /** Heap of the worker thread pdf.js runs in (it dies alone past it). */
  pdfHeapMb: 512,
  /** Text past this is not cut silently: the file is not scanned. */
  textChars: 10 * 1024 * 1024,
  /** Attached messages inside attached messages (each a message/rfc822 part, read one level at a time). */
  depth: 8,
  /** MIME parts of one attached message (postal-mime's nesting depth is bounded by `depth` below it). */
  mimeParts: 1000,
  /** Header bytes of one attached message, all parts together. */
  headerBytes: 1024 * 1024,
  /** Time for one PDF's text; pdf.js runs in a worker that is ended at the deadline. */
  millis: 20_000,
};

const starts = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

function sniff(file: AttachmentInput): string {
  const bytes = file.content;
  const name = file.filename.toLowerCase();
  const type = file.contentType.toLowerCase();
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (
    starts(bytes, [0x89, 0x50, 0x4e, 0x47]) ||
    starts(bytes, [0xff, 0xd8, 0xff]) ||
    starts(bytes, [0x47, 0x49, 0x46, 0x38]) ||
    starts(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    starts(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    type.startsWith('image/')
  )
    return 'image';
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return 'ole';
  if (starts(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return 'rtf'; // {\rtf // legacy .doc/.xls, or an encrypted OOXML file
  if (/^-----BEGIN PGP /.test(Buffer.from(bytes.subarray(0, 32)).toString('latin1')) || /\.(pgp|gpg)$/.test(name) || type === 'application/pgp-encrypted')
    return 'pgp';
  if (starts(bytes, [0x1f, 0x8b]) || starts(bytes, [0x37, 0x7a, 0xbc, 0xaf]) || starts(bytes, [0x52, 0x61, 0x72, 0x21])) return 'archive';
  if (type === 'message/rfc822' || name.endsWith('.eml')) return 'eml';
  if (type === 'text/html' || /\.html?$/.test(name)) return 'html';
  if (type.startsWith('text/') || /\.(txt|csv|tsv|md|json|xml)$/.test(name)) return 'text';
  return looksLikeText(bytes) || utf16Order(bytes) !== null ? 'text' : 'binary';
}

/**
 * UTF-16 text (what Windows tools such as Notepad and PowerShell write): by its byte-order mark,
 * or without one by the zero high bytes of Latin text, in every other position.
 */
function utf16Order(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (starts(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (starts(bytes, [0xfe, 0xff])) return 'utf-16be';
  const sample = bytes.subarray(0, 4096 - (Math.min(bytes.length, 4096) % 2));
  if (sample.length < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZero++;
    if (sample[i + 1] === 0) oddZero++;
  }
  const pairs = sample.length / 2;
  if (oddZero > pairs * 0.6 && evenZero === 0) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero === 0) return 'utf-16be';
  return null;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.length === 0) return true;
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 0x09 && b !== 0x1b)) control++;
  return control === 0;
}

export async function extractAttachmentText(file: AttachmentInput, limits: ExtractionLimits = EXTRACTION_LIMITS, depth = 0): Promise<ExtractedText> {
  const kind = sniff(file);
  if (file.content.length > limits.inputBytes) return { status: 'not-scanned', reason: 'too-large', kind };
  try {
    switch (kind) {
      case 'pdf': {
        const pdf = await pdfText(file.content, {
          decodedBytes: limits.pdfDecodedBytes,
          textChars: limits.textChars,
          millis: limits.millis,
          heapMb: limits.pdfHeapMb,
        });
        return pdf.ok ? scanned(pdf.text, 'pdf', limits) : { status: 'not-scanned', reason: pdf.reason, kind: 'pdf' };
      }
      case 'zip':
        return zipDocumentText(file.content, limits);
      case 'text':
        return scanned(decodeText(file.content), 'text', limits);
      case 'html': {
        const html = decodeText(file.content);
        return scanned(`${htmlToDetectorText(html)}\n${htmlHiddenText(html)}`, 'html', limits);
      }
      case 'eml':
        return await messageText(file.content, limits, depth);
      case 'rtf':
        return scanned(rtfText(file.content, limits.textChars + 1), 'rtf', limits);
      case 'image':
        return { status: 'not-scanned', reason: 'image', kind };
      case 'ole':
        return await oleText(file.content, limits, depth);
      case 'pgp':
        return { status: 'not-scanned', reason: 'encrypted', kind };
      case 'archive':
        return { status: 'not-scanned', reason: 'archive', kind };
      default:
        return { status: 'not-scanned', reason: 'unsupported', kind };
    }
  } catch (error) {
    if (error instanceof OverBudget) return { status: 'not-scanned', reason: 'too-large', kind };
    if (error instanceof RtfUnreadable) return { status: 'not-scanned', reason: error.message === 'too much text' ? 'too-large' : 'malformed', kind };
    return { status: 'not-scanned', reason: 'malformed', kind };
  }
}

function scanned(text: string, kind: string, limits: ExtractionLimits): ExtractedText {
  // Cutting the text would scan the file only in part while saying "scanned".
  if (text.length > limits.textChars) return { status: 'not-scanned', reason: 'too-large', kind };
  return { status: 'scanned', text, kind };
}

/** UTF-16 when it is UTF-16, UTF-8 when it is valid UTF-8 (with or without BOM), else Windows-1252 (what Finnish Excel CSVs are). */
function decodeText(bytes: Uint8Array): string {
  const utf16 = utf16Order(bytes);
  if (utf16) return new TextDecoder(utf16).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Which parts of a zip container hold the document's text, by format. */
const DOCUMENT_PARTS: { kind: string; marker: string; parts: RegExp }[] = [
  { kind: 'docx', marker: 'word/document.xml', parts: /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/ },
  { kind: 'xlsx', marker: 'xl/workbook.xml', parts: /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/ },
  { kind: 'pptx', marker: 'ppt/presentation.xml', parts: /^ppt\/slides\/slide\d+\.xml$/ },
  { kind: 'opendocument', marker: 'content.xml', parts: /^(content|styles)\.xml$/ },
];

function zipDocumentText(bytes: Uint8Array, limits: ExtractionLimits): ExtractedText {
  let entries;
  try {
    entries = zipEntries(bytes);
  } catch (error) {
    if (error instanceof ZipUnreadable) return { status: 'not-scanned', reason: 'malformed', kind: 'zip' };
    throw error;
  }
  const names = entries.map((e) => e.name);
  const format = DOCUMENT_PARTS.find((f) => names.includes(f.marker));
  if (!format) return { status: 'not-scanned', reason: 'archive', kind: 'zip' };
  const wanted = entries.filter((e) => format.parts.test(e.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (wanted.some((e) => e.encrypted)) return { status: 'not-scanned', reason: 'encrypted', kind: format.kind };
  // One budget for the whole container, charged while inflating: the sizes in the headers are the sender's claim.
  const budget: ByteBudget = { left: limits.unzippedBytes };
  let contents: Uint8Array[];
  try {
    // Every part inflated (under the budget) before any is parsed: the size limit speaks first.
    contents = wanted.map((entry) => readZipEntry(bytes, entry, budget));
  } catch (error) {
    if (error instanceof OverBudget) return { status: 'not-scanned', reason: 'too-large', kind: format.kind };
    if (error instanceof ZipUnreadable) return { status: 'not-scanned', reason: 'malformed', kind: format.kind };
    throw error;
  }
  return scanned(contents.map(xmlText).join('\n'), format.kind, limits);
}

/** Element names (local part) after which a line break keeps words of neighbouring paragraphs/cells apart. */
const BREAK_AFTER = new Set(['p', 'tr', 'row', 'br', 'tab', 'si', 'c', 'table-cell', 'table-row', 'h', 'list-item', 'line-break']);

function xmlText(content: Uint8Array): string {
  const parser = new SaxesParser({ xmlns: false });
  const out: string[] = [];
  parser.on('text', (text) => out.push(text));
  parser.on('cdata', (text) => out.push(text));
  parser.on('closetag', (tag) => {
    const local = tag.name.slice(tag.name.indexOf(':') + 1);
    if (BREAK_AFTER.has(local)) out.push('\n');
  });
  parser.write(new TextDecoder('utf-8').decode(content)).close();
  return out.join('');
}

/**
 * An OLE compound file: an Outlook message (.msg) is read with its attachments; legacy Office
 * (.doc, .xls) and password-protected OOXML files are not read, and say so.
 */
async function oleText(bytes: Uint8Array, limits: ExtractionLimits, depth: number): Promise<ExtractedText> {
  if (depth >= limits.depth) return { status: 'not-scanned', reason: 'too-deep', kind: 'msg' };
  const message = readOutlookMessage(bytes, limits.mimeParts, limits.textChars + 1);
  if (!message.ok)
    return message.reason === 'not-a-message'
      ? { status: 'not-scanned', reason: 'unsupported', kind: 'ole' }
      : { status: 'not-scanned', reason: message.reason, kind: 'msg' };
  const parts = [...message.texts];
  for (const attachment of message.attachments) {
    const inner = await extractAttachmentText(
      { filename: attachment.filename, contentType: 'application/octet-stream', content: attachment.content },
      limits,
      depth + 1,
    );
    if (inner.status === 'not-scanned') return { ...inner, kind: 'msg' };
    parts.push(attachment.filename, inner.text);
  }
  return scanned(parts.join('\n'), 'msg', limits);
}

async function messageText(bytes: Uint8Array, limits: ExtractionLimits, depth: number): Promise<ExtractedText> {
  if (depth >= limits.depth) return { status: 'not-scanned', reason: 'too-deep', kind: 'eml' };
  // postal-mime bounds nesting and header bytes but not breadth: count the possible part delimiters first.
  if (lineStartsWithDashes(bytes) > limits.mimeParts * 2) return { status: 'not-scanned', reason: 'too-large', kind: 'eml' };
  let email;
  try {
    // Attached messages stay attachments, read by the recursion below under `depth` (postal-mime
    // would otherwise parse ten levels inline, each with a fresh header budget).
    email = await PostalMime.parse(bytes, {
      attachmentEncoding: 'arraybuffer',
      forceRfc822Attachments: true,
      maxNestingDepth: MAX_MIME_NESTING,
      maxHeadersSize: limits.headerBytes,
    });
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/nesting depth/i.test(message)) return { status: 'not-scanned', reason: 'too-deep', kind: 'eml' };
    if (/header size/i.test(message)) return { status: 'not-scanned', reason: 'too-large', kind: 'eml' };
    throw error;
  }
  if (email.attachments.length > limits.mimeParts) return { status: 'not-scanned', reason: 'too-large', kind: 'eml' };
  // Both alternatives: the reader sees the HTML, which need not say what the text part says.
  const parts = [email.subject ?? '', email.text ?? '', email.html ? htmlToDetectorText(email.html) : '', email.html ? htmlHiddenText(email.html) : ''];
  for (const attachment of email.attachments) {
    const inner = await extractAttachmentText(
      { filename: attachment.filename ?? '', contentType: attachment.mimeType, content: new Uint8Array(attachment.content as ArrayBuffer) },
      limits,
      depth + 1,
    );
    // One unreadable part makes the whole attached message unreadable for the decision.
    if (inner.status === 'not-scanned') return { ...inner, kind: 'eml' };
    parts.push(inner.text);
  }
  return scanned(parts.join('\n'), 'eml', limits);
}

/** Multipart nesting inside one message (what postal-mime enforces; real mail stays under ten). */
const MAX_MIME_NESTING = 50;

/** Lines starting with "--": every MIME part needs one, so this bounds the part count from above. */
function lineStartsWithDashes(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = buffer[0] === 0x2d && buffer[1] === 0x2d ? 1 : 0;
  for (let at = buffer.indexOf('\n--'); at >= 0; at = buffer.indexOf('\n--', at + 3)) count++;
  return count;
}

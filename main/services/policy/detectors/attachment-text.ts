/**
 * Text out of an attachment, so the same detectors that read the body can read it: PDF, Office
 * Open XML (DOCX, XLSX), OpenDocument (ODT, ODS), plain text, CSV, HTML and attached messages
 * (`.eml`, recursively). Anything that cannot be read — images, encrypted files, archives,
 * unknown binaries, a file over the limits — is reported as not scanned with the reason, for
 * the policy to decide; it is never treated as "nothing found".
 *
 * The type is decided from the bytes first (a renamed file is read as what it is), the name and
 * declared type second. Zip containers are opened with limits, so a zip bomb ends as not scanned.
 */
import { unzipSync } from 'fflate';
import { htmlToDetectorText } from './html-text.js';
import PostalMime from 'postal-mime';
import { SaxesParser } from 'saxes';

export type NotScannedReason = 'image' | 'encrypted' | 'archive' | 'unsupported' | 'too-large' | 'malformed' | 'too-deep';

export type ExtractedText = { status: 'scanned'; text: string; kind: string } | { status: 'not-scanned'; reason: NotScannedReason; kind: string };

export interface AttachmentInput {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface ExtractionLimits {
  inputBytes: number;
  unzippedBytes: number;
  textChars: number;
  depth: number;
}

export const EXTRACTION_LIMITS: ExtractionLimits = {
  inputBytes: 50 * 1024 * 1024,
  /** Total bytes decompressed out of one zip container. */
  unzippedBytes: 200 * 1024 * 1024,
  textChars: 10 * 1024 * 1024,
  /** Attached messages inside attached messages. */
  depth: 3,
};

const starts = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

function sniff(file: AttachmentInput): string {
  const bytes = file.content;
  const name = file.filename.toLowerCase();
  const type = file.contentType.toLowerCase();
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47]) || starts(bytes, [0xff, 0xd8, 0xff]) || starts(bytes, [0x47, 0x49, 0x46, 0x38]) || starts(bytes, [0x49, 0x49, 0x2a, 0x00]) || starts(bytes, [0x4d, 0x4d, 0x00, 0x2a]) || type.startsWith('image/')) return 'image';
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return 'ole'; // legacy .doc/.xls, or an encrypted OOXML file
  if (/^-----BEGIN PGP /.test(Buffer.from(bytes.subarray(0, 32)).toString('latin1')) || /\.(pgp|gpg)$/.test(name) || type === 'application/pgp-encrypted') return 'pgp';
  if (starts(bytes, [0x1f, 0x8b]) || starts(bytes, [0x37, 0x7a, 0xbc, 0xaf]) || starts(bytes, [0x52, 0x61, 0x72, 0x21])) return 'archive';
  if (type === 'message/rfc822' || name.endsWith('.eml')) return 'eml';
  if (type === 'text/html' || /\.html?$/.test(name)) return 'html';
  if (type.startsWith('text/') || /\.(txt|csv|tsv|md|json|xml)$/.test(name)) return 'text';
  return looksLikeText(bytes) ? 'text' : 'binary';
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
      case 'pdf':
        return await pdfText(file.content, limits);
      case 'zip':
        return zipDocumentText(file.content, limits);
      case 'text':
        return scanned(decodeText(file.content), 'text', limits);
      case 'html':
        return scanned(htmlToDetectorText(decodeText(file.content)), 'html', limits);
      case 'eml':
        return await messageText(file.content, limits, depth);
      case 'image':
        return { status: 'not-scanned', reason: 'image', kind };
      case 'pgp':
      case 'ole':
        // OLE here is legacy Office or a password-protected OOXML file; neither can be read safely.
        return { status: 'not-scanned', reason: kind === 'pgp' ? 'encrypted' : 'unsupported', kind };
      case 'archive':
        return { status: 'not-scanned', reason: 'archive', kind };
      default:
        return { status: 'not-scanned', reason: 'unsupported', kind };
    }
  } catch {
    return { status: 'not-scanned', reason: 'malformed', kind };
  }
}

function scanned(text: string, kind: string, limits: ExtractionLimits): ExtractedText {
  return { status: 'scanned', text: text.length > limits.textChars ? text.slice(0, limits.textChars) : text, kind };
}

/** UTF-8 when it is valid UTF-8 (with or without BOM), else Windows-1252 (what Finnish Excel CSVs are). */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

async function pdfText(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedText> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  let document;
  try {
    // pdf.js writes its warnings about damaged files straight to the console; errors still throw.
    document = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    if ((error as { name?: string }).name === 'PasswordException') return { status: 'not-scanned', reason: 'encrypted', kind: 'pdf' };
    throw error;
  }
  const { text } = await extractText(document, { mergePages: true });
  return scanned(text, 'pdf', limits);
}

/** Which parts of a zip container hold the document's text, by format. */
const DOCUMENT_PARTS: { kind: string; marker: string; parts: RegExp }[] = [
  { kind: 'docx', marker: 'word/document.xml', parts: /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/ },
  { kind: 'xlsx', marker: 'xl/workbook.xml', parts: /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/ },
  { kind: 'pptx', marker: 'ppt/presentation.xml', parts: /^ppt\/slides\/slide\d+\.xml$/ },
  { kind: 'opendocument', marker: 'content.xml', parts: /^(content|styles)\.xml$/ },
];

function zipDocumentText(bytes: Uint8Array, limits: ExtractionLimits): ExtractedText {
  const names: string[] = [];
  let encrypted = false;
  let declared = 0;
  // First pass reads only the directory: which entries exist, how big they claim to be.
  unzipSync(bytes, {
    filter: (entry) => {
      names.push(entry.name);
      declared += entry.originalSize;
      // General-purpose flag bit 0 is not exposed by fflate; an encrypted entry fails to inflate below.
      return false;
    },
  });
  const format = DOCUMENT_PARTS.find((f) => names.includes(f.marker));
  if (!format) return { status: 'not-scanned', reason: 'archive', kind: 'zip' };
  const wanted = names.filter((n) => format.parts.test(n));
  if (declared > limits.unzippedBytes) return { status: 'not-scanned', reason: 'too-large', kind: format.kind };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (entry) => wanted.includes(entry.name) && entry.originalSize <= limits.unzippedBytes });
  } catch {
    encrypted = true;
    files = {};
  }
  if (encrypted) return { status: 'not-scanned', reason: 'encrypted', kind: format.kind };
  let total = 0;
  const texts: string[] = [];
  for (const name of wanted.sort()) {
    const content = files[name];
    if (!content) continue;
    total += content.length;
    if (total > limits.unzippedBytes) return { status: 'not-scanned', reason: 'too-large', kind: format.kind };
    texts.push(xmlText(content));
  }
  return scanned(texts.join('\n'), format.kind, limits);
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

async function messageText(bytes: Uint8Array, limits: ExtractionLimits, depth: number): Promise<ExtractedText> {
  if (depth >= limits.depth) return { status: 'not-scanned', reason: 'too-deep', kind: 'eml' };
  const email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  // Both alternatives: the reader sees the HTML, which need not say what the text part says.
  const parts = [email.subject ?? '', email.text ?? '', email.html ? htmlToDetectorText(email.html) : ''];
  for (const attachment of email.attachments) {
    const inner = await extractAttachmentText({ filename: attachment.filename ?? '', contentType: attachment.mimeType, content: new Uint8Array(attachment.content as ArrayBuffer) }, limits, depth + 1);
    // One unreadable part makes the whole attached message unreadable for the decision.
    if (inner.status === 'not-scanned') return { ...inner, kind: 'eml' };
    parts.push(inner.text);
  }
  return scanned(parts.join('\n'), 'eml', limits);
}

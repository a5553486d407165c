/**
 * Trust boundary: reads one untagged FETCH response of the bulk header sync (UID, FLAGS,
 * RFC822.SIZE, INTERNALDATE, ENVELOPE, BODYSTRUCTURE, MODSEQ) straight into a CompactRow, without
 * building a token tree for the parts the list does not show (to, cc, message-id, parameters …).
 *
 * Invariants: the response must match the IMAP grammar exactly to its last byte (quoted strings
 * without CR, LF or NUL, literals of the announced size, balanced lists, nesting bounded); a row
 * is produced only when every item the list shows is present; anything else throws
 * BulkFetchParseError, never a guessed row. What a row holds is decided as imapflow decides it
 * for the same bytes (the ENVELOPE sender and subject with libmime's RFC 2047 decoding, the
 * BODYSTRUCTURE walk, then message-row.ts's security and attachment rules), which a property
 * test checks against imapflow on generated mailboxes.
 */
import { getStructuredParams, processName } from 'imapflow/lib/tools.js';
import libmime from 'libmime';
import { CompactRow, ANSWERED, ENCRYPTED, FLAGGED, HAS_ATTACHMENTS, SEEN, SIGNED, type StringInterner } from './compact-row.js';
import { hasAttachments, securityOf, type BodyStructureNode } from './message-row.js';

export class BulkFetchParseError extends Error {
  override readonly name = 'BulkFetchParseError';
}

/** Deeper than this a BODYSTRUCTURE is refused (imapflow drops such a structure: 100 levels). */
export const MAX_LIST_DEPTH = 64;

/** A parsed value: NIL, a string (atoms and numbers included) or a list. */
type Value = null | string | Value[];

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;

/** Bytes that end an atom (RFC 3501 atom-specials, plus `[` which starts a section here). */
const ATOM_END = new Uint8Array(256);
for (const c of [SP, LPAREN, RPAREN, LBRACE, DQUOTE, BACKSLASH, 0x25, 0x2a, LBRACKET, 0x5d, 0x7f]) ATOM_END[c] = 1;
for (let c = 0; c < 0x20; c++) ATOM_END[c] = 1;

export type FetchOutcome = { kind: 'row'; row: CompactRow } | { kind: 'other' };

export class FetchResponseParser {
  private b: Buffer = Buffer.alloc(0);
  /**
   * The same bytes as latin1 text (one character per byte, so offsets agree): reading characters
   * of a string costs far less than a call into Buffer per token. Text that is kept (subject,
   * sender) or not ASCII is decoded from `b` as UTF-8, as imapflow decodes it.
   */
  private s = '';
  private p = 0;

  constructor(private readonly interner?: StringInterner) {}

  /**
   * One untagged response (without its CRLF). A FETCH carrying the header items becomes a row;
   * any other untagged response (OK, EXISTS, a FETCH with only FLAGS …) is `other`.
   */
  parse(response: Buffer): FetchOutcome {
    this.b = response;
    const s = (this.s = response.toString('latin1'));
    this.p = 0;
    if (s.length < 2 || s.charCodeAt(0) !== 0x2a || s.charCodeAt(1) !== SP) throw this.fail('not an untagged response');
    this.p = 2;
    if (!isDigit(s.charCodeAt(2))) return { kind: 'other' };
    this.number();
    this.expect(SP);
    const name = this.atom();
    if (name.toUpperCase() !== 'FETCH') return { kind: 'other' };
    this.expect(SP);
    this.expect(LPAREN);

    let uid = -1;
    let flags = -1;
    let size = -1;
    let internalDate: string | null | undefined;
    let envelope: Envelope | null | undefined;
    let structure: BodyStructureNode | null | undefined;
    let first = true;
    while (s.charCodeAt(this.p) !== RPAREN) {
      if (!first) this.expect(SP);
      first = false;
      const item = this.atom().toUpperCase();
      if (s.charCodeAt(this.p) === LBRACKET) throw this.fail('unexpected section');
      this.expect(SP);
      switch (item) {
        case 'UID':
          uid = this.number();
          if (uid < 1 || uid > 0xffffffff) throw this.fail('UID out of range');
          break;
        case 'FLAGS':
          flags = this.flags();
          break;
        case 'RFC822.SIZE':
          size = this.number();
          break;
        case 'INTERNALDATE':
          internalDate = this.nstring();
          break;
        case 'MODSEQ':
          this.expect(LPAREN);
          this.number();
          this.expect(RPAREN);
          break;
        case 'ENVELOPE':
          envelope = this.envelope();
          break;
        case 'BODYSTRUCTURE': {
          const value = this.value(0);
          structure = Array.isArray(value) ? walkBody(value, 0) : null;
          break;
        }
        default:
          this.skip(0);
      }
    }
    this.p++;
    if (this.p !== s.length) throw this.fail('data after the FETCH list');
    if (envelope === undefined && structure === undefined) return { kind: 'other' };
    if (uid < 0 || flags < 0 || size < 0 || internalDate === undefined || envelope === undefined || structure === undefined) {
      throw this.fail('a header item is missing');
    }
    const internal = internalDate ? new Date(internalDate).getTime() : 0;
    const headerDate = envelope?.date ? new Date(envelope.date).getTime() : NaN;
    const security = securityOf(structure ?? undefined);
    const bits = flags | (hasAttachments(structure ?? undefined) ? HAS_ATTACHMENTS : 0) | (security.encrypted ? ENCRYPTED : 0) | (security.signed ? SIGNED : 0);
    const intern = this.interner;
    const fromName = envelope?.fromName ?? '';
    const fromAddress = envelope?.fromAddress ?? '';
    return {
      kind: 'row',
      row: new CompactRow(
        uid,
        intern ? intern.intern(fromName) : fromName,
        intern ? intern.intern(fromAddress) : fromAddress,
        envelope?.subject ?? '',
        Number.isFinite(headerDate) ? headerDate : Number.isFinite(internal) ? internal : 0,
        size,
        bits,
      ),
    };
  }

  private fail(what: string): BulkFetchParseError {
    // Never the response itself: it is message content.
    return new BulkFetchParseError(`Malformed FETCH response from the server (${what} at byte ${this.p}).`);
  }

  private expect(byte: number): void {
    if (this.s.charCodeAt(this.p) !== byte) throw this.fail(this.p >= this.s.length ? 'response ends early' : `expected "${String.fromCharCode(byte)}"`);
    this.p++;
  }

  private number(): number {
    const s = this.s;
    const start = this.p;
    let n = 0;
    for (let c = s.charCodeAt(this.p); isDigit(c); c = s.charCodeAt(++this.p)) n = n * 10 + (c - 0x30);
    if (this.p === start || this.p - start > 15) throw this.fail('expected a number');
    return n;
  }

  private atom(): string {
    const s = this.s;
    const start = this.p;
    const end = s.length;
    let p = start;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c > 0x7f || ATOM_END[c] !== 0) break;
      p++;
    }
    this.p = p;
    if (p === start) throw this.fail(p >= end ? 'response ends early' : 'expected an atom');
    return s.slice(start, p);
  }

  /** `(\Seen \Flagged …)` as SEEN | ANSWERED | FLAGGED (case as imapflow compares: exact). */
  private flags(): number {
    const s = this.s;
    this.expect(LPAREN);
    let bits = 0;
    let first = true;
    while (s.charCodeAt(this.p) !== RPAREN) {
      if (!first) this.expect(SP);
      first = false;
      const start = this.p;
      if (s.charCodeAt(this.p) === BACKSLASH) {
        this.p++;
        if (s.charCodeAt(this.p) === 0x2a) this.p++;
        else this.atom();
      } else this.atom();
      const flag = s.slice(start, this.p);
      if (flag === '\\Seen') bits |= SEEN;
      else if (flag === '\\Answered') bits |= ANSWERED;
      else if (flag === '\\Flagged') bits |= FLAGGED;
    }
    this.p++;
    return bits;
  }

  /** NIL, a quoted string or a literal; atoms count as strings where imapflow reads them so. */
  private nstring(): string | null {
    const value = this.value(0);
    if (Array.isArray(value)) throw this.fail('expected a string');
    return value;
  }

  private value(depth: number): Value {
    const s = this.s;
    const c = s.charCodeAt(this.p);
    if (c === LPAREN) {
      if (depth >= MAX_LIST_DEPTH) throw this.fail('nested too deeply');
      this.p++;
      const list: Value[] = [];
      while (s.charCodeAt(this.p) !== RPAREN) {
        if (list.length && s.charCodeAt(this.p) === SP) this.p++;
        list.push(this.value(depth + 1));
      }
      this.p++;
      return list;
    }
    if (c === DQUOTE) return this.quoted();
    if (c === LBRACE) return this.literal();
    const atom = this.atom();
    return atom.length === 3 && atom.toUpperCase() === 'NIL' ? null : atom;
  }

  /** Skips a value without keeping it (the envelope fields the list does not show). */
  private skip(depth: number): void {
    const s = this.s;
    const c = s.charCodeAt(this.p);
    if (c === LPAREN) {
      if (depth >= MAX_LIST_DEPTH) throw this.fail('nested too deeply');
      this.p++;
      let first = true;
      while (s.charCodeAt(this.p) !== RPAREN) {
        if (!first && s.charCodeAt(this.p) === SP) this.p++;
        first = false;
        this.skip(depth + 1);
      }
      this.p++;
    } else if (c === DQUOTE) this.quotedEnd();
    else if (c === LBRACE) this.literalBounds();
    else this.atom();
  }

  private quoted(): string {
    const start = this.p + 1;
    const { end, escaped } = this.quotedEnd();
    const raw = this.text(start, end);
    return escaped ? raw.replace(/\\([\s\S])/g, '$1') : raw;
  }

  /**
   * The string at [start, end): ASCII straight from the latin1 text, anything else decoded as
   * UTF-8 from the bytes. Long strings are decoded from the bytes too: a slice of the text would
   * keep the whole response alive for as long as the row keeps the string.
   */
  private text(start: number, end: number): string {
    const s = this.s;
    if (end - start > 12) return this.b.toString('utf8', start, end);
    for (let i = start; i < end; i++) if (s.charCodeAt(i) > 0x7f) return this.b.toString('utf8', start, end);
    return s.slice(start, end);
  }

  /** Moves past a quoted string; returns where its content ends. */
  private quotedEnd(): { end: number; escaped: boolean } {
    const s = this.s;
    const len = s.length;
    let i = this.p + 1;
    let escaped = false;
    for (;;) {
      if (i >= len) throw this.fail('unterminated quoted string');
      const c = s.charCodeAt(i);
      if (c === DQUOTE) break;
      if (c === 0x0d || c === 0x0a || c === 0) throw this.fail('line break inside a quoted string');
      if (c === BACKSLASH) {
        const next = s.charCodeAt(i + 1);
        if (next !== DQUOTE && next !== BACKSLASH) throw this.fail('bad escape in a quoted string');
        escaped = true;
        i++;
      }
      i++;
    }
    this.p = i + 1;
    return { end: i, escaped };
  }

  private literal(): string {
    const { start, end } = this.literalBounds();
    return this.text(start, end);
  }

  private literalBounds(): { start: number; end: number } {
    this.p++;
    const size = this.number();
    this.expect(0x7d);
    this.expect(0x0d);
    this.expect(0x0a);
    const start = this.p;
    const end = start + size;
    if (end > this.s.length) throw this.fail('literal ends after the response');
    this.p = end;
    return { start, end };
  }

  /** ENVELOPE: date, subject and the first sender; the other seven fields are checked and skipped. */
  private envelope(): Envelope | null {
    if (this.s.charCodeAt(this.p) !== LPAREN) {
      if (this.nstring() !== null) throw this.fail('expected an envelope');
      return null;
    }
    this.p++;
    const date = this.value(1);
    this.expect(SP);
    const subject = this.value(1);
    this.expect(SP);
    const from = this.value(1);
    for (let field = 3; field < 10; field++) {
      this.expect(SP);
      this.skip(1);
    }
    this.expect(RPAREN);
    const envelope: Envelope = { date: typeof date === 'string' && date ? date : undefined, subject: '', fromName: '', fromAddress: '' };
    if (typeof subject === 'string' && subject) envelope.subject = decodeWords(subject);
    if (Array.isArray(from)) {
      for (const address of from) {
        const decoded = senderOf(address);
        if (decoded) {
          envelope.fromName = decoded.name;
          envelope.fromAddress = decoded.address;
          break;
        }
      }
    }
    return envelope;
  }
}

interface Envelope {
  date: string | undefined;
  subject: string;
  fromName: string;
  fromAddress: string;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** libmime's decoding (imapflow's), skipped when there is no encoded word to decode. */
function decodeWords(value: string): string {
  return value.includes('=?') ? libmime.decodeWords(value) : value;
}

function decodeText(value: string): string {
  return processName(decodeWords(value));
}

/** One ENVELOPE address as imapflow reads it; null for what it drops (NIL, empty, not a list). */
function senderOf(address: Value): { name: string; address: string } | null {
  if (!Array.isArray(address)) return null;
  const str = (v: Value | undefined) => (typeof v === 'string' ? v : '');
  const name = decodeText(str(address[0]));
  const mailbox = str(address[2]);
  const host = str(address[3]);
  // NIL host: RFC 5322 group syntax; the group name is a display name, never an address.
  const result = host ? { name, address: `${mailbox}@${host}` } : { name: name || (mailbox && decodeText(mailbox)), address: '' };
  return result.name || result.address ? result : null;
}

const lower = (v: Value | undefined) => (typeof v === 'string' ? v.toLowerCase() : '');

/**
 * The BODYSTRUCTURE fields the row's rules read (type, content id, disposition, children; the
 * S/MIME type of the root), by the same positions imapflow's parseBodystructure uses.
 */
function walkBody(node: Value[], depth: number): BodyStructureNode {
  if (depth > MAX_LIST_DEPTH) throw new BulkFetchParseError('Malformed FETCH response from the server (BODYSTRUCTURE nested too deeply).');
  // Every field present from the start: one object shape for all nodes.
  const out: BodyStructureNode = { type: '', id: undefined, disposition: undefined, childNodes: undefined, parameters: undefined };
  let i = 0;
  let params: Value | undefined;
  if (Array.isArray(node[0])) {
    const children: BodyStructureNode[] = [];
    while (Array.isArray(node[i])) children.push(walkBody(node[i++] as Value[], depth + 1));
    out.childNodes = children;
    out.type = `multipart/${lower(node[i++])}`;
    if (i < node.length) params = node[i++];
  } else {
    out.type = `${lower(node[i++])}/${lower(node[i++])}`;
    params = node[i++];
    const id = node[i++];
    if (typeof id === 'string' && id) out.id = id;
    i += 3; // description, encoding, size
    if (out.type === 'message/rfc822') {
      i++; // envelope
      const inner = node[i++];
      if (inner) out.childNodes = [walkBody(Array.isArray(inner) ? inner : [], depth + 1)];
      i++; // line count
    }
    if (out.type.startsWith('text/')) {
      // imapflow: some servers omit a text part's line count; then the disposition comes early.
      if (!(node.length === 11 && Array.isArray(node[i + 1]) && !Array.isArray(node[i + 2]))) i++;
    }
    if (i < node.length) i++; // md5
  }
  if (i < node.length) {
    const disposition = node[i];
    if (Array.isArray(disposition) && disposition.length) out.disposition = lower(disposition[0]);
  }
  // Only a root's S/MIME type counts for the row (securityOf): read it exactly as imapflow does.
  if (depth === 0 && out.type === 'application/pkcs7-mime' && Array.isArray(params)) {
    const parameters = getStructuredParams(params.map((v) => (typeof v === 'string' ? { value: v } : v)) as never) as Record<string, string>;
    out.parameters = parameters;
  }
  return out;
}

/**
 * Splits a server's byte stream into whole IMAP responses: a line ending in CRLF, plus, when the
 * line ends with a literal marker `{n}`, those n bytes and the rest of the response after them.
 * A response is handed on as one Buffer with its literals inline (and without the final CRLF),
 * usually a view into the chunk it arrived in, never copied when it does not span chunks.
 *
 * Only CRLF ends a line: a bare CR or LF stays inside the response, where the response parser
 * refuses it. Responses and literals are bounded, so a server cannot make this buffer grow
 * without end.
 */
export class BulkFetchFramingError extends Error {
  override readonly name = 'BulkFetchFramingError';
}

const CR = 0x0d;
const LF = 0x0a;

export interface FramerLimits {
  /** Largest response, literals included. */
  maxResponseBytes: number;
}

export const DEFAULT_FRAMER_LIMITS: FramerLimits = { maxResponseBytes: 8 * 1024 * 1024 };

export class ResponseFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** Where the response being assembled starts in `buffer`. */
  private start = 0;
  /** The first index that may hold the CR of the line's CRLF (never inside a literal). */
  private scan = 0;
  /** Where the current line segment (after the last literal) starts. */
  private segment = 0;
  /** Literal bytes still to come before scanning for a line end again. */
  private literal = 0;

  constructor(
    private readonly onResponse: (response: Buffer) => void,
    private readonly limits: FramerLimits = DEFAULT_FRAMER_LIMITS,
  ) {}

  /** True while part of a response has been received but not its end. */
  get partial(): boolean {
    return this.buffer.length > this.start;
  }

  push(chunk: Buffer): void {
    if (this.start < this.buffer.length) {
      this.buffer = Buffer.concat([this.buffer.subarray(this.start), chunk]);
      this.scan -= this.start;
      this.segment -= this.start;
    } else {
      this.buffer = chunk;
      this.scan = this.segment = 0;
    }
    this.start = 0;
    const buf = this.buffer;
    for (;;) {
      if (this.literal > 0) {
        const available = buf.length - this.scan;
        if (available < this.literal) {
          this.scan = buf.length;
          this.literal -= available;
          break;
        }
        this.scan += this.literal;
        this.segment = this.scan;
        this.literal = 0;
      }
      const lf = findCrLf(buf, this.scan);
      if (lf < 0) {
        this.scan = Math.max(this.scan, buf.length - 1);
        break;
      }
      const literal = literalMarker(buf, this.segment, lf - 1);
      if (literal >= 0) {
        if (lf + 1 - this.start + literal > this.limits.maxResponseBytes) throw new BulkFetchFramingError('The server sent a response larger than allowed.');
        this.literal = literal;
        this.scan = this.segment = lf + 1;
        continue;
      }
      const response = buf.subarray(this.start, lf - 1);
      this.start = this.scan = this.segment = lf + 1;
      this.onResponse(response);
    }
    if (this.buffer.length - this.start > this.limits.maxResponseBytes) {
      throw new BulkFetchFramingError('The server sent a response larger than allowed.');
    }
    if (this.start === this.buffer.length) {
      this.buffer = Buffer.alloc(0);
      this.start = this.scan = this.segment = 0;
    }
  }
}

/** Index of the LF of the first CRLF whose CR is at or after `crFrom`, or -1. */
function findCrLf(buf: Buffer, crFrom: number): number {
  let i = crFrom + 1;
  for (;;) {
    const lf = buf.indexOf(LF, i);
    if (lf < 0) return -1;
    if (buf[lf - 1] === CR) return lf;
    i = lf + 1;
  }
}

/** The size n when the line [lineStart, crIndex) ends with `{n}` (a literal follows), else -1. */
function literalMarker(buf: Buffer, lineStart: number, crIndex: number): number {
  let i = crIndex - 1;
  if (i < lineStart || buf[i] !== 0x7d /* } */) return -1;
  i--;
  let size = 0;
  let factor = 1;
  let digits = 0;
  while (i >= lineStart && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    size += (buf[i]! - 0x30) * factor;
    factor *= 10;
    digits++;
    i--;
    if (digits > 15) throw new BulkFetchFramingError('The server announced a literal of impossible size.');
  }
  if (digits === 0 || i < lineStart || buf[i] !== 0x7b /* { */) return -1;
  return size;
}

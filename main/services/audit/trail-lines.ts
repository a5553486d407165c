/**
 * The lines of a trail file, read in large chunks and split by hand: node:readline costs several
 * times more per line, and verifying or searching a million-record trail is all lines.
 */
import { createReadStream } from 'node:fs';

export async function* trailLines(file: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      yield text.slice(start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield rest;
}

/** The sequence number at the start of a payload (`{"s":123,`), without parsing the whole line. */
export function leadingSeq(payload: string): number | null {
  if (!payload.startsWith('{"s":')) return null;
  let n = 0;
  let i = 5;
  for (; i < payload.length && i < 25; i++) {
    const c = payload.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return i > 5 && payload.charCodeAt(i) === 44 ? n : null;
}

/**
 * Every piece of text an RTF document carries, for the detectors: the body, and also what Word
 * keeps out of sight but still sends — tracked deletions (`\deleted` runs), revision authors,
 * comments (`\annotation`), the document properties (`\info`: title, author, subject, keywords)
 * and fields' results. Only groups that hold no words (fonts, colours, styles, pictures, binary
 * objects, theme and list tables) are left out.
 *
 * The tokenizer is rtf-stream-parser's (a real RTF tokenizer: control words, parameters, `\'e4`
 * hex escapes, `\binN` binary runs); what the tokens mean as text is decided here: `\'xx` bytes
 * in the document's code page (`\ansicpgN`, Windows-1252 by default; Finnish Word writes
 * `\'e4` for ä), `\uN` Unicode escapes with their `\ucN` fallback characters skipped.
 */
import { Tokenize } from 'rtf-stream-parser';

/** Groups that name fonts, colours, styles or hold pictures and binary data: no client text there. */
const SKIPPED_DESTINATIONS = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'listtable',
  'listoverridetable',
  'rsidtbl',
  'generator',
  'xmlnstbl',
  'themedata',
  'colorschememapping',
  'latentstyles',
  'datastore',
  'pict',
  'objdata',
  'blipuid',
  'mmathPr',
  'pgdsctbl',
  'filetbl',
  'panose',
  'fchars',
  'lchars',
  'wgrffmtfilter',
]);

/** Control words that stand for a character or a break. */
const CHARACTERS: Record<string, string> = {
  par: '\n',
  line: '\n',
  row: '\n',
  cell: ' ',
  tab: '\t',
  sect: '\n',
  page: '\n',
  emdash: '—',
  endash: '–',
  bullet: '•',
  lquote: '‘',
  rquote: '’',
  ldblquote: '“',
  rdblquote: '”',
  '~': ' ',
  _: '-',
  '-': '',
};

interface GroupState {
  skip: boolean;
  /** Characters to skip after a \uN (the \ucN fallback). */
  uc: number;
  /** Whether the next control word is the first in this group (a destination name). */
  first: boolean;
}

export class RtfUnreadable extends Error {}

export function rtfText(bytes: Uint8Array, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  let codePage = 1252;
  const stack: GroupState[] = [{ skip: false, uc: 1, first: false }];
  let pendingSkip = 0;
  const emit = (text: string) => {
    const state = stack.at(-1)!;
    if (state.skip || text.length === 0) return;
    length += text.length;
    if (length > maxChars) throw new RtfUnreadable('too much text');
    out.push(text);
  };
  const decoder = () => {
    try {
      return new TextDecoder(`windows-${codePage}`);
    } catch {
      return new TextDecoder('windows-1252');
    }
  };
  let bytesDecoder = decoder();
  const tokenizer = new Tokenize();
  let depth = 0;
  tokenizer.push = (token: { type: number; word?: string; data?: Buffer; param?: number } | null) => {
    if (token === null) return true;
    const state = stack.at(-1)!;
    switch (token.type) {
      case 0: // group start
        if (++depth > 1000) throw new RtfUnreadable('nested too deep');
        stack.push({ skip: state.skip, uc: state.uc, first: true });
        break;
      case 1: // group end
        // Neighbouring groups (a title and an author) are separate words.
        if (!state.skip && out.length > 0 && !/\s$/.test(out.at(-1)!)) out.push(' ');
        if (stack.length > 1) stack.pop();
        depth--;
        pendingSkip = 0;
        break;
      case 2: {
        // control word or symbol
        const word = token.word ?? '';
        const first = state.first;
        state.first = false;
        if (word === '*') {
          // {\*\dest …}: an optional destination; its name follows.
          state.first = first;
          break;
        }
        if (first && SKIPPED_DESTINATIONS.has(word)) {
          state.skip = true;
          break;
        }
        if (word === 'ansicpg' && token.param !== undefined) {
          codePage = token.param;
          bytesDecoder = decoder();
        } else if (word === 'uc' && token.param !== undefined) state.uc = Math.max(0, Math.min(token.param, 10));
        else if (word === 'u' && token.param !== undefined) {
          emit(String.fromCharCode(token.param < 0 ? token.param + 65536 : token.param));
          pendingSkip = state.uc;
        } else if (word === "'" && token.data) {
          if (pendingSkip > 0) pendingSkip--;
          else emit(bytesDecoder.decode(token.data));
        } else if (word === 'bin') {
          // Binary data follows as a text token of raw bytes: never text.
          pendingSkip = 0;
        } else if (CHARACTERS[word] !== undefined) emit(CHARACTERS[word]);
        break;
      }
      case 3: {
        let text = token.data?.toString('latin1') ?? '';
        if (pendingSkip > 0) {
          const skipped = Math.min(pendingSkip, text.length);
          text = text.slice(skipped);
          pendingSkip -= skipped;
        }
        state.first = false;
        emit(bytesDecoder.decode(Buffer.from(text, 'latin1')));
        break;
      }
    }
    return true;
  };
  const onError = (error: unknown) => {
    if (error) throw error instanceof RtfUnreadable ? error : new RtfUnreadable(String(error));
  };
  tokenizer._transform(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), undefined, onError);
  tokenizer._flush(() => undefined);
  return out.join('');
}

/**
 * One canonical text for every detector. People and their tools do not write identity codes and
 * care terms in clean ASCII: Word puts a non-breaking hyphen (U+2011) into `131052‑308T`, a
 * client types Arabic-Indic or fullwidth digits, a pasted text carries zero-width spaces or soft
 * hyphens inside a code, and a look-alike Cyrillic `А` can stand where a century sign is expected.
 * Detectors must see what a human reader sees, so before any of them runs the text is folded:
 *
 * - Unicode compatibility normalisation (NFKC) per character: fullwidth letters and digits,
 *   ligatures, superscripts become their plain forms;
 * - every decimal digit of any script (\p{Nd}) becomes its ASCII digit;
 * - format characters (\p{Cf}: zero-width space and joiners, soft hyphen, word joiner, BOM, tag
 *   characters) and the combining grapheme joiner are removed;
 * - hyphen and dash variants become `-`, space variants (NBSP, narrow NBSP, thin space…) a space,
 *   line and paragraph separators a line break;
 * - Cyrillic and Greek capital and small letters that look like Latin ones become those Latin
 *   letters (the vocabulary is Finnish, Swedish and English, so nothing it matches is lost, and a
 *   homograph cannot hide a code or a term).
 *
 * Hints must still highlight the characters the person wrote, so the result keeps a map from
 * canonical offsets back to the original ones. Text that needs no folding (the common case for
 * office prose) costs one regular-expression scan and no copy.
 */

export interface CanonicalText {
  text: string;
  /**
   * Runs of 16 or more characters of the base64 alphabet, as [start, end) pairs in `text`: found in
   * the same pass, so the search for encoded text costs nothing on ordinary prose.
   */
  base64Runs: number[];
  /** The offset in the original text of a canonical offset (a start or an end). */
  toOriginal(offset: number): number;
}

/** Latin look-alikes of Cyrillic and Greek letters (UTS #39 confusables, the ones in everyday fonts). */
const LOOKALIKES: Record<string, string> = {
  // Cyrillic capitals and smalls
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  // Greek capitals and smalls
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  ο: 'o',
  ν: 'v',
  ι: 'i',
};

const HYPHENS = '\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D\u00AD';

/** For each BMP code unit: undefined = kept as it is; '' = removed; otherwise its replacement. */
let replacements: Map<number, string> | null = null;
/** 1 for every code unit that changes (or starts an astral character that might). */
let changing: Uint8Array | null = null;
/** 1 for code units that NFC may compose with what precedes them (combining marks, Hangul jamo). */
let composing: Uint8Array | null = null;

function build(): { replacements: Map<number, string>; changing: Uint8Array; composing: Uint8Array } {
  if (replacements && changing && composing) return { replacements, changing, composing };
  const map = new Map<number, string>();
  const isDigit = /^\p{Nd}$/u;
  const isFormat = /^[\p{Cf}\u034F]$/u;
  const isSpace = /^\p{Zs}$/u;
  let digitRun = 0;
  for (let c = 0; c < 0xd800; c++) {
    const ch = String.fromCharCode(c);
    // Decimal digits come in runs of ten (or multiples of ten) from 0 to 9, so the value is the position in the run.
    if (isDigit.test(ch)) {
      if (c >= 0x80) map.set(c, String(digitRun % 10));
      digitRun++;
      continue;
    }
    digitRun = 0;
    if (c < 0x80) continue;
    if (c === 0x00ad || isFormat.test(ch)) map.set(c, '');
    else if (HYPHENS.includes(ch)) map.set(c, '-');
    else if (c === 0x2028 || c === 0x2029 || c === 0x0085) map.set(c, '\n');
    else if (isSpace.test(ch)) map.set(c, ' ');
    else if (LOOKALIKES[ch] !== undefined) map.set(c, LOOKALIKES[ch]);
    else {
      const folded = ch.normalize('NFKC');
      if (folded !== ch) map.set(c, folded);
    }
  }
  for (let c = 0xe000; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (isDigit.test(ch)) {
      map.set(c, String(digitRun % 10));
      digitRun++;
      continue;
    }
    digitRun = 0;
    if (isFormat.test(ch)) map.set(c, '');
    else if (HYPHENS.includes(ch)) map.set(c, '-');
    else if (isSpace.test(ch)) map.set(c, ' ');
    else {
      const folded = ch.normalize('NFKC');
      if (folded !== ch) map.set(c, folded);
    }
  }
  const table = new Uint8Array(0x10000);
  for (const code of map.keys()) table[code] = 1;
  // Astral characters (surrogate pairs) are rare: each is looked at on its own.
  table.fill(1, 0xd800, 0xdc00);
  const marks = new Uint8Array(0x10000);
  const isMark = /^\p{M}$/u;
  for (let c = 0x300; c < 0x10000; c++) if (isMark.test(String.fromCharCode(c))) marks[c] = 1;
  marks.fill(1, 0x1100, 0x1200);
  marks.fill(1, 0xa960, 0xa980);
  marks.fill(1, 0xd7b0, 0xd800);
  // Singletons such as U+212B ANGSTROM SIGN change under NFC alone; NFKC folding in the table covers them.
  marks.fill(1, 0xd800, 0xdc00);
  composing = marks;
  replacements = map;
  changing = table;
  return { replacements: map, changing: table, composing: marks };
}

const ASTRAL_DIGIT = /^\p{Nd}$/u;
const ASTRAL_FORMAT = /^\p{Cf}$/u;

/** The folding of one astral character (a surrogate pair, or a lone surrogate kept as it is). */
function astral(input: string, at: number): { replacement: string; length: number } {
  const cp = input.codePointAt(at)!;
  if (cp < 0x10000) return { replacement: input[at]!, length: 1 };
  const ch = String.fromCodePoint(cp);
  if (ASTRAL_FORMAT.test(ch)) return { replacement: '', length: 2 };
  if (ASTRAL_DIGIT.test(ch)) {
    // Find the zero of this run of digits.
    let zero = cp;
    while (zero > cp - 9 && ASTRAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
    return { replacement: String((cp - zero) % 10), length: 2 };
  }
  const folded = ch.normalize('NFKC');
  return { replacement: folded, length: 2 };
}

const BASE64 = new Uint8Array(0x10000);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[c.charCodeAt(0)] = 1;
const MIN_BASE64_RUN = 16;

export function canonicalText(input: string): CanonicalText {
  const { replacements: map, changing, composing } = build();
  // ICU's NFC costs more than the whole scan on megabytes of text; without a combining mark or a
  // jamo there is nothing for it to compose, so it runs only when one is present.
  let needsNfc = false;
  for (let k = 0; k < input.length; k++) {
    if (composing[input.charCodeAt(k)] === 1) {
      needsNfc = true;
      break;
    }
  }
  const nfc = needsNfc ? input.normalize('NFC') : input;
  // NFC may itself have changed lengths (decomposed ä → ä): offsets then refer to the NFC text, and
  // the map below goes back through it with a second, equally sparse map.
  const nfcMap = nfc === input ? null : lengthMap(input);
  const length = nfc.length;
  // Concatenation builds a rope that is flattened once; Array#join over tens of thousands of
  // slices of a large two-byte string was ten times slower here.
  let text = '';
  // Breakpoints where the canonical and NFC offsets start to differ by a new amount.
  const canonAt: number[] = [0];
  const sourceAt: number[] = [0];
  const base64Runs: number[] = [];
  let runStart = -1;
  let last = 0;
  let canonLength = 0;
  let i = 0;
  // One table lookup per code unit: far cheaper than a regular expression with thousands of ranges.
  while (i < length) {
    const code = nfc.charCodeAt(i);
    if (BASE64[code] === 1) {
      if (runStart < 0) runStart = canonLength + (i - last);
      i++;
      continue;
    }
    if (runStart >= 0) {
      const runEnd = canonLength + (i - last);
      if (runEnd - runStart >= MIN_BASE64_RUN) base64Runs.push(runStart, runEnd);
      runStart = -1;
    }
    if (changing[code] === 0) {
      i++;
      continue;
    }
    const { replacement, length: consumed } = code >= 0xd800 && code <= 0xdbff ? astral(nfc, i) : { replacement: map.get(code)!, length: 1 };
    if (last < i) text += nfc.slice(last, i);
    text += replacement;
    canonLength += i - last + replacement.length;
    i += consumed;
    last = i;
    if (replacement.length !== consumed) {
      canonAt.push(canonLength);
      sourceAt.push(last);
    }
  }
  if (runStart >= 0 && canonLength + (length - last) - runStart >= MIN_BASE64_RUN) base64Runs.push(runStart, canonLength + (length - last));
  if (last === 0) return { text: nfc, base64Runs, toOriginal: nfcMap ?? ((offset) => offset) };
  text += nfc.slice(last);
  const toNfc = sparseOffsetMap(canonAt, sourceAt, Infinity);
  return { text, base64Runs, toOriginal: nfcMap ? (offset) => nfcMap(toNfc(offset)) : toNfc };
}

/**
 * Offsets of the NFC form back to the input when NFC changed lengths: NFC works on runs that start
 * at a starter character, so each run is normalised alone and its boundaries recorded.
 */
function lengthMap(input: string): (offset: number) => number {
  const canonAt: number[] = [0];
  const sourceAt: number[] = [0];
  let nfcLength = 0;
  // A run: a character with no combining marks after it, or with its marks.
  let sourceEnd = 0;
  for (const m of input.matchAll(/[^\p{M}][\p{M}]+|[\p{M}]+/gu)) {
    const normalized = m[0].normalize('NFC');
    nfcLength += m.index - sourceEnd + normalized.length;
    sourceEnd = m.index + m[0].length;
    canonAt.push(nfcLength);
    sourceAt.push(sourceEnd);
  }
  return sparseOffsetMap(canonAt, sourceAt, input.length);
}

/**
 * Offsets back through a sparse map: breakpoints where the two texts start to differ by a new
 * amount (`from[i]` in the derived text is `to[i]` in the source); between them the offset moves
 * one for one. Results are capped at `limit`.
 */
function sparseOffsetMap(from: number[], to: number[], limit: number): (offset: number) => number {
  return (offset) => {
    let lo = 0;
    let hi = from.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (from[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return Math.min(limit, to[lo]! + (offset - from[lo]!));
  };
}

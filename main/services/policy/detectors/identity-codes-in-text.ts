/**
 * Identity codes the way people write them, found in canonical text (canonical-text.ts has already
 * folded digits, dashes, spaces and look-alike letters):
 *
 * - the code with spacing or separators inside it: `131052 - 308T`, `13.10.52-308T`,
 *   `13 10 52-308T`, broken over a line after the dash or inside the date, and with `O`/`o` typed
 *   for zero or `I`/`l` for one in a digit position (the check character still has to agree);
 * - a code whose check character is wrong right after an identity keyword ("hetu 131052-308X"):
 *   a typo, not a different number; reported as near-valid with lower confidence, which still keeps
 *   the message from leaving as plain mail;
 * - a birth date written out next to the code's tail (`13.10.1952-308T`, or "s. 13.10.1952,
 *   hetun loppuosa 308T" near an identity keyword), when the tail's check character agrees with
 *   the date.
 *
 * Everything is validated (real date, individual number, mod-31 check) so that order numbers,
 * phone numbers and dates alone are not reported.
 */
import { checkHetu } from './hetu.js';

export type IdentityCodeKind = 'valid' | 'near-valid' | 'date-and-tail';

export interface IdentityCodeMatch {
  /** Offsets in the canonical text. */
  start: number;
  end: number;
  /** The code in its standard form (`DDMMYYCNNNK`), for masking only: never logged. */
  code: string;
  kind: IdentityCodeKind;
  temporary: boolean;
}

const D = '[0-9OoIl]';
const PAIR = `(${D}${D})`;
// Between the date's pairs: nothing, a dot and/or a space, or a line break.
const PAIR_SEP = '(?:[ .]{0,2}|\\.?[ \\t]?\\r?\\n[ \\t]*)';
// Around the century sign: a little spacing, or a line break (a code wrapped at its dash).
const SIGN_GAP = '[ \\t]{0,2}(?:\\r?\\n[ \\t]*)?';
// The first character must be a real digit, and it is matched before the look-behind: letters o
// and l start thousands of words, and a look-behind tried at every position of megabytes of text
// cost more than the rest of the scan.
const CODE = new RegExp(
  `\\d(?<![0-9A-Za-z]\\d)(${D})${PAIR_SEP}${PAIR}${PAIR_SEP}${PAIR}${SIGN_GAP}([-+A-FU-Ya-fu-y])${SIGN_GAP}(${D}{3})(?:\\r?\\n)?([0-9A-Ya-y])(?![0-9A-Za-z])`,
  'g',
);

/** A written-out birth date: `13.10.1952`, `13. 10. 1952`. */
const BIRTH_DATE = /(\d{1,2})\. ?(\d{1,2})\. ?(1[89]\d\d|20\d\d)(?!\d)/g;
/** A code's tail written straight after a birth date, as in a code: century sign, three digits, check character. */
const TAIL_AS_CODE = /^([-+A-FU-Ya-fu-y])(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])/;
/** A code's tail a few words after a birth date ("…, hetun loppuosa 308T"). */
const TAIL_NAMED = /^[ \t,:;]{0,3}(?:[A-Za-zäöåÄÖÅ]+[ \t,:]+){0,4}([-+A-FU-Ya-fu-y])?[ \t]?(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])/;

const digits = (s: string) => s.replace(/[Oo]/g, '0').replace(/[Il]/g, '1');

export interface IdentityContext {
  /** Whether an identity keyword (hetu, henkilötunnus, personbeteckning…) stands within `proximity` of the span. */
  keywordNear(start: number, end: number): boolean;
  /** Whether an identity keyword ends within a few words before `start`. */
  keywordJustBefore(start: number): boolean;
}

export function findIdentityCodes(text: string, context: IdentityContext): IdentityCodeMatch[] {
  const found: IdentityCodeMatch[] = [];
  for (const m of text.matchAll(CODE)) {
    const [whole, d2, mm, yy, sign, individual, check] = m as unknown as [string, string, string, string, string, string, string];
    const dd = whole[0]! + d2;
    const code = `${digits(dd)}${digits(mm)}${digits(yy)}${sign.toUpperCase()}${digits(individual)}${check.toUpperCase()}`;
    const start = m.index;
    const end = start + m[0].length;
    const result = checkHetu(code);
    if (result.valid) {
      found.push({ start, end, code, kind: 'valid', temporary: result.temporary === true });
    } else if (result.problem === 'check-character' && context.keywordJustBefore(start)) {
      found.push({ start, end, code, kind: 'near-valid', temporary: Number(code.slice(7, 10)) >= 900 });
    }
  }
  for (const m of text.matchAll(BIRTH_DATE)) {
    const [, d, mo, year] = m as unknown as [string, string, string, string];
    // Checked here rather than by a look-behind, which would be tried at every position of the text.
    if (m.index > 0 && /\d/.test(text[m.index - 1]!)) continue;
    const after = m.index + m[0].length;
    const window = text.slice(after, after + 80);
    const asCode = TAIL_AS_CODE.exec(window);
    const tail = asCode ?? TAIL_NAMED.exec(window);
    if (!tail) continue;
    const [, , individual, check] = tail as unknown as [string, string | undefined, string, string];
    const y = Number(year);
    const century = y < 1900 ? '+' : y < 2000 ? '-' : 'A';
    const code = `${d.padStart(2, '0')}${mo.padStart(2, '0')}${year.slice(2)}${century}${individual}${check.toUpperCase()}`;
    const end = after + tail[0].length;
    if (found.some((f) => f.start < end && m.index < f.end)) continue;
    const result = checkHetu(code);
    // A tail of four characters agrees with a date by chance once in 31: count it only when the
    // writer marked it as a code (the tail written straight after the date) or named it.
    if (result.valid && (asCode !== null || context.keywordNear(m.index, end))) {
      found.push({ start: m.index, end, code, kind: 'date-and-tail', temporary: result.temporary === true });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

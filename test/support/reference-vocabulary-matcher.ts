/**
 * The first, word-by-word vocabulary matcher, kept as the reference the automaton in
 * main/services/policy/detectors/vocabulary.ts must agree with: easy to read, too slow to ship
 * (every form tried at every word). It shares how forms are compiled and which endings count
 * (the rules); only the search differs.
 */
import type { VocabularyCategory } from '../../shared/policy-schema.js';
import { ENDINGS, MAX_WORD, compileForms, type CompiledForm, type TermMatch } from '../../main/services/policy/detectors/vocabulary.js';

const WORD = /[\p{L}\p{N}]+/gu;

interface Token {
  word: string;
  start: number;
  end: number;
}

/** Does `word` carry `form` as its (last) word: exact with the language's endings, a stem, or a compound part? */
function wordMatches(word: string, form: string, open: boolean, compound: boolean, language: 'fi' | 'sv' | 'en'): boolean {
  const at = compound ? word.indexOf(form) : word.startsWith(form) ? 0 : -1;
  if (at < 0) return false;
  return open || ENDINGS[language].test(word.slice(at + form.length));
}

export class ReferenceVocabularyMatcher {
  private readonly forms: CompiledForm[];

  constructor(categories: VocabularyCategory[]) {
    this.forms = compileForms(categories);
  }

  /** Every match, at most one per position (the longest), in text order. */
  match(text: string): TermMatch[] {
    // Positions refer to the NFC text (what scanText reports on); words are lower-cased one by one
    // so a case mapping that changes length cannot shift them.
    const source = text.normalize('NFC');
    const tokens: Token[] = [];
    for (const m of source.matchAll(WORD)) tokens.push({ word: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length });
    const found = new Map<number, TermMatch>();
    tokens.forEach((token, i) => {
      if (token.word.length > MAX_WORD) return;
      for (const form of this.forms) {
        const n = form.words.length;
        if (i + n > tokens.length) continue;
        // Phrase: every word but the last exactly, the first possibly as a compound tail, the last by the word rules.
        let ok = true;
        for (let k = 0; k < n && ok; k++) {
          const w = tokens[i + k]!.word;
          const f = form.words[k]!;
          const last = k === n - 1;
          if (n === 1) ok = wordMatches(w, f, form.open, form.compound, form.language);
          else if (k === 0) ok = form.compound ? w.endsWith(f) : w === f;
          else ok = last ? wordMatches(w, f, form.open, false, form.language) : w === f;
        }
        if (!ok) continue;
        const start = token.start;
        const end = tokens[i + n - 1]!.end;
        const previous = found.get(start);
        if (!previous || end > previous.end)
          found.set(start, { category: form.category, term: form.term, language: form.language, text: source.slice(start, end), start, end });
      }
    });
    return [...found.values()].sort((a, b) => a.start - b.start);
  }
}

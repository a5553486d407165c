/**
 * The automaton-based matcher finds exactly what the word-by-word reference finds, on text built
 * from every form of the built-in vocabulary with inflections, compounds, punctuation, case
 * changes and look-alikes around them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vocabularyCategorySchema, VocabularyMatcher } from '../../../main/services/policy/detectors/vocabulary.js';
import { ReferenceVocabularyMatcher } from '../../support/reference-vocabulary-matcher.js';

const data = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/vocabularies/sensitive-terms.json'), 'utf8')) as { categories: unknown[] };
const categories = data.categories.map((c) => vocabularyCategorySchema.parse(c));

/** A small deterministic generator, so a failure is reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('vocabulary automaton', () => {
  it('agrees with the reference matcher on generated text around every form', () => {
    const next = random(31);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const forms = categories.flatMap((c) => c.terms.flatMap((t) => [...t.fi, ...t.sv, ...t.en])).map((f) => f.replace(/\*$/, ''));
    const prefixes = ['', '', '', 'perus', 'asiakas', 'x', 'ja', 'Utkomst'];
    const suffixes = ['', '', 'n', 'ssa', 'en', 'et', 'erna', 's', 'es', 'ing', 'päätös', 'X', '1'];
    const separators = [' ', ', ', '.\n', ' (', ') ', '  ', ' – ', '\t', '/'];
    const ordinary = ['kokous', 'tervetuloa', 'Hej', 'meeting', 'lähetetty', 'valitut', 'memory', 'on', 'och', 'the', '12.3.', '09 310 12345'];
    const expectSame = (text: string) => {
      const fast = new VocabularyMatcher(categories).match(text);
      const reference = new ReferenceVocabularyMatcher(categories).match(text);
      expect(fast).toEqual(reference);
      return fast.length;
    };
    let found = 0;
    for (let round = 0; round < 40; round++) {
      const parts: string[] = [];
      for (let i = 0; i < 120; i++) {
        const word = next() < 0.4 ? pick(forms) : pick(ordinary);
        const cased = next() < 0.2 ? word.toUpperCase() : next() < 0.3 ? word[0]!.toUpperCase() + word.slice(1) : word;
        parts.push(pick(prefixes) + cased + pick(suffixes), pick(separators));
      }
      found += expectSame(parts.join(''));
    }
    // The generator must actually exercise matches, not only clean text.
    expect(found).toBeGreaterThan(1000);
  });

  it('agrees on edge cases: text edges, long tokens, non-BMP characters, combining marks', () => {
    for (const text of [
      'lastensuojelu',
      'Lastensuojelun',
      `${'a'.repeat(90)}lastensuojelun`,
      `lastensuojelu${'n'.repeat(90)}`,
      '😀lastensuojelu😀 child😀protection',
      'Päa\u0308tös ja päätöksen',
      'child\n\nprotection, child-protection, CHILD PROTECTIONS',
      '',
    ]) {
      expect(new VocabularyMatcher(categories).match(text)).toEqual(new ReferenceVocabularyMatcher(categories).match(text));
    }
  });
});

/**
 * The labelled corpus (test/support/fixtures/labelled-rules-corpus.ts): every accident and evasion
 * case the canonical text and the vocabulary reach is caught, and no ordinary message is stopped.
 * A failure names the case, so a change to the rules that trades one for the other is visible.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { decide } from '../../../main/services/policy/decide.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';
import { LABELLED_CORPUS, type CorpusClass } from '../../support/fixtures/labelled-rules-corpus.js';

const detectors = textDetectors(loadBuiltinVocabulary());
const policy = resolvePolicy({ managed: null }).policy;

describe('labelled corpus', () => {
  it('has at least as many ordinary messages as accident and evasion cases', () => {
    const ordinary = LABELLED_CORPUS.filter((c) => c.class === 'ordinary').length;
    expect(ordinary).toBeGreaterThanOrEqual(LABELLED_CORPUS.length - ordinary);
  });

  it('catches every case and stops no ordinary message (recall per class 100 %, false positives 0)', async () => {
    const missed: string[] = [];
    const perClass = new Map<CorpusClass, { total: number; caught: number }>();
    for (const c of LABELLED_CORPUS) {
      const decision = await decide(
        { subject: c.subject, bodyTexts: [c.body], attachments: [], recipients: ['someone@example.net'] },
        { policy, detectors, hasAcceptedKey: async () => false },
      );
      const tally = perClass.get(c.class) ?? { total: 0, caught: 0 };
      tally.total++;
      if (decision.sensitive) tally.caught++;
      perClass.set(c.class, tally);
      if (decision.sensitive !== c.sensitive)
        missed.push(`${c.class}: ${c.subject} / ${c.body.slice(0, 60)} → ${decision.sensitive ? 'sensitive' : 'ordinary'}`);
    }
    expect(missed).toEqual([]);
    expect(perClass.get('ordinary')?.caught).toBe(0);
  });
});

/** One pass of every text detector: identifiers validated and masked, confidence from nearby keywords. */
import { describe, expect, it } from 'vitest';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { scanText } from '../../../main/services/policy/detectors/scan-text.js';

const detectors = textDetectors(loadBuiltinVocabulary(), [
  { id: 'organisation', terms: [{ id: 'project-x', fi: ['salaprojekti*'], sv: [], en: [], compound: false }] },
]);
const brief = (text: string) => scanText(text, detectors).map((f) => `${f.detector}:${f.masked}:${f.confidence}`);

describe('scanText', () => {
  it('reports a valid identity code masked, high confidence next to a keyword, medium alone; invalid codes not at all', () => {
    expect(brief('Henkilötunnus 131052-308T')).toEqual(['identity-code:131052-****:high']);
    expect(brief('Viite 131052-308T')).toEqual(['identity-code:131052-****:medium']);
    expect(brief('Viite 131052-308U')).toEqual([]);
    expect(brief('hetu: 010594y9032')).toEqual(['identity-code:010594Y****:high']);
  });

  it('finds business IDs, IBANs and decimal ICD-10 codes (high only with a health keyword)', () => {
    expect(brief('Y-tunnus 0201256-6, tili FI21 1234 5600 0007 85')).toEqual(['business-id:020****-*:medium', 'iban:FI21 **** **** **85:medium']);
    expect(brief('Diagnoosi F32.1')).toContain('icd-10:F32.1:high');
    expect(brief('Versio F32.1')).toEqual(['icd-10:F32.1:low']);
  });

  it('includes the vocabulary an organisation adds through policy', () => {
    expect(brief('Salaprojektin aikataulu')).toEqual(['sensitive-term:Salaprojektin:medium']);
  });
});

/**
 * Runs every text detector over one piece of text (a subject, a body part after decoding and
 * HTML-to-text, or an attachment's extracted text) and reports findings: what kind, where,
 * masked so the finding can be shown without repeating the data, and how confident.
 */
import { checkHetu, HETU_CANDIDATE, maskHetu } from './hetu.js';
import { BUSINESS_ID_CANDIDATE, IBAN_CANDIDATE, isValidBusinessId, isValidFinnishIban, maskBusinessId, maskIban } from './identifiers.js';
import type { VocabularyMatcher } from './vocabulary.js';

export type Confidence = 'low' | 'medium' | 'high';

export type DetectorId = 'identity-code' | 'business-id' | 'iban' | 'icd-10' | 'sensitive-term';

export interface TextFinding {
  detector: DetectorId;
  /** For sensitive terms: `<category>/<term>`; for identifiers: the identifier kind. */
  label: string;
  /** Safe to show and to log: identifiers are masked; terms are vocabulary words, not client data. */
  masked: string;
  start: number;
  end: number;
  confidence: Confidence;
}

export interface TextDetectors {
  vocabulary: VocabularyMatcher;
  /** Keyword matchers that raise confidence when found near an identifier (within `proximity` characters). */
  identityKeywords: VocabularyMatcher;
  healthKeywords: VocabularyMatcher;
  proximity?: number;
}

/** ICD-10 codes with a decimal part (F32.1, E11.9): the bare three-character form is too common in ordinary text. */
const ICD10_CANDIDATE = /(?<![0-9A-Za-z.])([A-TV-Z]\d{2}\.\d{1,2})(?![0-9A-Za-z])/g;

export function scanText(input: string, detectors: TextDetectors): TextFinding[] {
  // One normal form, so positions from every detector refer to the same text.
  const text = input.normalize('NFC');
  const proximity = detectors.proximity ?? 300;
  const findings: TextFinding[] = [];
  const near = (matcher: VocabularyMatcher, start: number, end: number) => {
    const window = text.slice(Math.max(0, start - proximity), Math.min(text.length, end + proximity));
    return matcher.matchNormalized(window).length > 0;
  };

  for (const m of text.matchAll(HETU_CANDIDATE)) {
    const check = checkHetu(m[1]!);
    if (!check.valid) continue;
    const start = m.index;
    const end = start + m[0].length;
    // A valid check character is already strong evidence; a keyword nearby makes it certain.
    findings.push({ detector: 'identity-code', label: check.temporary ? 'identity-code/temporary' : 'identity-code', masked: maskHetu(m[1]!), start, end, confidence: near(detectors.identityKeywords, start, end) ? 'high' : 'medium' });
  }
  for (const m of text.matchAll(BUSINESS_ID_CANDIDATE)) {
    if (!isValidBusinessId(m[1]!)) continue;
    findings.push({ detector: 'business-id', label: 'business-id', masked: maskBusinessId(m[1]!), start: m.index, end: m.index + m[0].length, confidence: 'medium' });
  }
  for (const m of text.matchAll(IBAN_CANDIDATE)) {
    if (!isValidFinnishIban(m[1]!)) continue;
    findings.push({ detector: 'iban', label: 'iban', masked: maskIban(m[1]!), start: m.index, end: m.index + m[0].length, confidence: 'medium' });
  }
  for (const m of text.matchAll(ICD10_CANDIDATE)) {
    const start = m.index;
    const end = start + m[0].length;
    findings.push({ detector: 'icd-10', label: 'icd-10', masked: m[1]!, start, end, confidence: near(detectors.healthKeywords, start, end) ? 'high' : 'low' });
  }
  for (const term of detectors.vocabulary.matchNormalized(text)) {
    findings.push({ detector: 'sensitive-term', label: `${term.category}/${term.term}`, masked: term.text, start: term.start, end: term.end, confidence: 'medium' });
  }
  return findings.sort((a, b) => a.start - b.start);
}

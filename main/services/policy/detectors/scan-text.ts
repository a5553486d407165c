/**
 * Runs every text detector over one piece of text (a subject, a body part after decoding and
 * HTML-to-text, or an attachment's extracted text) and reports findings: what kind, where,
 * masked so the finding can be shown without repeating the data, and how confident.
 */
import { canonicalText } from './canonical-text.js';
import { maskHetu } from './hetu.js';
import { findIdentityCodes } from './identity-codes-in-text.js';
import { BUSINESS_ID_CANDIDATE, IBAN_CANDIDATE, isValidBusinessId, isValidFinnishIban, maskBusinessId, maskIban } from './identifiers.js';
import type { TermMatch, VocabularyMatcher } from './vocabulary.js';

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
  /** Words that put a document-type word into a client's case (a client, a case number, appeal instructions). */
  clientContext?: VocabularyMatcher;
  /** Categories whose terms count only with client context (see contextualConfidence). */
  contextualCategories?: ReadonlySet<string>;
  proximity?: number;
}

/** How near client context must stand to a document-type word. */
const CONTEXT_PROXIMITY = 200;
/**
 * A complaint addressed to someone is a client's complaint (muistutuksenne, er klagomål, your
 * complaint). Other document words addressed to someone are everyday too ("lähetä hakemuksesi"),
 * unless a second kind of document stands near ("er ansökan … beslutet": a case being decided).
 */
const ADDRESSED_TERMS = new Set(['objection']);
/** The Finnish possessive suffixes of "your" and "his/her" (muistutuksenne, kantelusi, muistutuksensa). */
const FI_POSSESSIVE = /(?:nne|si|nsa|nsä)$/i;
/** A form of address right before the word: teidän hakemuksenne, er ansökan, your application. */
const ADDRESSED_BEFORE = /(?:^|[^\p{L}])(?:teidän|sinun|hänen|er|ert|era|din|ditt|dina|your|his|her|their)\s+$/iu;

/** ICD-10 codes with a decimal part (F32.1, E11.9): the bare three-character form is too common in ordinary text. */
const ICD10_CANDIDATE = /(?<![0-9A-Za-z.])([A-TV-Z]\d{2}\.\d{1,2})(?![0-9A-Za-z])/g;

/** Encoded text inside text (a base64 blob, a percent-encoded URL) is decoded and scanned this deep. */
const MAX_DECODE_DEPTH = 2;
/** A base64 run of 16 characters carries 12 bytes, enough to hide a code. */
/** A percent-escape (`hetu%3D131052%2D308T`). */
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
/** An encoded token longer than this is cut (and what lies beyond is still scanned as it is). */
const MAX_ENCODED_TOKEN = 4 * 1024 * 1024;

/**
 * Every finding in one piece of text. Detectors run over the canonical text (canonical-text.ts);
 * offsets in the findings refer to `input` as given, so hints highlight what the person wrote.
 */
export function scanText(input: string, detectors: TextDetectors): TextFinding[] {
  return scanLayer(input, detectors, 0);
}

function scanLayer(input: string, detectors: TextDetectors, depth: number): TextFinding[] {
  const canonical = canonicalText(input);
  const findings = scanCanonical(canonical.text, detectors).map((f) => ({ ...f, start: canonical.toOriginal(f.start), end: canonical.toOriginal(f.end) }));
  if (depth < MAX_DECODE_DEPTH) {
    // Text that travels encoded is still sent: decode it and report findings on the encoded span.
    for (const { start, end, decoded } of encodedRuns(canonical.text, canonical.base64Runs)) {
      for (const f of scanLayer(decoded, detectors, depth + 1)) findings.push({ ...f, start: canonical.toOriginal(start), end: canonical.toOriginal(end) });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

/**
 * Encoded runs: base64 runs come from the canonical pass; percent-escaped tokens are followed by
 * hand from each escape (a greedy regular expression overflows V8's backtracking stack on a
 * megabyte-long token).
 */
function* encodedRuns(text: string, base64Runs: number[]): Generator<{ start: number; end: number; decoded: string }> {
  // Own copies of the patterns: the caller scans what is yielded (recursively) before asking for more.
  const percentEscape = new RegExp(PERCENT_ESCAPE);
  for (let r = 0; r < base64Runs.length; r += 2) {
    const start = base64Runs[r]!;
    const body = base64Runs[r + 1]!;
    let end = body;
    while (end < text.length && end - body < 2 && text.charCodeAt(end) === 61) end++;
    if (start > 0 && text.charCodeAt(start - 1) === 61) continue;
    const run = text.slice(start, Math.min(body, start + MAX_ENCODED_TOKEN));
    // Base64 of text mixes cases; a long lower-case compound word is not base64.
    if (run.length % 4 === 1 || !/[A-Z]/.test(run) || !/[a-z0-9]/.test(run)) continue;
    const decoded = printableText(Buffer.from(run, 'base64'));
    if (decoded !== null) yield { start, end, decoded };
  }
  let covered = 0;
  for (let m = percentEscape.exec(text); m; m = percentEscape.exec(text)) {
    if (m.index < covered) continue;
    let start = m.index;
    while (start > covered && m.index - start < MAX_ENCODED_TOKEN && !isSpace(text.charCodeAt(start - 1))) start--;
    let end = m.index;
    while (end < text.length && end - m.index < MAX_ENCODED_TOKEN && !isSpace(text.charCodeAt(end))) end++;
    covered = end;
    percentEscape.lastIndex = end;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text.slice(start, end));
    } catch {
      // A stray `%` makes the whole token invalid: decode the escapes that are valid UTF-8 on their own.
      decoded = text.slice(start, end).replace(/(?:%[0-9A-Fa-f]{2})+/g, (seq) => {
        try {
          return decodeURIComponent(seq);
        } catch {
          return seq;
        }
      });
    }
    yield { start, end, decoded };
  }
}

/** UTF-8 text that is almost all printable, or null for binary data. */
function printableText(bytes: Buffer): string | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.length === 0) return null;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f && c !== 0xfffd) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable / text.length >= 0.95 ? text : null;
}

function scanCanonical(text: string, detectors: TextDetectors): TextFinding[] {
  const proximity = detectors.proximity ?? 300;
  const findings: TextFinding[] = [];
  const near = (matcher: VocabularyMatcher, start: number, end: number) => {
    const window = text.slice(Math.max(0, start - proximity), Math.min(text.length, end + proximity));
    return matcher.matchNormalized(window).length > 0;
  };

  const identity = {
    keywordNear: (start: number, end: number) => near(detectors.identityKeywords, start, end),
    // "hetu 131052-308X", "henkilötunnus: …", "personbeteckning …": the keyword ends a few words before.
    keywordJustBefore: (start: number) => detectors.identityKeywords.matchNormalized(text.slice(Math.max(0, start - 40), start)).length > 0,
  };
  for (const code of findIdentityCodes(text, identity)) {
    const label =
      code.kind === 'near-valid'
        ? 'identity-code/near-valid'
        : code.kind === 'date-and-tail'
          ? 'identity-code/date-and-tail'
          : code.temporary
            ? 'identity-code/temporary'
            : 'identity-code';
    // A valid check character is already strong evidence; a keyword nearby makes it certain. A
    // near-valid code or a date with a tail is less certain, but never plain mail.
    const confidence = code.kind === 'valid' ? (identity.keywordNear(code.start, code.end) ? 'high' : 'medium') : 'medium';
    findings.push({ detector: 'identity-code', label, masked: maskHetu(code.code), start: code.start, end: code.end, confidence });
  }
  for (const m of text.matchAll(BUSINESS_ID_CANDIDATE)) {
    if (!isValidBusinessId(m[1]!)) continue;
    findings.push({
      detector: 'business-id',
      label: 'business-id',
      masked: maskBusinessId(m[1]!),
      start: m.index,
      end: m.index + m[0].length,
      confidence: 'medium',
    });
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
  const contextual = detectors.contextualCategories;
  const terms = detectors.vocabulary.matchNormalized(text);
  const deferred: TermMatch[] = [];
  for (const term of terms) {
    if (contextual?.has(term.category)) {
      deferred.push(term);
      continue;
    }
    findings.push({
      detector: 'sensitive-term',
      label: `${term.category}/${term.term}`,
      masked: term.text,
      start: term.start,
      end: term.end,
      confidence: 'medium',
    });
  }
  if (deferred.length > 0) {
    // Anchors of client context: its own words, and everything already found (a care term, a code).
    const anchors = [...(detectors.clientContext?.matchNormalized(text) ?? []), ...findings].map((a) => a.start).sort((a, b) => a - b);
    for (const term of deferred) {
      const inCase =
        (addressed(text, term) && (ADDRESSED_TERMS.has(term.term) || otherDocumentNear(deferred, term))) ||
        nearAnchor(anchors, term.start, term.end, CONTEXT_PROXIMITY);
      findings.push({
        detector: 'sensitive-term',
        label: `${term.category}/${term.term}`,
        masked: term.text,
        start: term.start,
        end: term.end,
        // Without context the word is reported (a hint may show it) but does not count under the default threshold.
        confidence: inCase ? 'medium' : 'low',
      });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

/** A document word addressed to someone: a possessive suffix, or a form of address right before it. */
function addressed(text: string, term: TermMatch): boolean {
  if (term.language === 'fi' && FI_POSSESSIVE.test(term.text)) return true;
  return ADDRESSED_BEFORE.test(text.slice(Math.max(0, term.start - 12), term.start));
}

function otherDocumentNear(terms: TermMatch[], term: TermMatch): boolean {
  return terms.some((t) => t.term !== term.term && Math.abs(t.start - term.start) <= CONTEXT_PROXIMITY);
}

/** Whether some anchor (sorted starts) lies within `distance` of [start, end). */
function nearAnchor(anchors: number[], start: number, end: number, distance: number): boolean {
  let lo = 0;
  let hi = anchors.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (anchors[mid]! < start - distance) lo = mid + 1;
    else hi = mid;
  }
  return lo < anchors.length && anchors[lo]! <= end + distance && anchors[lo] !== start;
}

/**
 * Client identifiers as keyed hashes: HMAC-SHA-256 under the organisation's key from the managed
 * policy (`audit.pseudonymKey`), so a registrar holding the same key can look a client up while
 * the trail itself reveals nobody. Without an organisation key a workstation key sealed under the
 * vault is used: lookups then work on this workstation only (the record says which key, `pk`).
 * A kind prefix keeps an identity code and an address from ever sharing a hash.
 */
import { createHmac } from 'node:crypto';
import { canonicalText } from '../policy/detectors/canonical-text.js';
import { checkHetu } from '../policy/detectors/hetu.js';
import { htmlToDetectorText } from '../policy/detectors/html-text.js';
import { findIdentityCodes } from '../policy/detectors/identity-codes-in-text.js';

/** 128 bits of the HMAC: no collisions at any trail size, and a third shorter on disk. */
const HASH_HEX = 32;

export class Pseudonymizer {
  constructor(
    private readonly key: Buffer,
    readonly keyKind: 'org' | 'local',
  ) {}

  identityCode(code: string): string {
    return this.hash('hetu', code.trim().toUpperCase());
  }

  address(address: string): string {
    return this.hash('mail', address.trim().toLowerCase());
  }

  private hash(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`).digest('hex').slice(0, HASH_HEX);
  }
}

/** The organisation key from the policy: base64 of at least 32 bytes, else null (invalid keys are refused by the schema). */
export function organisationKey(base64: string | undefined): Buffer | null {
  if (!base64) return null;
  const key = Buffer.from(base64, 'base64');
  return key.length >= 32 ? key : null;
}

const NO_KEYWORDS = { keywordNear: () => false, keywordJustBefore: () => false };

/** Every valid identity code in these texts (HTML read as text), in standard form; for hashing only. */
export function identityCodesIn(texts: readonly (string | undefined)[], htmls: readonly (string | undefined)[] = []): string[] {
  const found = new Set<string>();
  const all = [...texts, ...htmls.map((h) => (h ? htmlToDetectorText(h) : undefined))];
  for (const text of all) {
    if (!text) continue;
    for (const match of findIdentityCodes(canonicalText(text).text, NO_KEYWORDS)) if (match.kind === 'valid') found.add(match.code);
  }
  return [...found];
}

/** A lookup input is an identity code or an e-mail address. */
export function lookupTerm(input: string): { kind: 'identity-code'; value: string } | { kind: 'address'; value: string } | null {
  const trimmed = input.trim();
  if (checkHetu(trimmed).valid) return { kind: 'identity-code', value: trimmed.toUpperCase() };
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(trimmed)) return { kind: 'address', value: trimmed.toLowerCase() };
  return null;
}

/** Identity codes in free text (a justification) replaced by a mask before it is recorded. */
export function maskIdentityCodes(text: string): string {
  const canonical = canonicalText(text);
  const matches = findIdentityCodes(canonical.text, NO_KEYWORDS);
  let out = text;
  for (const m of [...matches].sort((a, b) => b.start - a.start)) {
    const start = canonical.toOriginal(m.start);
    const end = canonical.toOriginal(m.end);
    out = out.slice(0, start) + '******-****' + out.slice(end);
  }
  return out;
}

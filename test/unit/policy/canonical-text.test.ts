import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../../main/services/policy/detectors/canonical-text.js';

describe('canonicalText', () => {
  it('returns plain text unchanged with an identity offset map', () => {
    const c = canonicalText('Hei, kokous on torstaina 12.3. klo 13.');
    expect(c.text).toBe('Hei, kokous on torstaina 12.3. klo 13.');
    expect(c.toOriginal(10)).toBe(10);
  });

  it('folds digits of every script, fullwidth forms, dashes, spaces and format characters', () => {
    expect(canonicalText('١٣١٠٥٢-٣٠٨T').text).toBe('131052-308T'); // Arabic-Indic
    expect(canonicalText('۱۳۱۰۵۲-۳۰۸T').text).toBe('131052-308T'); // Extended Arabic-Indic (Persian)
    expect(canonicalText('１３１０５２－３０８Ｔ').text).toBe('131052-308T'); // fullwidth
    expect(canonicalText('१३१०५२-३०८T').text).toBe('131052-308T'); // Devanagari
    expect(canonicalText('131052\u2011308T').text).toBe('131052-308T'); // Word's non-breaking hyphen
    expect(canonicalText('131052\u2013308T').text).toBe('131052-308T'); // en dash
    expect(canonicalText('1310\u200B52-30\u00AD8\u2060T\uFEFF').text).toBe('131052-308T'); // zero-width, soft hyphen, word joiner, BOM
    expect(canonicalText('a\u00A0b\u202Fc\u2009d').text).toBe('a b c d');
    expect(canonicalText('𝟏𝟑𝟏𝟎𝟓𝟐-𝟑𝟎𝟖T').text).toBe('131052-308T'); // mathematical bold digits (astral)
    expect(canonicalText('131052-308\u{E0041}T').text).toBe('131052-308T'); // a tag character hidden inside
  });

  it('folds Cyrillic and Greek look-alikes to Latin', () => {
    expect(canonicalText('010101А123N').text).toBe('010101A123N'); // Cyrillic А as the century sign
    expect(canonicalText('Ηetu').text).toBe('Hetu'); // Greek Eta
  });

  it('keeps Finnish and Swedish letters, decomposed or not', () => {
    expect(canonicalText('päätös åtgärd').text).toBe('päätös åtgärd');
    expect(canonicalText('pa\u0308a\u0308to\u0308s').text).toBe('päätös');
  });

  it('maps canonical offsets back to what the person wrote', () => {
    const original = 'hetu: 13\u200B1052\u2011308T on tässä';
    const c = canonicalText(original);
    const start = c.text.indexOf('131052');
    const end = start + '131052-308T'.length;
    expect(original.slice(c.toOriginal(start), c.toOriginal(end))).toBe('13\u200B1052\u2011308T');
    const after = c.text.indexOf('on tässä');
    expect(original.slice(c.toOriginal(after))).toBe('on tässä');
  });

  it('maps offsets through decomposed letters and expansions', () => {
    const original = 'pa\u0308a\u0308to\u0308s ﬁle 131052-308T';
    const c = canonicalText(original);
    const start = c.text.indexOf('131052');
    expect(original.slice(c.toOriginal(start), c.toOriginal(start + 11))).toBe('131052-308T');
  });
});

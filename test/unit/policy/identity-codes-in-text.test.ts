/**
 * Identity codes as people and their tools really write them (issue 10): every accident and
 * evasion form is found on the canonical text with the right span in the original, and ordinary
 * numbers (dates, phone and order numbers) stay ordinary.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { scanText } from '../../../main/services/policy/detectors/scan-text.js';

const detectors = textDetectors(loadBuiltinVocabulary(), []);
const codes = (text: string) => scanText(text, detectors).filter((f) => f.detector === 'identity-code');
const spans = (text: string) => codes(text).map((f) => text.slice(f.start, f.end));

describe('identity codes as people write them', () => {
  const written: [string, string][] = [
    ['spaces around the dash', 'Asiakas 131052 - 308T soitti.'],
    ['dotted date', 'Asiakas 13.10.52-308T soitti.'],
    ['spaced date', 'Asiakas 13 10 52-308T soitti.'],
    ['broken over a line at the dash', 'Asiakkaan tunnus on 131052-\n308T ja osoite'],
    ['broken over a line inside the date', 'Asiakkaan tunnus on 1310\n52-308T ja osoite'],
    ["Word's non-breaking hyphen", 'Asiakas 131052\u2011308T soitti.'],
    ['Arabic-Indic digits', 'رقم ١٣١٠٥٢-٣٠٨T'],
    ['fullwidth digits', 'Asiakas １３１０５２－３０８Ｔ'],
    ['zero-width space inside', 'Asiakas 1310\u200B52-308T'],
    ['soft hyphen inside', 'Asiakas 131052\u00AD-308T'],
    ['Cyrillic look-alike century sign', `Asiakas 010101А123N`],
    ['letter O for zero', 'Asiakas 131O52-3O8T'],
    ['lower case', 'asiakas 131052-308t'],
  ];
  for (const [name, text] of written) {
    it(`finds a code written with ${name}`, () => {
      const found = codes(text);
      expect(found, name).toHaveLength(1);
      expect(found[0]!.masked).toMatch(/^\d{6}[-A]\*{4}$/);
      // The span covers exactly what the person wrote, so the hint highlights the right characters.
      expect(text.slice(found[0]!.start, found[0]!.end).replace(/\s/g, '')).toMatch(/[0-9٠-٩０-９O]$|[TtＴN]$/);
    });
  }

  it('maps the span back to the original characters', () => {
    expect(spans('hetu 1310\u200B52\u2011308T.')).toEqual(['1310\u200B52\u2011308T']);
    expect(spans('Asiakas １３１０５２－３０８Ｔ.')).toEqual(['１３１０５２－３０８Ｔ']);
  });

  it('reports a code with a wrong check character right after an identity keyword, with lower confidence', () => {
    const found = codes('Hetu 131052-308X, pyydän tarkistamaan.');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ label: 'identity-code/near-valid', confidence: 'medium', masked: '131052-****' });
    expect(codes('henkilötunnus: 131052-308U')).toHaveLength(1);
    // Without the keyword, a wrong check character is just another number.
    expect(codes('Tilausnumero 131052-308X')).toHaveLength(0);
  });

  it('finds a written-out birth date next to the code tail', () => {
    expect(codes('Syntynyt 13.10.1952-308T')).toHaveLength(1);
    expect(codes('s. 13.10.1952, hetun loppuosa 308T')).toMatchObject([{ label: 'identity-code/date-and-tail' }]);
    // A tail that does not agree with the date, or a date alone, is nothing.
    expect(codes('s. 13.10.1952, hetun loppuosa 308U')).toHaveLength(0);
    expect(codes('Kokous 13.10.1952 huoneessa 308T')).toHaveLength(0);
  });

  it('decodes base64 and percent-encoded text before scanning', () => {
    const b64 = Buffer.from('Asiakkaan hetu 131052-308T').toString('base64');
    const text = `Liite: ${b64} loppu`;
    const found = codes(text);
    expect(found).toHaveLength(1);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(b64);
    expect(codes('https://example.fi/lomake?hetu=131052%2D308T&x=1')).toHaveLength(1);
  });

  it('leaves ordinary numbers alone', () => {
    const ordinary = [
      'Kokous siirtyy torstaille 12.3. klo 13.00, paikkana neuvotteluhuone Kuusi.',
      'Puhelinpalvelu vastaa numerossa 09 310 12345 ja 040 123 4567.',
      'Tilausnumero 4471-2209 ja lasku 2026-11-30.',
      'Kokous 13.10.2026 klo 12.00-13.30, huone 204B.',
      'Toimitus 1.12.2026-31.12.2026, viite 12345 67890.',
      'Toimeentulotukihakemuksessa ja Lastensuojeluilmoituksessa ei ole numeroita.',
      'aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBjb2Rl', // base64 of ordinary text
    ];
    for (const text of ordinary) expect(codes(text), text).toEqual([]);
  });
});

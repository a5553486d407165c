/**
 * The attack: a look-alike domain (IDN homograph) — `perhepalvelut.fi` with a Cyrillic 'а', or a
 * punycode domain whose letters read like an internal one — was shown without a warning in the
 * composer's recipient chips and as a message's sender. Detection follows Unicode TS #39
 * (mixed script, whole-script confusable, skeleton against known domains).
 */
import { describe, expect, it } from 'vitest';
import { toASCII } from 'nodemailer/lib/punycode';
import { lookalikeAddress, lookalikeDomain, skeleton } from '../../../shared/lookalike-domain.js';

const KNOWN = ['perhepalvelut.fi', 'kunta.example', 'kela.fi'];

describe('lookalikeDomain', () => {
  it('flags a Cyrillic letter inside a Latin domain, in Unicode and in punycode', () => {
    const spoof = 'perhepаlvelut.fi'; // U+0430 CYRILLIC SMALL LETTER A
    expect(lookalikeDomain(spoof)).toEqual({ reason: 'mixed-script', domain: spoof, scripts: ['Latn', 'Cyrl'] });
    expect(lookalikeDomain(toASCII(spoof))).toMatchObject({ reason: 'mixed-script' });
    expect(lookalikeDomain(spoof, KNOWN)).toEqual({ reason: 'resembles-known', domain: spoof, resembles: 'perhepalvelut.fi' });
    expect(lookalikeAddress(`asiakas@${toASCII(spoof)}`, KNOWN)).toMatchObject({ reason: 'resembles-known', resembles: 'perhepalvelut.fi' });
  });

  it('flags a punycode domain whose skeleton matches a known domain, also as a subdomain', () => {
    const greek = 'kelα.fi'; // Greek alpha: the whole label is not single-script, nor is the skeleton the same domain
    expect(lookalikeDomain(toASCII(greek), KNOWN)).toMatchObject({ reason: 'resembles-known', resembles: 'kela.fi' });
    expect(lookalikeDomain('mail.kunta.ехample', KNOWN)).toMatchObject({ reason: 'resembles-known', resembles: 'kunta.example' });
    expect(skeleton('ехample')).toBe('example');
  });

  it('flags a whole label of Cyrillic letters that read as Latin under an ASCII top-level domain', () => {
    expect(lookalikeDomain('аррӏе.com')).toEqual({ reason: 'whole-script', domain: 'аррӏе.com', resembles: 'apple.com' });
    expect(lookalikeDomain(toASCII('сосо.fi'))).toMatchObject({ reason: 'whole-script', resembles: 'coco.fi' });
  });

  it('leaves ordinary Finnish, Swedish, Russian, Greek and Japanese domains alone', () => {
    for (const domain of [
      'kunta.example',
      'äänekoski.fi',
      toASCII('äänekoski.fi'),
      'pöytäkirja.fi',
      'åland.ax',
      'пример.рф',
      'пример.com',
      'ελληνικά.gr',
      '日本語.jp',
      'ソニー.jp',
      'example-2.fi',
    ]) {
      expect(lookalikeDomain(domain, KNOWN), domain).toBeNull();
    }
    // An accent is a real difference (TS #39 keeps it): not a look-alike of a known unaccented domain.
    expect(lookalikeDomain('kelä.fi', KNOWN)).toBeNull();
  });

  it('never warns about a known domain itself or a domain under it', () => {
    expect(lookalikeDomain('perhepalvelut.fi', KNOWN)).toBeNull();
    expect(lookalikeDomain('sote.kunta.example', KNOWN)).toBeNull();
    expect(lookalikeAddress('no-domain', KNOWN)).toBeNull();
  });
});

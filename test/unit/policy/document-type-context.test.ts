/**
 * Document-type words (muistutus, päätös, muistio, lausunto, hakemus, beslut, application) also
 * name everyday things: a meeting reminder, minutes, a job application. They make a message
 * sensitive only in a client's case — near a client, a case number, appeal instructions, a care
 * term or a code, or addressed to someone (muistutuksenne, er ansökan, your complaint).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { decide } from '../../../main/services/policy/decide.js';
import { scanText } from '../../../main/services/policy/detectors/scan-text.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';

const detectors = textDetectors(loadBuiltinVocabulary());
const sensitive = async (subject: string, body: string) =>
  (
    await decide(
      { subject, bodyTexts: [body], attachments: [], recipients: ['someone@example.net'] },
      { policy: resolvePolicy({ managed: null }).policy, detectors, hasAcceptedKey: async () => false },
    )
  ).sensitive;

describe('document-type words count only in a client context', () => {
  it.each([
    ['Muistutus: tiimikokous huomenna klo 10', 'Muistathan huomisen kokouksen, kahvit tarjolla.'],
    ['Muistio 12.3.', 'Liitteenä viikkopalaverin muistio. Seuraava palaveri tiistaina.'],
    ['Avoin työpaikka', 'Haemme sosiaaliohjaajaa. Hakemukset 15.1. mennessä, päätös tehdään helmikuussa.'],
    ['Pahoittelut', 'Pahoittelen viivästystä, sopimus kokoustilasta tuli vasta tänään.'],
    ['Påminnelse', 'Beslut om nya öppettider fattas på mötet på torsdag. Välkommen!'],
    ['Reminder', 'The board will make a decision on the venue; applications for the summer course close on Friday.'],
  ])('everyday: "%s" stays ordinary', async (subject, body) => {
    expect(await sensitive(subject, body)).toBe(false);
  });

  it.each([
    ['Vastaus', 'Olemme vastaanottaneet muistutuksenne koskien kotihoidon palvelua.'],
    ['Päätös', 'Asiakkaan hakemus on käsitelty ja päätös lähetetään postitse.'],
    ['Päätös', 'Päätökseen voi hakea muutosta, valitusosoitus on liitteenä.'],
    ['Ansökan', 'Vi har behandlat er ansökan och skickar beslutet per post.'],
    ['Your complaint', 'We have received your complaint and will reply within two weeks.'],
    ['Lausunto', 'Lausunto potilaan tilanteesta, dnro 123/2026.'],
  ])('in a case: "%s" is sensitive', async (subject, body) => {
    expect(await sensitive(subject, body)).toBe(true);
  });

  it('reports a document word without context at low confidence (shown, not counted)', () => {
    const findings = scanText('Muistio viikkopalaverista.', detectors);
    expect(findings).toEqual([expect.objectContaining({ label: 'document-type/memo', confidence: 'low' })]);
    const inCase = scanText('Muistio asiakkaan tapaamisesta.', detectors);
    expect(inCase).toEqual([expect.objectContaining({ label: 'document-type/memo', confidence: 'medium' })]);
  });

  it('a care term elsewhere in the text is context too', () => {
    const findings = scanText('Lastensuojelun päätös tehtiin eilen.', detectors);
    expect(findings.find((f) => f.label === 'document-type/decision')?.confidence).toBe('medium');
  });
});

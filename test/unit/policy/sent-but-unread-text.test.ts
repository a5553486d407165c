/**
 * Text that travels with a message without being its visible text (issue 10): attachment file
 * names, link targets, alt/title attributes and comments in HTML. Each is read by the rules.
 */
import { describe, expect, it } from 'vitest';
import { extractAttachmentText } from '../../../main/services/policy/detectors/attachment-text.js';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { htmlHiddenText, htmlToDetectorText } from '../../../main/services/policy/detectors/html-text.js';
import { decide, type DraftForDecision } from '../../../main/services/policy/decide.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';

const detectors = textDetectors(loadBuiltinVocabulary());
const run = (draft: DraftForDecision) => decide(draft, { policy: resolvePolicy({ managed: null }).policy, detectors, hasAcceptedKey: async () => false });
const base: DraftForDecision = { subject: 'Tiedoksi', bodyTexts: ['Hei, liitteenä pyytämäsi.'], attachments: [], recipients: ['kumppani@example.net'] };

describe('text that is sent but not shown', () => {
  it('reads attachment file names', async () => {
    const file = { filename: 'Lausunto_131052-308T.txt', contentType: 'text/plain', content: Buffer.from('Kokousmuistio: ei asiakastietoja.') };
    const decision = await run({ ...base, attachments: [file] });
    expect(decision.findings).toContainEqual(
      expect.objectContaining({ detector: 'identity-code', masked: '131052-****', where: { part: 'attachment', filename: file.filename } }),
    );
    expect(decision.route).not.toBe('plain');
    // A care term in a name counts; a document-type word alone ("muistio") names ordinary office files too.
    const report = await run({ ...base, attachments: [{ ...file, filename: 'lastensuojeluilmoitus_2026.txt' }] });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ label: 'social-services/child-protection', where: { part: 'attachment', filename: 'lastensuojeluilmoitus_2026.txt' } }),
    );
    const minutes = await run({ ...base, attachments: [{ ...file, filename: 'muistio.txt', content: Buffer.from('Kokous alkaa kello 10.') }] });
    expect(minutes.findings).toEqual([]);
  });

  it('reads link targets, alt and title attributes and comments in HTML, but quotes only the visible text', () => {
    const html =
      '<p>Katso <a href="https://lomake.example/?hetu=131052%2D308T" title="Asiakkaan tiedot">lomake</a></p>' +
      '<img alt="henkilötunnus 010101A123N" src="cid:x"><!-- muistiinpano: 290200A308K -->';
    const hidden = htmlHiddenText(html);
    expect(hidden).toContain('hetu=131052%2D308T');
    expect(hidden).toContain('henkilötunnus 010101A123N');
    expect(hidden).toContain('290200A308K');
    expect(htmlToDetectorText(html)).not.toContain('010101A123N');
  });

  it('finds an identity code hidden in an HTML attachment attribute', async () => {
    const html = Buffer.from('<p>Ohje</p><a href="https://x.example/?id=131052-308T">linkki</a>');
    const extracted = await extractAttachmentText({ filename: 'ohje.html', contentType: 'text/html', content: html });
    expect(extracted).toMatchObject({ status: 'scanned' });
    expect(extracted.status === 'scanned' ? extracted.text : '').toContain('131052-308T');
  });
});

/**
 * RTF documents and UTF-16 text are read like every other attachment: in RTF also what Word sends
 * but does not show (tracked deletions, comments, document properties), with `\'e4` and `\uN`
 * escapes decoded; UTF-16 with or without a byte-order mark, whatever the file is called.
 */
import { describe, expect, it } from 'vitest';
import { extractAttachmentText } from '../../../main/services/policy/detectors/attachment-text.js';
import { rtfText } from '../../../main/services/policy/detectors/rtf-text.js';

const HETU = '131052-308T';
const rtf = (body: string) =>
  Buffer.from(`{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Calibri;}}{\\colortbl;\\red0\\green0\\blue0;}${body}}`, 'latin1');

describe('RTF text', () => {
  it("decodes the code page's \\'xx escapes and \\uN escapes (skipping their fallback)", () => {
    expect(rtfText(rtf("\\pard P\\'e4\\'e4t\\'f6s \\u228?iti\\par"), 1e6)).toContain('Päätös äiti');
  });

  it('reads tracked deletions, comments and document properties, and no font or colour names', () => {
    const text = rtfText(rtf(`{\\info{\\title Lausunto}{\\author Maija}}\\pard Asia: {\\deleted ${HETU}}{\\*\\annotation lastensuojelu}\\par`), 1e6);
    expect(text).toContain(HETU);
    expect(text).toContain('lastensuojelu');
    expect(text).toContain('Lausunto Maija');
    expect(text).not.toContain('Calibri');
  });

  it('is recognised by its bytes whatever the name, and counts against the text limit', async () => {
    const result = await extractAttachmentText({ filename: 'liite.dat', contentType: 'application/octet-stream', content: rtf(`\\pard hetu ${HETU}\\par`) });
    expect(result).toMatchObject({ status: 'scanned', kind: 'rtf', text: expect.stringContaining(HETU) });
    const big = rtf(`\\pard ${'a'.repeat(2000)}\\par`);
    const limits = { ...(await import('../../../main/services/policy/detectors/attachment-text.js')).EXTRACTION_LIMITS, textChars: 1000 };
    expect(await extractAttachmentText({ filename: 'x.rtf', contentType: 'application/rtf', content: big }, limits)).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
  });
});

describe('UTF-16 text', () => {
  it.each([
    ['with a byte-order mark (little-endian)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`Äiti, hetu ${HETU}`, 'utf16le')])],
    ['with a byte-order mark (big-endian)', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`Äiti, hetu ${HETU}`, 'utf16le').swap16()])],
    ['without one', Buffer.from(`Äiti, hetu ${HETU}`, 'utf16le')],
  ])('is read %s', async (_, content) => {
    const result = await extractAttachmentText({ filename: 'export.dat', contentType: 'application/octet-stream', content });
    expect(result).toMatchObject({ status: 'scanned', text: expect.stringContaining(`Äiti, hetu ${HETU}`) });
  });
});

/** Text out of every attachment format the detectors read; everything else is "not scanned" with a reason. */
import { describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { EXTRACTION_LIMITS, extractAttachmentText } from '../../../main/services/policy/detectors/attachment-text.js';
import { docx, docxBomb, ods, odt, pdfWithText, xlsx } from '../../support/fixtures/documents.js';

const file = (filename: string, contentType: string, content: Buffer | string) => ({
  filename,
  contentType,
  content: typeof content === 'string' ? Buffer.from(content) : content,
});
const HETU = '131052-308T';

describe('extractAttachmentText', () => {
  it('reads PDF, DOCX, XLSX, ODT and ODS', async () => {
    for (const [name, content] of [
      ['paatos.pdf', pdfWithText(['Paatos toimeentulotuesta', `Hetu ${HETU}`])],
      ['paatos.docx', docx(['Päätös toimeentulotuesta', `Hetu ${HETU}`])],
      ['asiakkaat.xlsx', xlsx(['Nimi', `Hetu ${HETU}`])],
      ['muistio.odt', odt(['Muistio', `Hetu ${HETU}`])],
      ['lista.ods', ods(['Nimi', `Hetu ${HETU}`])],
    ] as const) {
      const result = await extractAttachmentText(file(name, 'application/octet-stream', content));
      expect(result, name).toMatchObject({ status: 'scanned' });
      expect(result.status === 'scanned' && result.text, name).toContain(HETU);
    }
  });

  it('reads plain text, CSV in Windows-1252, HTML and attached messages with their own attachments', async () => {
    expect(await extractAttachmentText(file('a.txt', 'text/plain', `hetu ${HETU}`))).toMatchObject({ status: 'scanned', text: `hetu ${HETU}` });
    const csv = await extractAttachmentText(file('a.csv', 'text/csv', Buffer.from(`nimi;hetu\nÄiti;${HETU}\n`, 'latin1')));
    expect(csv).toMatchObject({ status: 'scanned', text: expect.stringContaining(`Äiti;${HETU}`) });
    expect(await extractAttachmentText(file('a.html', 'text/html', `<p>Hetu <b>${HETU}</b></p><script>x</script>`))).toMatchObject({
      status: 'scanned',
      text: expect.stringContaining(`Hetu ${HETU}`),
    });
    const inner = docx([`Liite ${HETU}`]).toString('base64');
    const eml = [
      'Subject: Välitetty',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Katso liite',
      '--b',
      'Content-Type: application/octet-stream; name=a.docx',
      'Content-Transfer-Encoding: base64',
      '',
      inner,
      '--b--',
      '',
    ].join('\r\n');
    expect(await extractAttachmentText(file('fwd.eml', 'message/rfc822', eml))).toMatchObject({
      status: 'scanned',
      text: expect.stringContaining(`Liite ${HETU}`),
    });
  });

  it('reports what it cannot read, with the reason, whatever the file is called', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await extractAttachmentText(file('kuva.png', 'image/png', png))).toMatchObject({ status: 'not-scanned', reason: 'image' });
    expect(await extractAttachmentText(file('notes.txt', 'text/plain', png))).toMatchObject({ status: 'not-scanned', reason: 'image' });
    expect(await extractAttachmentText(file('a.pdf.gpg', 'application/octet-stream', '-----BEGIN PGP MESSAGE-----\n\nhQ'))).toMatchObject({
      status: 'not-scanned',
      reason: 'encrypted',
    });
    expect(await extractAttachmentText(file('data.bin', 'application/octet-stream', Buffer.from([0, 1, 2, 3, 0, 0])))).toMatchObject({
      status: 'not-scanned',
      reason: 'unsupported',
    });
    expect(await extractAttachmentText(file('rikki.pdf', 'application/pdf', '%PDF-1.4 garbage'))).toMatchObject({ status: 'not-scanned', reason: 'malformed' });
    const limits = { ...EXTRACTION_LIMITS, unzippedBytes: 1024 * 1024 };
    expect(await extractAttachmentText(file('pommi.docx', 'application/octet-stream', docxBomb(8 * 1024 * 1024)), limits)).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
    expect(await extractAttachmentText(file('big.txt', 'text/plain', 'x'.repeat(2048)), { ...EXTRACTION_LIMITS, inputBytes: 1024 })).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
    const archive = await extractAttachmentText(file('kansio.zip', 'application/zip', Buffer.from(zipSync({ 'a.txt': strToU8('x') }))));
    expect(archive).toMatchObject({ status: 'not-scanned', reason: 'archive' });
  });
});

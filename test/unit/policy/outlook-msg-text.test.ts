/** An Outlook message saved as a file (.msg) is read with its attachments; other OLE files say they were not read. */
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { extractAttachmentText } from '../../../main/services/policy/detectors/attachment-text.js';
import { docx, outlookMsg } from '../../support/fixtures/documents.js';

const HETU = '131052-308T';
const as = (filename: string, content: Buffer) => ({ filename, contentType: 'application/octet-stream', content });

describe('Outlook .msg files', () => {
  it('reads the subject and body, whatever the file is called', async () => {
    const result = await extractAttachmentText(as('liite.bin', outlookMsg({ subject: 'Asiakkaan tiedot', body: `hetu ${HETU}` })));
    expect(result).toMatchObject({ status: 'scanned', kind: 'msg', text: expect.stringContaining(HETU) });
    expect(result.status === 'scanned' && result.text).toContain('Asiakkaan tiedot');
  });

  it("reads the message's attachments through the same extraction (a DOCX inside a .msg)", async () => {
    const msg = outlookMsg({ subject: 'Välitetty', body: 'Liitteenä.', attachments: [{ filename: 'lausunto.docx', content: docx([`Hetu ${HETU}`]) }] });
    const result = await extractAttachmentText(as('viesti.msg', msg));
    expect(result).toMatchObject({ status: 'scanned', kind: 'msg', text: expect.stringContaining(HETU) });
  });

  it('an unreadable attachment inside makes the message unread, never "scanned"', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
    const msg = outlookMsg({ subject: 'Kuva', body: 'Liitteenä.', attachments: [{ filename: 'kuva.jpg', content: photo }] });
    expect(await extractAttachmentText(as('viesti.msg', msg))).toMatchObject({ status: 'not-scanned', reason: 'image', kind: 'msg' });
  });

  it('another OLE file (legacy .doc, a password-protected DOCX) is reported as not read', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, '/WordDocument', Buffer.alloc(512));
    const doc = CFB.write(cfb, { type: 'buffer' }) as Buffer;
    expect(await extractAttachmentText(as('vanha.doc', doc))).toMatchObject({ status: 'not-scanned', reason: 'unsupported' });
  });
});

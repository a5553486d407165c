/**
 * Decompression and parse bombs attached to outgoing mail: each is read under limits WHILE it is
 * decompressed or parsed, ends as "not scanned" with the limit's reason — never an out-of-memory
 * crash or a hang — and the decision never lets it out as plain mail to the outside, whatever the
 * policy says about files it cannot read. The bombs are generated here, small in memory (a 1 MiB
 * deflate stream that inflates to a gigabyte). Peak memory per bomb: `bench/bombs.bench.ts`.
 */
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { inflateWithin, OverBudget } from '../../../main/services/policy/detectors/bounded-inflate.js';
import { EXTRACTION_LIMITS, extractAttachmentText } from '../../../main/services/policy/detectors/attachment-text.js';
import { prescanPdf } from '../../../main/services/policy/detectors/pdf-stream-budget.js';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { decide } from '../../../main/services/policy/decide.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';
import {
  deeplyNestedMessage,
  deflateBombRaw,
  docxZipBomb,
  emlChain,
  hugeHeaderMessage,
  manyPartsMessage,
  odtZipBomb,
  pdfBomb,
  xlsxZipBomb,
  zipBomb,
} from '../../support/fixtures/bombs.js';
import { docx, pdfWithText } from '../../support/fixtures/documents.js';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const file = (filename: string, content: Buffer, contentType = 'application/octet-stream') => ({ filename, contentType, content });
const HETU = '131052-308T';
/** Smaller budgets keep the tests cheap; the default limits are exercised once, and measured in the bench. */
const SMALL = { ...EXTRACTION_LIMITS, pdfDecodedBytes: 16 * MiB, unzippedBytes: 16 * MiB };

describe('bounded inflate', () => {
  it('stops a gigabyte stream at the budget, having produced no more than the budget and one step', () => {
    let seen = 0;
    const budget = { left: 8 * MiB };
    expect(() => inflateWithin(deflateBombRaw(GiB), budget, { onData: (c) => (seen += c.length) })).toThrow(OverBudget);
    expect(seen).toBeLessThanOrEqual(8 * MiB + 5 * MiB);
  });

  it('charges one budget across streams and keeps the output of ordinary data', () => {
    const budget = { left: 3 * MiB };
    const data = deflateRawSync(Buffer.alloc(2 * MiB, 'a'));
    expect(inflateWithin(data, budget, { keep: true }).output?.length).toBe(2 * MiB);
    expect(() => inflateWithin(data, budget)).toThrow(OverBudget);
  });
});

describe('extraction under limits', () => {
  it('refuses a PDF whose stream inflates to gigabytes before pdf.js reads it', async () => {
    const bomb = pdfBomb(GiB);
    expect(bomb.length).toBeLessThan(4 * MiB);
    expect(prescanPdf(bomb, EXTRACTION_LIMITS.pdfDecodedBytes)).toEqual({ ok: false, reason: 'too-large' });
    expect(await extractAttachmentText(file('paatos.pdf', bomb, 'application/pdf'), SMALL)).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
      kind: 'pdf',
    });
  }, 60_000);

  it('sees through a lying /Length, hex encoding and chained FlateDecode', async () => {
    expect(prescanPdf(pdfBomb(GiB, { filters: 'hex' }), 64 * MiB)).toEqual({ ok: false, reason: 'too-large' });
    const lying = Buffer.from(
      pdfBomb(GiB)
        .toString('latin1')
        .replace(/\/Length \d+/, '/Length 10'),
      'latin1',
    );
    expect(prescanPdf(lying, 64 * MiB)).toEqual({ ok: false, reason: 'too-large' });
    const chained = pdfBomb(GiB, { filters: 'double' });
    expect(chained.length).toBeLessThan(64 * 1024);
    expect(prescanPdf(chained, 64 * MiB)).toEqual({ ok: false, reason: 'too-large' });
  });

  it('still reads an ordinary PDF, counting what it decoded', async () => {
    expect(prescanPdf(pdfWithText(['Hei']), 64 * MiB)).toMatchObject({ ok: true });
    const big = pdfBomb(16 * MiB, { pattern: `BT /F1 9 Tf (${HETU}) Tj ET\n` });
    expect(prescanPdf(big, 64 * MiB)).toMatchObject({ ok: true, decodedBytes: 16 * MiB });
    expect(prescanPdf(big, 8 * MiB)).toEqual({ ok: false, reason: 'too-large' });
  });

  it('runs pdf.js in a worker that is ended at the deadline or when its heap runs out, and the process carries on', async () => {
    const heavy = pdfBomb(16 * MiB, { pattern: `BT /F1 9 Tf (${HETU}) Tj ET\n` });
    expect(await extractAttachmentText(file('raskas.pdf', heavy, 'application/pdf'), { ...SMALL, pdfDecodedBytes: 64 * MiB, millis: 300 })).toMatchObject({
      status: 'not-scanned',
      reason: 'timeout',
    });
    expect(
      await extractAttachmentText(file('raskas.pdf', heavy, 'application/pdf'), { ...SMALL, pdfDecodedBytes: 64 * MiB, millis: 120_000, pdfHeapMb: 16 }),
    ).toMatchObject({ status: 'not-scanned', reason: 'too-large' });
    // The same reader still reads an ordinary PDF afterwards.
    expect(await extractAttachmentText(file('paatos.pdf', pdfWithText([`Hetu ${HETU}`]), 'application/pdf'))).toMatchObject({
      status: 'scanned',
      text: expect.stringContaining(HETU),
    });
  }, 180_000);

  it('refuses DOCX, XLSX and ODT zip bombs whose headers lie about the size', async () => {
    for (const [name, bomb] of [
      ['a.docx', docxZipBomb(GiB)],
      ['a.xlsx', xlsxZipBomb(GiB)],
      ['a.odt', odtZipBomb(GiB)],
      ['b.docx', zipBomb({ '[Content_Types].xml': '<Types/>', 'word/document.xml': 512 * MiB }, { honest: true })],
    ] as const) {
      expect(bomb.length, name).toBeLessThan(3 * MiB);
      expect(await extractAttachmentText(file(name, bomb), SMALL), name).toMatchObject({ status: 'not-scanned', reason: 'too-large' });
    }
    expect(await extractAttachmentText(file('c.docx', docxZipBomb(GiB)))).toMatchObject({ status: 'not-scanned', reason: 'too-large' });
  }, 60_000);

  it('charges every part of one document to the same budget', async () => {
    const parts = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`word/header${i + 1}.xml`, 4 * MiB]));
    const bomb = zipBomb({ 'word/document.xml': '<w:document/>', ...parts });
    expect(await extractAttachmentText(file('a.docx', bomb), { ...SMALL, unzippedBytes: 32 * MiB })).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
  });

  it('refuses 100,000 MIME parts, 1,000 levels of nesting and a 50 MB header in an attached message', async () => {
    expect(await extractAttachmentText(file('a.eml', manyPartsMessage(100_000), 'message/rfc822'))).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
    expect(await extractAttachmentText(file('a.eml', deeplyNestedMessage(1000), 'message/rfc822'))).toMatchObject({
      status: 'not-scanned',
      reason: 'too-deep',
    });
    const header = hugeHeaderMessage(50 * MiB);
    expect(await extractAttachmentText(file('a.eml', header, 'message/rfc822'))).toMatchObject({ status: 'not-scanned', reason: 'too-large' });
    // Under the input size limit, the header limit itself refuses it.
    expect(await extractAttachmentText(file('a.eml', hugeHeaderMessage(4 * MiB), 'message/rfc822'))).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
  }, 60_000);

  it('reads a short chain of attached messages to the document at the bottom, and refuses a long one', async () => {
    expect(await extractAttachmentText(file('a.eml', emlChain(4, `Hetu ${HETU}`), 'message/rfc822'))).toMatchObject({
      status: 'scanned',
      text: expect.stringContaining(HETU),
    });
    expect(await extractAttachmentText(file('a.eml', emlChain(50, `Hetu ${HETU}`), 'message/rfc822'))).toMatchObject({
      status: 'not-scanned',
      reason: 'too-deep',
    });
  });

  it('does not cut text silently: text past the limit is not scanned', async () => {
    const limits = { ...EXTRACTION_LIMITS, textChars: 1000 };
    expect(await extractAttachmentText(file('a.txt', Buffer.from(`${'x'.repeat(2000)} ${HETU}`), 'text/plain'), limits)).toMatchObject({
      status: 'not-scanned',
      reason: 'too-large',
    });
    expect(await extractAttachmentText(file('a.docx', docx(['y'.repeat(2000), HETU])), limits)).toMatchObject({ status: 'not-scanned', reason: 'too-large' });
  });
});

describe('the decision on a bomb', () => {
  const detectors = textDetectors(loadBuiltinVocabulary());
  // A policy that lets files it cannot read (images, archives) go as ordinary mail.
  const lenient = resolvePolicy({ managed: { version: 1, domains: { internal: ['kunta.example'] }, attachments: { notScanned: 'not-sensitive' } } }).policy;

  it('never sends a bomb plain to the outside, even where unreadable kinds of files may go plain', async () => {
    const draft = {
      subject: 'Liite',
      bodyTexts: ['Liitteenä.'],
      attachments: [file('viesti.eml', manyPartsMessage(100_000), 'message/rfc822')],
      recipients: ['asiakas@example.net', 'kollega@kunta.example'],
    };
    const decision = await decide(draft, { policy: lenient, detectors, hasAcceptedKey: async () => false });
    expect(decision.notScanned).toEqual([{ filename: 'viesti.eml', reason: 'too-large' }]);
    expect(decision.recipients.find((r) => r.address === 'asiakas@example.net')?.route).not.toBe('plain');
    expect(decision.route).not.toBe('plain');
    // An image under the same policy still goes as it is: only "not fully read" is tightened.
    const image = { ...draft, attachments: [file('kuva.png', Buffer.from('89504e470d0a1a0a', 'hex'))] };
    expect(await decide(image, { policy: lenient, detectors, hasAcceptedKey: async () => false })).toMatchObject({ route: 'plain' });
  });
});

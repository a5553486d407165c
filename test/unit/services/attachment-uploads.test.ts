/**
 * Attachments travel in pieces (a whole 20 MB file in one bridge message once ended the browser
 * host): the main process assembles them in order, hands out only complete uploads, bounds what it
 * holds, and the composer's uploader cuts files into pieces the contract accepts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttachmentUploads } from '../../../main/services/attachments/attachment-uploads.js';
import { UPLOAD_CHUNK_BYTES, uploadBeginSchema, uploadChunkSchema } from '../../../shared/attachment-upload-schema.js';
import type { SinettiApi } from '../../../shared/contract.js';
import { fail, ok, ServiceError } from '../../../shared/result.js';
import { uploadAttachment } from '../../../renderer/compose/upload-attachment.js';

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ServiceError ? error.code : 'other';
  }
  return 'none';
};

describe('AttachmentUploads', () => {
  it('assembles pieces in order and hands out only a complete upload', () => {
    const uploads = new AttachmentUploads();
    const bytes = randomBytes(2500);
    const { attachmentId } = uploads.begin('muistio.pdf', 'application/pdf', bytes.length);
    expect(code(() => uploads.content(attachmentId))).toBe('VALIDATION');
    expect(uploads.append(attachmentId, 0, bytes.subarray(0, 1000))).toEqual({ received: 1000, complete: false });
    expect(code(() => uploads.append(attachmentId, 2000, bytes.subarray(2000)))).toBe('VALIDATION'); // a gap
    expect(code(() => uploads.append(attachmentId, 500, bytes.subarray(500, 1500)))).toBe('VALIDATION'); // an overlap
    expect(code(() => uploads.append(attachmentId, 1000, Buffer.concat([bytes.subarray(1000), Buffer.from('x')])))).toBe('VALIDATION'); // past the size
    expect(uploads.append(attachmentId, 1000, bytes.subarray(1000))).toEqual({ received: 2500, complete: true });
    expect(uploads.content(attachmentId)).toEqual({ filename: 'muistio.pdf', contentType: 'application/pdf', content: bytes });
  });

  it('refuses unknown and released ids', () => {
    const uploads = new AttachmentUploads();
    const held = uploads.hold('a.txt', 'text/plain', Buffer.from('abc'));
    expect(held).toEqual({ attachmentId: expect.any(String), filename: 'a.txt', contentType: 'text/plain', size: 3 });
    uploads.release([held.attachmentId]);
    expect(code(() => uploads.content(held.attachmentId))).toBe('NOT_FOUND');
    expect(uploads.heldBytes).toBe(0);
  });

  it('bounds what it holds: idle uploads make room, otherwise TOO_LARGE', () => {
    let now = 0;
    const uploads = new AttachmentUploads({ maxHeldBytes: 100, now: () => now });
    const old = uploads.hold('old', 'text/plain', Buffer.alloc(60));
    expect(code(() => uploads.begin('new', 'text/plain', 60))).toBe('TOO_LARGE');
    now = 11 * 60 * 1000;
    const fresh = uploads.begin('new', 'text/plain', 60);
    expect(code(() => uploads.content(old.attachmentId))).toBe('NOT_FOUND');
    expect(uploads.heldBytes).toBe(60);
    expect(fresh.attachmentId).not.toBe(old.attachmentId);
  });
});

describe('the composer uploader', () => {
  it('sends a file in pieces the contract accepts, and the main process ends up with the same bytes', async () => {
    const uploads = new AttachmentUploads();
    const pieces: number[] = [];
    const api = {
      'attachments:upload:begin': async (request: unknown) =>
        ok(uploads.begin(...(Object.values(uploadBeginSchema.parse(request)) as [string, string, number]))),
      'attachments:upload:chunk': async (request: unknown) => {
        const { attachmentId, offset, dataBase64 } = uploadChunkSchema.parse(request);
        pieces.push(dataBase64.length);
        return ok(uploads.append(attachmentId, offset, Buffer.from(dataBase64, 'base64')));
      },
      'attachments:release': async () => ok({}),
    } as unknown as SinettiApi;
    const bytes = randomBytes(Math.floor(3.5 * UPLOAD_CHUNK_BYTES));
    const file = Object.assign(new Blob([bytes], { type: 'application/pdf' }), { name: 'iso.pdf' });
    const result = await uploadAttachment(api, file);
    expect(result).toEqual({ ok: true, value: { attachmentId: expect.any(String), filename: 'iso.pdf', contentType: 'application/pdf', size: bytes.length } });
    expect(pieces).toHaveLength(4);
    expect(uploads.content((result as { value: { attachmentId: string } }).value.attachmentId).content.equals(bytes)).toBe(true);
  });

  it('reports a refused piece and lets the partial upload go', async () => {
    const released: unknown[] = [];
    const api = {
      'attachments:upload:begin': async () => ok({ attachmentId: 'id-1' }),
      'attachments:upload:chunk': async () => fail('NOT_FOUND', 'gone'),
      'attachments:release': async (request: unknown) => {
        released.push(request);
        return ok({});
      },
    } as unknown as SinettiApi;
    const file = Object.assign(new Blob([Buffer.alloc(10)]), { name: 'x.bin' });
    expect(await uploadAttachment(api, file)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(released).toEqual([{ attachmentIds: ['id-1'] }]);
  });
});

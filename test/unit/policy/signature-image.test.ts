/**
 * A logo in a signature (a small image the HTML body shows inline) does not make ordinary mail
 * "not scanned"; a large inline image (a scanned page, a photo of a form) and any image attached
 * as a file still do.
 */
import MimeNode from 'nodemailer/lib/mime-node';
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../main/cli/policy.js';
import { imageSize, isSignatureImage } from '../../../main/services/policy/detectors/signature-image.js';

function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(16)]);
}

const gif = (width: number, height: number) => {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
};

describe('image size from the header', () => {
  it('reads PNG, JPEG and GIF, and nothing else', () => {
    expect(imageSize(png(200, 60))).toEqual({ width: 200, height: 60 });
    expect(imageSize(jpeg(1240, 1754))).toEqual({ width: 1240, height: 1754 });
    expect(imageSize(gif(88, 31))).toEqual({ width: 88, height: 31 });
    expect(imageSize(Buffer.from('not an image'))).toBeNull();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff]))).toBeNull();
  });

  it('a signature image is inline, small in pixels and in bytes', () => {
    expect(isSignatureImage({ contentType: 'image/png', content: png(200, 60), referencedInline: true })).toBe(true);
    expect(isSignatureImage({ contentType: 'image/png', content: png(200, 60), referencedInline: false })).toBe(false);
    expect(isSignatureImage({ contentType: 'image/jpeg', content: jpeg(1240, 1754), referencedInline: true })).toBe(false);
    expect(isSignatureImage({ contentType: 'image/png', content: Buffer.concat([png(200, 60), Buffer.alloc(200_000)]), referencedInline: true })).toBe(false);
  });
});

async function mail(image: Buffer, inline: boolean): Promise<Buffer> {
  const root = new MimeNode('multipart/related');
  root.setHeader({ from: 'maija@kunta.example', to: 'kumppani@example.net', subject: 'Kokous' });
  root.createChild('text/html; charset=utf-8').setContent('<p>Nähdään torstaina.</p><p>Maija<br><img src="cid:logo@kunta.example" alt="Kunta"></p>');
  const part = root.createChild('image/png', inline ? {} : { filename: 'logo.png' });
  part.setHeader(
    inline ? { 'Content-ID': '<logo@kunta.example>', 'Content-Disposition': 'inline' } : { 'Content-Disposition': 'attachment; filename=kuva.png' },
  );
  part.setContent(image);
  return new Promise((resolve, reject) => root.build((error: Error | null, raw: Buffer) => (error ? reject(error) : resolve(raw))));
}

describe('a signature logo in a message to an outside address', () => {
  it('leaves ordinary mail ordinary', async () => {
    const decision = await checkMessage(await mail(png(200, 60), true), null);
    expect(decision).toMatchObject({ route: 'plain', sensitive: false, notScanned: [] });
  });

  it('a large inline image, or the same image attached as a file, is still not scanned', async () => {
    expect((await checkMessage(await mail(jpeg(1240, 1754), true), null)).notScanned).toHaveLength(1);
    expect((await checkMessage(await mail(png(200, 60), false), null)).notScanned).toHaveLength(1);
  });
});

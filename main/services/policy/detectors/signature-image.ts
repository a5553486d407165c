/**
 * A small image shown inside the message body — the organisation's logo in a signature — is not
 * client data, and must not make every outside message "not scanned" (today's false positive:
 * one logo turned ordinary mail into mail that needs encryption). It qualifies only when all of
 * this holds: it is referenced from the HTML body (inline, with a Content-ID the body uses), it is
 * a PNG, GIF or JPEG whose own header gives its size, it is at most 600 × 300 pixels and 100 KB.
 * A scanned page, a photo of a form or a screenshot is larger and stays "not scanned".
 */
export const SIGNATURE_IMAGE_LIMITS = { width: 600, height: 300, bytes: 100 * 1024 };

export interface InlineImageCandidate {
  contentType: string;
  content: Uint8Array;
  /** The HTML body refers to this part by its Content-ID (`<img src="cid:…">`). */
  referencedInline?: boolean;
}

export function isSignatureImage(file: InlineImageCandidate): boolean {
  if (!file.referencedInline || file.content.length > SIGNATURE_IMAGE_LIMITS.bytes) return false;
  const size = imageSize(file.content);
  return size !== null && size.width <= SIGNATURE_IMAGE_LIMITS.width && size.height <= SIGNATURE_IMAGE_LIMITS.height;
}

/** Width and height from a PNG, GIF or JPEG header; null for anything else or a damaged header. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (i: number, ...sig: number[]) => sig.every((b, k) => bytes[i + k] === b);
  if (bytes.length >= 24 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) && at(12, 0x49, 0x48, 0x44, 0x52)) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && at(0, 0x47, 0x49, 0x46, 0x38)) return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (bytes.length >= 4 && at(0, 0xff, 0xd8)) {
    // Walk the JPEG segments to the first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const length = view.getUint16(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) };
      }
      if (length < 2) return null;
      i += 2 + length;
    }
  }
  return null;
}

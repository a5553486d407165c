import type { AttachmentContent } from '../../shared/domain.js';

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Hands the file to the host's download path (Electron shows a save dialog, a browser asks).
 * Always typed application/octet-stream so an HTML or SVG attachment can never render as a page
 * under the app's origin.
 */
export function saveAttachment(content: AttachmentContent, doc: Document = document): void {
  const blob = new Blob([base64ToBytes(content.contentBase64)], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const anchor = doc.createElement('a');
  anchor.href = url;
  anchor.download = content.filename || 'liite';
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  doc.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

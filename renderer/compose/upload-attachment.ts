/**
 * Hands a picked or dropped file to the main process in pieces (`attachments:upload:*`), so no
 * single request grows with the file: the composer then names it by id in checks, sends and
 * drafts. One home for reading files in the composer; the same calls go over Electron IPC and the
 * browser host's socket.
 */
import { UPLOAD_CHUNK_BYTES } from '../../shared/attachment-upload-schema.js';
import type { SinettiApi } from '../../shared/contract.js';
import { ok, type Result } from '../../shared/result.js';
import type { ComposeAttachment } from './compose-state.js';

type UploadApi = Pick<SinettiApi, 'attachments:upload:begin' | 'attachments:upload:chunk' | 'attachments:release'>;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * A piece as base64. The browser's own encoder (a data: URL) is used where there is one: encoding
 * in script took about a second per MiB in Chromium, which made a 60 MB upload take over a minute.
 */
function pieceToBase64(piece: Blob): Promise<string> {
  if (typeof FileReader === 'undefined') return piece.arrayBuffer().then((buffer) => bytesToBase64(new Uint8Array(buffer)));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(piece);
  });
}

export async function uploadAttachment(api: UploadApi, file: Blob & { name: string }): Promise<Result<ComposeAttachment>> {
  const contentType = file.type || 'application/octet-stream';
  const begun = await api['attachments:upload:begin']({ filename: file.name, contentType, size: file.size });
  if (!begun.ok) return begun;
  const { attachmentId } = begun.value;
  for (let offset = 0; offset < file.size; offset += UPLOAD_CHUNK_BYTES) {
    const dataBase64 = await pieceToBase64(file.slice(offset, offset + UPLOAD_CHUNK_BYTES));
    const sent = await api['attachments:upload:chunk']({ attachmentId, offset, dataBase64 });
    if (!sent.ok) {
      void api['attachments:release']({ attachmentIds: [attachmentId] });
      return sent;
    }
  }
  return ok({ attachmentId, filename: file.name, contentType, size: file.size });
}

/** Uploads the files one after another; the ones that made it, and the first error if any did not. */
export async function uploadAttachments(
  api: UploadApi,
  files: readonly (Blob & { name: string })[],
): Promise<{ added: ComposeAttachment[]; error: Result<never> | null }> {
  const added: ComposeAttachment[] = [];
  for (const file of files) {
    const result = await uploadAttachment(api, file);
    if (!result.ok) return { added, error: result };
    added.push(result.value);
  }
  return { added, error: null };
}

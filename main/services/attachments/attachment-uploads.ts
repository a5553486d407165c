/**
 * The bytes of the composer's attachments, held in the main process (memory only, never on disk)
 * from the upload until the composer lets them go. Invariants:
 * - an upload has a declared size and receives its pieces in order, each right after the
 *   previous one; anything else (a gap, an overlap, more bytes than declared) is refused and
 *   nothing is half-used: only a complete upload can be named in a check, a send or a draft;
 * - what is held at once is bounded (MAX_HELD_BYTES): uploads left idle the longest go first,
 *   and a new upload that still would not fit is refused with TOO_LARGE;
 * - ids are random UUIDs, so one upload cannot be guessed from another.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../shared/result.js';
import type { StagedAttachment } from '../../../shared/attachment-upload-schema.js';

/** Twenty attachments at the largest size a policy allows in practice, with room for a second composer. */
export const MAX_HELD_BYTES = 512 * 1024 * 1024;
/** An upload nobody used for this long may be dropped to make room. */
const IDLE_EVICTABLE_MS = 10 * 60 * 1000;

interface Upload {
  filename: string;
  contentType: string;
  bytes: Buffer;
  received: number;
  lastUsed: number;
}

export interface AttachmentContent {
  filename: string;
  contentType: string;
  content: Buffer;
}

export class AttachmentUploads {
  private readonly uploads = new Map<string, Upload>();
  private held = 0;

  constructor(private readonly options: { maxHeldBytes?: number; now?: () => number } = {}) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  begin(filename: string, contentType: string, size: number): { attachmentId: string } {
    this.makeRoom(size);
    const attachmentId = randomUUID();
    this.uploads.set(attachmentId, { filename, contentType, bytes: Buffer.alloc(size), received: 0, lastUsed: this.now() });
    this.held += size;
    return { attachmentId };
  }

  append(attachmentId: string, offset: number, piece: Buffer): { received: number; complete: boolean } {
    const upload = this.find(attachmentId);
    if (offset !== upload.received) throw new ServiceError('VALIDATION', `Upload piece at ${offset}, expected ${upload.received}.`);
    if (offset + piece.length > upload.bytes.length) throw new ServiceError('VALIDATION', 'The upload is larger than its declared size.');
    piece.copy(upload.bytes, offset);
    upload.received += piece.length;
    upload.lastUsed = this.now();
    return { received: upload.received, complete: upload.received === upload.bytes.length };
  }

  /** Holds bytes the main process already has (a reopened draft's attachments). */
  hold(filename: string, contentType: string, content: Buffer): StagedAttachment {
    const { attachmentId } = this.begin(filename, contentType, content.length);
    this.append(attachmentId, 0, content);
    return { attachmentId, filename, contentType, size: content.length };
  }

  /** A complete upload's bytes; refused while pieces are missing or when the id is unknown. */
  content(attachmentId: string): AttachmentContent {
    const upload = this.find(attachmentId);
    if (upload.received !== upload.bytes.length) throw new ServiceError('VALIDATION', 'The attachment has not been uploaded completely.');
    upload.lastUsed = this.now();
    return { filename: upload.filename, contentType: upload.contentType, content: upload.bytes };
  }

  release(attachmentIds: readonly string[]): void {
    for (const id of attachmentIds) {
      const upload = this.uploads.get(id);
      if (!upload) continue;
      this.uploads.delete(id);
      this.held -= upload.bytes.length;
    }
  }

  get heldBytes(): number {
    return this.held;
  }

  private find(attachmentId: string): Upload {
    const upload = this.uploads.get(attachmentId);
    if (!upload) throw new ServiceError('NOT_FOUND', 'The attachment is no longer held: add it again.');
    return upload;
  }

  private makeRoom(size: number): void {
    const max = this.options.maxHeldBytes ?? MAX_HELD_BYTES;
    if (this.held + size <= max) return;
    const idle = [...this.uploads.entries()].filter(([, u]) => this.now() - u.lastUsed >= IDLE_EVICTABLE_MS).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [id] of idle) {
      if (this.held + size <= max) break;
      this.release([id]);
    }
    if (this.held + size > max) throw new ServiceError('TOO_LARGE', 'Too many attachments are waiting to be sent: send or close other messages first.');
  }
}

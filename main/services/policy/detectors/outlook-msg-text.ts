/**
 * Text of an Outlook message saved as a file (`.msg`, an OLE compound file), read with
 * @kenjiuno/msgreader: subject, plain, HTML (with its hidden text) and compressed-RTF bodies, and
 * every attachment through the same extraction as any other file. An embedded message is read
 * from its own fields; one that carries attachments of its own is not read (it is reported, and
 * the decision counts it as unread), rather than half read.
 */
import { decompressRTF } from '@kenjiuno/decompressrtf';
import MsgReaderModule from '@kenjiuno/msgreader';
import type { FieldsData } from '@kenjiuno/msgreader';
import { htmlHiddenText, htmlToDetectorText } from './html-text.js';
import { rtfText } from './rtf-text.js';

// The package is CommonJS with a default export: under Node's ESM loader it arrives one level down.
const MsgReader = ((MsgReaderModule as unknown as { default?: typeof MsgReaderModule }).default ?? MsgReaderModule) as typeof MsgReaderModule;

export interface MsgAttachment {
  filename: string;
  content: Uint8Array;
}

export type MsgReading = { ok: true; texts: string[]; attachments: MsgAttachment[] } | { ok: false; reason: 'not-a-message' | 'unsupported' | 'too-large' };

/** Whether an OLE compound file is an Outlook message (it has MAPI property streams). */
export function readOutlookMessage(bytes: Uint8Array, maxAttachments: number, maxChars: number): MsgReading {
  const reader = new MsgReader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const data = reader.getFileData();
  if (
    data.error ||
    (data.subject === undefined && data.body === undefined && data.bodyHtml === undefined && data.compressedRtf === undefined && !data.attachments?.length)
  )
    return { ok: false, reason: 'not-a-message' };
  const texts = fieldTexts(data, maxChars);
  const attachments: MsgAttachment[] = [];
  const list = data.attachments ?? [];
  if (list.length > maxAttachments) return { ok: false, reason: 'too-large' };
  for (const attachment of list) {
    if (attachment.innerMsgContent) {
      const inner = attachment.innerMsgContentFields;
      if (!inner || (inner.attachments?.length ?? 0) > 0) return { ok: false, reason: 'unsupported' };
      texts.push(...fieldTexts(inner, maxChars));
      continue;
    }
    const file = reader.getAttachment(attachment);
    attachments.push({ filename: file.fileName ?? attachment.fileName ?? '', content: file.content });
  }
  return { ok: true, texts, attachments };
}

function fieldTexts(data: FieldsData, maxChars: number): string[] {
  const texts = [data.subject ?? '', data.body ?? '', data.senderName ?? ''];
  const html = data.bodyHtml ?? (data.html ? new TextDecoder('utf-8').decode(data.html) : undefined);
  if (html) texts.push(htmlToDetectorText(html), htmlHiddenText(html));
  if (data.compressedRtf) texts.push(rtfText(Uint8Array.from(decompressRTF([...data.compressedRtf])), maxChars));
  for (const recipient of data.recipients ?? []) texts.push(recipient.name ?? '');
  return texts;
}

/**
 * The text of an original message that a reply quotes or an inline forward carries — read here,
 * in the main process, never handed over by the renderer. Only the message's OWN root body is
 * used:
 *  - a plain message: its text parts reached without entering an attached message (message/*)
 *    or an encrypted part (multipart/encrypted), chosen by BODYSTRUCTURE so attachments are never
 *    downloaded;
 *  - an encrypted message: only the text decrypted from the encrypted root (RFC 3156), and inside
 *    it again nothing from attached messages or nested encrypted parts (never decrypted here).
 * A message that cannot be decrypted is quoted as nothing, never as its ciphertext.
 * (The reading side has its own loader; this module is deliberately self-contained so the two
 * can be reconciled without tangling quoting into message display.)
 */
import type { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';
import type { Address, Locale } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import { isPgpMimeEncrypted } from '../crypto/pgp-mime-reader.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { htmlToDetectorText } from '../policy/detectors/html-text.js';
import type { BodyStructureNode } from './message-row.js';
import { parseFailure } from './structure-limits.js';
import { readEncryptedRoot } from './message-security.js';

/** A quote longer than this is cut (a reply does not need a book). */
export const MAX_QUOTED_CHARS = 200_000;
/**
 * Text parts quoted at most, each one download: a reply to a message of thousands of parts took
 * minutes fetching them one by one (197 s for 100,000) to quote what no one reads.
 */
export const MAX_QUOTED_PARTS = 20;
const MAX_PART_BYTES = 10 * 1024 * 1024;
const MAX_ENCRYPTED_BYTES = 40 * 1024 * 1024;

interface TextPart {
  part: string;
  type: 'text/plain' | 'text/html';
}

const typeOf = (node: BodyStructureNode) => (node.type ?? 'text/plain').toLowerCase();
const isAttachment = (node: BodyStructureNode) => (node.disposition ?? '').toLowerCase() === 'attachment';

/**
 * The root body's text parts: in multipart/alternative the plain alternative (HTML only when
 * there is none), in multipart/signed only the signed content, never anything below message/*
 * or multipart/encrypted.
 */
export function rootTextParts(structure: BodyStructureNode): TextPart[] {
  const out: TextPart[] = [];
  const visit = (node: BodyStructureNode, part: string): void => {
    const type = typeOf(node);
    if (type.startsWith('message/') || type === 'multipart/encrypted') return;
    const children = node.childNodes ?? [];
    if (type.startsWith('multipart/')) {
      const path = (i: number) => children[i]!.part ?? (part ? `${part}.${i + 1}` : String(i + 1));
      if (type === 'multipart/signed') {
        if (children[0]) visit(children[0], path(0));
        return;
      }
      if (type === 'multipart/alternative') {
        const plain = children.findIndex((c) => typeOf(c) === 'text/plain' && !isAttachment(c));
        const html = children.findIndex((c) => typeOf(c) === 'text/html' && !isAttachment(c));
        const chosen = plain >= 0 ? plain : html >= 0 ? html : children.findIndex((c) => typeOf(c).startsWith('multipart/'));
        if (chosen >= 0) visit(children[chosen]!, path(chosen));
        return;
      }
      children.forEach((child, i) => visit(child, path(i)));
      return;
    }
    if ((type === 'text/plain' || type === 'text/html') && !isAttachment(node)) out.push({ part: node.part ?? (part || '1'), type });
  };
  visit(structure, '');
  return out;
}

/** Text of a parsed MIME entity's own body: attached messages stay attachments (postal-mime would inline them). */
export async function mimeRootText(mime: Buffer): Promise<{ text: string; subject?: string }> {
  let parsed;
  try {
    parsed = await PostalMime.parse(mime, { attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true });
  } catch (error) {
    throw parseFailure(error);
  }
  return { text: normalise(parsed.text ?? (parsed.html ? htmlToDetectorText(parsed.html) : '')), ...(parsed.subject ? { subject: parsed.subject } : {}) };
}

const normalise = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').slice(0, MAX_QUOTED_CHARS);

async function download(client: ImapFlow, uid: number, part: string, maxBytes: number): Promise<Buffer> {
  const { content } = await client.download(String(uid), part, { uid: true, maxBytes });
  if (!content) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The original's own root body as text, fetched over the connection given; for an encrypted
 * message also the protected subject from inside the encryption.
 */
export async function fetchRootText(
  client: ImapFlow,
  uid: number,
  structure: BodyStructureNode,
  from: string,
  keys?: KeyProvider,
): Promise<{ text: string; subject?: string }> {
  if (isPgpMimeEncrypted(structure)) {
    if (!keys) return { text: '' };
    // The reading pipeline's own reading, so the protected subject is the one the app shows
    // (also when it sits in the signed part of a signed, then encrypted message).
    const opened = await readEncryptedRoot(await download(client, uid, '2', MAX_ENCRYPTED_BYTES), from, keys);
    if (!opened.mime) return { text: '' };
    const inner = await mimeRootText(opened.mime);
    return { text: inner.text, ...(opened.protectedSubject ? { subject: opened.protectedSubject } : {}) };
  }
  const texts: string[] = [];
  let chars = 0;
  for (const { part, type } of rootTextParts(structure).slice(0, MAX_QUOTED_PARTS)) {
    // imapflow decodes the transfer encoding and converts text parts to UTF-8.
    const body = (await download(client, uid, part, MAX_PART_BYTES)).toString('utf8');
    const text = type === 'text/html' ? htmlToDetectorText(body) : body;
    texts.push(text);
    chars += text.length;
    // The quote is cut at MAX_QUOTED_CHARS anyway: no more downloads once it is full.
    if (chars >= MAX_QUOTED_CHARS) break;
  }
  return { text: normalise(texts.join('\n\n')) };
}

const ATTRIBUTION: Record<Locale, (when: string, who: string) => string> = {
  fi: (when, who) => `${when} ${who} kirjoitti:`,
  'sv-FI': (when, who) => `${when} skrev ${who}:`,
  en: (when, who) => `On ${when}, ${who} wrote:`,
};

const FORWARD_LABELS: Record<Locale, { title: string; from: string; date: string; subject: string; to: string; cc: string }> = {
  fi: { title: 'Välitetty viesti', from: 'Lähettäjä', date: 'Päivämäärä', subject: 'Aihe', to: 'Vastaanottaja', cc: 'Kopio' },
  'sv-FI': { title: 'Vidarebefordrat meddelande', from: 'Från', date: 'Datum', subject: 'Ämne', to: 'Till', cc: 'Kopia' },
  en: { title: 'Forwarded message', from: 'From', date: 'Date', subject: 'Subject', to: 'To', cc: 'Cc' },
};

const who = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
const when = (date: number, locale: Locale) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Helsinki' }).format(new Date(date));

/**
 * Armored OpenPGP blocks are never quoted, not even as ciphertext: the reply-based decryption
 * oracles ("Re: What's up Johnny", Schwenk et al. 2019) embed someone's old ciphertext in a
 * message and wait for a client to decrypt it into the quote. Nothing here decrypts inline PGP,
 * so the block is replaced by a marker in the person's language.
 */
const ARMORED_BLOCK = /-----BEGIN PGP (?:MESSAGE|SIGNED MESSAGE)-----[\s\S]*?(?:-----END PGP (?:MESSAGE|SIGNATURE)-----|$)/g;
const NOT_QUOTED: Record<Locale, string> = {
  fi: '[salattua sisältöä ei lainattu]',
  'sv-FI': '[krypterat innehåll citeras inte]',
  en: '[encrypted content not quoted]',
};

export function withoutArmoredBlocks(text: string, locale: Locale): string {
  return text.replace(ARMORED_BLOCK, NOT_QUOTED[locale]);
}

/** "> "-quoted text under an attribution line in the person's language. Empty text: no quote at all. */
export function quoteForReply(text: string, original: { from: Address; date: number }, locale: Locale): string {
  if (!text.trim()) return '';
  const quoted = text.split('\n').map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`.trimEnd()));
  return `${ATTRIBUTION[locale](when(original.date, locale), who(original.from))}\n${quoted.join('\n')}`;
}

/** The inline forward block: the original's headers and its own root body. */
export function forwardBlock(text: string, original: { from: Address; to: Address[]; cc: Address[]; date: number; subject: string }, locale: Locale): string {
  const l = FORWARD_LABELS[locale];
  const lines = [
    `---------- ${l.title} ----------`,
    `${l.from}: ${who(original.from)}`,
    `${l.date}: ${when(original.date, locale)}`,
    `${l.subject}: ${original.subject}`,
  ];
  if (original.to.length) lines.push(`${l.to}: ${original.to.map(who).join(', ')}`);
  if (original.cc.length) lines.push(`${l.cc}: ${original.cc.map(who).join(', ')}`);
  return `${lines.join('\n')}\n\n${text}`;
}

/** "Re: x" once, whatever prefixes the original already had (Re, VS, SV, Fwd, VL, VB). */
export function prefixedSubject(subject: string, prefix: 'Re:' | 'Fwd:'): string {
  const bare = subject.replace(/^(\s*(re|vs|sv|aw|fwd?|vl|vb)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
  return `${prefix} ${bare}`;
}

/**
 * Who a reply goes to: Reply-To (else From); reply-all adds the other To and Cc recipients.
 * The person's own addresses (every identity they send as) are left out, each address once.
 */
export function replyRecipients(
  original: { from: Address[]; replyTo: Address[]; to: Address[]; cc: Address[] },
  all: boolean,
  own: string[],
): { to: string[]; cc: string[] } {
  const mine = new Set(own.map((a) => a.toLowerCase()));
  const seen = new Set<string>();
  const take = (list: Address[]) => list.map((a) => a.address.toLowerCase()).filter((a) => a && !mine.has(a) && !seen.has(a) && (seen.add(a), true));
  const primary = original.replyTo.length ? original.replyTo : original.from;
  const to = take(primary);
  // Answering the person's own message (from Sent) goes to its recipients.
  if (!all) return { to: to.length ? to : take(original.to), cc: [] };
  const others = take([...original.to, ...original.cc]);
  return to.length ? { to, cc: others } : { to: others, cc: [] };
}

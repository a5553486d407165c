/**
 * What a reply (or forward) may quote from the original. The "Re: What's up Johnny" attacks
 * (Schwenk et al., 2019) turn a reply into a decryption oracle: the attacker embeds someone's old
 * ciphertext in a message, the client decrypts it, and the reply quotes the plaintext back. So:
 *   - only the body the message view shows may be quoted, and the main process never puts text
 *     from nested encrypted parts into it (message-security.ts: they stay unopened);
 *   - armored PGP blocks are never quoted, not even as ciphertext;
 *   - text decrypted from an inline PGP message is not quoted: such a reply is not known to stay
 *     encrypted (only a PGP/MIME root marks the conversation secure for the send gate);
 *   - nothing is quoted from a message that did not open (failed, locked, no key).
 */
import type { MessageView } from '../../shared/domain.js';

const ARMORED_BLOCK = /-----BEGIN PGP (?:MESSAGE|SIGNED MESSAGE)-----[\s\S]*?(?:-----END PGP (?:MESSAGE|SIGNATURE)-----|$)/g;

export interface QuoteTexts {
  /** "On {date}, {sender} wrote:" already formatted. */
  header: string;
  /** Put in place of anything left out ("[encrypted content not quoted]"). */
  omitted: string;
}

/** The quotable text of the original, or '' when nothing may be quoted. */
export function quotableText(view: MessageView, omitted: string): string {
  const crypto = view.crypto;
  if (crypto && crypto.decryption !== 'decrypted' && crypto.decryption !== 'not-encrypted') return '';
  if (crypto?.inline && crypto.decryption === 'decrypted') return omitted;
  const text = view.text ?? '';
  return text.replace(ARMORED_BLOCK, omitted).trim();
}

/** The reply body: a blank line for the answer, then the original quoted with "> ". */
export function replyBody(view: MessageView, texts: QuoteTexts): string {
  const quoted = quotableText(view, texts.omitted);
  if (!quoted) return '';
  return `\n\n${texts.header}\n${quoted
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n')}\n`;
}

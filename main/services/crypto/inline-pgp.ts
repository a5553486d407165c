/**
 * Inline PGP in text parts. An armored block is opened as THE message only when it is the whole
 * text body of the message (whitespace aside): then decryption and signature count for the
 * message under the same rules as PGP/MIME. A block after ordinary text, or in a deeper part, is
 * never decrypted or verified automatically and never merged with other text — that is how
 * EFAIL-style and "Re: What's up Johnny" oracles get a client to decrypt old ciphertext into a
 * document the attacker controls. Such blocks are reported as unopened.
 */
import { readCleartextMessage, verify } from 'openpgp';
import type { CryptoStatus } from '../../../shared/domain.js';
import type { KeyProvider } from './key-provider.js';
import { checkSignatures } from './message-crypto.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';
import { openEncrypted } from './pgp-mime-reader.js';
import { NO_SIGNATURE, signatureVerdict, type SignatureCheck } from './signature-verdict.js';

export type InlineKind = 'inline-encrypted' | 'inline-signed';

// Armor lines may end in non-breaking spaces (U+00A0): some mail programs write them, encoded
// as =C2=A0 in quoted-printable, into the armor's blank and header lines.
const MESSAGE_BEGIN = /^-----BEGIN PGP MESSAGE-----[ \t\u00a0]*$/gm;
const SIGNED_BEGIN = /^-----BEGIN PGP SIGNED MESSAGE-----[ \t\u00a0]*$/gm;
const SIGNATURE_BEGIN = /^-----BEGIN PGP SIGNATURE-----[ \t\u00a0]*$/gm;

/** The kinds of armored blocks that start a line anywhere in the text. */
export function inlineBlocksIn(text: string): InlineKind[] {
  const kinds: InlineKind[] = [];
  if (text.match(MESSAGE_BEGIN)) kinds.push('inline-encrypted');
  if (text.match(SIGNED_BEGIN)) kinds.push('inline-signed');
  return kinds;
}

/** The kind of block when the whole text is exactly one armored block, else null. */
export function wholeBodyBlock(text: string): InlineKind | null {
  const body = text.trim();
  const messages = body.match(MESSAGE_BEGIN)?.length ?? 0;
  const signed = body.match(SIGNED_BEGIN)?.length ?? 0;
  if (messages === 1 && signed === 0 && body.startsWith('-----BEGIN PGP MESSAGE-----') && /\n-----END PGP MESSAGE-----$/.test(body)) return 'inline-encrypted';
  if (signed === 1 && messages === 0 && body.startsWith('-----BEGIN PGP SIGNED MESSAGE-----') && /\n-----END PGP SIGNATURE-----$/.test(body)) {
    // Exactly one signature block, at the end: nothing unsigned may follow or hide in between.
    if ((body.match(SIGNATURE_BEGIN)?.length ?? 0) === 1) return 'inline-signed';
  }
  return null;
}

const trimArmorLine = (line: string) => line.replace(/[ \t\r\u00a0]+$/, '');

/**
 * Trailing spaces, tabs and non-breaking spaces removed from the armor's own lines, so a blank
 * line that holds a U+00A0 is blank again. The signed text of a cleartext signature is left
 * exactly as it is (its bytes are what was signed); only its armor header lines and the
 * signature block are tidied.
 */
export function normalizeArmorWhitespace(text: string, kind: InlineKind): string {
  const lines = text.split('\n');
  if (kind === 'inline-encrypted') return lines.map(trimArmorLine).join('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    lines[i] = trimArmorLine(lines[i]!);
    if (lines[i] === '') break;
  }
  let signature = -1;
  for (let j = lines.length - 1; j > i; j--) {
    if (/^-----BEGIN PGP SIGNATURE-----[ \t\r\u00a0]*$/.test(lines[j]!)) {
      signature = j;
      break;
    }
  }
  if (signature > 0) for (let j = signature; j < lines.length; j++) lines[j] = trimArmorLine(lines[j]!);
  return lines.join('\n');
}

export interface OpenedInline {
  status: CryptoStatus;
  /** The decrypted or signed text; absent unless decryption (when encrypted) succeeded. */
  text?: string;
}

/** Opens a whole-body block (see wholeBodyBlock) as the message. */
export async function openInline(text: string, kind: InlineKind, fromAddress: string, keys: KeyProvider): Promise<OpenedInline> {
  const body = normalizeArmorWhitespace(text.trim(), kind);
  if (kind === 'inline-encrypted') {
    const opened = await openEncrypted(Buffer.from(body, 'utf8'), fromAddress, keys);
    // Inline plaintext is text, not a MIME entity: it cannot carry protected headers.
    const status: CryptoStatus = { ...opened.status, protectedSubject: false, inline: true };
    return opened.mime ? { status, text: new TextDecoder('utf-8').decode(opened.mime) } : { status };
  }
  let message;
  try {
    message = await readCleartextMessage({ cleartextMessage: body, config: OPENPGP_CONFIG });
  } catch {
    return {
      status: { decryption: 'not-encrypted', recipientKeyIds: [], signature: { status: 'bad', signerUserIds: [] }, protectedSubject: false, inline: true },
    };
  }
  const verificationKeys = await keys.verificationKeys();
  let checks: SignatureCheck[] = [];
  try {
    const result = await verify({ message, verificationKeys, config: OPENPGP_CONFIG, expectSigned: false });
    checks = await checkSignatures(result.signatures, verificationKeys);
  } catch {
    checks = [];
  }
  const signature = checks.length
    ? await signatureVerdict(checks, verificationKeys, fromAddress, { coversMessage: true })
    : { ...NO_SIGNATURE, status: 'bad' as const };
  return { status: { decryption: 'not-encrypted', recipientKeyIds: [], signature, protectedSubject: false, inline: true }, text: message.getText() };
}

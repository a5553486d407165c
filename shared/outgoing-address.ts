/**
 * Outgoing recipient addresses, one rule for the composer and the main process (the main process
 * validates again; the renderer's check is only for the chips). Parsed with the address parser
 * nodemailer itself uses, then held to a strict subset of RFC 5322 that every SMTP server and
 * gateway reads the same way:
 *  - no quoted local parts ("a b"@x.fi) and no comments (a@x.fi (Matti)): both are places where
 *    two parsers disagree about who the recipient is;
 *  - an ASCII dot-atom local part (a non-ASCII local part needs SMTPUTF8, which we do not assume);
 *  - internationalised domains (IDN) accepted in Unicode or punycode: SMTP and the policy see the
 *    punycode form (`ascii`), people see the Unicode form (`display`).
 */
import addressparser from 'nodemailer/lib/addressparser';
import { toASCII, toUnicode } from 'nodemailer/lib/punycode';

export interface OutgoingAddress {
  /** What SMTP, the policy and the key lookup use: lower-case, punycode domain. */
  ascii: string;
  /** What the person sees: the domain in Unicode. */
  display: string;
  /** The display name given with it, if any (never sent: recipients are addressed by address). */
  name: string;
}

export type AddressProblem = 'empty' | 'quoted-local-part' | 'comment' | 'several' | 'invalid-local-part' | 'invalid-domain' | 'too-long';

export type AddressCheck = { ok: true; address: OutgoingAddress } | { ok: false; problem: AddressProblem; input: string };

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Is there a '(' outside quoted strings and outside the <angle address>? That is an RFC 5322 comment. */
function hasComment(input: string): boolean {
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '(' || c === ')')) return true;
  }
  return false;
}

/** The domain in punycode, or null when it is no host name a mail server can be looked up by. */
export function asciiDomain(domain: string): string | null {
  let ascii: string;
  try {
    ascii = toASCII(domain.normalize('NFC').toLowerCase());
  } catch {
    return null;
  }
  if (ascii.length > 253 || !ascii.includes('.')) return null;
  const labels = ascii.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  // The top-level label is letters (or an IDN TLD), never numbers: 10.0.0.1 is not a mail domain here.
  const tld = labels.at(-1)!;
  return /^[a-z]{2,63}$/.test(tld) || tld.startsWith('xn--') ? ascii : null;
}

/** One recipient as typed or picked: `a@x.fi`, `Matti <a@x.fi>`, `pekka@äänekoski.fi`. */
export function checkOutgoingAddress(input: string): AddressCheck {
  const raw = input.trim();
  if (!raw) return { ok: false, problem: 'empty', input };
  if (raw.length > 320) return { ok: false, problem: 'too-long', input };
  if (hasComment(raw)) return { ok: false, problem: 'comment', input };
  const parsed = addressparser(raw, { flatten: true });
  if (parsed.length !== 1) return { ok: false, problem: parsed.length ? 'several' : 'empty', input };
  const { address, name } = parsed[0]!;
  if (!address) return { ok: false, problem: 'empty', input };
  if (address.startsWith('"') || address.includes('"')) return { ok: false, problem: 'quoted-local-part', input };
  const at = address.lastIndexOf('@');
  if (at <= 0) return { ok: false, problem: 'invalid-local-part', input };
  const local = address.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) return { ok: false, problem: 'invalid-local-part', input };
  const domain = asciiDomain(address.slice(at + 1));
  if (!domain) return { ok: false, problem: 'invalid-domain', input };
  const ascii = `${local.toLowerCase()}@${domain}`;
  if (ascii.length > 254) return { ok: false, problem: 'too-long', input };
  let unicodeDomain = domain;
  try {
    unicodeDomain = toUnicode(domain);
  } catch {
    // Keep the punycode form on screen: it is what is sent.
  }
  return { ok: true, address: { ascii, display: `${local.toLowerCase()}@${unicodeDomain}`, name: name.trim() } };
}

/**
 * Splits what the person typed or pasted into recipients: the parser's own separators (',' and
 * ';'), a display name with a comma in quotes stays one recipient. Returns the checks in order.
 */
export function splitRecipients(text: string): AddressCheck[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    if (!quoted && !angle && (c === ',' || c === ';' || c === '\n')) {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  pieces.push(current);
  return pieces.filter((p) => p.trim()).map(checkOutgoingAddress);
}

/** For the contract: a recipient as the composer hands it over (validated the same way in main). */
export function isValidOutgoingAddress(value: string): boolean {
  return checkOutgoingAddress(value).ok;
}

/** The SMTP / policy form of an address already checked, or null. */
export function toAsciiAddress(value: string): string | null {
  const check = checkOutgoingAddress(value);
  return check.ok ? check.address.ascii : null;
}

/** An address in its SMTP form as people read it: the domain in Unicode. */
export function displayAddress(ascii: string): string {
  const at = ascii.lastIndexOf('@');
  if (at < 0 || !ascii.slice(at + 1).includes('xn--')) return ascii;
  try {
    return `${ascii.slice(0, at)}@${toUnicode(ascii.slice(at + 1))}`;
  } catch {
    return ascii;
  }
}

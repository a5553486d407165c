/**
 * Message-IDs and the SMTP greeting name, minted here in main and nowhere else (the renderer never
 * supplies a Message-ID). RFC 5322 §3.6.4: the right side is a domain the sender controls — the
 * domain of the address the message is sent from (a team's domain when sent as a team) — so it is
 * unique under that domain and says nothing about the workstation. The left side is derived from
 * the composer's draft id: every check, the send, each outbox retry and a re-send of the same
 * draft carry the same Message-ID (a retry is never a second message), and the accepted message
 * can be matched to its draft whatever identity it was finally sent as.
 */
import { createHash, randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { ServiceError } from '../../../shared/result.js';

/** A domain usable as the right side of a Message-ID and as an EHLO name: dot-atom, at least two labels. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The ASCII (punycode) domain of an address, or null when it has none usable on the wire. */
export function mailDomainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 1) return null;
  const domain = domainToASCII(address.slice(at + 1).trim()).toLowerCase();
  return DOMAIN.test(domain) && !domain.endsWith('.invalid') ? domain : null;
}

function requireDomain(address: string): string {
  const domain = mailDomainOf(address);
  if (!domain) throw new ServiceError('VALIDATION', 'The sending address has no valid domain for the message.');
  return domain;
}

/** The left side of the Message-ID of the message written in a draft (128 bits, not the draft id itself). */
export function messageIdLocalPart(draftId: string): string {
  return createHash('sha256').update(`sinetti:message-id:v1\u0000${draftId.toLowerCase()}`).digest('hex').slice(0, 32);
}

/** The Message-ID (without angle brackets) of the message written in a draft, sent from `fromAddress`. */
export function messageIdFor(draftId: string, fromAddress: string): string {
  return `${messageIdLocalPart(draftId)}@${requireDomain(fromAddress)}`;
}

/** Whether an accepted message's Message-ID is the one of this draft (under whichever sending domain). */
export function isMessageOfDraft(messageId: string, draftId: string): boolean {
  return messageId.replace(/^<|>$/g, '').split('@')[0]?.toLowerCase() === messageIdLocalPart(draftId);
}

/** A random Message-ID under the sender's domain, for copies that are not the message itself (a draft's server copy). */
export function randomMessageId(fromAddress: string, prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}@${requireDomain(fromAddress)}`;
}

/**
 * The name announced in EHLO: the sending address's domain. Never the workstation's own host name
 * (it would land in Received headers) and never `.invalid` (servers and spam filters score it).
 * Without any address domain: `localhost`, which servers accept from authenticated submission.
 */
export function ehloNameFor(address: string | undefined): string {
  return (address && mailDomainOf(address)) || 'localhost';
}

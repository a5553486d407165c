/**
 * Writing PGP/MIME (RFC 3156): the whole message — body, attachments and the real headers — is
 * built as one inner MIME entity, signed and encrypted in one OpenPGP message, and wrapped in a
 * multipart/encrypted envelope whose only visible subject is "..." (RFC 9788 protected headers).
 * Subjects leak through gateways, notifications and server logs; client data must not.
 *
 * The caller (the send gate) decides who may receive the message; this module only refuses to
 * produce something unreadable or unsafe: no recipients, a key that is expired, revoked or weak.
 */
import { randomBytes } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Key, PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import { assertUsable } from './key-service.js';
import { encryptAndSign } from './message-crypto.js';

export interface MailAddress {
  name?: string;
  address: string;
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingMessage {
  from: MailAddress;
  /** The person who sent it when `from` is a team mailbox (recorded per policy). */
  sender?: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  subject: string;
  text: string;
  html?: string;
  attachments?: OutgoingAttachment[];
  /** Stable across retries, so a message the server accepted is recognisably the same message. */
  messageId: string;
  date: Date;
  inReplyTo?: string;
  references?: string[];
}

export interface EncryptionPlan {
  /** One key per recipient, plus the sender's own key and the team key: every reader of the Sent copy. */
  encryptionKeys: Key[];
  signingKey: PrivateKey;
}

/** The outer subject of every encrypted message (RFC 9788 §4.2 suggests "..."). */
export const PROTECTED_SUBJECT_PLACEHOLDER = '...';

export async function buildPgpMimeMessage(message: OutgoingMessage, plan: EncryptionPlan): Promise<Buffer> {
  if (message.to.length + (message.cc?.length ?? 0) === 0) throw new ServiceError('VALIDATION', 'The message has no recipients.');
  if (plan.encryptionKeys.length === 0) throw new ServiceError('VALIDATION', 'No encryption keys: refusing to produce a message nobody can read.');
  for (const key of [...plan.encryptionKeys, plan.signingKey]) await assertUsable(key);
  if (!plan.signingKey.isDecrypted()) throw new ServiceError('KEY_LOCKED', 'The signing key is locked: unlock it with its passphrase first.');

  const inner = await buildInnerEntity(message);
  const armored = await encryptAndSign(inner, plan.encryptionKeys, plan.signingKey, { newline: '\r\n' });

  return pgpMimeEnvelope(armored, (outer) => setEnvelopeHeaders(outer, message, PROTECTED_SUBJECT_PLACEHOLDER));
}

/** The RFC 3156 envelope around armored ciphertext; `headers` sets the outer (public) headers. */
export async function pgpMimeEnvelope(armored: string, headers: (outer: MimeNode) => void): Promise<Buffer> {
  const outer = new MimeNode(`multipart/encrypted; protocol="application/pgp-encrypted"`, { baseBoundary: randomBytes(12).toString('hex'), newline: '\r\n' });
  headers(outer);
  // nodemailer builds the headers and boundaries; the armor goes in afterwards as it is, because
  // its line processing of a 20 MB part took longer than the encryption itself.
  const marker = `sinetti-armor-${randomBytes(16).toString('hex')}`;
  outer
    .createChild('application/pgp-encrypted')
    .setHeader('Content-Description', 'PGP/MIME version identification')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent('Version: 1\r\n');
  outer
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader('Content-Description', 'OpenPGP encrypted message')
    .setHeader('Content-Disposition', 'inline; filename="encrypted.asc"')
    // Armor is 7-bit already; any other transfer encoding would change the bytes gpg reads.
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent(marker);
  const built = await outer.build();
  const at = built.indexOf(marker);
  const body = Buffer.from(armored.includes('\r\n') ? armored : armored.replace(/\n/g, '\r\n'), 'latin1');
  return Buffer.concat([built.subarray(0, at), body.subarray(0, body.length - (armored.endsWith('\n') ? 2 : 0)), built.subarray(at + marker.length)]);
}

/**
 * The entity inside the encryption: multipart/mixed with the protected-headers marker and the
 * real headers, the body as text (and HTML when given) and the attachments.
 */
export async function buildInnerEntity(message: OutgoingMessage): Promise<Buffer> {
  const root = new MimeNode('multipart/mixed; protected-headers="v1"', { baseBoundary: randomBytes(12).toString('hex'), newline: '\r\n' });
  setEnvelopeHeaders(root, message, message.subject);
  if (message.html) {
    const alternative = root.createChild('multipart/alternative');
    alternative.createChild('text/plain; charset=utf-8').setContent(message.text);
    alternative.createChild('text/html; charset=utf-8').setContent(message.html);
  } else {
    root.createChild('text/plain; charset=utf-8').setContent(message.text);
  }
  for (const attachment of message.attachments ?? []) {
    root.createChild(attachment.contentType, { filename: attachment.filename }).setHeader('Content-Disposition', 'attachment').setContent(attachment.content);
  }
  return root.build();
}

/** The headers every copy carries (outer envelope, protected inner headers, plain and gateway copies). */
export function setEnvelopeHeaders(node: MimeNode, message: OutgoingMessage, subject: string): void {
  node.setHeader('From', formatAddress(message.from));
  if (message.sender) node.setHeader('Sender', formatAddress(message.sender));
  node.setHeader('To', message.to.map(formatAddress));
  if (message.cc?.length) node.setHeader('Cc', message.cc.map(formatAddress));
  node.setHeader('Subject', subject);
  node.setHeader('Date', message.date.toUTCString().replace(/GMT$/, '+0000'));
  node.setHeader('Message-ID', `<${message.messageId.replace(/^<|>$/g, '')}>`);
  if (message.inReplyTo) node.setHeader('In-Reply-To', `<${message.inReplyTo.replace(/^<|>$/g, '')}>`);
  if (message.references?.length) node.setHeader('References', message.references.map((r) => `<${r.replace(/^<|>$/g, '')}>`).join(' '));
}

function formatAddress(address: MailAddress): { name: string; address: string } {
  return { name: address.name ?? '', address: address.address };
}

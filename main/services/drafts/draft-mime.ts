/**
 * Trust boundary: the server copy of a draft. Invariants:
 * - the draft leaves this process only as PGP/MIME encrypted to the identity's own keys and signed
 *   as the identity (crypto/identity-keys.ts decides both); the outer headers carry the From
 *   address, the date, a random Message-ID under the sender's domain and the subject "..." — no
 *   recipients, no subject;
 * - the draft id, account, recipients as typed and the reply reference live in headers INSIDE the
 *   encryption (`X-Sinetti-Draft-Id`, `X-Sinetti-Draft-State`);
 * - a server copy is accepted as a draft only when it decrypts with a key held here AND carries a
 *   valid signature by one of the person's own (or team) keys: anyone can encrypt to a public key,
 *   so an unsigned "draft" planted in the folder is not ours to reopen and send.
 */
import { randomBytes } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import PostalMime from 'postal-mime';
import type { Key, PrivateKey } from 'openpgp';
import { z } from 'zod';
import { draftContentSchema, type DraftContent } from '../../../shared/draft-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { decryptAndVerify, encryptAndSign } from '../crypto/message-crypto.js';
import { PROTECTED_SUBJECT_PLACEHOLDER, pgpMimeEnvelope, setEnvelopeHeaders, type MailAddress } from '../crypto/pgp-mime-writer.js';
import { messageIdFor, randomMessageId } from '../mime/message-id.js';

export interface DraftRecord extends DraftContent {
  savedAt: number;
}

/**
 * Account ids are local to a workstation; `accounts` names the accounts (user@host) of the draft's
 * sender and of the message it replies to, so another workstation can map them to its own.
 */
const accountKeysSchema = z.object({ account: z.string().max(700).optional(), replyTo: z.string().max(700).optional() }).strict();
export type DraftAccountKeys = z.infer<typeof accountKeysSchema>;
const stateSchema = draftContentSchema
  .omit({ subject: true, text: true, attachments: true })
  // messageId: copies written before main minted Message-IDs carry the renderer's; it is ignored.
  .extend({ v: z.literal(1), savedAt: z.number(), accounts: accountKeysSchema.default({}), messageId: z.string().max(300).optional() })
  .strict();

const looksLikeAddress = (s: string) => /^[^@\s,;<>"]+@[^@\s,;<>"]+$/.test(s);
const addresses = (typed: string) =>
  typed
    .split(/[,;\s]+/)
    .filter(looksLikeAddress)
    .map((address) => ({ address }));

/** The encrypted, signed server copy of a draft. */
export async function buildEncryptedDraft(
  draft: DraftRecord,
  from: MailAddress,
  plan: { encryptionKeys: Key[]; signingKey: PrivateKey },
  accounts: DraftAccountKeys = {},
): Promise<Buffer> {
  if (plan.encryptionKeys.length === 0) throw new ServiceError('VALIDATION', 'No own key: a draft is never stored readable on the server.');
  const inner = await buildDraftEntity(draft, from);
  const state = Buffer.from(
    JSON.stringify({
      v: 1,
      draftId: draft.draftId,
      accountId: draft.accountId,
      to: draft.to,
      cc: draft.cc,
      replyTo: draft.replyTo,
      savedAt: draft.savedAt,
      accounts,
    }),
  ).toString('base64');
  // Prepended as plain header lines (the order of MIME headers carries no meaning); the state is
  // base64 folded at 76 characters, so no line comes near the 998-character limit.
  const header = `X-Sinetti-Draft-Id: ${draft.draftId}\r\nX-Sinetti-Draft-State:${state.replace(/.{1,76}/g, ' $&\r\n')}`;
  const armored = await encryptAndSign(Buffer.concat([Buffer.from(header, 'latin1'), inner]), plan.encryptionKeys, plan.signingKey, { newline: '\r\n' });

  // The same RFC 3156 envelope as a sent message, but with no recipients outside the encryption:
  // who a draft is for is client data, and a draft has no envelope to deliver.
  return pgpMimeEnvelope(armored, (outer) => {
    outer.setHeader('From', { name: from.name ?? '', address: from.address });
    outer.setHeader('Subject', PROTECTED_SUBJECT_PLACEHOLDER);
    outer.setHeader('Date', new Date(draft.savedAt).toUTCString().replace(/GMT$/, '+0000'));
    outer.setHeader('Message-ID', `<${randomMessageId(from.address, 'draft')}>`);
  });
}

/**
 * The inner entity, like the Sent copy's (protected headers v1, real subject and recipients) but
 * with every part in base64: a draft must come back byte for byte, and quoted-printable or 7bit
 * bodies gain a line break on the way through a MIME parser.
 */
async function buildDraftEntity(draft: DraftRecord, from: MailAddress): Promise<Buffer> {
  const root = new MimeNode('multipart/mixed; protected-headers="v1"', { baseBoundary: randomBytes(12).toString('hex'), newline: '\r\n' });
  // The Message-ID the message written here will be sent with from this address (send/message-id.ts).
  setEnvelopeHeaders(
    root,
    {
      from,
      to: addresses(draft.to),
      cc: addresses(draft.cc),
      subject: draft.subject,
      text: draft.text,
      messageId: messageIdFor(draft.draftId, from.address),
      date: new Date(draft.savedAt),
    },
    draft.subject,
  );
  root.createChild('text/plain; charset=utf-8').setHeader('Content-Transfer-Encoding', 'base64').setContent(draft.text);
  for (const a of draft.attachments) {
    root
      .createChild(a.contentType, { filename: a.filename })
      .setHeader('Content-Disposition', 'attachment')
      .setHeader('Content-Transfer-Encoding', 'base64')
      .setContent(Buffer.from(a.contentBase64, 'base64'));
  }
  return root.build();
}

export type ReadDraft = { ok: true; draft: DraftRecord; accounts: DraftAccountKeys } | { ok: false; reason: 'not-draft' | 'no-key' | 'unverified' };

/** Opens a server copy; anything that is not a draft of ours signed by an own key is refused. */
export async function readEncryptedDraft(raw: Buffer, keys: KeyProvider): Promise<ReadDraft> {
  // The envelope is read directly, not through a MIME parser (a 10 MB draft took seconds there):
  // the root must be multipart/encrypted for OpenPGP, and its armored block is what is decrypted.
  // Nothing about the envelope is trusted — only a valid own signature on the content inside is.
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const rootHeaders = (headerEnd >= 0 ? text.slice(0, headerEnd) : '').replace(/\r?\n[ \t]+/g, ' ');
  if (!/^content-type:\s*multipart\/encrypted\s*;[^\n]*protocol\s*=\s*"?application\/pgp-encrypted/im.test(rootHeaders))
    return { ok: false, reason: 'not-draft' };
  const begin = text.indexOf('-----BEGIN PGP MESSAGE-----', headerEnd);
  const endMarker = '-----END PGP MESSAGE-----';
  const last = begin >= 0 ? text.indexOf(endMarker, begin) : -1;
  const armored = begin >= 0 && last > begin ? text.slice(begin, last + endMarker.length) : undefined;
  if (!armored) return { ok: false, reason: 'not-draft' };

  const decryptionKeys = await keys.decryptionKeys();
  if (decryptionKeys.length === 0) return { ok: false, reason: 'no-key' };
  let decrypted;
  try {
    decrypted = await decryptAndVerify(armored, decryptionKeys, [...(await keys.verificationKeys()), ...decryptionKeys.map((k) => k.toPublic())]);
  } catch {
    return { ok: false, reason: 'no-key' };
  }
  let signedByOwn = false;
  for (const signature of decrypted.signatures) {
    if (!signature.valid || !signature.fingerprint) continue;
    const acceptance = await keys.acceptanceOf(signature.fingerprint);
    if (acceptance === 'own' || acceptance === 'team') signedByOwn = true;
  }
  if (!signedByOwn) return { ok: false, reason: 'unverified' };

  const inner = await PostalMime.parse(Buffer.from(decrypted.data), { attachmentEncoding: 'base64' }).catch(() => null);
  if (!inner) return { ok: false, reason: 'not-draft' };
  const stateText = inner.headers.find((h) => h.key === 'x-sinetti-draft-state')?.value;
  const draftId = inner.headers.find((h) => h.key === 'x-sinetti-draft-id')?.value?.trim();
  if (!stateText || !draftId) return { ok: false, reason: 'not-draft' };
  let state;
  try {
    state = stateSchema.parse(JSON.parse(Buffer.from(stateText.replace(/\s+/g, ''), 'base64').toString('utf8')));
  } catch {
    return { ok: false, reason: 'not-draft' };
  }
  if (state.draftId !== draftId) return { ok: false, reason: 'not-draft' };
  const content = draftContentSchema.safeParse({
    draftId: state.draftId,
    accountId: state.accountId,
    to: state.to,
    cc: state.cc,
    subject: inner.subject ?? '',
    // The composer's text uses \n; MIME carries CRLF.
    text: (inner.text ?? '').replace(/\r\n/g, '\n'),
    attachments: inner.attachments.map((a) => ({ filename: a.filename ?? 'liite', contentType: a.mimeType, contentBase64: a.content as string })),
    ...(state.replyTo ? { replyTo: state.replyTo } : {}),
  });
  if (!content.success) return { ok: false, reason: 'not-draft' };
  return { ok: true, draft: { ...content.data, savedAt: state.savedAt }, accounts: state.accounts };
}

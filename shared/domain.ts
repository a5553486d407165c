/** Domain types shared by services and renderer, defined as zod schemas so IPC can validate them. */
import { z } from 'zod';
import { errorCodeSchema } from './result.js';

export const LOCALES = ['fi', 'sv-FI', 'en'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

export const accountSecuritySchema = z.enum(['tls', 'starttls', 'plain']);
export type AccountSecurity = z.infer<typeof accountSecuritySchema>;

const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:\-[\]]+$/, 'host name contains invalid characters');

/** The outgoing (SMTP) server; by default the IMAP host on the submission port for its security. */
export const smtpServerSchema = z
  .object({
    host: hostSchema,
    port: z.number().int().min(1).max(65535),
    security: accountSecuritySchema,
  })
  .strict();
export type SmtpServer = z.infer<typeof smtpServerSchema>;

export const accountInputSchema = z.object({
  displayName: z.string().trim().min(1).max(120),
  host: hostSchema,
  port: z.number().int().min(1).max(65535),
  security: accountSecuritySchema,
  username: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  /** A team mailbox configured as its own account is grouped under this team name. */
  teamName: z.string().trim().min(1).max(120).optional(),
  /** The address mail is sent from; by default the user name when it is an address. */
  address: z.email().max(320).optional(),
  smtp: smtpServerSchema.optional(),
});
export type AccountInput = z.infer<typeof accountInputSchema>;

/** How an account signs in: a password, or the organisation's OAuth2 sign-in (tokens). */
export const accountAuthSchema = z.enum(['password', 'oauth2']);

/** An edit of an account: its settings, and optionally a new password (tried at the server first). */
export const accountUpdateSchema = accountInputSchema
  .omit({ password: true })
  .extend({ accountId: z.string().min(1).max(100), password: z.string().min(1).max(1024).optional() })
  .strict();
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;

export const accountSummarySchema = z.object({
  id: z.string(),
  displayName: z.string(),
  host: z.string(),
  port: z.number(),
  security: accountSecuritySchema,
  username: z.string(),
  auth: accountAuthSchema,
  teamName: z.string().optional(),
  address: z.string().optional(),
  smtp: smtpServerSchema.optional(),
});
export type AccountSummary = z.infer<typeof accountSummarySchema>;

export const mailboxRefSchema = z.object({
  accountId: z.string().min(1).max(100),
  path: z.string().min(1).max(1000),
});
export type MailboxRef = z.infer<typeof mailboxRefSchema>;

export const mailboxSourceSchema = z.enum(['personal', 'shared', 'account']);

export const mailboxInfoSchema = z.object({
  accountId: z.string(),
  path: z.string(),
  name: z.string(),
  /** Depth under its group, for indentation in the sidebar. */
  depth: z.number().int(),
  specialUse: z.string().optional(),
  source: mailboxSourceSchema,
  /** IMAP ACL rights (RFC 4314 letters) the server grants this person, when it says. */
  rights: z.string().optional(),
  selectable: z.boolean(),
  readOnly: z.boolean(),
});
export type MailboxInfo = z.infer<typeof mailboxInfoSchema>;

export const mailboxGroupSchema = z.object({
  id: z.string(),
  kind: z.enum(['personal', 'team']),
  label: z.string(),
  accountId: z.string(),
  mailboxes: z.array(mailboxInfoSchema),
});
export type MailboxGroup = z.infer<typeof mailboxGroupSchema>;

export const addressSchema = z.object({ name: z.string(), address: z.string() });
export type Address = z.infer<typeof addressSchema>;

export const messageFlagsSchema = z.object({
  seen: z.boolean(),
  answered: z.boolean(),
  flagged: z.boolean(),
});
export type MessageFlags = z.infer<typeof messageFlagsSchema>;

export const messageRowSchema = z.object({
  uid: z.number().int().positive(),
  from: addressSchema,
  subject: z.string(),
  /** Milliseconds since epoch: the Date header, or the arrival time when the header is missing. */
  date: z.number(),
  size: z.number().int().nonnegative(),
  flags: messageFlagsSchema,
  hasAttachments: z.boolean(),
  encrypted: z.boolean(),
  signed: z.boolean(),
});
export type MessageRow = z.infer<typeof messageRowSchema>;

export const sortOrderSchema = z.enum(['date-desc', 'date-asc']);
export type SortOrder = z.infer<typeof sortOrderSchema>;

export const messagePageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** null marks a row whose headers are not loaded yet (the list shows a placeholder). */
  rows: z.array(messageRowSchema.nullable()),
  /** True once every header in the mailbox is known, so date order is exact. */
  complete: z.boolean(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

export const attachmentInfoSchema = z.object({
  partId: z.string(),
  filename: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  /** The attachment came out of the message's own encryption layer (decrypted by Sinetti). */
  decrypted: z.boolean().optional(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfoSchema>;

/**
 * The verdict on an OpenPGP message. `good` only when the signature covers the whole message
 * under its encryption layer and the signing key carries the From address; a valid signature by
 * a key for another address is `mismatch`, never good; a signature over only one part of the
 * message is `partial` with that part (`coveredPart`), never good.
 */
export const cryptoStatusSchema = z.object({
  /**
   * `not-ciphertext`: labelled PGP/MIME encrypted, but the encrypted part holds no OpenPGP
   * encrypted data (e.g. a signed text wrapped to look encrypted): not encrypted, nothing shown.
   */
  decryption: z.enum(['decrypted', 'failed', 'no-key', 'not-encrypted', 'locked', 'not-ciphertext']),
  /** Key IDs the message was encrypted to, when it could not be decrypted (all zeros: a hidden recipient). */
  recipientKeyIds: z.array(z.string()),
  signature: z.object({
    /**
     * `date-mismatch`: a signature that would be good, but made more than an hour away from the
     * message's (unsigned) Date header, so the date shown is not the one that was signed.
     */
    status: z.enum(['good', 'mismatch', 'bad', 'unknown-key', 'none', 'partial', 'date-mismatch']),
    keyId: z.string().optional(),
    fingerprint: z.string().optional(),
    signerUserIds: z.array(z.string()),
    /** `partial` (and bad/unknown on a nested part): the only part the signature covers. */
    coveredPart: z.string().optional(),
    /** The signing key is revoked (the signature never counts) or has expired since. */
    keyProblem: z.enum(['revoked', 'expired']).optional(),
    /** How far the person trusts the signing key (own, team, or a correspondent's acceptance). */
    acceptance: z.enum(['own', 'team', 'verified', 'unverified', 'undecided', 'rejected']).optional(),
    /** When the signature says it was made (ms since epoch). */
    signedAt: z.number().optional(),
    /** The signature's time and the message's Date header are more than an hour apart. */
    dateMismatch: z.object({ signedAt: z.number(), headerDate: z.number() }).optional(),
  }),
  /**
   * An encrypted root wrapped in an outer signature (RFC 9787 cryptographic envelope: multipart/signed
   * around multipart/encrypted). That signature covers the ciphertext only, never what was
   * decrypted, so it is reported beside the message's verdict and never counts as it. S/MIME
   * signatures are not checked.
   */
  outerSignature: z
    .object({
      protocol: z.enum(['openpgp', 'smime']),
      status: z.enum(['good', 'mismatch', 'bad', 'unknown-key', 'not-checked']),
      keyId: z.string().optional(),
      fingerprint: z.string().optional(),
      signerUserIds: z.array(z.string()),
    })
    .optional(),
  /** The message was inline PGP (an armored block as the whole text body), not PGP/MIME. */
  inline: z.boolean().optional(),
  /** The subject came from inside the encryption (RFC 9788 protected headers). */
  protectedSubject: z.boolean(),
});
export type CryptoStatus = z.infer<typeof cryptoStatusSchema>;

/**
 * Display-name tricks, shown plainly: every From address (anything but exactly one means no
 * signature can count), an address written inside the display name that is not the real one,
 * and a Sender that differs from From.
 */
export const senderIdentitySchema = z.object({
  fromAddresses: z.array(z.string()),
  displayNameAddress: z.string().optional(),
  sender: z.string().optional(),
});
export type SenderIdentity = z.infer<typeof senderIdentitySchema>;

/**
 * A part that is encrypted or signed but not the message's own root layer: a PGP/MIME entity
 * inside other MIME, an inline block after ordinary text or in a deeper part. It is never
 * decrypted automatically and never merged with other text ("Re: What's up Johnny", EFAIL).
 */
export const unopenedPartSchema = z.object({
  partId: z.string(),
  kind: z.enum(['pgp-mime-encrypted', 'inline-encrypted', 'inline-signed']),
});
export type UnopenedPart = z.infer<typeof unopenedPartSchema>;
/** What the loader found offered in a message (the person decides whether to import it). */
export const keyOfferSchema = z.object({
  source: z.enum(['autocrypt', 'attachment']),
  /** Known for an Autocrypt key (parsed when the message opened); attachments are read only on import. */
  fingerprint: z.string().optional(),
  /** The keyring already holds this key: nothing to offer. */
  known: z.boolean(),
});
export type KeyOfferView = z.infer<typeof keyOfferSchema>;

/**
 * When a signature covers only one part, the body is shown part by part so the person sees which
 * text the signature is on: each segment is one text part, marked signed or not by the app.
 */
export const bodySegmentSchema = z.object({
  partId: z.string(),
  signed: z.boolean(),
  text: z.string().optional(),
  /** Raw (unsanitized) HTML, sanitized and sandboxed by the renderer like any body. */
  html: z.string().optional(),
});
export type BodySegment = z.infer<typeof bodySegmentSchema>;

export const messageViewSchema = z.object({
  mailbox: mailboxRefSchema,
  uid: z.number().int().positive(),
  subject: z.string(),
  from: addressSchema,
  to: z.array(addressSchema),
  cc: z.array(addressSchema),
  date: z.number(),
  flags: messageFlagsSchema,
  /** Plain text body, shown as text. */
  text: z.string().optional(),
  /** Raw (unsanitized) HTML body: the renderer sanitizes it and renders it in a sandboxed frame. */
  html: z.string().optional(),
  attachments: z.array(attachmentInfoSchema),
  encrypted: z.boolean(),
  signed: z.boolean(),
  /** What the crypto service found, for the trusted status bar outside the message content. */
  crypto: cryptoStatusSchema.optional(),
  /** Sender identity facts from the headers, shown plainly by the trusted status bar. */
  identity: senderIdentitySchema.optional(),
  /** Encrypted or signed content deeper in the message that was deliberately not opened. */
  unopened: z.array(unopenedPartSchema).optional(),
  /** A public key the message offers (Autocrypt header or attached key), for "import the sender's key". */
  keyOffer: keyOfferSchema.optional(),
  /** Present only when a signature covers one part (`coveredPart`): the body part by part. */
  segments: z.array(bodySegmentSchema).optional(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const attachmentContentSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  contentBase64: z.string(),
});
export type AttachmentContent = z.infer<typeof attachmentContentSchema>;

/** Pushed to subscribers when a mailbox changes on the server (IDLE, another client, our own actions). */
export const mailEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mailbox-changed'),
    mailbox: mailboxRefSchema,
    reason: z.enum(['new', 'expunged', 'flags', 'resync']),
    total: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('connection'),
    accountId: z.string(),
    state: z.enum(['connected', 'reconnecting', 'offline']),
  }),
  /** The app was locked or unlocked (idle lock): the renderer hides or shows client data. */
  z.object({ type: z.literal('session-lock'), locked: z.boolean() }),
  /** Someone changed the handling state of a team's messages (claims, statuses): re-read it. */
  z.object({ type: z.literal('team-changed'), accountId: z.string(), team: z.string() }),
  /** IT's managed configuration (or the person's own value of one of its settings) changed: read it again. */
  z.object({ type: z.literal('managed-config-changed') }),
]);
export type MailEvent = z.infer<typeof mailEventSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  /**
   * Why the vault key in the OS keychain cannot be used now (checked at start-up and again on
   * each call while it fails): KEYCHAIN_LOCKED, KEYCHAIN_UNAVAILABLE or SECRET_CORRUPT; null when it can.
   */
  vaultProblem: z.object({ code: errorCodeSchema, message: z.string() }).nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const uiSettingsSchema = z.object({
  locale: localeSchema,
});
export type UiSettings = z.infer<typeof uiSettingsSchema>;

/** A personal OpenPGP key as the UI may see it: public facts only, never key material. */
export const keySummarySchema = z.object({
  fingerprint: z.string(),
  fingerprintGrouped: z.string(),
  keyId: z.string(),
  userIds: z.array(z.string()),
  algorithm: z.string(),
  created: z.number(),
  expires: z.number().nullable(),
  revoked: z.boolean(),
  hasSecret: z.boolean(),
  /** Under its own passphrase, besides the vault. */
  protectedByPassphrase: z.boolean(),
  /** Unlocked for this session until then; null while locked (or without a passphrase). */
  unlockedUntil: z.number().nullable(),
  /** Expires within the warning period. */
  expiresSoon: z.boolean(),
});
export type KeySummaryView = z.infer<typeof keySummarySchema>;

export const keyAlgorithmSchema = z.enum(['curve25519', 'rsa3072', 'rsa4096']);

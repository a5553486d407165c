/**
 * Writing PGP/MIME: what Sinetti builds for outgoing mail is read by GnuPG (decrypts, verifies
 * the signature by the sender's fingerprint, finds the real subject and attachments only inside)
 * and by Sinetti itself after delivery into the real Dovecot. Unsafe plans are refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { generateKey, readKey, readPrivateKey, revokeKey, type PrivateKey } from 'openpgp';
import '../support/mail-test-env.js';
import PostalMime from 'postal-mime';
import { buildPgpMimeMessage, PROTECTED_SUBJECT_PLACEHOLDER, type OutgoingMessage } from '../../main/services/crypto/pgp-mime-writer.js';
import { createGpg, type Gpg } from '../support/gpg.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
const PASS = 'gpg-salalause-3';
let gpg: Gpg;
let t: TestServices;
let accountId: string;
let sender: PrivateKey;
let senderFpr: string;
let gpgFpr: string;
const personAddress = () => `${env.person.username}@sinetti.test`;

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: { name: 'Perhepalvelut', address: 'perhepalvelut@kunta.example' },
    sender: { name: 'Anna Virtanen', address: 'anna.virtanen@kunta.example' },
    to: [{ name: 'Kumppani', address: 'kumppani@kela.example' }],
    cc: [{ name: 'Anna', address: personAddress() }],
    subject: 'Päätös toimeentulotuesta 131052-308T',
    text: 'Hei,\nliitteenä päätös.\n',
    attachments: [{ filename: 'päätös.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 päätös') }],
    messageId: `${randomBytes(8).toString('hex')}@kunta.example`,
    date: new Date(),
    ...overrides,
  };
}

/** gpg's verdict on the encrypted part: the plaintext and the fingerprint of a VALIDSIG. */
async function gpgOpen(raw: Buffer): Promise<{ inner: string; validSig: string | null }> {
  const email = await PostalMime.parse(raw);
  const part = email.attachments.find((a) => a.mimeType === 'application/octet-stream')!;
  const result = await gpg.run(['--passphrase', PASS, '--status-fd', '2', '--decrypt'], Buffer.from(part.content as ArrayBuffer).toString('latin1'));
  const validSig = /\[GNUPG:\] VALIDSIG ([0-9A-F]{40})/.exec(result.stderr.toString())?.[1] ?? null;
  return { inner: result.stdout.toString('utf8'), validSig };
}

beforeAll(async () => {
  gpg = createGpg();
  const generated = await generateKey({
    userIDs: [{ name: 'Perhepalvelut', email: 'perhepalvelut@kunta.example' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'object',
  });
  sender = generated.privateKey;
  senderFpr = sender.getFingerprint().toUpperCase();
  await gpg.run(['--import'], sender.toPublic().armor());
  await gpg.run(['--passphrase', PASS, '--quick-gen-key', 'Kumppani <kumppani@kela.example>', 'ed25519', 'sign,cert', '1y']);
  gpgFpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', 'kumppani@kela.example'])).stdout.toString())![1]!;
  await gpg.run(['--passphrase', PASS, '--quick-add-key', gpgFpr, 'cv25519', 'encr', '1y']);

  t = await createTestServices({ caCertPem: env.caCertPem });
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Oma',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
    })
  ).id;
}, 120_000);
afterAll(async () => t?.close());

describe('PGP/MIME that Sinetti writes', () => {
  it('GnuPG decrypts it, verifies the signature by the sender, and finds subject and attachment only inside', async () => {
    const partnerKey = await readKey({ armoredKey: (await gpg.run(['--armor', '--export', gpgFpr])).stdout.toString() });
    const raw = await buildPgpMimeMessage(message(), { encryptionKeys: [partnerKey, sender.toPublic()], signingKey: sender });
    const outer = raw.toString('latin1');
    expect(outer).toMatch(/^Subject: \.\.\.\r$/m);
    expect(outer).toMatch(/Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/);
    expect(outer).not.toContain('131052');
    expect(outer).not.toContain('PDF');
    expect(outer).toMatch(/^Sender: Anna Virtanen <anna\.virtanen@kunta\.example>\r$/m);

    const { inner, validSig } = await gpgOpen(raw);
    expect(validSig).toBe(senderFpr);
    expect(inner).toMatch(/protected-headers="?v1/);
    const parsed = await PostalMime.parse(Buffer.from(inner, 'utf8'));
    expect(parsed.subject).toBe('Päätös toimeentulotuesta 131052-308T');
    expect(parsed.text).toContain('liitteenä päätös');
    expect(parsed.attachments.map((a) => [a.filename, Buffer.from(a.content as ArrayBuffer).toString()])).toEqual([['päätös.pdf', '%PDF-1.4 päätös']]);
  });

  it('carries a 25 MB attachment inside the encryption, byte for byte', async () => {
    const partnerKey = await readKey({ armoredKey: (await gpg.run(['--armor', '--export', gpgFpr])).stdout.toString() });
    const big = randomBytes(25 * 1024 * 1024);
    const raw = await buildPgpMimeMessage(message({ attachments: [{ filename: 'skannaus.tiff', contentType: 'image/tiff', content: big }] }), {
      encryptionKeys: [partnerKey],
      signingKey: sender,
    });
    const { inner, validSig } = await gpgOpen(raw);
    expect(validSig).toBe(senderFpr);
    const parsed = await PostalMime.parse(Buffer.from(inner, 'utf8'));
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(digest(new Uint8Array(parsed.attachments[0]!.content as ArrayBuffer))).toBe(digest(big));
  }, 120_000);

  it('opens in Sinetti after delivery: decrypted, real subject from the protected headers, good signature', async () => {
    await t.value('crypto:keys:import', { armored: sender.armor() });
    const own = await t.value('crypto:keys:generate', { name: 'Anna', email: personAddress(), algorithm: 'curve25519' });
    const ownKey = await readKey({ armoredKey: (await t.value('crypto:keys:public:export', { fingerprint: own.fingerprint })).armored });
    const subject = `Päätös ${randomBytes(4).toString('hex')}`;
    const raw = await buildPgpMimeMessage(message({ subject, to: [{ address: personAddress() }], cc: [] }), { encryptionKeys: [ownKey], signingKey: sender });
    await deliverLmtp(env.lmtpPort, env.person.username, raw.toString('latin1'));
    const ref = { accountId, path: 'INBOX' };
    let uid: number | undefined;
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 100, sort: 'date-desc' });
        uid = page.rows.find((r) => r?.subject === PROTECTED_SUBJECT_PLACEHOLDER && r.uid > 0)?.uid;
        expect(uid).toBeDefined();
      },
      { timeout: 10_000 },
    );
    const view = await t.value('mail:message:open', { mailbox: ref, uid: uid! });
    expect(view.subject).toBe(subject);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', protectedSubject: true, signature: { status: 'good', fingerprint: senderFpr } });
    expect(view.text).toContain('liitteenä päätös');
  });
});

describe('refusing unsafe plans', () => {
  it('refuses an empty key list, a revoked or expired recipient key, and a locked signing key', async () => {
    await expect(buildPgpMimeMessage(message(), { encryptionKeys: [], signingKey: sender })).rejects.toMatchObject({ code: 'VALIDATION' });

    const { privateKey: doomed } = await generateKey({ userIDs: [{ email: 'vanha@example.net' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const { publicKey: revoked } = await revokeKey({ key: doomed, format: 'object' });
    await expect(buildPgpMimeMessage(message(), { encryptionKeys: [revoked], signingKey: sender })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/revoked/),
    });

    const { privateKey: shortLived } = await generateKey({
      userIDs: [{ email: 'lyhyt@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      keyExpirationTime: 1,
      date: new Date(Date.now() - 10_000),
      format: 'object',
    });
    await expect(buildPgpMimeMessage(message(), { encryptionKeys: [shortLived.toPublic()], signingKey: sender })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/expired/),
    });

    const { privateKey: lockedArmored } = await generateKey({
      userIDs: [{ email: 'lukittu@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      passphrase: 'salalause-123',
      format: 'armored',
    });
    const locked = await readPrivateKey({ armoredKey: lockedArmored });
    await expect(buildPgpMimeMessage(message(), { encryptionKeys: [sender.toPublic()], signingKey: locked })).rejects.toMatchObject({ code: 'KEY_LOCKED' });
  });
});

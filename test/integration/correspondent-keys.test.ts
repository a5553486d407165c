/**
 * Correspondents' keys from real mail, through the contract: a message delivered into Dovecot
 * offers its sender's key (Autocrypt header, or a key GnuPG exported and attached), the view
 * says so, and the key comes in only when the person imports it — read again by main from the
 * server. A header naming another address than From offers nothing. Once accepted, the send
 * decision has the key for that recipient; a rejected key and an undecided replacement do not
 * count. Weak keys made by GnuPG itself (RSA-1024, SHA-1 self-signatures) are refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { generateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { MessageView } from '../../shared/domain.js';
import { OPENPGP_CONFIG } from '../../main/services/crypto/openpgp-policy.js';
import { createGpg, type Gpg } from '../support/gpg.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
let t: TestServices;
let gpg: Gpg;
let accountId: string;
const ref = () => ({ accountId, path: 'INBOX' });

async function keydata(email: string): Promise<string> {
  const { publicKey } = await generateKey({
    userIDs: [{ name: 'Asiakas', email }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'binary',
    config: OPENPGP_CONFIG,
  });
  return Buffer.from(publicKey)
    .toString('base64')
    .replace(/(.{72})/g, '$1\r\n ');
}

function plainMessage(from: string, subject: string, extraHeaders: string[] = []): string {
  return [
    `From: ${from}`,
    `To: ${env.person.username}@sinetti.test`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(6).toString('hex')}@example.net>`,
    ...extraHeaders,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hei, tässä viestini.',
    '',
  ].join('\r\n');
}

async function deliverAndOpen(raw: string): Promise<{ view: MessageView; uid: number }> {
  const subject = /^Subject: (.*)$/m.exec(raw)![1]!.trim();
  await deliverLmtp(env.lmtpPort, env.person.username, raw);
  let uid: number | undefined;
  await vi.waitFor(
    async () => {
      const page = await t.value('mail:messages:page', { mailbox: ref(), offset: 0, limit: 50, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid;
      expect(uid).toBeDefined();
    },
    { timeout: 10_000 },
  );
  return { view: await t.value('mail:message:open', { mailbox: ref(), uid: uid! }), uid: uid! };
}

async function recipientHasKey(address: string): Promise<boolean> {
  const message = { accountId, to: [address], subject: 'Päätös', text: 'Henkilötunnuksesi 131052-308T on kirjattu.', draftId: randomUUID() };
  const { decision } = await t.value('send:evaluate', { message });
  return decision.recipients.find((r) => r.address === address)!.hasKey;
}

beforeAll(async () => {
  gpg = createGpg();
  t = await createTestServices({ caCertPem: env.caCertPem });
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Oma',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
      address: `${env.person.username}@sinetti.test`,
      smtp: { host: '127.0.0.1', port: env.imapPort, security: 'starttls' },
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('correspondent keys from messages', () => {
  it('offers the Autocrypt key, imports it only when asked, and then the send decision has it', async () => {
    const anna = `anna.${randomBytes(3).toString('hex')}@example.net`;
    const { view, uid } = await deliverAndOpen(
      plainMessage(anna, `Autocrypt ${randomBytes(3).toString('hex')}`, [
        `Autocrypt: addr=${anna}; prefer-encrypt=mutual; keydata=\r\n ${await keydata(anna)}`,
      ]),
    );
    expect(view.keyOffer).toEqual({ source: 'autocrypt', fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/), known: false });
    // Offered is not imported.
    expect(await t.value('crypto:contacts:list', {})).not.toContainEqual(expect.objectContaining({ addresses: [anna] }));
    expect(await recipientHasKey(anna)).toBe(false);

    const [imported] = await t.value('crypto:contacts:import-from-message', { mailbox: ref(), uid });
    expect(imported).toMatchObject({ fingerprint: view.keyOffer!.fingerprint, source: 'autocrypt', state: 'unverified', addresses: [anna] });
    expect((await t.value('mail:message:open', { mailbox: ref(), uid })).keyOffer).toMatchObject({ known: true });
    expect(await recipientHasKey(anna)).toBe(true);

    // A later message brings a different key for the same address: it waits, undecided, and the old one stays in use.
    const second = await deliverAndOpen(
      plainMessage(anna, `Autocrypt uusi ${randomBytes(3).toString('hex')}`, [`Autocrypt: addr=${anna}; keydata=\r\n ${await keydata(anna)}`]),
    );
    expect(second.view.keyOffer).toMatchObject({ source: 'autocrypt', known: false });
    const [replacement] = await t.value('crypto:contacts:import-from-message', { mailbox: ref(), uid: second.uid });
    expect(replacement).toMatchObject({ state: 'undecided', conflictsWith: [imported!.fingerprint] });
    expect(await recipientHasKey(anna)).toBe(true);

    await t.value('crypto:contacts:accept', { fingerprint: imported!.fingerprint, state: 'rejected' });
    // Old key rejected, new one undecided: nothing to encrypt to until the person decides.
    expect(await recipientHasKey(anna)).toBe(false);
    await t.value('crypto:contacts:accept', { fingerprint: replacement!.fingerprint, state: 'verified', fingerprintCompared: true });
    expect(await recipientHasKey(anna)).toBe(true);
  });

  it('offers a key GnuPG exported and attached, and imports it from the server', async () => {
    const bob = `bob.${randomBytes(3).toString('hex')}@example.net`;
    await gpg.run(['--passphrase', '', '--quick-gen-key', `Bob <${bob}>`, 'ed25519', 'sign,cert', '1y']);
    const armored = (await gpg.run(['--armor', '--export', bob])).stdout.toString();
    const boundary = `b${randomBytes(6).toString('hex')}`;
    const subject = `Avaimeni ${randomBytes(3).toString('hex')}`;
    const raw = [
      `From: Bob <${bob}>`,
      `To: ${env.person.username}@sinetti.test`,
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomBytes(6).toString('hex')}@example.net>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Liitteenä julkinen avaimeni.',
      '',
      `--${boundary}`,
      'Content-Type: application/pgp-keys; name="bob.asc"',
      'Content-Disposition: attachment; filename="bob.asc"',
      '',
      armored,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const { view, uid } = await deliverAndOpen(raw);
    expect(view.keyOffer).toEqual({ source: 'attachment', known: false });
    const [imported] = await t.value('crypto:contacts:import-from-message', { mailbox: ref(), uid });
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', bob])).stdout.toString())![1]!;
    expect(imported).toMatchObject({ fingerprint: fpr, source: 'attachment', state: 'unverified', addresses: [bob] });
  });

  it('offers nothing when the Autocrypt header names someone other than the sender', async () => {
    const mallory = `mallory.${randomBytes(3).toString('hex')}@example.net`;
    const { view, uid } = await deliverAndOpen(
      plainMessage('Anna <anna@example.net>', `Väärä avain ${randomBytes(3).toString('hex')}`, [
        `Autocrypt: addr=${mallory}; keydata=\r\n ${await keydata(mallory)}`,
      ]),
    );
    expect(view.keyOffer).toBeUndefined();
    expect(await t.call('crypto:contacts:import-from-message', { mailbox: ref(), uid })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await t.value('crypto:contacts:list', {})).not.toContainEqual(expect.objectContaining({ addresses: [mallory] }));
  });
});

describe('weak keys made by GnuPG', () => {
  it('refuses an RSA-1024 key and a key with SHA-1 self-signatures, with the reason', async () => {
    await gpg.run(['--passphrase', '', '--quick-gen-key', 'Heikko <heikko@example.net>', 'rsa1024', 'sign,cert', 'never']);
    const rsa = (await gpg.run(['--armor', '--export', 'heikko@example.net'])).stdout.toString();
    expect(await t.call('crypto:contacts:import', { armored: rsa })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/RSA 1024 bits/) },
    });

    await gpg.run(['--passphrase', '', '--cert-digest-algo', 'SHA1', '--quick-gen-key', 'Vanha <vanha@example.net>', 'ed25519', 'sign,cert', 'never']);
    const sha1 = (await gpg.run(['--armor', '--export', 'vanha@example.net'])).stdout.toString();
    expect(await t.call('crypto:contacts:import', { armored: sha1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/SHA-1/) },
    });
  });
});

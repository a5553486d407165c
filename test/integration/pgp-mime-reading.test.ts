/**
 * Reading PGP/MIME mail that GnuPG produced, delivered into the real Dovecot and opened through
 * the services: decrypted with the person's key, protected subject shown, and the signature
 * verdict following the identity rules. Failures show no content at all.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { MessageView } from '../../shared/domain.js';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { createGpg, type Gpg } from '../support/gpg.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
const PASS = 'gpg-salalause-2';
let t: TestServices;
let gpg: Gpg;
let accountId: string;
let personFpr: string;
let partnerFpr: string;
let strangerFpr: string;
const domainEvents: string[] = [];

const innerMime = (subject: string, body: string) =>
  [`Content-Type: text/plain; charset=utf-8; protected-headers="v1"`, `Subject: ${subject}`, 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n');

let sequence = 0;
const marker = () => `... [${++sequence}]`;

function pgpMime(from: string, ciphertext: string, outerSubject = marker()): string {
  const headers = [
    `From: ${from}`,
    `To: ${env.person.username}@sinetti.test`,
    `Subject: ${outerSubject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@kela.example>`,
  ];
  return pgpMimeEnvelope(headers, ciphertext);
}

async function gpgEncrypt(plain: string, recipient: string, signer?: string): Promise<string> {
  const args = ['--passphrase', PASS, '--armor', '--encrypt', '--recipient', recipient, ...(signer ? ['--sign', '--local-user', signer] : [])];
  return (await gpg.run(args, plain)).stdout.toString();
}

/** Delivers over LMTP and opens the message the live session sees arrive (found by its subject). */
async function deliverAndOpen(raw: string): Promise<MessageView> {
  const subject = /^Subject: (.*)$/m.exec(raw)![1]!.trim();
  await deliverLmtp(env.lmtpPort, env.person.username, raw);
  const ref = { accountId, path: 'INBOX' };
  let uid: number | undefined;
  await vi.waitFor(
    async () => {
      const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid;
      expect(uid).toBeDefined();
    },
    { timeout: 10_000 },
  );
  return t.value('mail:message:open', { mailbox: ref, uid: uid! });
}

async function newGpgKey(uid: string): Promise<string> {
  await gpg.run(['--passphrase', PASS, '--quick-gen-key', uid, 'ed25519', 'sign,cert', '1y']);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', uid])).stdout.toString())![1]!;
  await gpg.run(['--passphrase', PASS, '--quick-add-key', fpr, 'cv25519', 'encr', '1y']);
  return fpr;
}

beforeAll(async () => {
  gpg = createGpg();
  t = await createTestServices({ caCertPem: env.caCertPem });
  t.services.domainEvents.subscribe((event) => domainEvents.push(event.type));
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
  personFpr = (await t.value('crypto:keys:generate', { name: 'Anna Virtanen', email: `${env.person.username}@sinetti.test`, algorithm: 'curve25519' }))
    .fingerprint;
  await gpg.run(['--import'], (await t.value('crypto:keys:public:export', { fingerprint: personFpr })).armored);
  partnerFpr = await newGpgKey('Kumppani <kumppani@kela.example>');
  strangerFpr = await newGpgKey('Vieras <vieras@example.net>');
  // The partner's key is known to Sinetti (imported, as a team key would be); the stranger's is not.
  await t.value('crypto:keys:import', { armored: (await gpg.run(['--passphrase', PASS, '--armor', '--export-secret-keys', partnerFpr])).stdout.toString() });
}, 120_000);
afterAll(async () => t?.close());

describe('opening PGP/MIME encrypted mail', () => {
  it('decrypts, shows the protected subject, and calls a signature by the From address good', async () => {
    const view = await deliverAndOpen(
      pgpMime('Kumppani <kumppani@kela.example>', await gpgEncrypt(innerMime('Päätös 2026/41', 'Hei, päätös on valmis.'), personFpr, partnerFpr)),
    );
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', protectedSubject: true, signature: { status: 'good', fingerprint: partnerFpr } });
    expect(view.subject).toBe('Päätös 2026/41');
    expect(view.text).toContain('päätös on valmis');
    expect(view.encrypted).toBe(true);
    expect(domainEvents).toContain('message.decrypted');
  });

  it('a valid signature by a key for another address is a mismatch, never good', async () => {
    const view = await deliverAndOpen(
      pgpMime('Pankki <asiakaspalvelu@pankki.example>', await gpgEncrypt(innerMime('Tärkeää', 'Vaihda salasanasi.'), personFpr, partnerFpr)),
    );
    expect(view.crypto?.signature).toMatchObject({ status: 'mismatch', signerUserIds: ['Kumppani <kumppani@kela.example>'] });
  });

  it('a signature by an unknown key says so, with the key ID', async () => {
    const view = await deliverAndOpen(pgpMime('Vieras <vieras@example.net>', await gpgEncrypt(innerMime('Kysymys', 'Hei!'), personFpr, strangerFpr)));
    expect(view.crypto?.decryption).toBe('decrypted');
    expect(view.crypto?.signature.status).toBe('unknown-key');
    expect(view.crypto?.signature.keyId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('mail encrypted to a key the person does not hold names the key IDs it needs and shows nothing', async () => {
    const view = await deliverAndOpen(pgpMime('Vieras <vieras@example.net>', await gpgEncrypt(innerMime('Salainen', 'Ei sinulle.'), strangerFpr)));
    expect(view.crypto).toMatchObject({ decryption: 'no-key' });
    expect(view.crypto!.recipientKeyIds.length).toBeGreaterThan(0);
    expect(view.text ?? '').not.toContain('Ei sinulle');
    expect(view.subject).toMatch(/^\.\.\. \[\d+\]$/);
  });

  it('tampered ciphertext fails closed: no plaintext at all', async () => {
    const armored = await gpgEncrypt(innerMime('Tamper', 'Tämä ei saa näkyä.'), personFpr, partnerFpr);
    const lines = armored.split('\n');
    const target = Math.floor(lines.length / 2);
    lines[target] = lines[target]!.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    const view = await deliverAndOpen(pgpMime('Kumppani <kumppani@kela.example>', lines.join('\n')));
    expect(view.crypto?.decryption).toBe('failed');
    expect(view.text).toBeUndefined();
    expect(view.html).toBeUndefined();
  });

  it('an encrypted part inside attacker-built MIME is not decrypted automatically', async () => {
    const ciphertext = await gpgEncrypt(innerMime('Vanha', 'Aiemmin salattu luottamuksellinen teksti.'), personFpr);
    const raw = [
      'From: Hyökkääjä <attacker@example.net>',
      `To: ${env.person.username}@sinetti.test`,
      'Subject: Re: Mitä kuuluu? (wrapped)',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Katso alla.',
      '--outer',
      // The encrypted entity itself (its Content-Type line onwards), nested as a part.
      pgpMimeEnvelope([], ciphertext).split('\r\n').slice(1).join('\r\n'),
      '--outer--',
      '',
    ].join('\r\n');
    const view = await deliverAndOpen(raw);
    expect(view.crypto).toBeUndefined();
    expect(`${view.text ?? ''}${view.html ?? ''}`).not.toContain('luottamuksellinen');
  });
});

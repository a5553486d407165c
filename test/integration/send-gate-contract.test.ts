/**
 * The send gate through the IPC contract, as a compromised renderer would call it: renamed
 * channels, missing and extra fields, a token from another message, recipients changed after
 * approval, a blocked message — none of it reaches SMTP. And what the gate allows does arrive, by
 * the route the policy gives, through the outbox and a real SMTP server into Dovecot.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { OutgoingMessageRequest } from '../../shared/attachment-upload-schema.js';
import type { RequestChannel } from '../../shared/channels.js';
import { createMessage, encrypt, generateKey, readKey } from 'openpgp';
import { buildPgpMimeMessage } from '../../main/services/crypto/pgp-mime-writer.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createGpg } from '../support/gpg.js';
import { messageIdLocalPart } from '../../main/services/mime/message-id.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
/** Main mints the Message-ID from the draft id (and the sender's domain): its left side finds the message. */
const idOf = (m: { draftId: string }) => messageIdLocalPart(m.draftId);
let t: TestServices;
let smtp: SmtpTestServer;
let accountId: string;
const colleague = () => `${env.colleague.username}@sinetti.test`;

function message(overrides: Partial<OutgoingMessageRequest> = {}): OutgoingMessageRequest {
  return { accountId, to: [colleague()], subject: 'Kahvihuone', text: 'Kahvinkeitin on korjattu.', draftId: randomUUID(), ...overrides };
}

beforeAll(async () => {
  smtp = await startSmtpTestServer({
    mode: 'starttls',
    dovecotConfigPath: env.configPath,
    users: { [env.person.username]: env.person.password },
    lmtpPort: env.lmtpPort,
    deliverDomain: 'sinetti.test',
  });
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-gate-policy-')), 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      version: 1,
      domains: { internal: ['sinetti.test'] },
      actions: { sensitive: { external: 'gateway' } },
      gateway: { enabled: true, method: 'suffix', suffix: '.s' },
    }),
  );
  t = await createTestServices({ caCertPem: env.caCertPem, managedPolicyPath: policyFile });
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Oma',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
      address: `${env.person.username}@sinetti.test`,
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' },
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('send gate through the contract', () => {
  it("sends what the policy allows: plain internal mail arrives in the colleague's mailbox", async () => {
    const m = message();
    const { decision, token } = await t.value('send:evaluate', { message: m });
    expect(decision).toMatchObject({ route: 'plain', findings: [] });
    // The Message-ID is minted in main under the sender's domain.
    expect(await t.value('send:submit', { message: m, approval: { token } })).toEqual({ queued: 1, messageId: `${idOf(m)}@sinetti.test` });
    await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString().includes(idOf(m)))).toBe(true), { timeout: 10_000 });
    const arrived = smtp.received.find((r) => r.raw.toString().includes(idOf(m)))!;
    expect(arrived).toMatchObject({ from: `${env.person.username}@sinetti.test`, to: [colleague()] });
    await vi.waitFor(async () => expect(await t.value('send:outbox:list', {})).toEqual([]));
  });

  it('routes an identity code to a client without a key through the gateway (suffix), never plain', async () => {
    const m = message({ to: ['asiakas@example.net'], text: 'Henkilötunnuksesi 131052-308T on kirjattu.' });
    const { decision, token } = await t.value('send:evaluate', { message: m });
    expect(decision.route).toBe('gateway');
    expect(decision.findings[0]).toMatchObject({ masked: '131052-****', where: { part: 'body', index: 0 } });
    await t.value('send:submit', { message: m, approval: { token } });
    await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString().includes(idOf(m)))).toBe(true), { timeout: 10_000 });
    expect(smtp.received.find((r) => r.raw.toString().includes(idOf(m)))!.to).toEqual(['asiakas@example.net.s']);
  });

  it('keeps a reply to an encrypted message secure, whatever the reply says; a reply to plain mail may be plain', async () => {
    const { privateKey } = await generateKey({ userIDs: [{ email: 'asiakas@example.net' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const marker = randomBytes(4).toString('hex');
    const encrypted = await buildPgpMimeMessage(
      {
        from: { address: 'asiakas@example.net' },
        to: [{ address: `${env.person.username}@sinetti.test` }],
        subject: 'Salainen',
        text: 'Hei',
        messageId: `enc-${marker}@example.net`,
        date: new Date(),
      },
      { encryptionKeys: [privateKey.toPublic()], signingKey: privateKey },
    );
    await deliverLmtp(env.lmtpPort, env.person.username, encrypted.toString('latin1'));
    await deliverLmtp(
      env.lmtpPort,
      env.person.username,
      `From: asiakas@example.net\r\nTo: ${env.person.username}@sinetti.test\r\nSubject: Tavallinen ${marker}\r\nMessage-ID: <plain-${marker}@example.net>\r\n\r\nHei\r\n`,
    );
    const inbox = { accountId, path: 'INBOX' };
    let encryptedUid = 0;
    let plainUid = 0;
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: inbox, offset: 0, limit: 100, sort: 'date-desc' });
        encryptedUid = page.rows.find((r) => r?.encrypted)?.uid ?? 0;
        plainUid = page.rows.find((r) => r?.subject === `Tavallinen ${marker}`)?.uid ?? 0;
        expect(encryptedUid && plainUid).toBeTruthy();
      },
      { timeout: 10_000 },
    );

    const reply = (uid: number) => message({ to: ['asiakas@example.net'], subject: 'Re: asia', text: 'Kiitos viestistä.', replyTo: { mailbox: inbox, uid } });
    const secure = await t.value('send:evaluate', { message: reply(encryptedUid) });
    expect(secure.decision.recipients[0]).toMatchObject({ route: 'gateway', reason: 'secure-reply' });
    const plain = await t.value('send:evaluate', { message: reply(plainUid) });
    expect(plain.decision.recipients[0]).toMatchObject({ route: 'plain', reason: 'allowed' });
    // An approval for the plain reply does not carry over to the secure one.
    expect(await t.call('send:submit', { message: reply(encryptedUid), approval: { token: plain.token } })).toMatchObject({
      ok: false,
      error: { code: 'SEND_NOT_APPROVED' },
    });
  });

  it('keeps a reply to a decrypted inline-PGP message secure too; an armored block after other text is not opened and does not count', async () => {
    if ((await t.value('crypto:keys:list', {})).length === 0)
      await t.value('crypto:keys:generate', { name: 'Anna', email: `${env.person.username}@sinetti.test`, algorithm: 'curve25519' });
    const own = await readKey({
      armoredKey: (await t.value('crypto:keys:public:export', { fingerprint: (await t.value('crypto:keys:list', {}))[0]!.fingerprint })).armored,
    });
    const { privateKey: client } = await generateKey({ userIDs: [{ email: 'asiakas@example.net' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const armored = (await encrypt({
      message: await createMessage({ text: 'Salainen asia inline-muodossa.' }),
      encryptionKeys: own,
      signingKeys: client,
      format: 'armored',
    })) as string;
    const marker = randomBytes(4).toString('hex');
    const inline = (subject: string, body: string) =>
      `From: asiakas@example.net\r\nTo: ${env.person.username}@sinetti.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.net>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
    await deliverLmtp(env.lmtpPort, env.person.username, inline(`Inline ${marker}`, armored));
    await deliverLmtp(env.lmtpPort, env.person.username, inline(`Upotettu ${marker}`, `Katso alla:\n\n${armored}`));
    const inbox = { accountId, path: 'INBOX' };
    const uidOf = async (subject: string) => {
      let uid = 0;
      await vi.waitFor(
        async () => {
          const page = await t.value('mail:messages:page', { mailbox: inbox, offset: 0, limit: 100, sort: 'date-desc' });
          uid = page.rows.find((r) => r?.subject === subject)?.uid ?? 0;
          expect(uid).toBeGreaterThan(0);
        },
        { timeout: 10_000 },
      );
      return uid;
    };
    const inlineUid = await uidOf(`Inline ${marker}`);
    const embeddedUid = await uidOf(`Upotettu ${marker}`);
    // The reader opens the first as the message (decrypted inline PGP) and leaves the second unopened.
    expect((await t.value('mail:message:open', { mailbox: inbox, uid: inlineUid })).crypto).toMatchObject({ decryption: 'decrypted', inline: true });
    expect((await t.value('mail:message:open', { mailbox: inbox, uid: embeddedUid })).unopened).toEqual([
      expect.objectContaining({ kind: 'inline-encrypted' }),
    ]);

    // The composer and the gate agree: a reply to the decrypted inline message stays secure.
    expect(await t.value('mail:message:compose-context', { mailbox: inbox, uid: inlineUid, mode: 'reply' })).toMatchObject({ secure: true });
    const reply = (uid: number) => message({ to: ['asiakas@example.net'], subject: 'Re: asia', text: 'Kiitos viestistä.', replyTo: { mailbox: inbox, uid } });
    expect((await t.value('send:evaluate', { message: reply(inlineUid) })).decision.recipients[0]).toMatchObject({ route: 'gateway', reason: 'secure-reply' });
    expect(await t.value('mail:message:compose-context', { mailbox: inbox, uid: embeddedUid, mode: 'reply' })).toMatchObject({ secure: false });
    expect((await t.value('send:evaluate', { message: reply(embeddedUid) })).decision.recipients[0]).toMatchObject({ route: 'plain', reason: 'allowed' });
  });

  it('after acceptance files a Sent copy encrypted to the sender and marks the original answered', async () => {
    await t.value('crypto:keys:generate', { name: 'Anna', email: `${env.person.username}@sinetti.test`, algorithm: 'curve25519' });
    const marker = randomBytes(4).toString('hex');
    await deliverLmtp(
      env.lmtpPort,
      env.person.username,
      `From: ${colleague()}\r\nTo: ${env.person.username}@sinetti.test\r\nSubject: Kysymys ${marker}\r\nMessage-ID: <q-${marker}@sinetti.test>\r\n\r\nEhditkö?\r\n`,
    );
    const inbox = { accountId, path: 'INBOX' };
    let originalUid = 0;
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: inbox, offset: 0, limit: 100, sort: 'date-desc' });
        originalUid = page.rows.find((r) => r?.subject === `Kysymys ${marker}`)?.uid ?? 0;
        expect(originalUid).toBeGreaterThan(0);
      },
      { timeout: 10_000 },
    );

    const reply = message({ subject: `Re: Kysymys ${marker}`, text: 'Ehdin, tulen.', replyTo: { mailbox: inbox, uid: originalUid } });
    const { decision, token } = await t.value('send:evaluate', { message: reply });
    expect(decision.route).toBe('plain');
    await t.value('send:submit', { message: reply, approval: { token } });
    await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString().includes(idOf(reply)))).toBe(true), { timeout: 10_000 });
    // The copy the colleague got is plain (allowed); the one in Sent is encrypted to the sender.
    expect(smtp.received.find((r) => r.raw.toString().includes(idOf(reply)))!.raw.toString()).toContain('Ehdin, tulen.');
    const sent = { accountId, path: 'Sent' };
    let sentUid = 0;
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: sent, offset: 0, limit: 100, sort: 'date-desc' });
        sentUid = page.rows.find((r) => r?.encrypted && r.subject === '...')?.uid ?? 0;
        expect(sentUid).toBeGreaterThan(0);
      },
      { timeout: 10_000 },
    );
    const copy = await t.value('mail:message:open', { mailbox: sent, uid: sentUid });
    expect(copy).toMatchObject({ subject: `Re: Kysymys ${marker}`, crypto: { decryption: 'decrypted', signature: { status: 'good' } } });
    expect(copy.text).toContain('Ehdin, tulen.');
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: inbox, offset: 0, limit: 100, sort: 'date-desc' });
        expect(page.rows.find((r) => r?.uid === originalUid)?.flags.answered).toBe(true);
      },
      { timeout: 10_000 },
    );
  });

  it('sends an identity code to a colleague whose key is accepted by OpenPGP: PGP/MIME arrives in Dovecot, GnuPG decrypts and verifies it, the Sent copy opens in Sinetti', async () => {
    const gpg = createGpg();
    await gpg.run(['--passphrase', '', '--quick-gen-key', `Kollega <${colleague()}>`, 'future-default', 'default', '1y']);
    const colleagueKey = (await gpg.run(['--armor', '--export', colleague()])).stdout.toString();
    const [imported] = await t.value('crypto:contacts:import', { armored: colleagueKey });
    await t.value('crypto:contacts:accept', { fingerprint: imported!.fingerprint, state: 'verified', fingerprintCompared: true });
    if ((await t.value('crypto:keys:list', {})).length === 0)
      await t.value('crypto:keys:generate', { name: 'Anna', email: `${env.person.username}@sinetti.test`, algorithm: 'curve25519' });
    const own = (await t.value('crypto:keys:list', {}))[0]!;
    await gpg.run(['--import'], (await t.value('crypto:keys:public:export', { fingerprint: own.fingerprint })).armored);

    const marker = randomBytes(4).toString('hex');
    const m = message({ subject: `Kotikäynti ${marker}`, text: `Asiakkaan henkilötunnus 131052-308T, käynti ${marker}.` });
    const { decision, token } = await t.value('send:evaluate', { message: m });
    expect(decision).toMatchObject({ route: 'openpgp', recipients: [{ address: colleague(), class: 'internal', hasKey: true, route: 'openpgp' }] });
    await t.value('send:submit', { message: m, approval: { token } });

    // What arrived in the colleague's Dovecot mailbox, read over IMAP as the colleague.
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: env.imapPort,
      secure: false,
      auth: { user: env.colleague.username, pass: env.colleague.password },
      tls: { ca: env.caCertPem },
      logger: false,
    });
    await imap.connect();
    let raw = '';
    try {
      await vi.waitFor(
        async () => {
          const lock = await imap.getMailboxLock('INBOX');
          try {
            const uids = (await imap.search({ header: { 'message-id': idOf(m) } }, { uid: true })) || [];
            expect(uids.length).toBe(1);
            const fetched = await imap.fetchOne(String(uids[0]), { source: true }, { uid: true });
            raw = fetched ? (fetched.source?.toString('latin1') ?? '') : '';
          } finally {
            lock.release();
          }
        },
        { timeout: 15_000 },
      );
    } finally {
      await imap.logout();
    }
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted;/im);
    expect(raw).toMatch(/^Subject: \.\.\.\r?$/m);
    expect(raw).not.toContain('131052');
    expect(raw).not.toContain(marker);
    const armored = /-----BEGIN PGP MESSAGE-----[^]*?-----END PGP MESSAGE-----/.exec(raw)![0];
    const { stdout, stderr } = await gpg.run(['--status-fd', '2', '--decrypt'], armored);
    expect(stderr).toMatch(/\[GNUPG:\] DECRYPTION_OKAY/);
    expect(stderr).toMatch(new RegExp(`\\[GNUPG:\\] VALIDSIG ${own.fingerprint}`));
    // Inside: the real subject (protected headers) and the text.
    const inner = await PostalMime.parse(stdout);
    expect(inner.subject).toBe(`Kotikäynti ${marker}`);
    expect(inner.text).toContain('131052-308T');

    // The sender's Sent copy: encrypted to the sender, opened by Sinetti with a good signature.
    const sent = { accountId, path: 'Sent' };
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: sent, offset: 0, limit: 100, sort: 'date-desc' });
        const rows = page.rows.filter((r) => r?.encrypted && r.subject === '...');
        const opened = await Promise.all(rows.map((r) => t.value('mail:message:open', { mailbox: sent, uid: r!.uid })));
        expect(opened.find((o) => o.subject === `Kotikäynti ${marker}`)).toMatchObject({ crypto: { decryption: 'decrypted', signature: { status: 'good' } } });
      },
      { timeout: 15_000 },
    );
  });

  it('lets nothing crafted through', async () => {
    const before = smtp.received.length;
    const m = message({ to: ['asiakas@example.net'], text: 'Henkilötunnuksesi 131052-308T.' });
    const { token } = await t.value('send:evaluate', { message: m });
    const dispatch = (channel: string, request: unknown) => t.services.dispatcher.dispatch(channel as RequestChannel, request as never);

    // A channel that is not in the contract.
    expect(await dispatch('send:submit:force', { message: m, approval: { token } })).toMatchObject({ ok: false });
    // Missing approval, missing recipients, a From of its own choosing.
    expect(await dispatch('send:submit', { message: m })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await dispatch('send:submit', { message: { ...m, to: [] }, approval: { token } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await dispatch('send:submit', { message: { ...m, from: 'johtaja@sinetti.test' }, approval: { token } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    // A forged token of the right shape.
    expect(await t.call('send:submit', { message: m, approval: { token: randomBytes(32).toString('hex') } })).toMatchObject({
      ok: false,
      error: { code: 'SEND_NOT_APPROVED' },
    });
    // A token that approved another message; recipients or content changed after approval.
    const other = await t.value('send:evaluate', { message: message() });
    expect(await t.call('send:submit', { message: m, approval: { token: other.token } })).toMatchObject({ ok: false, error: { code: 'SEND_NOT_APPROVED' } });
    expect(await t.call('send:submit', { message: { ...m, to: ['toinen@example.net'] }, approval: { token } })).toMatchObject({
      ok: false,
      error: { code: 'SEND_NOT_APPROVED' },
    });
    expect(await t.call('send:submit', { message: { ...m, to: [colleague()] }, approval: { token } })).toMatchObject({
      ok: false,
      error: { code: 'SEND_NOT_APPROVED' },
    });
    expect(await t.call('send:submit', { message: { ...m, text: `${m.text} Lisää.` }, approval: { token } })).toMatchObject({
      ok: false,
      error: { code: 'SEND_NOT_APPROVED' },
    });
    // A message the rules refuse, even with its own valid token.
    const blocked = message({ subject: 'Asiakas 131052-308T', to: ['asiakas@example.net'] });
    const own = await t.value('send:evaluate', { message: blocked });
    expect(own.decision).toMatchObject({ route: 'blocked', blocked: [{ code: 'subject-finding' }] });
    expect(await t.call('send:submit', { message: blocked, approval: { token: own.token } })).toMatchObject({ ok: false, error: { code: 'SEND_BLOCKED' } });

    expect(await t.value('send:outbox:list', {})).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.length).toBe(before);
  });
});

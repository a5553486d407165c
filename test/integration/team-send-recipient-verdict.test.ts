/**
 * Mail sent as a team, judged where it arrives — not only that it decrypts. Anna sends as the
 * Perhepalvelut team mailbox over the real SMTP test server into the real Dovecot; then
 *  (a) her colleague Mikko's own Sinetti (a second client holding the team key) opens it: the
 *      verdict is `good`, by the team key, whose user ID carries the team address in From;
 *  (b) GnuPG in a throwaway home, as an outside partner who holds only the team's public key,
 *      decrypts it and reports VALIDSIG for the team key, whose UID is the team address.
 * The Sender header still names Anna. What the SMTP server receives shows the Message-ID minted in
 * main under the From domain (the team's for a team send, the person's otherwise) and the EHLO
 * name (the account's mail domain, never `.invalid`); a Message-ID from the renderer is refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, type PrivateKey } from 'openpgp';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { OutgoingMessageRequest as OutgoingMessageInput } from '../../shared/attachment-upload-schema.js';
import { sealGrant } from '../../main/services/crypto/team-key-grant.js';
import { messageIdFor } from '../../main/services/mime/message-id.js';
import { createGpg, type Gpg } from '../support/gpg.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const TEAM = 'perhepalvelut';
const TEAM_ADDRESS = 'perhepalvelut@sinetti.test';
// Anna's own address is in another domain than the team's, so the two Message-ID domains differ.
const ANNA = 'anna.virtanen@kunta.example';
const MIKKO = () => `${env.colleague.username}@sinetti.test`;
const PARTNER = 'kumppani@kela.example';
const PASS = 'gpg-salalause-9';

let smtp: SmtpTestServer;
let anna: TestServices;
let mikko: TestServices;
let annaAccount: string;
let mikkoAccount: string;
let teamKey: PrivateKey;
let gpg: Gpg;
let partnerFpr: string;
let annaPublic: string;

/** The team's key, granted by a lead (played by the test) to a member's own public key, imported by the member. */
async function grantTeamKey(member: TestServices, memberPublic: string, lead: PrivateKey): Promise<void> {
  const { readKey } = await import('openpgp');
  const armored = await sealGrant({
    team: TEAM,
    teamLabel: 'Perhepalvelut',
    generations: [{ generation: 1, key: teamKey }],
    member: await readKey({ armoredKey: memberPublic }),
    lead,
    now: Date.now(),
  });
  await member.value('crypto:team:grants:import', { source: { kind: 'file', armored }, confirmLead: lead.getFingerprint().toUpperCase() });
}

async function client(user: { username: string; password: string }, address: string, name: string, withSmtp: boolean, policyFile: string) {
  const t = await createTestServices({ caCertPem: env.caCertPem, managedPolicyPath: policyFile });
  const account = await t.value('accounts:add', {
    displayName: name,
    host: '127.0.0.1',
    port: env.imapPort,
    security: 'starttls',
    username: user.username,
    password: user.password,
    address,
    ...(withSmtp ? { smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' as const } } : {}),
  });
  const own = await t.value('crypto:keys:generate', { name, email: address, algorithm: 'curve25519' });
  return { t, accountId: account.id, publicKey: (await t.value('crypto:keys:public:export', { fingerprint: own.fingerprint })).armored };
}

beforeAll(async () => {
  smtp = await startSmtpTestServer({
    mode: 'starttls',
    dovecotConfigPath: env.configPath,
    users: { [env.person.username]: env.person.password },
    lmtpPort: env.lmtpPort,
    deliverDomain: 'sinetti.test',
  });
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-team-verdict-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ version: 1, domains: { internal: ['sinetti.test', 'kunta.example'] } }));
  teamKey = (await generateKey({ userIDs: [{ name: 'Perhepalvelut', email: TEAM_ADDRESS }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' }))
    .privateKey;
  const lead = (
    await generateKey({ userIDs: [{ name: 'Tiimin vetäjä', email: 'vetaja@sinetti.test' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' })
  ).privateKey;

  const a = await client(env.person, ANNA, 'Anna Virtanen', true, policyFile);
  const m = await client(env.colleague, MIKKO(), 'Mikko Korhonen', false, policyFile);
  [anna, annaAccount, mikko, mikkoAccount, annaPublic] = [a.t, a.accountId, m.t, m.accountId, a.publicKey];
  await grantTeamKey(anna, a.publicKey, lead);
  await grantTeamKey(mikko, m.publicKey, lead);

  // The outside partner: a GnuPG user who holds only the team's PUBLIC key (as Thunderbird would).
  gpg = createGpg();
  await gpg.run(['--passphrase', PASS, '--quick-gen-key', `Kumppani <${PARTNER}>`, 'ed25519', 'sign,cert', '1y']);
  partnerFpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', PARTNER])).stdout.toString())![1]!;
  await gpg.run(['--passphrase', PASS, '--quick-add-key', partnerFpr, 'cv25519', 'encr', '1y']);
  await gpg.run(['--import'], teamKey.toPublic().armor());

  // Anna has accepted both recipients' keys.
  for (const armored of [m.publicKey, (await gpg.run(['--armor', '--export', partnerFpr])).stdout.toString()]) {
    const [imported] = await anna.value('crypto:contacts:import', { armored });
    await anna.value('crypto:contacts:accept', { fingerprint: imported!.fingerprint, state: 'verified', fingerprintCompared: true });
  }
}, 120_000);
afterAll(async () => {
  await Promise.all([anna?.close(), mikko?.close()]);
  await smtp?.close();
});

async function sendAndReceive(message: OutgoingMessageInput): Promise<{ messageId: string; raw: Buffer; helo: string }> {
  const { decision, token } = await anna.value('send:evaluate', { message });
  expect(decision.route).toBe('openpgp');
  const { messageId } = await anna.value('send:submit', { message, approval: { token } });
  await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString('latin1').includes(`<${messageId}>`))).toBe(true), { timeout: 15_000 });
  const received = smtp.received.filter((r) => r.raw.toString('latin1').includes(`<${messageId}>`));
  expect(received).toHaveLength(1);
  return { messageId, raw: received[0]!.raw, helo: received[0]!.helo };
}

/** The message as Mikko's Sinetti shows it, found in his INBOX by its Message-ID. */
async function openAtMikko(messageId: string) {
  const inbox = { accountId: mikkoAccount, path: 'INBOX' };
  let uid = 0;
  await vi.waitFor(
    async () => {
      const found = await (await mikko.services.mail.session(inbox)).withClient((c) => c.search({ header: { 'message-id': messageId } }, { uid: true }));
      uid = (found || [])[0] ?? 0;
      expect(uid).toBeGreaterThan(0);
    },
    { timeout: 15_000 },
  );
  return mikko.value('mail:message:open', { mailbox: inbox, uid });
}

describe('mail sent as a team, at the recipient', () => {
  it("verifies as good from the team address in Sinetti and in GnuPG; Sender names the person; Message-ID and EHLO from the sender's domains", async () => {
    const team = (await anna.value('send:identities:list', {})).find((i) => i.kind === 'team' && i.address === TEAM_ADDRESS)!;
    expect(team).toBeDefined();
    const marker = randomBytes(4).toString('hex');
    const message: OutgoingMessageInput = {
      accountId: annaAccount,
      teamMailbox: team.teamMailbox!,
      to: [MIKKO(), PARTNER],
      subject: `Kotikäynti ${marker}`,
      text: `Tiimin viesti ${marker}.`,
      secure: true,
      draftId: randomUUID(),
    };
    const { messageId, raw, helo } = await sendAndReceive(message);

    // On the wire: Message-ID under the TEAM's domain (main minted it from the draft id), EHLO the account's domain.
    expect(messageId).toBe(messageIdFor(message.draftId, TEAM_ADDRESS));
    expect(messageId).toMatch(/^[0-9a-f]{32}@sinetti\.test$/);
    expect(helo).toBe('kunta.example');
    const outer = raw.toString('latin1');
    expect(outer).toMatch(/^From: Perhepalvelut <perhepalvelut@sinetti\.test>\r$/m);
    expect(outer).toMatch(new RegExp(`^Sender: Anna Virtanen <${ANNA.replace(/\./g, '\\.')}>\\r$`, 'm'));
    expect(outer).not.toContain('sinetti.invalid');

    // (a) Mikko's own Sinetti, a second client: good, by the team key, the signer carries the team address.
    const view = await openAtMikko(messageId);
    expect(view.subject).toBe(`Kotikäynti ${marker}`);
    expect(view.text).toContain(`Tiimin viesti ${marker}.`);
    expect(view.crypto).toMatchObject({
      decryption: 'decrypted',
      signature: { status: 'good', fingerprint: teamKey.getFingerprint().toUpperCase(), acceptance: 'team' },
    });
    expect(view.crypto!.signature.signerUserIds.some((id) => id.includes(`<${TEAM_ADDRESS}>`))).toBe(true);
    expect(view.identity).toMatchObject({ fromAddresses: [TEAM_ADDRESS], sender: ANNA });

    // (b) GnuPG as the outside partner: VALIDSIG for the team key, whose UID is the team address.
    const email = await PostalMime.parse(raw);
    const encrypted = email.attachments.find((a) => a.mimeType === 'application/octet-stream')!;
    const opened = await gpg.run(['--passphrase', PASS, '--status-fd', '2', '--decrypt'], Buffer.from(encrypted.content as ArrayBuffer).toString('latin1'));
    const validSig = /\[GNUPG:\] VALIDSIG ([0-9A-F]{40})/.exec(opened.stderr)?.[1];
    expect(validSig).toBe(teamKey.getFingerprint().toUpperCase());
    expect(opened.stderr).toMatch(new RegExp(`\\[GNUPG:\\] GOODSIG [0-9A-F]{16} Perhepalvelut <${TEAM_ADDRESS}>`));
    const uids = (await gpg.run(['--with-colons', '--list-keys', validSig!])).stdout
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('uid:'));
    expect(uids.map((l) => l.split(':')[9])).toEqual([`Perhepalvelut <${TEAM_ADDRESS}>`]);
    expect(opened.stdout.toString('utf8')).toContain(`Tiimin viesti ${marker}.`);
  });

  it("signs personal mail with the person's own key, under the person's domain", async () => {
    const message: OutgoingMessageInput = {
      accountId: annaAccount,
      to: [MIKKO()],
      subject: `Oma ${randomBytes(4).toString('hex')}`,
      text: 'Henkilökohtainen viesti.',
      secure: true,
      draftId: randomUUID(),
    };
    // Mikko has accepted Anna's own key (a team key says nothing about her personal mail).
    const [imported] = await mikko.value('crypto:contacts:import', { armored: annaPublic });
    await mikko.value('crypto:contacts:accept', { fingerprint: imported!.fingerprint, state: 'unverified' });
    const { messageId, helo } = await sendAndReceive(message);
    expect(messageId).toBe(messageIdFor(message.draftId, ANNA));
    expect(messageId).toMatch(/@kunta\.example$/);
    expect(helo).toBe('kunta.example');
    const view = await openAtMikko(messageId);
    const annaKey = (await anna.value('crypto:keys:list', {}))[0]!;
    expect(view.crypto?.signature).toMatchObject({ status: 'good', fingerprint: annaKey.fingerprint });
  });

  it('keeps the Message-ID of a draft across checks and re-sends, and takes none from the renderer', async () => {
    const message: OutgoingMessageInput = { accountId: annaAccount, to: [MIKKO()], subject: 'Sama viesti', text: 'Hei.', draftId: randomUUID() };
    const first = await anna.value('send:evaluate', { message });
    const second = await anna.value('send:evaluate', { message });
    // The approval covers the Message-ID: the same message checked twice gets the same token.
    expect(second.token).toBe(first.token);
    const refused = await anna.call('send:evaluate', { message: { ...message, messageId: 'valittu@sinetti.invalid' } as OutgoingMessageInput });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

/**
 * Team keys against the real Dovecot: the server's administer right makes the lead; the lead's
 * client files grants in the team mailbox's keys folder (created by IMAP, narrowed so members
 * cannot put anything there); each member's own client finds the grant addressed to their key,
 * imports it after confirming the lead, and opens team mail that was unreadable before. Removing a
 * member rotates the key: the others get the new generation, old mail still opens, and the
 * removed member cannot read new mail.
 */
import { ImapFlow } from 'imapflow';
import { createMessage, encrypt, generateKey, readKey, readMessage } from 'openpgp';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { DomainEvent } from '../../main/services/events/domain-events.js';
import { teamKeysFolderPath } from '../../main/services/mail/team-key-folder.js';
import { sealGrant } from '../../main/services/crypto/team-key-grant.js';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startSmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const { team, label } = env.teamKeys;

interface Client {
  t: TestServices;
  accountId: string;
  fingerprint: string;
  publicKey: string;
  events: DomainEvent[];
}

async function client(user: { username: string; password: string }, name: string): Promise<Client> {
  const t = await createTestServices({ caCertPem: env.caCertPem });
  const events: DomainEvent[] = [];
  t.services.domainEvents.subscribe((e) => events.push(e));
  const account = await t.value('accounts:add', {
    displayName: name,
    host: '127.0.0.1',
    port: env.imapPort,
    security: 'starttls',
    username: user.username,
    password: user.password,
  });
  const key = await t.value('crypto:keys:generate', { name, email: `${user.username}@sinetti.test`, algorithm: 'curve25519' });
  const { armored } = await t.value('crypto:keys:public:export', { fingerprint: key.fingerprint });
  return { t, accountId: account.id, fingerprint: key.fingerprint, publicKey: armored, events };
}

let sequence = 0;
async function deliverTeamMessage(teamPublicKey: string, body: string): Promise<string> {
  const subject = `Salattu tiimiviesti ${++sequence}-${Date.now()}`;
  const ciphertext = (await encrypt({
    message: await createMessage({ text: `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n` }),
    encryptionKeys: await readKey({ armoredKey: teamPublicKey }),
    format: 'armored',
  })) as string;
  const headers = [
    `From: Asiakas <asiakas@example.fi>`,
    `To: ${team}@sinetti.test`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.fi>`,
  ];
  await deliverLmtp(env.lmtpPort, team, pgpMimeEnvelope(headers, ciphertext));
  return subject;
}

async function openBySubject(c: Client, subject: string) {
  const groups = await c.t.value('mail:mailboxes:list', {});
  const inbox = groups.find((g) => g.kind === 'team' && g.label === label)!.mailboxes.find((m) => m.specialUse === '\\Inbox')!;
  const ref = { accountId: c.accountId, path: inbox.path };
  let uid: number | undefined;
  await vi.waitFor(
    async () => {
      const page = await c.t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 100, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid;
      expect(uid).toBeDefined();
    },
    { timeout: 10_000 },
  );
  const view = await c.t.value('mail:message:open', { mailbox: ref, uid: uid! });
  // This file is about keys, not handling: opening claimed the message (issue 11), so it goes back
  // to the queue for the next member to open.
  await c.t.call('team:item:release', { mailbox: ref, uid: uid! });
  return view;
}

let lead: Client;
let anna: Client;
let teemu: Client;

beforeAll(async () => {
  lead = await client(env.teamKeys.lead, 'Leena Vastaava');
  anna = await client(env.teamKeys.members[0]!, 'Anna Virtanen');
  teemu = await client(env.teamKeys.members[1]!, 'Teemu Jäsen');
}, 60_000);
afterAll(async () => {
  await Promise.all([lead?.t.close(), anna?.t.close(), teemu?.t.close()]);
});

describe('team keys through the team mailbox', () => {
  let teamPublicKey: string;
  let oldSubject: string;

  it('knows the lead from the administer right the server grants, and lets only the lead create the key', async () => {
    const leadView = (await lead.t.value('crypto:team:list', {})).find((v) => v.team === team)!;
    expect(leadView).toMatchObject({ label, isLead: true, keys: [] });
    const annaView = (await anna.t.value('crypto:team:list', {})).find((v) => v.team === team)!;
    expect(annaView.isLead).toBe(false);
    const refused = await anna.t.call('crypto:team:create', { accountId: anna.accountId, team, name: label, email: `${team}@sinetti.test` });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const created = await lead.t.value('crypto:team:create', { accountId: lead.accountId, team, name: label, email: `${team}@sinetti.test` });
    expect(created.keys).toHaveLength(1);
    expect(created.keys[0]).toMatchObject({ generation: 1, current: true, userIds: [`${label} <${team}@sinetti.test>`] });
    expect(lead.events.filter((e) => e.type === 'openpgp.team.created')).toEqual([
      expect.objectContaining({ team, fingerprint: created.keys[0]!.fingerprint, generation: 1 }),
    ]);
    teamPublicKey = (await lead.t.value('crypto:team:public:export', { accountId: lead.accountId, team })).armored;
    expect(teamPublicKey).not.toContain('PRIVATE');
  });

  it('files each grant in the keys folder, where members may read but not write', async () => {
    oldSubject = await deliverTeamMessage(teamPublicKey, 'Ensimmäisen sukupolven salattu sisältö');
    expect((await openBySubject(anna, oldSubject)).crypto?.decryption).toBe('no-key');

    const granted = await lead.t.value('crypto:team:grant', { accountId: lead.accountId, team, memberPublicKey: anna.publicKey });
    expect(granted.member.fingerprint).toBe(anna.fingerprint);
    expect(granted.armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    await lead.t.value('crypto:team:grant', { accountId: lead.accountId, team, memberPublicKey: teemu.publicKey });
    expect(lead.events.filter((e) => e.type === 'openpgp.team.granted').map((e) => (e as { memberFingerprint: string }).memberFingerprint)).toEqual([
      anna.fingerprint,
      teemu.fingerprint,
    ]);
    expect((await lead.t.value('crypto:team:list', {})).find((v) => v.team === team)!.members.map((m) => m.fingerprint)).toEqual([
      anna.fingerprint,
      teemu.fingerprint,
    ]);

    // Straight over IMAP as the member: the folder is there with both grants, and is read-only to them.
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: env.imapPort,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [env.caCertPem] },
      auth: { user: env.teamKeys.members[0]!.username, pass: env.teamKeys.members[0]!.password },
      logger: false,
    });
    await imap.connect();
    try {
      const folder = teamKeysFolderPath(`shared/${team}`);
      const status = await imap.status(folder, { messages: true });
      expect(status && status.messages).toBe(2);
      await expect(imap.append(folder, 'Subject: planted\r\n\r\nx\r\n')).rejects.toBeTruthy();
    } finally {
      await imap.logout();
    }
  });

  it('lets the member import the grant addressed to their key once they confirm the lead, and then open the team message', async () => {
    const pending = await anna.t.value('crypto:team:grants:pending', {});
    expect(pending).toHaveLength(1);
    const [grant] = pending;
    expect(grant).toMatchObject({ team, teamLabel: label, generation: 1, state: 'ready', leadConfirmed: false });
    expect(grant!.lead!.fingerprint).toBe(lead.fingerprint);

    const unconfirmed = await anna.t.call('crypto:team:grants:import', { source: { kind: 'folder', accountId: grant!.accountId, uid: grant!.uid } });
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'TEAM_GRANT_REFUSED' } });
    const wrong = await anna.t.call('crypto:team:grants:import', {
      source: { kind: 'folder', accountId: grant!.accountId, uid: grant!.uid },
      confirmLead: teemu.fingerprint,
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'TEAM_GRANT_REFUSED' } });
    expect(await anna.t.value('crypto:team:list', {}).then((v) => v.find((x) => x.team === team)!.keys)).toEqual([]);

    const imported = await anna.t.value('crypto:team:grants:import', {
      source: { kind: 'folder', accountId: grant!.accountId, uid: grant!.uid },
      confirmLead: lead.fingerprint,
    });
    expect(imported).toMatchObject({ team, generation: 1, added: 1 });
    expect(anna.events.filter((e) => e.type === 'openpgp.team.imported')).toEqual([
      expect.objectContaining({ team, leadFingerprint: lead.fingerprint, generation: 1 }),
    ]);
    expect(await anna.t.value('crypto:team:grants:pending', {})).toEqual([]);

    // The imported team key is sealed under the vault: nothing in the data directory is a readable key.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of files(anna.t.dataDir)) expect(readFileSync(file, 'latin1'), file).not.toMatch(/PRIVATE KEY|BEGIN PGP/);

    const view = await openBySubject(anna, oldSubject);
    expect(view.crypto?.decryption).toBe('decrypted');
    expect(view.text).toContain('Ensimmäisen sukupolven salattu sisältö');

    // Teemu's grant arrives as a file this time (the lead saved it).
    const teemuPending = await teemu.t.value('crypto:team:grants:pending', {});
    expect(teemuPending).toHaveLength(1);
    const preview = await teemu.t.value('crypto:team:grants:preview', {
      armored: (await lead.t.value('crypto:team:grant', { accountId: lead.accountId, team, memberPublicKey: teemu.publicKey })).armored,
    });
    expect(preview).toMatchObject({ team, state: 'ready', leadConfirmed: false });
    await teemu.t.value('crypto:team:grants:import', {
      source: { kind: 'folder', accountId: teemuPending[0]!.accountId, uid: teemuPending[0]!.uid },
      confirmLead: lead.fingerprint,
    });
    // Someone who is not the lead seals their own "team key" to Anna: refused even when Anna
    // confirms the real lead's fingerprint, because the grant is not signed by that key.
    const mallory = (
      await generateKey({
        userIDs: [{ name: 'Leena Vastaava', email: `${env.teamKeys.lead.username}@sinetti.test` }],
        type: 'ecc',
        curve: 'curve25519Legacy',
        format: 'object',
      })
    ).privateKey;
    const fake = (await generateKey({ userIDs: [{ name: label, email: `${team}@sinetti.test` }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' }))
      .privateKey;
    const forged = await sealGrant({
      team,
      teamLabel: label,
      generations: [{ generation: 2, key: fake }],
      member: await readKey({ armoredKey: anna.publicKey }),
      lead: mallory,
    });
    expect(await anna.t.value('crypto:team:grants:preview', { armored: forged })).toMatchObject({
      state: 'refused',
      reason: expect.stringMatching(/already hold/),
    });
    expect(await anna.t.call('crypto:team:grants:import', { source: { kind: 'file', armored: forged }, confirmLead: lead.fingerprint })).toMatchObject({
      ok: false,
      error: { code: 'TEAM_GRANT_REFUSED' },
    });
    expect(await anna.t.call('crypto:team:grants:import', { source: { kind: 'file', armored: forged } })).toMatchObject({
      ok: false,
      error: { code: 'TEAM_GRANT_REFUSED' },
    });
    // Even if Anna confirmed the stranger's own fingerprint: the grant lacks the team key she holds.
    expect(
      await anna.t.call('crypto:team:grants:import', { source: { kind: 'file', armored: forged }, confirmLead: mallory.getFingerprint().toUpperCase() }),
    ).toMatchObject({ ok: false, error: { code: 'TEAM_GRANT_REFUSED', message: expect.stringMatching(/already hold/) } });
    expect((await anna.t.value('crypto:team:list', {})).find((v) => v.team === team)!.keys.map((k) => k.fingerprint)).not.toContain(
      fake.getFingerprint().toUpperCase(),
    );
    // A grant sealed to Teemu is nothing to Anna.
    const notMine = await anna.t.call('crypto:team:grants:preview', {
      armored: (await lead.t.value('crypto:team:grant', { accountId: lead.accountId, team, memberPublicKey: teemu.publicKey })).armored,
    });
    expect(notMine).toMatchObject({ ok: true, value: { state: 'refused' } });
  });

  it('rotates on removal: the rest get the new generation, old mail still opens, the removed member cannot read new mail', async () => {
    const rotated = await lead.t.value('crypto:team:remove-member', { accountId: lead.accountId, team, memberFingerprint: teemu.fingerprint });
    expect(rotated.keys.map((k) => [k.generation, k.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(rotated.members.map((m) => m.fingerprint)).toEqual([anna.fingerprint]);
    const rotation = lead.events.find((e) => e.type === 'openpgp.team.rotated');
    expect(rotation).toMatchObject({
      team,
      generation: 2,
      removedMemberFingerprint: teemu.fingerprint,
      previousFingerprint: rotated.keys[0]!.fingerprint,
      fingerprint: rotated.keys[1]!.fingerprint,
    });

    const newPublic = (await lead.t.value('crypto:team:public:export', { accountId: lead.accountId, team })).armored;
    const newSubject = await deliverTeamMessage(newPublic, 'Toisen sukupolven salattu sisältö');

    // Anna trusts the lead already: the new generation imports without another confirmation.
    const pending = await anna.t.value('crypto:team:grants:pending', {});
    expect(pending).toEqual([expect.objectContaining({ team, generation: 2, state: 'ready', leadConfirmed: true })]);
    await anna.t.value('crypto:team:grants:import', { source: { kind: 'folder', accountId: pending[0]!.accountId, uid: pending[0]!.uid } });
    const annaKeys = (await anna.t.value('crypto:team:list', {})).find((v) => v.team === team)!.keys;
    expect(annaKeys.map((k) => k.generation)).toEqual([1, 2]);
    expect((await openBySubject(anna, oldSubject)).crypto?.decryption).toBe('decrypted');
    expect((await openBySubject(anna, newSubject)).text).toContain('Toisen sukupolven salattu sisältö');

    expect(await teemu.t.value('crypto:team:grants:pending', {})).toEqual([]);
    expect((await openBySubject(teemu, oldSubject)).crypto?.decryption).toBe('decrypted');
    const locked = await openBySubject(teemu, newSubject);
    expect(locked.crypto?.decryption).toBe('no-key');
    expect(locked.text ?? '').not.toContain('Toisen sukupolven');
  });

  it("sending as the team encrypts the Sent copy to the team's current key as well", async () => {
    const member = env.teamKeys.members[0]!;
    const smtp = await startSmtpTestServer({
      mode: 'starttls',
      dovecotConfigPath: env.configPath,
      users: { [member.username]: member.password },
      lmtpPort: env.lmtpPort,
      deliverDomain: 'sinetti.test',
    });
    try {
      const teamAccount = await anna.t.value('accounts:add', {
        displayName: label,
        teamName: label,
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: member.username,
        password: member.password,
        address: `${team}@sinetti.test`,
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' },
      });
      const outgoing = {
        accountId: teamAccount.id,
        to: [`${env.teamKeys.lead.username}@sinetti.test`],
        subject: 'Tiimin viesti',
        text: 'Kokous siirtyy.',
        draftId: randomUUID(),
      };
      const { token } = await anna.t.value('send:evaluate', { message: outgoing });
      const { messageId } = await anna.t.value('send:submit', { message: outgoing, approval: { token } });
      await vi.waitFor(async () => expect(await anna.t.value('send:outbox:list', {})).toEqual([]), { timeout: 15_000 });

      const current = (await anna.t.value('crypto:team:list', {})).find((v) => v.team === team)!.keys.find((k) => k.current)!;
      const teamKey = await readKey({ armoredKey: (await lead.t.value('crypto:team:public:export', { accountId: lead.accountId, team })).armored });
      expect(teamKey.getFingerprint().toUpperCase()).toBe(current.fingerprint);
      const imap = new ImapFlow({
        host: '127.0.0.1',
        port: env.imapPort,
        secure: false,
        doSTARTTLS: true,
        tls: { ca: [env.caCertPem] },
        auth: { user: member.username, pass: member.password },
        logger: false,
      });
      await imap.connect();
      try {
        const lock = await imap.getMailboxLock('Sent');
        try {
          const found = await imap.search({ header: { 'message-id': messageId } }, { uid: true });
          expect(found && found.length).toBe(1);
          const copy = await imap.fetchOne(String((found as number[])[0]), { source: true }, { uid: true });
          const source = copy ? (copy.source?.toString('utf8') ?? '') : '';
          const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(source)![0];
          const recipients = (await readMessage({ armoredMessage: armored })).getEncryptionKeyIDs().map((id) => id.toHex());
          const teamSubkeys = teamKey.getSubkeys().map((k) => k.getKeyID().toHex());
          expect(recipients.some((id) => teamSubkeys.includes(id))).toBe(true);
        } finally {
          lock.release();
        }
      } finally {
        await imap.logout();
      }
    } finally {
      await smtp.close();
    }
  });
});

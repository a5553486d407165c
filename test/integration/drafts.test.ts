/**
 * Drafts against the real Dovecot, through the contract, on two "workstations" (two service
 * instances with their own data directories and the same key imported): the server copy is
 * PGP/MIME with nothing readable in the bytes Dovecot stores, the other workstation lists and
 * opens it, every save leaves exactly one server copy, sending the message removes the draft on
 * both, and without an own key nothing reaches the server at all.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, readPrivateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { DraftContentRequest } from '../../shared/attachment-upload-schema.js';
import { staticKeyProvider } from '../../main/services/crypto/key-provider.js';
import { readEncryptedDraft } from '../../main/services/drafts/draft-mime.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const address = `${env.person.username}@sinetti.test`;
let a: TestServices;
let b: TestServices;
let smtp: SmtpTestServer;
let armoredKey: string;
const accountIds = new Map<TestServices, string>();

/** The person's Drafts folder as Dovecot stores it (Maildir files), read from disk. */
function serverDraftFiles(): Buffer[] {
  const home = /home=(\S+)\/%n/.exec(readFileSync(env.configPath, 'utf8'))![1]!;
  const folder = join(home, env.person.username, 'Maildir', '.Drafts');
  return ['cur', 'new'].flatMap((sub) =>
    existsSync(join(folder, sub)) ? readdirSync(join(folder, sub)).map((name) => readFileSync(join(folder, sub, name))) : [],
  );
}

async function serverCopiesOf(draftId: string): Promise<number> {
  const key = await readPrivateKey({ armoredKey });
  const keys = staticKeyProvider([key], [key.toPublic()], 'own');
  let count = 0;
  for (const raw of serverDraftFiles()) {
    const read = await readEncryptedDraft(raw, keys);
    if (read.ok && read.draft.draftId === draftId) count += 1;
  }
  return count;
}

async function workstation(withKey: boolean): Promise<TestServices> {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-drafts-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ version: 1, domains: { internal: ['sinetti.test'] } }));
  const t = await createTestServices({ caCertPem: env.caCertPem, managedPolicyPath: policyFile });
  const account = await t.value('accounts:add', {
    displayName: 'Oma',
    host: '127.0.0.1',
    port: env.imapPort,
    security: 'starttls',
    username: env.person.username,
    password: env.person.password,
    address,
    smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' },
  });
  accountIds.set(t, account.id);
  if (withKey) await t.value('crypto:keys:import', { armored: armoredKey });
  return t;
}

function draft(t: TestServices, marker: string, overrides: Partial<DraftContentRequest> = {}): DraftContentRequest {
  return {
    draftId: randomUUID(),
    accountId: accountIds.get(t)!,
    to: 'asiakas@example.net',
    cc: '',
    subject: `Lastensuojelu ${marker}`,
    text: `Asiakkaan henkilötunnus on 131052-308T, tapaus ${marker}.`,
    attachments: [],
    ...overrides,
  };
}

/** Hands a file to the workstation's main process the way the composer does (one piece). */
async function upload(t: TestServices, filename: string, content: Buffer): Promise<{ attachmentId: string }> {
  const { attachmentId } = await t.value('attachments:upload:begin', { filename, contentType: 'text/plain', size: content.length });
  await t.value('attachments:upload:chunk', { attachmentId, offset: 0, dataBase64: content.toString('base64') });
  return { attachmentId };
}

const readable = (bytes: Buffer, marker: string) =>
  ['131052-308T', marker, 'Lastensuojelu', 'asiakas@example.net', 'henkilötunnus'].filter((s) => bytes.includes(s));

beforeAll(async () => {
  smtp = await startSmtpTestServer({
    mode: 'starttls',
    dovecotConfigPath: env.configPath,
    users: { [env.person.username]: env.person.password },
    lmtpPort: env.lmtpPort,
    deliverDomain: 'sinetti.test',
  });
  armoredKey = (await generateKey({ userIDs: [{ name: 'Anna Virtanen', email: address }], type: 'ecc', curve: 'curve25519Legacy', format: 'armored' }))
    .privateKey;
  a = await workstation(true);
  b = await workstation(true);
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await smtp?.close();
});

describe('drafts on the server', () => {
  it('stores only PGP/MIME, opens on another workstation, and keeps exactly one copy per draft', async () => {
    const marker = randomBytes(4).toString('hex');
    const note = Buffer.from(`Liite ${marker}`);
    const first = draft(a, marker, {
      replyTo: { mailbox: { accountId: accountIds.get(a)!, path: 'INBOX' }, uid: 1 },
      attachments: [await upload(a, 'muistio.txt', note)],
    });
    expect(await a.value('drafts:save', { draft: first })).toMatchObject({ draftId: first.draftId, server: 'saved' });
    expect(await serverCopiesOf(first.draftId)).toBe(1);
    for (const raw of serverDraftFiles()) {
      expect(raw.toString('latin1')).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/im);
      // Minted in main under the sender's domain, never `.invalid`.
      expect(raw.toString('latin1')).toMatch(/^Message-ID: <draft-[0-9a-f]{24}@sinetti\.test>\r?$/im);
      expect(readable(raw, marker)).toEqual([]);
    }
    for (const name of readdirSync(join(a.dataDir, 'drafts'))) expect(readable(readFileSync(join(a.dataDir, 'drafts', name)), marker)).toEqual([]);

    // The other workstation: lists it from the server and opens it whole.
    const listed = await b.value('drafts:list', {});
    expect(listed.drafts.find((d) => d.draftId === first.draftId)).toMatchObject({
      subject: first.subject,
      to: 'asiakas@example.net',
      local: false,
      server: true,
      attachments: 1,
    });
    // Account ids are per workstation: the draft comes back under this workstation's account.
    const onB = accountIds.get(b)!;
    // Its attachment is held by that workstation's main process, named by a new id.
    const openedOnB = await b.value('drafts:open', { draftId: first.draftId });
    expect(openedOnB).toEqual({
      ...first,
      attachments: [{ attachmentId: expect.any(String), filename: 'muistio.txt', contentType: 'text/plain', size: note.length }],
      accountId: onB,
      replyTo: { mailbox: { accountId: onB, path: 'INBOX' }, uid: 1 },
      savedAt: expect.any(Number),
    });

    // Edited there: the copy is replaced, and the first workstation gets that version.
    const attachmentsOnB = openedOnB.attachments.map(({ attachmentId }) => ({ attachmentId }));
    expect(await b.value('drafts:save', { draft: { ...first, accountId: onB, attachments: attachmentsOnB, text: `Toinen versio ${marker}` } })).toMatchObject({
      server: 'saved',
    });
    expect(await serverCopiesOf(first.draftId)).toBe(1);
    await a.value('drafts:list', {});
    expect(await a.value('drafts:open', { draftId: first.draftId })).toMatchObject({
      text: `Toinen versio ${marker}`,
      attachments: [{ filename: 'muistio.txt', size: note.length }],
    });
    for (let i = 0; i < 3; i += 1) await a.value('drafts:save', { draft: { ...first, text: `Versio ${i} ${marker}` } });
    expect(await serverCopiesOf(first.draftId)).toBe(1);

    await a.value('drafts:discard', { draftId: first.draftId });
    expect(await serverCopiesOf(first.draftId)).toBe(0);
    expect((await a.value('drafts:list', {})).drafts.some((d) => d.draftId === first.draftId)).toBe(false);
    expect((await b.value('drafts:list', {})).drafts.some((d) => d.draftId === first.draftId)).toBe(false);
  });

  it('removes the draft here, on the server and on the other workstation once the message is accepted', async () => {
    const marker = randomBytes(4).toString('hex');
    const written = draft(a, marker, {
      to: `${env.colleague.username}@sinetti.test`,
      subject: `Palaveri ${marker}`,
      text: 'Tiimipalaveri siirtyy torstaille.',
      attachments: [],
    });
    await a.value('drafts:save', { draft: written });
    // The other workstation has opened it (so it holds a local copy too).
    await b.value('drafts:list', {});
    await b.value('drafts:open', { draftId: written.draftId });

    // Sent from the draft: main mints the Message-ID from the draft id, which links the two.
    const message = { accountId: written.accountId, to: [written.to], subject: written.subject, text: written.text, draftId: written.draftId };
    const { decision, token } = await a.value('send:evaluate', { message });
    expect(decision.route).toBe('plain');
    const { messageId } = await a.value('send:submit', { message, approval: { token } });
    await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString().includes(`<${messageId}>`))).toBe(true), { timeout: 15_000 });
    await vi.waitFor(async () => expect(await serverCopiesOf(written.draftId)).toBe(0), { timeout: 15_000 });
    expect((await a.value('drafts:list', {})).drafts.some((d) => d.draftId === written.draftId)).toBe(false);
    expect(readdirSync(join(a.dataDir, 'drafts'))).toEqual([]);
    expect((await b.value('drafts:list', {})).drafts.some((d) => d.draftId === written.draftId)).toBe(false);
    expect(readdirSync(join(b.dataDir, 'drafts'))).toEqual([]);
  });

  it('keeps the draft when the server refuses the message for good', async () => {
    const marker = randomBytes(4).toString('hex');
    const refused = `ei.ole.${marker}@sinetti.test`;
    smtp.faults.rejectRecipients = [refused];
    const written = draft(a, marker, { to: refused, subject: `Kysely ${marker}`, text: 'Ehditkö huomenna?', attachments: [] });
    await a.value('drafts:save', { draft: written });
    const message = { accountId: written.accountId, to: [refused], subject: written.subject, text: written.text, draftId: written.draftId };
    const { token } = await a.value('send:evaluate', { message });
    const { messageId } = await a.value('send:submit', { message, approval: { token } });
    let failedId = '';
    await vi.waitFor(
      async () => {
        const item = (await a.value('send:outbox:list', {})).find((i) => i.messageId === messageId);
        expect(item?.state).toBe('failed');
        failedId = item!.id;
      },
      { timeout: 15_000 },
    );
    smtp.faults.rejectRecipients = [];
    expect((await a.value('drafts:list', {})).drafts.find((d) => d.draftId === written.draftId)).toMatchObject({ local: true, server: true });
    expect(await serverCopiesOf(written.draftId)).toBe(1);
    await a.value('send:outbox:discard', { id: failedId });
    await a.value('drafts:discard', { draftId: written.draftId });
  });

  it('without an own key keeps the draft on the workstation only: nothing reaches the server', async () => {
    const c = await workstation(false);
    try {
      const before = serverDraftFiles().length;
      const marker = randomBytes(4).toString('hex');
      const local = draft(c, marker);
      expect(await c.value('drafts:save', { draft: local })).toMatchObject({ server: 'no-key' });
      expect(serverDraftFiles().length).toBe(before);
      expect(serverDraftFiles().every((raw) => readable(raw, marker).length === 0)).toBe(true);
      expect((await c.value('drafts:list', {})).drafts).toMatchObject([{ draftId: local.draftId, local: true, server: false }]);
      expect(await c.value('drafts:open', { draftId: local.draftId })).toMatchObject({ text: local.text, subject: local.subject });
    } finally {
      await c.close();
    }
  });

  it('refuses malformed drafts at the contract', async () => {
    const bad = draft(a, 'x');
    expect(await a.call('drafts:save', { draft: { ...bad, draftId: '../../secrets' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await a.call('drafts:save', { draft: { ...bad, from: 'johtaja@sinetti.test' } as DraftContentRequest })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await a.call('drafts:open', { draftId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

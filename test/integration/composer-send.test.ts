/**
 * The composer's main-side capabilities over the real SMTP test server and Dovecot: a reply's
 * quote comes from the original's own root body (for encrypted mail only what was decrypted from
 * the root), a forward as attachment arrives with the original's exact bytes attached and marks
 * the original `$Forwarded`, sending as a team mailbox carries the person in `Sender` (and not
 * when the policy turns it off), and an IDN recipient is addressed in punycode on the wire.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey } from 'openpgp';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { ComposeContext } from '../../shared/send-schema.js';
import type { OutgoingMessageRequest } from '../../shared/attachment-upload-schema.js';
import type { DomainEvent } from '../../main/services/events/domain-events.js';
import { buildPgpMimeMessage } from '../../main/services/crypto/pgp-mime-writer.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { messageIdLocalPart } from '../../main/services/mime/message-id.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
/** Main mints the Message-ID from the draft id (and the sender's domain): its left side finds the message. */
const idOf = (m: { draftId: string }) => messageIdLocalPart(m.draftId);
let t: TestServices;
let smtp: SmtpTestServer;
let accountId: string;
let policyFile: string;
const events: DomainEvent[] = [];
const me = () => `${env.person.username}@sinetti.test`;
const colleague = () => `${env.colleague.username}@sinetti.test`;
const inbox = () => ({ accountId, path: 'INBOX' });

function message(overrides: Partial<OutgoingMessageRequest> = {}): OutgoingMessageRequest {
  return { accountId, to: [colleague()], subject: 'Tiedoksi', text: 'Hei.', draftId: randomUUID(), ...overrides };
}

async function send(m: OutgoingMessageRequest): Promise<Buffer> {
  const { decision, token } = await t.value('send:evaluate', { message: m });
  expect(decision.route).not.toBe('blocked');
  await t.value('send:submit', { message: m, approval: { token } });
  await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString('latin1').includes(idOf(m)))).toBe(true), { timeout: 10_000 });
  return smtp.received.find((r) => r.raw.toString('latin1').includes(idOf(m)))!.raw;
}

async function uidOf(subject: string, mailbox = inbox()): Promise<number> {
  let uid = 0;
  await vi.waitFor(
    async () => {
      const page = await t.value('mail:messages:page', { mailbox, offset: 0, limit: 200, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid ?? 0;
      expect(uid).toBeGreaterThan(0);
    },
    { timeout: 10_000 },
  );
  return uid;
}

const flagsOf = async (uid: number) =>
  (await t.services.mail.session(inbox())).withClient(async (client) => [
    ...((await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true })) || { flags: new Set<string>() }).flags!,
  ]);

beforeAll(async () => {
  smtp = await startSmtpTestServer({
    mode: 'starttls',
    dovecotConfigPath: env.configPath,
    users: { [env.person.username]: env.person.password },
    lmtpPort: env.lmtpPort,
    deliverDomain: 'sinetti.test',
  });
  policyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-composer-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ version: 1, domains: { internal: ['sinetti.test'] } }));
  t = await createTestServices({ caCertPem: env.caCertPem, managedPolicyPath: policyFile });
  t.services.domainEvents.subscribe((event) => events.push(event));
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Anna Työntekijä',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
      address: me(),
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' },
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('composer over real SMTP and Dovecot', () => {
  it("forwards as attachment: the original's exact bytes arrive attached as message/rfc822, and the original gets $Forwarded", async () => {
    const marker = randomBytes(4).toString('hex');
    const original = `From: Asiakas <asiakas@example.net>\r\nTo: ${me()}\r\nSubject: Liite ${marker}\r\nMessage-ID: <orig-${marker}@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAlkuperäinen viesti ${marker}.\r\n`;
    await deliverLmtp(env.lmtpPort, env.person.username, original);
    const uid = await uidOf(`Liite ${marker}`);

    const context = await t.value('mail:message:compose-context', { mailbox: inbox(), uid, mode: 'forward' });
    expect(context).toMatchObject({ to: [], cc: [], subject: `Fwd: Liite ${marker}`, accountId, secure: false });
    expect(context.quoted).toContain(`Alkuperäinen viesti ${marker}.`);
    expect(context.quoted).toContain('Asiakas <asiakas@example.net>');

    const m = message({ subject: context.subject, text: 'Tiedoksi, ks. liite.', forward: { mailbox: inbox(), uid, mode: 'attachment' } });
    const raw = await send(m);
    const parsed = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true });
    const attached = parsed.attachments.find((a) => a.mimeType === 'message/rfc822');
    expect(attached?.filename).toBe(`Liite ${marker}.eml`);
    const bytes = Buffer.from(attached!.content as ArrayBuffer).toString('utf8');
    // Dovecot stores what LMTP delivered (plus its own trace headers): the original is all there.
    expect(bytes).toContain(`Message-ID: <orig-${marker}@example.net>`);
    expect(bytes).toContain(`Alkuperäinen viesti ${marker}.`);
    expect(raw.toString('latin1')).toContain(`References: <orig-${marker}@example.net>`);
    await vi.waitFor(async () => expect(await flagsOf(uid)).toContain('$Forwarded'), { timeout: 10_000 });
    // The audit trail learns which stored message left as an attachment (identifiers only).
    expect(events).toContainEqual({
      type: 'message.forwarded',
      accountId,
      mailbox: 'INBOX',
      uid,
      messageId: `${idOf(m)}@sinetti.test`,
      mode: 'attachment',
      at: expect.any(Number),
    });
    expect(await flagsOf(uid)).not.toContain('\\Answered');

    // Opened where it arrives, the forward is its own text with the original as one .eml attachment,
    // never the original's text mixed into its body.
    await deliverLmtp(env.lmtpPort, env.person.username, raw);
    const view = await t.value('mail:message:open', { mailbox: inbox(), uid: await uidOf(`Fwd: Liite ${marker}`) });
    expect(view.text).toContain('Tiedoksi, ks. liite.');
    expect(view.text).not.toContain(`Alkuperäinen viesti ${marker}`);
    expect(view.attachments).toEqual([expect.objectContaining({ filename: `Liite ${marker}.eml`, mimeType: 'message/rfc822' })]);
  });

  it('offers the team mailbox the server publishes an address for, and records the person in Sender when sending as it', async () => {
    const identities = await t.value('send:identities:list', {});
    expect(identities).toContainEqual({ accountId, address: me(), name: 'Anna Työntekijä', kind: 'personal' });
    const team = identities.find((i) => i.kind === 'team');
    expect(team).toMatchObject({ accountId, address: 'perhepalvelut@sinetti.test', name: 'Perhepalvelut' });
    // Aikuissosiaalityö publishes no address: not offered.
    expect(identities.some((i) => i.name === 'Aikuissosiaalityö')).toBe(false);

    const m = message({ teamMailbox: team!.teamMailbox!, subject: 'Tiimin viesti', text: 'Terveisin Perhepalvelut' });
    const raw = (await send(m)).toString('latin1');
    expect(raw).toMatch(/^From: Perhepalvelut <perhepalvelut@sinetti\.test>\r$/m);
    expect(raw).toMatch(new RegExp(`^Sender: =\\?UTF-8\\?Q\\?Anna_Ty=C3=B6ntekij=C3=A4\\?= <${me().replace(/\./g, '\\.')}>\\r$`, 'm'));
    expect(smtp.received.find((r) => r.raw.toString('latin1').includes(idOf(m)))!.from).toBe('perhepalvelut@sinetti.test');
    expect(events).toContainEqual({
      type: 'message.sent-as-team',
      accountId,
      teamMailbox: team!.teamMailbox,
      messageId: `${idOf(m)}@sinetti.test`,
      senderRecorded: true,
      at: expect.any(Number),
    });

    // A team mailbox the server does not offer cannot be claimed.
    expect(await t.call('send:evaluate', { message: message({ teamMailbox: `${accountId}:shared:aikuissosiaalityo` }) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    // The policy may turn the Sender header off (IT's choice).
    writeFileSync(policyFile, JSON.stringify({ version: 1, domains: { internal: ['sinetti.test'] }, sending: { senderHeader: false } }));
    await t.value('policy:reload', {});
    const without = (await send(message({ teamMailbox: team!.teamMailbox!, subject: 'Ilman Senderiä' }))).toString('latin1');
    expect(without).toMatch(/^From: Perhepalvelut <perhepalvelut@sinetti\.test>\r$/m);
    expect(without).not.toMatch(/^Sender:/m);
    writeFileSync(policyFile, JSON.stringify({ version: 1, domains: { internal: ['sinetti.test'] } }));
    await t.value('policy:reload', {});
  });

  it('starts a reply-all in main: recipients without the person, the team identity of the mailbox, and the quote', async () => {
    const marker = randomBytes(4).toString('hex');
    const teamInbox = { accountId, path: `shared/perhepalvelut` };
    const groups = await t.value('mail:mailboxes:list', {});
    const path = groups.find((g) => g.label === 'Perhepalvelut')!.mailboxes.find((m) => m.specialUse === '\\Inbox')!.path;
    teamInbox.path = path;
    await deliverLmtp(
      env.lmtpPort,
      'perhepalvelut',
      `From: asiakas@example.net\r\nTo: perhepalvelut@sinetti.test, ${colleague()}\r\nCc: ${me()}, sosiaalityo@example.org\r\nSubject: Kaikille ${marker}\r\nMessage-ID: <all-${marker}@example.net>\r\n\r\nHei kaikki,\r\nterveisin asiakas\r\n`,
    );
    const uid = await uidOf(`Kaikille ${marker}`, teamInbox);
    const context = await t.value('mail:message:compose-context', { mailbox: teamInbox, uid, mode: 'reply-all' });
    const team = (await t.value('send:identities:list', {})).find((i) => i.kind === 'team')!;
    expect(context).toMatchObject({
      to: ['asiakas@example.net'],
      cc: [colleague(), 'sosiaalityo@example.org'],
      subject: `Re: Kaikille ${marker}`,
      teamMailbox: team.teamMailbox,
      secure: false,
    });
    expect(context.quoted).toMatch(/kirjoitti:\n> Hei kaikki,\n> terveisin asiakas$/);
    const single = await t.value('mail:message:compose-context', { mailbox: teamInbox, uid, mode: 'reply' });
    expect(single).toMatchObject({ to: ['asiakas@example.net'], cc: [] });
  });

  it('quotes an encrypted message from its decrypted root only: never an attached message or a nested encrypted part', async () => {
    const own = await t.value('crypto:keys:generate', { name: 'Anna', email: me(), algorithm: 'curve25519' });
    const { privateKey } = await import('openpgp').then((o) =>
      o.generateKey({ userIDs: [{ email: 'asiakas@example.net' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' }),
    );
    const myKey = await readKey({ armoredKey: (await t.value('crypto:keys:public:export', { fingerprint: own.fingerprint })).armored });
    const marker = randomBytes(4).toString('hex');
    const nested = await buildPgpMimeMessage(
      {
        from: { address: 'asiakas@example.net' },
        to: [{ address: me() }],
        subject: 'Sisempi',
        text: `SISEMPI-SALAISUUS-${marker}`,
        messageId: `n-${marker}@example.net`,
        date: new Date(),
      },
      { encryptionKeys: [myKey], signingKey: privateKey },
    );
    const outer = await buildPgpMimeMessage(
      {
        from: { address: 'asiakas@example.net' },
        to: [{ address: me() }],
        subject: `Salattu ${marker}`,
        text: `Juurirunko ${marker}`,
        messageId: `e-${marker}@example.net`,
        date: new Date(),
        attachments: [
          { filename: 'liite.eml', contentType: 'message/rfc822', content: Buffer.from(`Subject: Liitetty\r\n\r\nLIITETTY-VIESTI-${marker}\r\n`) },
          { filename: 'sisempi.eml', contentType: 'message/rfc822', content: nested },
        ],
      },
      { encryptionKeys: [myKey], signingKey: privateKey },
    );
    await deliverLmtp(env.lmtpPort, env.person.username, outer.toString('latin1'));
    // Other files deliver encrypted mail here too: find ours by its protected subject, newest first.
    let context: ComposeContext | undefined;
    await vi.waitFor(
      async () => {
        const page = await t.value('mail:messages:page', { mailbox: inbox(), offset: 0, limit: 200, sort: 'date-desc' });
        const uids = page.rows
          .filter((r) => r?.encrypted)
          .map((r) => r!.uid)
          .sort((a, b) => b - a);
        context = undefined;
        for (const uid of uids.slice(0, 5)) {
          const candidate = await t.value('mail:message:compose-context', { mailbox: inbox(), uid, mode: 'reply' });
          if (candidate.subject === `Re: Salattu ${marker}`) context = candidate;
        }
        expect(context).toBeDefined();
      },
      { timeout: 10_000 },
    );
    expect(context).toMatchObject({ to: ['asiakas@example.net'], subject: `Re: Salattu ${marker}`, secure: true });
    expect(context!.quoted).toContain(`> Juurirunko ${marker}`);
    expect(context!.quoted).not.toContain('LIITETTY-VIESTI');
    expect(context!.quoted).not.toContain('SISEMPI-SALAISUUS');
    expect(context!.quoted).not.toContain('BEGIN PGP');
  });

  it('sends to an IDN address in punycode on the wire, and refuses crafted recipients in main', async () => {
    const m = message({ to: ['pekka@äänekoski.fi'], subject: 'Aukioloajat', text: 'Olemme avoinna arkisin 8–16.' });
    const { decision, token } = await t.value('send:evaluate', { message: m });
    expect(decision.recipients.map((r) => r.address)).toEqual(['pekka@xn--nekoski-4waa.fi']);
    await t.value('send:submit', { message: m, approval: { token } });
    await vi.waitFor(() => expect(smtp.received.some((r) => r.raw.toString('latin1').includes(idOf(m)))).toBe(true), { timeout: 10_000 });
    const arrived = smtp.received.find((r) => r.raw.toString('latin1').includes(idOf(m)))!;
    expect(arrived.raw.toString('latin1')).toMatch(/^To: pekka@xn--nekoski-4waa\.fi\r$/m);
    // smtp-server reports the RCPT TO domain decoded back to Unicode: the same mailbox.
    expect(arrived.to).toEqual(['pekka@äänekoski.fi']);
    for (const to of ['"x y"@kunta.fi', 'a@kunta.fi (kommentti)', 'a@kunta.fi, b@kunta.fi']) {
      expect(await t.call('send:evaluate', { message: message({ to: [to] }) })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });
});

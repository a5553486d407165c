/**
 * Claim on open through the contract, against the shared test Dovecot: opening an unhandled
 * message of a team INBOX claims it; a secured message someone else handles is refused before
 * anything is decrypted (no `message.opened` or `message.decrypted` for the second person) and the
 * second person sees who handles it; once released it opens and is claimed. The traffic cop stops
 * a reply to a team message answered by someone else since the composer opened, before the send
 * gate even looks at it.
 */
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { DomainEvent } from '../../main/services/events/domain-events.js';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
const team = env.teams[0]!;

interface Member {
  t: TestServices;
  address: string;
  accountId: string;
  events: DomainEvent[];
}

async function member(user: { username: string; password: string }): Promise<Member> {
  const t = await createTestServices({ caCertPem: env.caCertPem });
  const address = `${user.username}@sinetti.test`;
  const account = await t.value('accounts:add', {
    displayName: user.username,
    host: '127.0.0.1',
    port: env.imapPort,
    security: 'starttls',
    username: user.username,
    password: user.password,
    address,
  });
  const events: DomainEvent[] = [];
  t.services.domainEvents.subscribe((e) => events.push(e));
  return { t, address, accountId: account.id, events };
}

async function teamInbox(m: Member) {
  const groups = await m.t.value('mail:mailboxes:list', {});
  const inbox = groups.find((g) => g.kind === 'team' && g.label === team.label)!.mailboxes.find((b) => b.specialUse === '\\Inbox')!;
  return { accountId: m.accountId, path: inbox.path };
}

async function uidOf(m: Member, subject: string): Promise<number> {
  const ref = await teamInbox(m);
  let uid = 0;
  await vi.waitFor(
    async () => {
      const page = await m.t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid ?? 0;
      expect(uid).toBeGreaterThan(0);
    },
    { timeout: 10_000 },
  );
  return uid;
}

let anna: Member;
let ben: Member;
beforeAll(async () => {
  [anna, ben] = await Promise.all([member(env.person), member(env.colleague)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([anna?.t.close(), ben?.t.close()]);
});

describe('claim on open in a team mailbox', () => {
  it('claims for the first opener; the second sees who handles the secured message and nothing is decrypted for them', async () => {
    const subject = `Salattu ${randomUUID()}`;
    const headers = [`From: Asiakas <asiakas@example.fi>`, `To: ${team.name}@sinetti.test`, `Subject: ${subject}`, `Date: ${new Date().toUTCString()}`];
    await deliverLmtp(env.lmtpPort, team.name, pgpMimeEnvelope(headers, '-----BEGIN PGP MESSAGE-----\n\nwcBMA0Xp\n-----END PGP MESSAGE-----\n'));
    const annaRef = await teamInbox(anna);
    const benRef = await teamInbox(ben);
    const uid = await uidOf(anna, subject);

    await anna.t.value('mail:message:open', { mailbox: annaRef, uid });
    const claimed = await anna.t.value('team:item:get', { mailbox: annaRef, uid });
    expect(claimed?.item.handler?.memberId).toBe(anna.address);
    expect(claimed?.item.status).toBe('in-progress');

    const refused = await ben.t.call('mail:message:open', { mailbox: benRef, uid });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TEAM_ITEM_TAKEN' } });
    expect(ben.events.filter((e) => e.type === 'message.opened' || e.type === 'message.decrypted')).toEqual([]);
    const seenByBen = await ben.t.value('team:item:get', { mailbox: benRef, uid });
    expect(seenByBen?.item.handler?.memberId).toBe(anna.address);
    expect(seenByBen?.me).toBe(ben.address);

    // A take-over needs a reason sealed to the team key; without the key it is refused, not done in the clear.
    const noKey = await ben.t.call('team:item:take-over', { mailbox: benRef, uid, from: anna.address, reason: 'Anna on lomalla' });
    expect(noKey.ok).toBe(false);

    expect((await anna.t.value('team:item:release', { mailbox: annaRef, uid })).applied).toBe(true);
    // The release is in Anna's audit trail, at the durable point (awaited before the answer).
    const annasTrail = await anna.t.value('audit:own', { from: 0, to: Date.now() + 60_000 });
    expect(annasTrail).toContainEqual(expect.objectContaining({ action: 'claim.changed', outcome: 'ok', mailbox: annaRef.path, uid }));
    await ben.t.value('mail:message:open', { mailbox: benRef, uid });
    const now = await ben.t.value('team:item:get', { mailbox: benRef, uid });
    expect(now?.item.handler?.memberId).toBe(ben.address);
    expect(now?.item.history.map((h) => [h.action, h.by])).toEqual([
      ['claimed', anna.address],
      ['released', anna.address],
      ['claimed', ben.address],
    ]);
    // Anna hears of it through IDLE (the UI's live update).
    await vi.waitFor(() => expect(anna.t.events).toContainEqual(expect.objectContaining({ type: 'team-changed', team: team.name })), { timeout: 10_000 });
  }, 60_000);

  it('stops a reply to a team message answered by someone else since the composer opened (traffic cop)', async () => {
    const subject = `Kysymys ${randomUUID()}`;
    await deliverLmtp(env.lmtpPort, team.name, `From: Asiakas <asiakas@example.fi>\r\nTo: ${team.name}@sinetti.test\r\nSubject: ${subject}\r\n\r\nHei.\r\n`);
    const annaRef = await teamInbox(anna);
    const uid = await uidOf(anna, subject);
    await anna.t.value('mail:message:open', { mailbox: annaRef, uid });
    const basis = { handler: anna.address, answered: false };

    // A colleague's other mail program answers it meanwhile.
    const other = new ImapFlow({
      host: '127.0.0.1',
      port: env.imapPort,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [env.caCertPem] },
      auth: { user: env.colleague.username, pass: env.colleague.password },
      logger: false,
    });
    await other.connect();
    try {
      await other.mailboxOpen(annaRef.path);
      await other.messageFlagsAdd(String(uid), ['\\Answered'], { uid: true });
    } finally {
      await other.logout();
    }
    const message = {
      accountId: anna.accountId,
      to: ['asiakas@example.fi'],
      subject: `Re: ${subject}`,
      text: 'Vastaus',
      replyTo: { mailbox: annaRef, uid },
      teamBasis: basis,
      draftId: randomUUID(),
    };
    const stopped = await anna.t.call('send:submit', { message, approval: { token: 'not-checked-before-the-traffic-cop' } });
    expect(stopped).toMatchObject({ ok: false, error: { code: 'TEAM_ITEM_TAKEN' } });
    // What the composer saw already included the answer: the check lets it through to the send gate.
    const passed = await anna.t.call('send:submit', { message: { ...message, teamBasis: { ...basis, answered: true } }, approval: { token: 'x' } });
    expect(passed.ok === false && passed.error.code).not.toBe('TEAM_ITEM_TAKEN');
  }, 60_000);
});

/**
 * Team mailboxes over real IMAP: discovery through NAMESPACE + ACL, header sync of 1,000
 * messages, live updates (IDLE + LMTP delivery, another client's flag change), recovery from a
 * dropped connection, opening a message and acting on it.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import '../support/mail-test-env.js';
import type { MailboxGroup, MailboxRef, MessageRow } from '../../shared/domain.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';

const env = inject('mailEnv');
let t: TestServices;
let accountId: string;
let groups: MailboxGroup[];

const finnishMessage = (subject: string, body: string, extraHeaders = '') =>
  [
    'From: =?UTF-8?Q?Aino_M=C3=A4kel=C3=A4?= <aino.makela@example.fi>',
    `To: perhepalvelut@sinetti.test`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.fi>`,
    'MIME-Version: 1.0',
    extraHeaders,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ]
    .filter((l) => l !== '')
    .join('\r\n')
    .replace('Content-Transfer-Encoding: 8bit\r\n', 'Content-Transfer-Encoding: 8bit\r\n\r\n');

function teamInbox(label: string): MailboxRef {
  const group = groups.find((g) => g.kind === 'team' && g.label === label);
  const inbox = group?.mailboxes.find((m) => m.specialUse === '\\Inbox');
  if (!inbox) throw new Error(`team ${label} not visible: ${JSON.stringify(groups.map((g) => g.label))}`);
  return { accountId, path: inbox.path };
}

async function allRows(ref: MailboxRef): Promise<MessageRow[]> {
  const session = await t.services.mail.session(ref);
  await session.whenComplete();
  const first = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 500, sort: 'date-desc' });
  const rows: (MessageRow | null)[] = [...first.rows];
  for (let offset = 500; offset < first.total; offset += 500) {
    rows.push(...(await t.value('mail:messages:page', { mailbox: ref, offset, limit: 500, sort: 'date-desc' })).rows);
  }
  return rows.filter((r): r is MessageRow => r !== null);
}

beforeAll(async () => {
  t = await createTestServices({ caCertPem: env.caCertPem });
  const added = await t.value('accounts:add', {
    displayName: 'Oma postilaatikko',
    host: '127.0.0.1',
    port: env.imapPort,
    security: 'starttls',
    username: env.person.username,
    password: env.person.password,
  });
  accountId = added.id;
  groups = await t.value('mail:mailboxes:list', {});
});
afterAll(async () => t.close());

describe('discovery', () => {
  it('shows the personal mailbox and each team the server shares, with the rights it grants', () => {
    expect(groups[0]).toMatchObject({ kind: 'personal', label: 'Oma postilaatikko' });
    expect(groups[0]!.mailboxes[0]).toMatchObject({ path: 'INBOX', specialUse: '\\Inbox' });
    const teamLabels = groups.filter((g) => g.kind === 'team').map((g) => g.label);
    expect(teamLabels).toEqual(expect.arrayContaining(env.teams.map((team) => team.label)));
    const inbox = groups.find((g) => g.label === env.teams[0]!.label)!.mailboxes.find((m) => m.specialUse === '\\Inbox')!;
    expect(inbox.source).toBe('shared');
    expect(inbox.rights).toMatch(/l/);
    expect(inbox.rights).toMatch(/r/);
    expect(inbox.readOnly).toBe(false);
  });

  it('does not show teams the person is not a member of', async () => {
    const outsider = await createTestServices({ caCertPem: env.caCertPem });
    try {
      await outsider.value('accounts:add', {
        displayName: 'Ulkopuolinen',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: env.outsider.username,
        password: env.outsider.password,
      });
      const seen = await outsider.value('mail:mailboxes:list', {});
      expect(seen.filter((g) => g.kind === 'team')).toEqual([]);
    } finally {
      await outsider.close();
    }
  });
});

describe('header sync', () => {
  it(`shows the newest rows of a ${1000}-message mailbox at once and syncs all headers without duplicates`, async () => {
    const ref = { accountId, path: env.bulkFolder };
    const first = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
    expect(first.total).toBe(env.bulkCount);
    expect(first.rows.filter(Boolean)).toHaveLength(50);
    const rows = await allRows(ref);
    expect(rows).toHaveLength(env.bulkCount);
    expect(new Set(rows.map((r) => r.uid)).size).toBe(env.bulkCount);
    const dates = rows.map((r) => r.date);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it('recovers from a connection dropped mid-sync without duplicates or gaps', async () => {
    const ref = { accountId, path: env.bulkFolder };
    await t.services.mail.closeMailbox(ref);
    // A fresh service so the sync starts from nothing, then the socket dies under it.
    // Small windows, so the backfill is still running when the socket dies.
    const fresh = await createTestServices({ caCertPem: env.caCertPem, headerWindowSize: 50 });
    try {
      const added = await fresh.value('accounts:add', {
        displayName: 'Oma',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: env.person.username,
        password: env.person.password,
      });
      const freshRef = { accountId: added.id, path: env.bulkFolder };
      await fresh.value('mail:messages:page', { mailbox: freshRef, offset: 0, limit: 50, sort: 'date-desc' });
      const session = await fresh.services.mail.session(freshRef);
      expect(session.state!.complete).toBe(false);
      // The socket is imapflow-internal: destroying it is what a network failure looks like.
      (session as unknown as { client: ImapFlow & { socket?: { destroy(): void } } }).client.socket?.destroy();
      await vi.waitFor(() => expect(fresh.events).toContainEqual(expect.objectContaining({ type: 'connection', state: 'reconnecting' })), { timeout: 5000 });
      await vi.waitFor(() => expect(fresh.events).toContainEqual(expect.objectContaining({ type: 'connection', state: 'connected' })), { timeout: 15000 });
      await session.whenComplete();
      const page = await fresh.value('mail:messages:page', { mailbox: freshRef, offset: 0, limit: 500, sort: 'date-asc' });
      const uids = page.rows.map((r) => r!.uid);
      expect(new Set(uids).size).toBe(uids.length);
      expect(session.state!.rows.size).toBe(env.bulkCount);
      expect(session.state!.total).toBe(env.bulkCount);
    } finally {
      await fresh.close();
    }
  });
});

describe('live updates', () => {
  it('a message delivered over LMTP appears through IDLE without a refresh', async () => {
    const ref = teamInbox(env.teams[0]!.label);
    const before = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
    await deliverLmtp(env.lmtpPort, env.teams[0]!.name, finnishMessage('Uusi ajanvarauspyyntö', 'Hei, voisinko varata ajan ensi viikolle?'));
    await vi.waitFor(
      () => expect(t.events).toContainEqual(expect.objectContaining({ type: 'mailbox-changed', mailbox: ref, reason: 'new', total: before.total + 1 })),
      { timeout: 15_000 },
    );
    const after = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
    expect(after.rows[0]?.subject).toBe('Uusi ajanvarauspyyntö');
  });

  it('a flag set by a colleague on another connection is seen by the open session', async () => {
    const ref = teamInbox(env.teams[0]!.label);
    const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' });
    const target = page.rows[0]!;
    expect(target.flags.flagged).toBe(false);
    const colleague = new ImapFlow({
      host: '127.0.0.1',
      port: env.imapPort,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [env.caCertPem] },
      auth: { user: env.colleague.username, pass: env.colleague.password },
      logger: false,
    });
    await colleague.connect();
    try {
      await colleague.mailboxOpen(ref.path);
      await colleague.messageFlagsAdd(String(target.uid), ['\\Flagged'], { uid: true });
    } finally {
      await colleague.logout();
    }
    await vi.waitFor(
      async () => {
        const now = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' });
        expect(now.rows[0]?.flags.flagged).toBe(true);
      },
      { timeout: 15_000 },
    );
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'mailbox-changed', mailbox: ref, reason: 'flags' }));
  });
});

describe('reading and acting on a message', () => {
  it('opens a Finnish message, marks it read, and records the opening as a domain event', async () => {
    const ref = teamInbox(env.teams[0]!.label);
    const opened: unknown[] = [];
    const unsubscribe = t.services.domainEvents.subscribe((e) => opened.push(e));
    await deliverLmtp(
      env.lmtpPort,
      env.teams[0]!.name,
      finnishMessage('Päätös toimeentulotuesta', 'Hyvä asiakas, päätöksenne on liitteenä. Ystävällisin terveisin, Sosiaalitoimisto'),
    );
    await vi.waitFor(
      async () => {
        const p = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' });
        expect(p.rows[0]?.subject).toBe('Päätös toimeentulotuesta');
      },
      { timeout: 15_000 },
    );
    const row = (await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' })).rows[0]!;
    const view = await t.value('mail:message:open', { mailbox: ref, uid: row.uid });
    expect(view.subject).toBe('Päätös toimeentulotuesta');
    expect(view.from).toEqual({ name: 'Aino Mäkelä', address: 'aino.makela@example.fi' });
    expect(view.text).toContain('päätöksenne on liitteenä');
    expect(view.flags.seen).toBe(true);
    expect(opened).toContainEqual(expect.objectContaining({ type: 'message.opened', uid: row.uid, mailbox: ref.path }));
    unsubscribe();

    await t.value('mail:message:flags:set', { mailbox: ref, uids: [row.uid], seen: false, flagged: true });
    const reread = (await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' })).rows[0]!;
    await vi.waitFor(async () => {
      const r = (await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 1, sort: 'date-desc' })).rows[0]!;
      expect(r.flags).toMatchObject({ seen: false, flagged: true });
    });
    expect(reread.uid).toBe(row.uid);
  });

  it('reports a message that is gone as MESSAGE_GONE', async () => {
    const ref = teamInbox(env.teams[0]!.label);
    const result = await t.call('mail:message:open', { mailbox: ref, uid: 999_999 });
    expect(result).toMatchObject({ ok: false, error: { code: 'MESSAGE_GONE' } });
  });

  it('moves a message to another folder and deletes one to the Trash of the same mailbox owner', async () => {
    const ref = { accountId, path: 'INBOX' };
    await deliverLmtp(env.lmtpPort, env.person.username, finnishMessage('Siirrettävä viesti', 'Tämä siirretään arkistoon.'));
    await deliverLmtp(env.lmtpPort, env.person.username, finnishMessage('Poistettava viesti', 'Tämä poistetaan.'));
    const find = async (subject: string, path = 'INBOX') => {
      const session = await t.services.mail.session({ accountId, path });
      await session.whenComplete();
      const p = await t.value('mail:messages:page', { mailbox: { accountId, path }, offset: 0, limit: 500, sort: 'date-desc' });
      return p.rows.find((r) => r?.subject === subject) ?? null;
    };
    await vi.waitFor(async () => expect(await find('Poistettava viesti')).not.toBeNull(), { timeout: 15_000 });
    const toMove = (await find('Siirrettävä viesti'))!;
    await t.value('mail:message:move', { mailbox: ref, uids: [toMove.uid], destination: 'Archive' });
    const toDelete = (await find('Poistettava viesti'))!;
    const deleted = await t.value('mail:message:delete', { mailbox: ref, uids: [toDelete.uid] });
    expect(deleted.movedTo).toBe('Trash');
    await vi.waitFor(async () => {
      expect(await find('Siirrettävä viesti')).toBeNull();
      expect(await find('Poistettava viesti')).toBeNull();
    });
    expect(await find('Siirrettävä viesti', 'Archive')).not.toBeNull();
    expect(await find('Poistettava viesti', 'Trash')).not.toBeNull();
  });
});

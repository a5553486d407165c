/**
 * Search against the real Dovecot: server-side IMAP SEARCH for plain mail (words in the body,
 * sender, subject, quick filters, across mailboxes, in steps over a 1,000-message folder), and the
 * local index of encrypted mail, sealed under the vault key: it finds words inside encrypted
 * messages, survives a restart, and never writes a plaintext byte to the data directory.
 * Runs as the outsider user (no team), so no other test's mailbox changes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { MailboxRef } from '../../shared/domain.js';
import type { SearchHit, SearchQuery } from '../../shared/search-schema.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
const user = env.outsider;
const address = `${user.username}@sinetti.test`;
const token = `haku${Math.random().toString(36).slice(2, 8)}`;
/** Valid identity codes (mod-31 check) and words that exist only inside the encrypted messages. */
const IDENTITY_CODES = ['131052-308T', '010181-900C', '311299-999E'];
const SECRET_WORD = `sinetoitu${token}`;
const PROTECTED_SUBJECT = `Lastensuojeluilmoitus ${token}`;

const keychain = new MemoryKeychain();
const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-search-'));
let t: TestServices;
let accountId: string;
let inbox: MailboxRef;

const query = (q: Partial<SearchQuery>): SearchQuery => ({ text: '', field: 'all', ...q });

/** Runs a search to the end, step by step, as the list does. */
async function searchAll(scope: { kind: 'all' } | { kind: 'mailbox'; mailbox: MailboxRef }, q: SearchQuery, limit = 200) {
  let step = await t.value('mail:search:start', { scope, query: q, limit });
  const first = step;
  const hits: SearchHit[] = [...step.hits];
  let steps = 1;
  while (!step.done) {
    step = await t.value('mail:search:more', { searchId: step.searchId });
    hits.push(...step.hits);
    steps++;
  }
  return { hits, first, steps, truncated: step.truncated };
}

const plain = (subject: string, body: string, extra: string[] = []) =>
  [
    'From: Liisa Mäkinen <liisa.makinen@example.fi>',
    `To: ${address}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.fi>`,
    'MIME-Version: 1.0',
    ...extra,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');

const withAttachment = (subject: string, body: string) => {
  const b = `=_b_${token}`;
  return [
    'From: Kela <kela@example.fi>',
    `To: ${address}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    `--${b}`,
    'Content-Type: application/pdf; name="paatos.pdf"',
    'Content-Disposition: attachment; filename="paatos.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 test').toString('base64'),
    `--${b}--`,
    '',
  ].join('\r\n');
};

async function encrypted(publicKey: openpgp.Key, i: number): Promise<string> {
  const inner = [
    'Content-Type: text/plain; charset=utf-8; protected-headers="v1"',
    `Subject: ${PROTECTED_SUBJECT}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    `Asiakkaan henkilötunnus ${IDENTITY_CODES[i % IDENTITY_CODES.length]}, ${SECRET_WORD} ja kotikäynti ${i}.`,
    '',
  ].join('\r\n');
  const ciphertext = await openpgp.encrypt({ message: await openpgp.createMessage({ text: inner }), encryptionKeys: publicKey, format: 'armored' });
  return pgpMimeEnvelope(
    [
      'From: Liisa Mäkinen <liisa.makinen@example.fi>',
      `To: ${address}`,
      'Subject: ...',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <enc${i}${token}@example.fi>`,
    ],
    ciphertext as string,
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  t = await createTestServices({ caCertPem: env.caCertPem, keychain, dataDir });
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Ulla',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: user.username,
      password: user.password,
      address,
    })
  ).id;
  inbox = { accountId, path: 'INBOX' };
  const key = await t.value('crypto:keys:generate', { name: 'Ulla Ulkopuolinen', email: address, algorithm: 'curve25519' });
  const publicKey = await openpgp.readKey({ armoredKey: (await t.value('crypto:keys:public:export', { fingerprint: key.fingerprint })).armored });
  await deliverLmtp(env.lmtpPort, user.username, plain(`Kotikäynti ${token}`, `Tavataan torstaina, asia ${token}-runko.`));
  await deliverLmtp(env.lmtpPort, user.username, plain('Ilman tunnusta', `Toinen viesti ${token}-toinen.`, ['Cc: joku@example.fi']));
  await deliverLmtp(env.lmtpPort, user.username, withAttachment(`Päätös ${token}`, `Liitteenä päätös ${token}-liite.`));
  for (let i = 0; i < 3; i++) await deliverLmtp(env.lmtpPort, user.username, await encrypted(publicKey, i));
}, 60_000);

afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('server-side search of plain mail', () => {
  it('finds a message by a word in its body, across every mailbox, with its row as the list shows it', async () => {
    const { hits } = await searchAll({ kind: 'all' }, query({ text: `${token}-runko`, field: 'body' }));
    expect(hits.map((h) => h.row.subject)).toEqual([`Kotikäynti ${token}`]);
    expect(hits[0]).toMatchObject({ mailbox: inbox, via: 'server', row: { from: { address: 'liisa.makinen@example.fi' }, flags: { seen: false } } });
  });

  it('searches the sender, the subject and every word together', async () => {
    const bySender = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: `kela ${token}`, field: 'all' }));
    expect(bySender.hits.map((h) => h.row.subject)).toEqual([`Päätös ${token}`]);
    const bySubject = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: `Päätös ${token}`, field: 'subject' }));
    expect(bySubject.hits.map((h) => h.row.subject)).toEqual([`Päätös ${token}`]);
    const none = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: `${token} olematon`, field: 'all' }));
    expect(none.hits).toEqual([]);
  });

  it('applies the quick filters: attachment, unread, to me', async () => {
    const attached = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: token, hasAttachment: true }));
    expect(attached.hits.map((h) => h.row.subject)).toEqual([`Päätös ${token}`]);
    const plainOnes = (await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: token, field: 'subject' }))).hits.filter((h) => !h.row.encrypted);
    await t.value('mail:message:flags:set', { mailbox: inbox, uids: [plainOnes.find((h) => h.row.subject === `Kotikäynti ${token}`)!.row.uid], seen: true });
    const unread = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: token, field: 'subject', unread: true }));
    expect(unread.hits.map((h) => h.row.subject)).not.toContain(`Kotikäynti ${token}`);
    expect(unread.hits.map((h) => h.row.subject)).toContain(`Päätös ${token}`);
    const toMe = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: token, field: 'body', toMe: true }));
    expect(toMe.hits.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a search with neither words nor a filter', async () => {
    const result = await t.call('mail:search:start', { scope: { kind: 'all' }, query: query({ text: '  ' }), limit: 10 });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('search in steps over a large folder', () => {
  it('answers the newest window first and continues to the oldest message', async () => {
    // A person's own Bulk folder of 1,000 generated messages (the outsider has none: use the person).
    const other = await createTestServices({ caCertPem: env.caCertPem });
    try {
      const id = (
        await other.value('accounts:add', {
          displayName: 'Anna',
          host: '127.0.0.1',
          port: env.imapPort,
          security: 'starttls',
          username: env.person.username,
          password: env.person.password,
        })
      ).id;
      const bulk = { accountId: id, path: env.bulkFolder };
      let step = await other.value('mail:search:start', { scope: { kind: 'mailbox', mailbox: bulk }, query: query({ since: 0 }), limit: 500 });
      const firstCount = step.hits.length;
      let total = firstCount;
      let steps = 1;
      while (!step.done) {
        step = await other.value('mail:search:more', { searchId: step.searchId });
        total += step.hits.length;
        steps++;
      }
      expect(firstCount).toBeGreaterThan(0);
      expect(total).toBe(500);
      expect(step.truncated).toBe(true);
      expect(steps).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
    }
  });
});

describe('the sealed index of encrypted mail', () => {
  it('indexes arriving encrypted mail in the background and finds words inside it, without marking it read', async () => {
    // Opening the mailbox syncs its headers; the indexer then reads the encrypted ones.
    await t.value('mail:messages:page', { mailbox: inbox, offset: 0, limit: 50, sort: 'date-desc' });
    await vi.waitFor(
      async () => {
        await t.services.indexer.idle();
        expect(await t.services.searchIndex.count()).toBe(3);
      },
      { timeout: 20_000, interval: 200 },
    );
    const { hits, first } = await searchAll({ kind: 'all' }, query({ text: SECRET_WORD, field: 'body' }));
    expect(first.encryptedIndex).toBe('ready');
    expect(hits).toHaveLength(3);
    for (const hit of hits) {
      expect(hit).toMatchObject({ via: 'encrypted-index', mailbox: inbox, row: { subject: PROTECTED_SUBJECT, encrypted: true, flags: { seen: false } } });
    }
    // Prefix: the start of an inflected word finds it.
    expect((await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: `lastensuojelu`, field: 'subject' }))).hits.length).toBeGreaterThanOrEqual(3);
  });

  it('writes no plaintext to the data directory: no identity code, word, subject or sender in any file', async () => {
    await t.services.searchIndex.flush();
    const sealed = join(dataDir, 'search', 'encrypted-index.sealed');
    expect(statSync(sealed).size).toBeGreaterThan(100);
    const needles = [...IDENTITY_CODES, SECRET_WORD, token, 'Lastensuojeluilmoitus', 'kotikäynti', 'liisa.makinen'];
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of needles) {
        for (const encoding of ['utf8', 'utf16le', 'latin1'] as const) {
          expect(bytes.includes(Buffer.from(needle, encoding)), `${needle} (${encoding}) in ${file}`).toBe(false);
          expect(bytes.includes(Buffer.from(needle.toLowerCase(), encoding)), `${needle} (${encoding}) in ${file}`).toBe(false);
        }
      }
    }
  });

  it('opens the sealed index again after a restart, and forgets a message the server no longer has', async () => {
    await t.close();
    t = await createTestServices({ caCertPem: env.caCertPem, keychain, dataDir });
    const { hits } = await searchAll({ kind: 'all' }, query({ text: SECRET_WORD }));
    expect(hits).toHaveLength(3);
    await t.value('mail:message:move', { mailbox: inbox, uids: [hits[0]!.row.uid], destination: 'Trash' }).catch(async () => {
      await t.value('mail:message:delete', { mailbox: inbox, uids: [hits[0]!.row.uid] });
    });
    const after = await searchAll({ kind: 'mailbox', mailbox: inbox }, query({ text: SECRET_WORD }));
    expect(after.hits).toHaveLength(2);
  });

  it('says when the sealed index cannot be opened, and leaves the file as it was', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'sinetti-search-broken-'));
    // Sealed under another vault key (or damaged): it does not open with this one.
    mkdirSync(join(otherDir, 'search'), { recursive: true });
    const foreign = randomBytes(4096);
    writeFileSync(join(otherDir, 'search', 'encrypted-index.sealed'), foreign);
    const other = await createTestServices({ caCertPem: env.caCertPem, dataDir: otherDir });
    try {
      await other.value('accounts:add', {
        displayName: 'Ulla',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: user.username,
        password: user.password,
        address,
      });
      const step = await other.value('mail:search:start', { scope: { kind: 'all' }, query: query({ text: SECRET_WORD }), limit: 10 });
      expect(step.encryptedIndex).toBe('unavailable');
      expect(step.hits).toEqual([]);
      await other.services.searchIndex.flush();
      expect(readFileSync(join(otherDir, 'search', 'encrypted-index.sealed')).equals(foreign)).toBe(true);
    } finally {
      await other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

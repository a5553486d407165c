/**
 * The bulk header connection and the sealed header cache against a real Dovecot (STARTTLS,
 * verified certificate): the rows it streams equal imapflow's for the same mailbox; after a
 * restart the rows come from the cache, with flags changed and messages expunged by another
 * client while the app was closed; a UIDVALIDITY change resyncs everything; and nothing of a
 * subject or an address is readable in the data directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import '../support/mail-test-env.js';
import type { MessageRow } from '../../shared/domain.js';
import { BulkHeaderConnection } from '../../main/services/mail/bulk-header-connection.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
const FOLDER = `Valimuisti-${process.pid}`;
const SECRET_SUBJECT = 'Lastensuojeluilmoitus Virtaselle';
const SECRET_ADDRESS = 'salainen.lahettaja@asiakas.example';

function message(i: number): string {
  return [
    `From: =?UTF-8?Q?Sein=C3=A4_Py=C3=B6r=C3=A4l=C3=A4?= <${i === 0 ? SECRET_ADDRESS : `asiakas${i}@example.fi`}>`,
    'To: perhepalvelut@sinetti.test',
    `Subject: ${i === 0 ? SECRET_SUBJECT : `=?UTF-8?B?${Buffer.from(`Päätös nro ${i} "lainaus"`).toString('base64')}?=`}`,
    `Date: ${new Date(Date.UTC(2025, 0, 1, 8, i)).toUTCString()}`,
    `Message-ID: <cache-${i}@example.fi>`,
    'MIME-Version: 1.0',
    i % 3 === 0 ? 'Content-Type: multipart/mixed; boundary="b"' : 'Content-Type: text/plain; charset=utf-8',
    '',
    i % 3 === 0
      ? '--b\r\nContent-Type: text/plain\r\n\r\nHei\r\n--b\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: attachment; filename="a.pdf"\r\n\r\nJVBERi0=\r\n--b--'
      : 'Hei',
    '',
  ].join('\r\n');
}

async function otherClient<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: env.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: [env.caCertPem] },
    auth: { user: env.person.username, pass: env.person.password },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

async function fill(count: number): Promise<void> {
  await otherClient(async (client) => {
    await client.mailboxCreate(FOLDER).catch(() => undefined);
    for (let i = 0; i < count; i++) await client.append(FOLDER, message(i), i % 2 ? ['\\Seen'] : []);
  });
}

const keychain = new MemoryKeychain();
// One data directory across "restarts" (the harness leaves a directory it was given in place).
const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-cache-'));
const open: TestServices[] = [];

async function services(options: { bulkHeaderSync?: boolean } = {}): Promise<{ t: TestServices; ref: { accountId: string; path: string } }> {
  const t = await createTestServices({ caCertPem: env.caCertPem, keychain, dataDir, ...options });
  open.push(t);
  const existing = t.services.mail.listAccounts()[0];
  const accountId =
    existing?.id ??
    (
      await t.value('accounts:add', {
        displayName: 'Oma',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: env.person.username,
        password: env.person.password,
      })
    ).id;
  return { t, ref: { accountId, path: FOLDER } };
}

async function allRows(t: TestServices, ref: { accountId: string; path: string }): Promise<MessageRow[]> {
  await (await t.services.mail.session(ref)).whenComplete();
  const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 500, sort: 'date-asc' });
  return page.rows.filter((r): r is MessageRow => r !== null);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => fill(30));
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  for (const t of open.splice(0)) await t.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  await otherClient((client) => client.mailboxDelete(FOLDER)).catch(() => undefined);
});

describe('bulk header connection', () => {
  it('streams the same rows imapflow reads, on its own connection', async () => {
    const fetch = vi.spyOn(BulkHeaderConnection.prototype, 'fetch');
    const bulk = await services();
    const bulkRows = await allRows(bulk.t, bulk.ref);
    expect(fetch).toHaveBeenCalled();
    await bulk.t.close();
    open.splice(open.indexOf(bulk.t), 1);

    const legacy = await createTestServices({ caCertPem: env.caCertPem, bulkHeaderSync: false });
    try {
      const added = await legacy.value('accounts:add', {
        displayName: 'Vertailu',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: env.person.username,
        password: env.person.password,
      });
      const legacyRows = await allRows(legacy, { accountId: added.id, path: FOLDER });
      expect(bulkRows).toHaveLength(30);
      expect(bulkRows).toEqual(legacyRows);
      expect(bulkRows.find((r) => r.subject === SECRET_SUBJECT)?.from).toEqual({ name: 'Seinä Pyörälä', address: SECRET_ADDRESS });
      expect(bulkRows.filter((r) => r.hasAttachments)).toHaveLength(10);
    } finally {
      await legacy.close();
    }
  });
});

describe('sealed header cache', () => {
  it('keeps nothing readable on disk, and after a restart shows cached rows with what changed while closed', async () => {
    const first = await services();
    const before = await allRows(first.t, first.ref);
    await first.t.close();
    open.splice(open.indexOf(first.t), 1);

    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of [SECRET_SUBJECT, SECRET_ADDRESS, 'Pyörälä', 'asiakas1@example.fi', FOLDER]) {
        expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle} in ${file}`).toBe(false);
        expect(bytes.toString('latin1').includes(needle), `${needle} in ${file}`).toBe(false);
      }
    }
    expect(filesUnder(join(dataDir, 'header-cache')).length).toBeGreaterThan(0);

    // While the app is closed another client flags one message and expunges another.
    const [flagged, gone] = [before[3]!, before[4]!];
    await otherClient(async (client) => {
      await client.mailboxOpen(FOLDER);
      await client.messageFlagsAdd(String(flagged.uid), ['\\Flagged'], { uid: true });
      await client.messageDelete(String(gone.uid), { uid: true });
    });

    const fetch = vi.spyOn(BulkHeaderConnection.prototype, 'fetch');
    const second = await services();
    const after = await allRows(second.t, second.ref);
    // Every row came from the cache: nothing was fetched again in bulk.
    expect(fetch).not.toHaveBeenCalled();
    expect(after).toHaveLength(29);
    expect(after.find((r) => r.uid === gone.uid)).toBeUndefined();
    expect(after.find((r) => r.uid === flagged.uid)?.flags.flagged).toBe(true);
    expect(after.filter((r) => r.uid !== flagged.uid)).toEqual(before.filter((r) => r.uid !== flagged.uid && r.uid !== gone.uid));
    await second.t.close();
    open.splice(open.indexOf(second.t), 1);
  });

  it('resyncs everything when the mailbox was recreated (UIDVALIDITY changed)', async () => {
    await otherClient(async (client) => {
      await client.mailboxDelete(FOLDER);
      await client.mailboxCreate(FOLDER);
      await client.append(FOLDER, message(1).replace(/Subject: .*/, 'Subject: Uusi kansio'), []);
    });
    const third = await services();
    const rows = await allRows(third.t, third.ref);
    expect(rows.map((r) => r.subject)).toEqual(['Uusi kansio']);
  });
});

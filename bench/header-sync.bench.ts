/**
 * `npm run bench`: header sync against a real local Dovecot with 10,000, 50,000 and 200,000
 * generated messages. Prints, per size: (a) time to the first 50 rows after opening the mailbox,
 * (b) full header sync (bulk header connection, bulk-header-connection.ts), (c) the same FETCH
 * over a raw socket (baseline, same run), (b)/(c), peak RSS of this (services) process and the
 * heap the rows keep; the re-open time of the unchanged mailbox; after a restart with the sealed
 * header cache, the first 50 rows and the re-open; and, up to 50,000 messages, the same full
 * sync through imapflow (the path before the bulk connection) with its peak RSS, measured after
 * the rest in the same process (so its RSS includes what the process already holds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HEADER_QUERY } from '../main/services/mail/mailbox-session.js';
import { startDovecot } from '../test/support/dovecot.js';
import { generatedMessage } from '../test/support/fixtures/demo-messages.js';
import { BulkHeaderConnection } from '../main/services/mail/bulk-header-connection.js';
import { buildImapOptions } from '../main/services/mail/imap-client-factory.js';
import { createLogger } from '../main/services/logging/logger.js';
import { MemoryKeychain } from '../main/services/secrets/memory-keychain.js';
import { createTestServices, type TestServices } from '../test/support/services-harness.js';

const SIZES = (process.env.SINETTI_BENCH_SIZES ?? '10000,50000,200000').split(',').map(Number);
/** Above this the imapflow comparison is skipped (it takes minutes and most of the memory). */
const LEGACY_UP_TO = Number(process.env.SINETTI_BENCH_LEGACY_UP_TO ?? 50000);
const user = { name: 'bench.user', password: 'bench-password' };

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 10);

const FETCH_ITEMS = `(${Object.keys(HEADER_QUERY)
  .map((k) => ({ uid: 'UID', flags: 'FLAGS', size: 'RFC822.SIZE', internalDate: 'INTERNALDATE', envelope: 'ENVELOPE', bodyStructure: 'BODYSTRUCTURE' })[k])
  .join(' ')})`;

/** The baseline: log in over a raw socket and time `UID FETCH 1:* <same items>` until its tagged OK. */
async function rawFetchMs(port: number, folder: string): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  let buffer: Buffer = Buffer.alloc(0);
  let waiting: { tag: string; resolve: () => void } | null = null;
  socket.on('data', (chunk: Buffer) => {
    // Keep only a short tail: enough to find a tagged reply split across two chunks.
    buffer = Buffer.concat([buffer.subarray(-256), chunk]);
    if (waiting && buffer.includes(`\r\n${waiting.tag} OK`)) {
      const w = waiting;
      waiting = null;
      w.resolve();
    }
  });
  const run = (tag: string, command: string) =>
    new Promise<void>((resolve) => {
      waiting = { tag, resolve };
      // A line break in front lets the tagged reply match even when it is the first line.
      buffer = Buffer.from('\r\n');
      socket.write(`${tag} ${command}\r\n`);
    });
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  await run('a1', `LOGIN ${user.name} ${user.password}`);
  await run('a2', `SELECT ${folder}`);
  const start = performance.now();
  await run('a3', `UID FETCH 1:* ${FETCH_ITEMS}`);
  const elapsed = performance.now() - start;
  socket.end('a4 LOGOUT\r\n');
  return elapsed;
}

function fmt(ms: number): string {
  return `${ms.toFixed(0).padStart(6)} ms`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0).padStart(6)} MB`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function addAccount(t: TestServices, port: number): Promise<string> {
  const account = await t.value('accounts:add', {
    displayName: 'Bench',
    host: '127.0.0.1',
    port,
    security: 'plain',
    username: user.name,
    password: user.password,
  });
  return account.id;
}

async function main(): Promise<void> {
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-'));
  const dovecot = await startDovecot({ baseDir, users: [user], teams: [] });
  try {
    for (const size of SIZES) {
      const folder = `Bench${size}`;
      process.stdout.write(`\nSeeding ${size} messages… `);
      await dovecot.appendMaildir(
        user.name,
        folder,
        Array.from({ length: size }, (_, i) => ({ raw: generatedMessage(i), internalDate: new Date(Date.UTC(2025, 0, 1) + i * 60_000) })),
      );
      await rawFetchMs(dovecot.imapPort, folder); // let Dovecot build its index and cache first
      process.stdout.write('done\n');

      const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-data-'));
      const keychain = new MemoryKeychain();
      const t = await createTestServices({ dataDir, keychain });
      const ref = { accountId: await addAccount(t, dovecot.imapPort), path: folder };
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      peakRss = process.memoryUsage().rss;

      const openStart = performance.now();
      const first = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const firstRowsMs = performance.now() - openStart;
      if (first.rows.filter(Boolean).length !== 50) throw new Error('first page incomplete');
      const session = await t.services.mail.session(ref);
      await session.whenComplete();
      const fullSyncMs = performance.now() - openStart;
      const syncPeak = peakRss;
      if (session.state!.rows.size !== size) throw new Error(`synced ${session.state!.rows.size} of ${size}`);
      gc();
      const rowBytes = (process.memoryUsage().heapUsed - heapBefore) / size;

      const raw = [await rawFetchMs(dovecot.imapPort, folder), await rawFetchMs(dovecot.imapPort, folder)];
      const rawMs = Math.min(...raw);
      // The bulk connection alone, warm (login excluded, as for the raw baseline): the parser's cost.
      const bulkOptions = buildImapOptions(
        { host: '127.0.0.1', port: dovecot.imapPort, security: 'plain', credential: { method: 'password', user: user.name, password: user.password } },
        { logger: createLogger('bench', { sink: () => undefined }) },
      );
      const uids = [...session.state!.uids];
      const bulkOnly: number[] = [];
      for (let run = 0; run < 2; run++) {
        const connection = await BulkHeaderConnection.open(bulkOptions, folder, session.state!.uidValidity);
        const start = performance.now();
        let rows = 0;
        await connection.fetch(uids, () => rows++);
        bulkOnly.push(performance.now() - start);
        await connection.close();
        if (rows !== size) throw new Error('bulk fetch incomplete');
      }
      const bulkMs = Math.min(...bulkOnly);

      await t.services.mail.closeMailbox(ref);
      const reopenStart = performance.now();
      const again = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const reopenMs = performance.now() - reopenStart;
      if (again.total !== size) throw new Error('re-open lost rows');
      await t.close(); // seals the header cache

      // A restart: new services on the same data directory and keychain.
      const restarted = await createTestServices({ dataDir, keychain });
      const restartStart = performance.now();
      const cached = await restarted.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const restartMs = performance.now() - restartStart;
      if (cached.rows.filter(Boolean).length !== 50 || !cached.complete) throw new Error('the cache did not give the first page');
      await restarted.services.mail.closeMailbox(ref);
      const restartReopenStart = performance.now();
      await restarted.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const restartReopenMs = performance.now() - restartReopenStart;
      await restarted.close();
      rmSync(dataDir, { recursive: true, force: true });

      console.log(`${size} messages`);
      console.log(`  (a) first 50 rows after open     ${fmt(firstRowsMs)}   target < 300 ms`);
      console.log(`  (b) full header sync             ${fmt(fullSyncMs)}`);
      console.log(`  (c) raw-socket FETCH (baseline)  ${fmt(rawMs)}`);
      console.log(`      (b)/(c)                      ${(fullSyncMs / rawMs).toFixed(2).padStart(9)}   target ≤ 2.0 (stretch 1.5)`);
      console.log(`  (d) bulk FETCH + parse alone     ${fmt(bulkMs)}   (d)/(c) ${(bulkMs / rawMs).toFixed(2)} (warm, login excluded)`);
      console.log(`  peak RSS of services process     ${mb(syncPeak)}   target ≤ 150 MB`);
      console.log(`  heap kept per row                ${rowBytes.toFixed(0).padStart(6)} B`);
      console.log(`  re-open of unchanged mailbox     ${fmt(reopenMs)}   target ≤ 100 ms`);
      console.log(`  after restart, first 50 rows     ${fmt(restartMs)}   target ≤ 150 ms (sealed header cache)`);
      console.log(`  after restart, re-open           ${fmt(restartReopenMs)}   target ≤ 100 ms`);

      if (size <= LEGACY_UP_TO) {
        const legacyDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-legacy-'));
        const legacy = await createTestServices({ dataDir: legacyDir, bulkHeaderSync: false });
        const legacyRef = { accountId: await addAccount(legacy, dovecot.imapPort), path: folder };
        gc();
        peakRss = process.memoryUsage().rss;
        const legacyStart = performance.now();
        await legacy.value('mail:messages:page', { mailbox: legacyRef, offset: 0, limit: 50, sort: 'date-desc' });
        await (await legacy.services.mail.session(legacyRef)).whenComplete();
        const legacyMs = performance.now() - legacyStart;
        console.log(`  imapflow path (before): sync     ${fmt(legacyMs)}   ${(legacyMs / rawMs).toFixed(2)}× raw, peak RSS ${mb(peakRss).trim()}`);
        await legacy.close();
        rmSync(legacyDir, { recursive: true, force: true });
      }
    }
  } finally {
    clearInterval(sampler);
    await dovecot.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

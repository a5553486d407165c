/**
 * `npm run bench`: header sync against a real local Dovecot with 10,000 and 50,000 generated
 * messages. Prints, per size: (a) time to the first 50 rows after opening the mailbox, (b) full
 * header sync, (c) the same FETCH over a raw socket (baseline, same run), (b)/(c), peak RSS of
 * this (services) process, and the re-open time of the unchanged mailbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HEADER_QUERY } from '../main/services/mail/mailbox-session.js';
import { startDovecot } from '../test/support/dovecot.js';
import { generatedMessage } from '../test/support/fixtures/demo-messages.js';
import { createTestServices } from '../test/support/services-harness.js';

const SIZES = (process.env.SINETTI_BENCH_SIZES ?? '10000,50000').split(',').map(Number);
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

      const t = await createTestServices();
      const account = await t.value('accounts:add', {
        displayName: 'Bench',
        host: '127.0.0.1',
        port: dovecot.imapPort,
        security: 'plain',
        username: user.name,
        password: user.password,
      });
      const ref = { accountId: account.id, path: folder };
      peakRss = process.memoryUsage().rss;

      const openStart = performance.now();
      const first = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const firstRowsMs = performance.now() - openStart;
      if (first.rows.filter(Boolean).length !== 50) throw new Error('first page incomplete');
      const session = await t.services.mail.session(ref);
      await session.whenComplete();
      const fullSyncMs = performance.now() - openStart;
      if (session.state!.rows.size !== size) throw new Error(`synced ${session.state!.rows.size} of ${size}`);

      const raw = [await rawFetchMs(dovecot.imapPort, folder), await rawFetchMs(dovecot.imapPort, folder)];
      const rawMs = Math.min(...raw);

      await t.services.mail.closeMailbox(ref);
      const reopenStart = performance.now();
      const again = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
      const reopenMs = performance.now() - reopenStart;
      if (again.total !== size) throw new Error('re-open lost rows');

      console.log(`${size} messages`);
      console.log(`  (a) first 50 rows after open     ${fmt(firstRowsMs)}   target < 300 ms`);
      console.log(`  (b) full header sync             ${fmt(fullSyncMs)}`);
      console.log(`  (c) raw-socket FETCH (baseline)  ${fmt(rawMs)}`);
      console.log(`      (b)/(c)                      ${(fullSyncMs / rawMs).toFixed(2).padStart(9)}   target ≤ 1.5`);
      console.log(`  peak RSS of services process     ${(peakRss / 1024 / 1024).toFixed(0).padStart(6)} MB   target < 300 MB`);
      console.log(`  re-open of unchanged mailbox     ${fmt(reopenMs)}   target < 200 ms`);
      await t.close();
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

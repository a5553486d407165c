/**
 * `npm run bench`: search. (1) Server-side IMAP SEARCH through the contract over 50,000 generated
 * messages in a real local Dovecot: time to the first results (the first step that returns hits,
 * newest window first) and to the end of the search, median and p95, for a rare body word, a
 * common body word, a subject word, a sender and the unread filter. (2) The local index of
 * encrypted mail for 5,000 messages (decrypted text as the reader shows it): build time including
 * sealing and writing, size of the sealed file, load time after a restart, and time to the first
 * results, median and p95. Decryption itself is measured in open-encrypted.bench.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SearchQuery } from '../shared/search-schema.js';
import { EncryptedSearchIndex, type IndexedMessage } from '../main/services/search/encrypted-index.js';
import { MemoryKeychain } from '../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../main/services/secrets/secret-store.js';
import { startDovecot } from '../test/support/dovecot.js';
import { generatedMessage } from '../test/support/fixtures/demo-messages.js';
import { createTestServices } from '../test/support/services-harness.js';
import { median } from './stats.js';

const SIZE = Number(process.env.SINETTI_BENCH_SEARCH_SIZE ?? 50_000);
const ENCRYPTED = Number(process.env.SINETTI_BENCH_INDEX_SIZE ?? 5_000);
const RUNS = 7;
const user = { name: 'bench.search', password: 'bench-password' };

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)]!;
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function serverSide(): Promise<void> {
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-search-'));
  const dovecot = await startDovecot({ baseDir, users: [user], teams: [] });
  try {
    const folder = `Haku${SIZE}`;
    process.stdout.write(`\nSeeding ${SIZE} messages… `);
    await dovecot.appendMaildir(
      user.name,
      folder,
      Array.from({ length: SIZE }, (_, i) => ({ raw: generatedMessage(i), internalDate: new Date(Date.UTC(2025, 0, 1) + i * 60_000) })),
    );
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
    const mailbox = { accountId: account.id, path: folder };
    const queries: [string, SearchQuery][] = [
      ['body, one message (rare)', { text: `numero ${Math.floor(SIZE / 3)}`, field: 'body' }],
      ['body, every message', { text: 'yhteydenottoa', field: 'body' }],
      ['subject word', { text: 'kysymys', field: 'subject' }],
      ['sender', { text: 'example', field: 'from' }],
      ['unread filter', { text: '', field: 'all', unread: true }],
    ];
    // Warm-up: Dovecot builds its index and cache once.
    await t.value('mail:search:start', { scope: { kind: 'mailbox', mailbox }, query: { text: 'lämmittely', field: 'body' }, limit: 10 });
    console.log(`Server-side search, ${SIZE} messages (limit 200 hits)          first results (median / p95)     whole search (median / p95)`);
    for (const [label, query] of queries) {
      const first: number[] = [];
      const whole: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const start = performance.now();
        let step = await t.value('mail:search:start', { scope: { kind: 'mailbox', mailbox }, query, limit: 200 });
        let firstAt = step.hits.length || step.done ? performance.now() - start : NaN;
        while (!step.done) {
          step = await t.value('mail:search:more', { searchId: step.searchId });
          if (Number.isNaN(firstAt) && (step.hits.length || step.done)) firstAt = performance.now() - start;
        }
        first.push(firstAt);
        whole.push(performance.now() - start);
      }
      console.log(`  ${label.padEnd(58)}${fmt(median(first))} / ${fmt(p95(first))}      ${fmt(median(whole))} / ${fmt(p95(whole))}`);
    }
    console.log('  target: first results < 300 ms');
    await t.close();
  } finally {
    await dovecot.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

const WORDS = ['kotikäynti', 'päivähoito', 'toimeentulotuki', 'neuvola', 'tukihenkilö', 'asumisneuvonta', 'perhetyö', 'lastensuojelu', 'sijoitus', 'palaveri'];

function encryptedDocument(i: number): IndexedMessage {
  const word = (k: number) => WORDS[(i * 7 + k) % WORDS.length]!;
  const paragraphs = Array.from(
    { length: 6 },
    (_, k) =>
      `Hei, ${word(k)} ja ${word(k + 3)} asiasta ${i}: asiakkaan henkilötunnus 131052-308T, tapaaminen viikolla ${(i % 52) + 1}. ` +
      `Pyydän yhteydenottoa ${word(k + 5)}-asiassa mahdollisimman pian, kiitos. Viesti ${i}-${k}.`,
  );
  return {
    accountId: 'bench',
    path: `shared/tiimi${i % 4}/INBOX`,
    uidValidity: '1',
    uid: i + 1,
    date: Date.UTC(2025, 0, 1) + i * 60_000,
    subject: `${word(1)} – asia ${i}`,
    from: `Asiakas ${i % 300} asiakas${i % 300}@example.fi`,
    to: 'perhepalvelut@sinetti.test',
    body: paragraphs.join('\n\n'),
    hasAttachments: i % 9 === 0,
  };
}

async function localIndex(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-bench-index-'));
  try {
    const keychain = new MemoryKeychain();
    const file = join(dir, 'search', 'encrypted-index.sealed');
    const index = new EncryptedSearchIndex(new SecretStore(keychain, dir), file, { saveDelayMs: 60_000 });
    const docs = Array.from({ length: ENCRYPTED }, (_, i) => encryptedDocument(i));
    const buildStart = performance.now();
    for (const doc of docs) await index.add(doc);
    const addedAt = performance.now() - buildStart;
    await index.flush();
    const buildMs = performance.now() - buildStart;
    const size = index.sizeOnDisk();

    const loadStart = performance.now();
    const reopened = new EncryptedSearchIndex(new SecretStore(keychain, dir), file);
    const count = await reopened.count();
    const loadMs = performance.now() - loadStart;
    if (count !== ENCRYPTED) throw new Error(`reloaded ${count} of ${ENCRYPTED}`);

    const queries: [string, Parameters<EncryptedSearchIndex['search']>[0]][] = [
      ['one rare word (a message number)', { text: `${Math.floor(ENCRYPTED / 2)}-3`, field: 'body' }],
      ['common word', { text: 'yhteydenottoa', field: 'all' }],
      ['two words, prefix', { text: 'lastensuo kotikäyn', field: 'all' }],
      ['subject word', { text: 'neuvola', field: 'subject' }],
      ['word + attachment filter', { text: 'perhetyö', field: 'all', hasAttachment: true }],
    ];
    console.log(`\nLocal index of encrypted mail, ${ENCRYPTED} messages (~${Math.round(docs[0]!.body.length / 100) / 10} kB text each)`);
    console.log(`  build (index, seal, write)        ${fmt(buildMs)}   (indexing alone ${addedAt.toFixed(0)} ms)`);
    console.log(`  sealed file                       ${(size / 1024 / 1024).toFixed(1).padStart(6)} MB`);
    console.log(`  load after restart (open + parse) ${fmt(loadMs)}`);
    console.log(`  first results (200 hits, median / p95):`);
    for (const [label, query] of queries) {
      const times: number[] = [];
      for (let run = 0; run < RUNS * 3; run++) {
        const start = performance.now();
        await reopened.search(query, 200);
        times.push(performance.now() - start);
      }
      console.log(`    ${label.padEnd(34)}${fmt(median(times))} / ${fmt(p95(times))}`);
    }
    console.log('  target: first results < 300 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await localIndex();
  await serverSide();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

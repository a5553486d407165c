import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/services/logging/logger.js';
import { CompactRow, FLAGGED, SEEN } from '../../../main/services/mail/compact-row.js';
import { HeaderCache } from '../../../main/services/mail/header-cache.js';
import { MailboxState } from '../../../main/services/mail/mailbox-state.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

const logger = createLogger('test', { sink: () => undefined });
const ref = { accountId: 'a1', path: 'shared/perhepalvelut' };

function stateWithRows(): MailboxState {
  const state = new MailboxState(77n);
  state.highestModseq = 1234n;
  state.setUids([1, 2, 3, 5]);
  state.putRow(new CompactRow(1, 'Liisa Mäkinen', 'liisa@asiakas.example', 'Lastensuojeluilmoitus', 1000, 10, SEEN));
  state.putRow(new CompactRow(5, 'Liisa Mäkinen', 'liisa@asiakas.example', 'Toinen', 2000, 20, FLAGGED));
  return state;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

describe('sealed header cache', () => {
  it('reads back what it sealed, and nothing of it is plaintext on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-hc-'));
    const cache = new HeaderCache(join(dir, 'cache'), new SecretStore(new MemoryKeychain(), dir), logger);
    await cache.save(ref, stateWithRows());
    const [file] = files(join(dir, 'cache'));
    const bytes = readFileSync(file!);
    for (const needle of ['Lastensuojelu', 'liisa@asiakas', 'Mäkinen', 'perhepalvelut']) expect(bytes.includes(Buffer.from(needle))).toBe(false);
    expect(statSync(file!).mode & 0o777).toBe(0o600);

    const loaded = (await cache.load(ref))!;
    expect(loaded.uidValidity).toBe(77n);
    expect(loaded.highestModseq).toBe(1234n);
    expect(loaded.uids).toEqual([1, 2, 3, 5]);
    expect(loaded.row(1)).toMatchObject({ subject: 'Lastensuojeluilmoitus', flags: { seen: true, flagged: false } });
    expect(loaded.row(5)).toMatchObject({ subject: 'Toinen', flags: { seen: false, flagged: true } });
    expect(loaded.missing(10)).toEqual([3, 2]);
  });

  it('treats a damaged, swapped or foreign-key file as no cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-hc-'));
    const keychain = new MemoryKeychain();
    const cache = new HeaderCache(join(dir, 'cache'), new SecretStore(keychain, dir), logger);
    const other = { accountId: 'a1', path: 'INBOX' };
    await cache.save(ref, stateWithRows());
    await cache.save(other, new MailboxState(1n));
    const [a, b] = files(join(dir, 'cache'));
    const sealedA = readFileSync(a!);
    const sealedB = readFileSync(b!);
    // Swapped between two mailboxes: bound to its own name, so neither opens.
    writeFileSync(a!, sealedB);
    writeFileSync(b!, sealedA);
    expect(await cache.load(ref)).toBeNull();
    expect(await cache.load(other)).toBeNull();
    // One flipped byte.
    const flipped = Buffer.from(sealedA);
    flipped[flipped.length - 1]! ^= 1;
    writeFileSync(a!, flipped);
    writeFileSync(b!, flipped);
    expect(await cache.load(ref)).toBeNull();
    // Another vault key (another keychain) cannot open it.
    await cache.save(ref, stateWithRows());
    const stranger = new HeaderCache(join(dir, 'cache'), new SecretStore(new MemoryKeychain(), mkdtempSync(join(tmpdir(), 'sinetti-hc-'))), logger);
    expect(await stranger.load(ref)).toBeNull();
  });

  it('forgets an account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-hc-'));
    const cache = new HeaderCache(join(dir, 'cache'), new SecretStore(new MemoryKeychain(), dir), logger);
    await cache.save(ref, stateWithRows());
    cache.removeAccount('a1');
    expect(await cache.load(ref)).toBeNull();
  });
});

describe('rows from the bulk connection and live flag changes', () => {
  it('a flag change seen on the session connection before the bulk row arrived wins over it', () => {
    const state = new MailboxState(1n);
    state.setUids([1, 2]);
    // The session's connection reports \Flagged for UID 2, whose row the bulk connection read earlier.
    expect(state.updateFlags(2, { seen: false, answered: false, flagged: true })).toBe(false);
    state.putBulkRow(new CompactRow(2, 'A', 'a@x', 'S', 1, 1, SEEN));
    expect(state.row(2)!.flags).toEqual({ seen: false, answered: false, flagged: true });
    // A row read on the session's own connection is in order with its updates: it stands as read.
    state.updateFlags(1, { seen: true, answered: false, flagged: false });
    state.putRow(new CompactRow(1, 'A', 'a@x', 'S', 1, 1, 0));
    expect(state.row(1)!.flags.seen).toBe(false);
  });
});

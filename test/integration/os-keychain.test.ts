/**
 * The vault key in a real OS keychain: gnome-keyring's Secret Service in a private D-Bus session
 * (scripts/env/with-keyring.sh). Created once, reused across restarts, and a locked keyring is a
 * clear KEYCHAIN_LOCKED error with nothing written in plaintext. A keyring locked after the vault
 * key was made (the Secret Service then answers reads with "nothing") is reported at start-up as
 * locked — not as a missing key — while the app still starts, and the key is never replaced.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeytarKeychain } from '../../main/services/secrets/keytar-keychain.js';
import { KEYCHAIN_ACCOUNT, KEYCHAIN_SERVICE, SecretStore } from '../../main/services/secrets/secret-store.js';
import { lockDefaultCollection, unlockDefaultCollection } from '../support/keyring.js';
import { createTestServices } from '../support/services-harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-keychain-'));
let vaultKeyBefore: string | null = null;
const run = promisify(execFile);

describe('vault key in gnome-keyring', () => {
  afterAll(async () => {
    await unlockDefaultCollection();
  });

  it('runs inside a private D-Bus session with a Secret Service', () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run through scripts/env/with-keyring.sh').toBeTruthy();
  });

  it('creates a random 256-bit vault key on first use and keeps the secret encrypted on disk', async () => {
    const keychain = new KeytarKeychain();
    const store = new SecretStore(keychain, dataDir);
    await store.set('imap-password:demo', 'Hyvin-salainen-1');
    const key = await keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    expect(key).toBeTruthy();
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    for (const file of readdirSync(dataDir)) expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain('Hyvin-salainen');
  });

  it('reuses the same vault key after a restart (new process objects, same keyring)', async () => {
    const before = await new KeytarKeychain().getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    vaultKeyBefore = before;
    const restarted = new SecretStore(new KeytarKeychain(), dataDir);
    expect(await restarted.get('imap-password:demo')).toBe('Hyvin-salainen-1');
    await restarted.set('imap-password:other', 'Toinen');
    expect(await new KeytarKeychain().getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT)).toBe(before);
  });

  it('reports a locked keyring as KEYCHAIN_LOCKED and stores nothing', async () => {
    const freshDir = mkdtempSync(join(tmpdir(), 'sinetti-keychain-locked-'));
    // A different service name, so the existing vault key cannot be read from cache.
    await lockDefaultCollection();
    const keychain = new KeytarKeychain();
    await expect(keychain.setPassword('fi.sinetti.locked-test', KEYCHAIN_ACCOUNT, 'x')).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    const store = new SecretStore(new LockedProbe(keychain), freshDir);
    await expect(store.set('imap-password:x', 'y')).rejects.toMatchObject({ code: expect.stringMatching(/KEYCHAIN_LOCKED/) });
    expect(readdirSync(freshDir)).toEqual([]);
  });

  // Runs after the test above: the keyring holding the vault key made earlier is locked now.
  it('reports a keyring locked since the vault key was made as KEYCHAIN_LOCKED at start-up; the app starts and the key survives', async () => {
    await lockDefaultCollection();
    // The Secret Service hides the entry of a locked collection: a read says "nothing".
    expect(await new KeytarKeychain().getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT)).toBeNull();

    const t = await createTestServices({ dataDir, keychain: new KeytarKeychain() });
    try {
      const info = await t.value('app:info:get', {});
      expect(info.vaultProblem).toMatchObject({ code: 'KEYCHAIN_LOCKED', message: expect.stringContaining('Unlock') });
      expect(info.vaultProblem!.message).not.toMatch(/add the accounts again/i);
      // The rest of the app answers.
      expect((await t.call('accounts:list', {})).ok).toBe(true);
    } finally {
      await t.close();
    }
    // Unlocked again (a new daemon, so asked from a new process): the key is the one from before, never replaced.
    await unlockDefaultCollection();
    const { stdout } = await run('secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', KEYCHAIN_ACCOUNT]);
    expect(vaultKeyBefore).toBeTruthy();
    expect(stdout.trim()).toBe(vaultKeyBefore);
  });
});

/** Uses another keychain entry name so the test starts without a vault key (forcing a write). */
class LockedProbe {
  constructor(private readonly inner: KeytarKeychain) {}
  getPassword(_service: string, account: string) {
    return this.inner.getPassword('fi.sinetti.locked-test', account);
  }
  setPassword(_service: string, account: string, secret: string) {
    return this.inner.setPassword('fi.sinetti.locked-test', account, secret);
  }
}

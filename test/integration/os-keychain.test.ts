/**
 * The vault key in a real OS keychain: gnome-keyring's Secret Service in a private D-Bus session
 * (scripts/env/with-keyring.sh). Created once, reused across restarts, and a locked keyring is a
 * clear KEYCHAIN_LOCKED error with nothing written in plaintext.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeytarKeychain } from '../../main/services/secrets/keytar-keychain.js';
import { KEYCHAIN_ACCOUNT, KEYCHAIN_SERVICE, SecretStore } from '../../main/services/secrets/secret-store.js';
import { lockDefaultCollection, unlockDefaultCollection } from '../support/keyring.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-keychain-'));

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

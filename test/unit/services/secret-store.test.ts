import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { KEYCHAIN_ACCOUNT, KEYCHAIN_SERVICE, SecretStore } from '../../../main/services/secrets/secret-store.js';
import { VaultStatus } from '../../../main/services/secrets/vault-status.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sinetti-secrets-'));

describe('SecretStore', () => {
  it('keeps only a 256-bit vault key in the keychain and the secret encrypted on disk', async () => {
    const keychain = new MemoryKeychain();
    const d = dir();
    const store = new SecretStore(keychain, d);
    await store.set('imap-password:a1', 'Salainen-salasana-123');
    expect([...keychain.entries.keys()]).toEqual([`${KEYCHAIN_SERVICE}\u0000${KEYCHAIN_ACCOUNT}`]);
    expect(Buffer.from([...keychain.entries.values()][0]!, 'base64')).toHaveLength(32);
    const onDisk = readFileSync(join(d, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('Salainen');
    expect(statSync(join(d, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await new SecretStore(keychain, d).get('imap-password:a1')).toBe('Salainen-salasana-123');
  });

  it('confirms the vault key for the idle lock by reading the keychain again, never from memory', async () => {
    const keychain = new MemoryKeychain('readsNull');
    const store = new SecretStore(keychain, dir());
    await store.unlock();
    await expect(store.confirmVaultKey()).resolves.toBe(true);
    keychain.locked = true;
    await expect(store.confirmVaultKey()).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    keychain.locked = false;
    // Another key in the keychain now (another person's session, a reset): not this session's.
    keychain.entries.set(`${KEYCHAIN_SERVICE}\u0000${KEYCHAIN_ACCOUNT}`, Buffer.alloc(32, 7).toString('base64'));
    await expect(store.confirmVaultKey()).resolves.toBe(false);
    keychain.entries.clear();
    await expect(store.confirmVaultKey()).resolves.toBe(false);
  });

  it('binds each secret to its name: a swapped entry does not decrypt', async () => {
    const keychain = new MemoryKeychain();
    const d = dir();
    const store = new SecretStore(keychain, d);
    await store.set('a', 'one');
    await store.set('b', 'two');
    const file = JSON.parse(readFileSync(join(d, 'secrets.json'), 'utf8'));
    file.entries.a = file.entries.b;
    writeFileSync(join(d, 'secrets.json'), JSON.stringify(file));
    await expect(new SecretStore(keychain, d).get('a')).rejects.toMatchObject({ code: 'SECRET_CORRUPT' });
  });

  it('reports a locked keychain and writes nothing', async () => {
    const keychain = new MemoryKeychain();
    keychain.locked = true;
    const d = dir();
    await expect(new SecretStore(keychain, d).set('x', 'y')).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    expect(() => readFileSync(join(d, 'secrets.json'))).toThrow();
  });

  it('reports a keychain that answers reads with "nothing" while locked (Secret Service) as locked, never as a missing key, and keeps the key', async () => {
    const keychain = new MemoryKeychain('readsNull');
    const d = dir();
    await new SecretStore(keychain, d).set('imap-password:a', 'salasana');
    const key = [...keychain.entries.values()][0];
    keychain.locked = true;
    await expect(new SecretStore(keychain, d).get('imap-password:a')).rejects.toMatchObject({
      code: 'KEYCHAIN_LOCKED',
      message: expect.stringContaining('locked'),
    });
    // With nothing sealed in secrets.json yet, start-up must not make a new key over the real one.
    await expect(new SecretStore(keychain, dir()).unlock()).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    keychain.locked = false;
    expect([...keychain.entries.values()]).toEqual([key]);
    expect(await new SecretStore(keychain, d).get('imap-password:a')).toBe('salasana');
  });

  it('the start-up vault check says KEYCHAIN_LOCKED while locked and notices the unlock on the next question', async () => {
    const keychain = new MemoryKeychain('readsNull');
    const d = dir();
    await new SecretStore(keychain, d).set('x', 'y');
    keychain.locked = true;
    const status = new VaultStatus(new SecretStore(keychain, d));
    expect(await status.check()).toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    expect(await status.current()).toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    keychain.locked = false;
    expect(await status.current()).toBeNull();
  });

  it('refuses to start over when the vault key vanished but sealed secrets exist', async () => {
    const d = dir();
    await new SecretStore(new MemoryKeychain(), d).set('x', 'y');
    const before = readFileSync(join(d, 'secrets.json'), 'utf8');
    const emptyKeychain = new MemoryKeychain();
    await expect(new SecretStore(emptyKeychain, d).set('z', 'w')).rejects.toMatchObject({ code: 'SECRET_CORRUPT' });
    expect(emptyKeychain.entries.size).toBe(0);
    expect(readFileSync(join(d, 'secrets.json'), 'utf8')).toBe(before);
  });

  it('reports a damaged secrets file without overwriting it', async () => {
    const d = dir();
    writeFileSync(join(d, 'secrets.json'), '{not json');
    await expect(new SecretStore(new MemoryKeychain(), d).set('x', 'y')).rejects.toMatchObject({ code: 'SECRET_CORRUPT' });
    expect(readFileSync(join(d, 'secrets.json'), 'utf8')).toBe('{not json');
  });

  it('deletes a secret', async () => {
    const store = new SecretStore(new MemoryKeychain(), dir());
    await store.set('x', 'y');
    await store.delete('x');
    expect(await store.get('x')).toBeNull();
  });
});

/**
 * The life of a personal key: a passphrase key is unusable until unlocked, stays unlocked only
 * for the policy's period, a wrong passphrase changes nothing; revocation (by the person, or with
 * the certificate kept from creation when the passphrase is lost) reaches the exported public key;
 * an expiring key is flagged in time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, readKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { KeyService } from '../../../main/services/crypto/key-service.js';
import { decryptAndVerify, encryptAndSign } from '../../../main/services/crypto/message-crypto.js';
import { DomainEventBus } from '../../../main/services/events/domain-events.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

const PASS = 'pitkä salalause 2026';

function service(options: { unlockMinutes?: number; expiryWarningDays?: number } = {}) {
  let now = Date.now();
  const events = new DomainEventBus();
  const seen: string[] = [];
  events.subscribe((e) => seen.push(e.type));
  const secrets = new SecretStore(new MemoryKeychain(), mkdtempSync(join(tmpdir(), 'sinetti-lifecycle-')));
  const keys = new KeyService(secrets, events, { ...options, now: () => now });
  return { keys, secrets, seen, advance: (ms: number) => (now += ms), fresh: () => new KeyService(secrets, events, { ...options, now: () => now }) };
}

describe('passphrase keys in a session', () => {
  it('are not offered for decryption until unlocked, and lock again when the unlock period ends', async () => {
    const { keys, seen, advance } = service({ unlockMinutes: 15 });
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: PASS });
    expect(key).toMatchObject({ protectedByPassphrase: true, unlockedUntil: null });
    const ciphertext = await encryptAndSign('Asiakkaan tiedot', [await readKey({ armoredKey: await keys.exportPublic(key.fingerprint) })]);

    expect(await keys.decryptionKeys()).toEqual([]);
    expect((await keys.lockedKeys()).map((k) => k.getFingerprint().toUpperCase())).toEqual([key.fingerprint]);

    const unlocked = await keys.unlock(key.fingerprint, PASS);
    expect(unlocked.unlockedUntil).toBeGreaterThan(Date.now());
    const [usable] = await keys.decryptionKeys();
    expect(new TextDecoder().decode((await decryptAndVerify(ciphertext, [usable!])).data)).toBe('Asiakkaan tiedot');
    expect(seen).toContain('openpgp.key.unlocked');

    advance(15 * 60_000 + 1);
    expect(await keys.decryptionKeys()).toEqual([]);
    expect((await keys.list())[0]!.unlockedUntil).toBeNull();
  });

  it('keeps the key locked after a wrong passphrase, and lock() ends the session unlock at once', async () => {
    const { keys } = service();
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: PASS });
    await expect(keys.unlock(key.fingerprint, 'väärä salalause')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await keys.decryptionKeys()).toEqual([]);
    await keys.unlock(key.fingerprint, PASS);
    expect(await keys.decryptionKeys()).toHaveLength(1);
    keys.lock();
    expect(await keys.decryptionKeys()).toEqual([]);
  });

  it('never persists the unlock: a restarted service starts locked', async () => {
    const { keys, fresh } = service();
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: PASS });
    await keys.unlock(key.fingerprint, PASS);
    expect(await fresh().decryptionKeys()).toEqual([]);
  });
});

describe('revocation', () => {
  it('revokes an unlocked key with a reason; the exported public key carries the revocation and the key stays under its passphrase', async () => {
    const { keys, seen, fresh } = service();
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: PASS });
    const restarted = fresh();
    await restarted.unlock(key.fingerprint, PASS);
    const revoked = await restarted.revoke(key.fingerprint, 'superseded', 'Uusi avain');
    expect(revoked).toMatchObject({ revoked: true, protectedByPassphrase: true });
    expect(seen).toContain('openpgp.key.revoked');
    const exported = await readKey({ armoredKey: await restarted.exportPublic(key.fingerprint) });
    expect(await exported.isRevoked()).toBe(true);
    // Still under the passphrase after a restart.
    const again = fresh();
    expect((await again.list())[0]).toMatchObject({ revoked: true, protectedByPassphrase: true });
    expect(await again.decryptionKeys()).toEqual([]);
  });

  it('revokes a locked key whose passphrase is lost, with the certificate kept since creation', async () => {
    const { keys } = service();
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: PASS });
    expect((await keys.revoke(key.fingerprint, 'compromised')).revoked).toBe(true);
  });

  it('exports the revocation certificate, and applying it to the key (as after a reinstall) revokes it', async () => {
    const a = service();
    const key = await a.keys.generate({ name: 'Anna', email: 'anna@kunta.example' });
    const certificate = await a.keys.exportRevocationCertificate(key.fingerprint);
    expect(certificate).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);
    expect(certificate).not.toContain('PRIVATE');
    expect((await a.keys.list())[0]!.revoked).toBe(false);
    const other = await a.keys.generate({ name: 'Toinen', email: 'toinen@kunta.example' });
    await expect(a.keys.applyRevocationCertificate(other.fingerprint, certificate)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await a.keys.applyRevocationCertificate(key.fingerprint, certificate)).revoked).toBe(true);
  });

  it('makes a revocation certificate for an imported key on demand', async () => {
    const a = service();
    const b = service();
    const key = await a.keys.generate({ name: 'Anna', email: 'anna@kunta.example' });
    const armored = (await a.keys.privateKey(key.fingerprint))!.armor();
    await b.keys.importPrivate(armored);
    const certificate = await b.keys.exportRevocationCertificate(key.fingerprint);
    expect((await b.keys.applyRevocationCertificate(key.fingerprint, certificate)).revoked).toBe(true);
  });
});

describe('expiry warning', () => {
  it('flags the own key when it expires within the warning period', async () => {
    const { keys, advance } = service({ expiryWarningDays: 30 });
    const key = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', expiresInDays: 60 });
    expect(key.expiresSoon).toBe(false);
    advance(31 * 86_400_000);
    expect((await keys.list())[0]!.expiresSoon).toBe(true);
    const forever = await keys.generate({ name: 'Pysyvä', email: 'pysyva@kunta.example' });
    expect(forever).toMatchObject({ expires: null, expiresSoon: false });
  });
});

describe('a passphrase required by policy', () => {
  it('refuses to create or import a key without one, and follows the policy when it changes', async () => {
    let required = true;
    const secrets = new SecretStore(new MemoryKeychain(), mkdtempSync(join(tmpdir(), 'sinetti-keys-policy-')));
    const keys = new KeyService(secrets, undefined, { passphraseRequired: () => required });
    await expect(keys.generate({ name: 'Anna', email: 'anna@kunta.example' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('requires a passphrase'),
    });
    const protectedKey = await keys.generate({ name: 'Anna', email: 'anna@kunta.example', passphrase: 'pitkä salalause 2026' });
    expect(protectedKey.protectedByPassphrase).toBe(true);

    const { privateKey: unprotected } = await generateKey({
      userIDs: [{ email: 'toinen@kunta.example' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'armored',
    });
    await expect(keys.importPrivate(unprotected)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('requires a passphrase') });
    required = false;
    expect((await keys.importPrivate(unprotected)).protectedByPassphrase).toBe(false);
  });
});

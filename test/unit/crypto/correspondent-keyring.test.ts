/**
 * The correspondents' public keyring: acceptance states, no silent replacement of a known key,
 * refusals with the reason (expired, revoked, RSA-1024, SHA-1 self-signatures), rejected keys
 * never offered, and the keyring sealed on disk. Fast in-memory keychain; the real-keychain and
 * contract paths are in test/integration/correspondent-keys.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, encrypt, generateKey, revokeKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { CorrespondentKeyring } from '../../../main/services/crypto/correspondent-keyring.js';
import { CompositeKeyProvider } from '../../../main/services/crypto/key-provider.js';
import { KeyService, assertUsable } from '../../../main/services/crypto/key-service.js';
import { OPENPGP_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { readEncryptedRoot } from '../../../main/services/mail/message-security.js';
import { DomainEventBus, type DomainEvent } from '../../../main/services/events/domain-events.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';
import { SHA1_SELF_SIGNED_KEY } from '../../support/fixtures/weak-keys.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-keyring-'));
  const keychain = new MemoryKeychain();
  const secrets = new SecretStore(keychain, dir);
  const events = new DomainEventBus();
  const seen: DomainEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return { dir, secrets, keychain, keyring: new CorrespondentKeyring(secrets, events), seen };
}

async function publicKey(email: string, extra: { keyExpirationTime?: number; date?: Date } = {}): Promise<string> {
  const { publicKey } = await generateKey({
    ...extra,
    userIDs: [{ name: 'Kirjeenvaihtaja', email }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'armored',
    config: OPENPGP_CONFIG,
  });
  return publicKey;
}

describe('correspondent keyring', () => {
  it('imports a key as unverified, lists its facts, and offers it for verification', async () => {
    const { keyring, seen } = setup();
    const [view] = await keyring.importData(await publicKey('Anna.Asiakas@Example.net'), 'file');
    expect(view).toMatchObject({ state: 'unverified', source: 'file', addresses: ['anna.asiakas@example.net'], conflictsWith: [], revoked: false });
    expect(view!.fingerprintGrouped.replace(/\s/g, '')).toBe(view!.fingerprint);
    expect(await keyring.list()).toEqual([view]);
    expect(await keyring.acceptanceOf(view!.fingerprint.toLowerCase())).toBe('unverified');
    expect((await keyring.verificationKeys()).map((k) => k.getFingerprint().toUpperCase())).toEqual([view!.fingerprint]);
    expect(await keyring.decryptionKeys()).toEqual([]);
    expect(seen).toEqual([
      expect.objectContaining({ type: 'openpgp.correspondent.imported', fingerprint: view!.fingerprint, source: 'file', state: 'unverified' }),
    ]);
  });

  it('moves through the states; a rejected key is never offered', async () => {
    const { keyring, seen } = setup();
    const [view] = await keyring.importData(await publicKey('anna@example.net'), 'file');
    expect((await keyring.decide(view!.fingerprint, 'verified')).state).toBe('verified');
    expect(await keyring.acceptanceOf(view!.fingerprint)).toBe('verified');
    expect((await keyring.decide(view!.fingerprint, 'rejected')).state).toBe('rejected');
    expect(await keyring.acceptanceOf(view!.fingerprint)).toBe('rejected');
    expect(await keyring.verificationKeys()).toEqual([]);
    await keyring.remove(view!.fingerprint);
    expect(await keyring.list()).toEqual([]);
    expect(await keyring.acceptanceOf(view!.fingerprint)).toBeNull();
    expect(seen.map((e) => e.type)).toEqual([
      'openpgp.correspondent.imported',
      'openpgp.correspondent.accepted',
      'openpgp.correspondent.rejected',
      'openpgp.correspondent.removed',
    ]);
    await expect(keyring.decide(view!.fingerprint, 'verified')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never silently replaces a known key: a different key for the same address comes in undecided', async () => {
    const { keyring } = setup();
    const [old] = await keyring.importData(await publicKey('anna@example.net'), 'file');
    await keyring.decide(old!.fingerprint, 'verified');
    const [newer] = await keyring.importData(await publicKey('anna@example.net'), 'autocrypt');
    expect(newer).toMatchObject({ state: 'undecided', source: 'autocrypt', conflictsWith: [old!.fingerprint] });
    // The old key stays exactly as the person left it, and is still the one used.
    const list = await keyring.list();
    expect(list.find((k) => k.fingerprint === old!.fingerprint)).toMatchObject({ state: 'verified', conflictsWith: [newer!.fingerprint] });
    expect(await keyring.acceptanceOf(newer!.fingerprint)).toBe('undecided');
    // Undecided keys are not offered at all (neither for sending nor for signature verdicts).
    expect((await keyring.verificationKeys()).map((k) => k.getFingerprint().toUpperCase())).toEqual([old!.fingerprint]);

    // The person decides: the old one is rejected, the new one accepted.
    await keyring.decide(old!.fingerprint, 'rejected');
    expect((await keyring.decide(newer!.fingerprint, 'unverified')).conflictsWith).toEqual([]);
    expect((await keyring.verificationKeys()).map((k) => k.getFingerprint().toUpperCase())).toEqual([newer!.fingerprint]);
  });

  it('re-importing a known key updates it and keeps the decision', async () => {
    const { keyring } = setup();
    const armored = await publicKey('anna@example.net');
    const [view] = await keyring.importData(armored, 'file');
    await keyring.decide(view!.fingerprint, 'verified');
    const [again] = await keyring.importData(armored, 'wkd');
    expect(again).toMatchObject({ fingerprint: view!.fingerprint, state: 'verified', conflictsWith: [] });
    expect(await keyring.list()).toHaveLength(1);
    // The same key twice in one file counts once.
    const fresh = await publicKey('pekka@example.net');
    expect(await keyring.importData(`${fresh}\n${fresh}`, 'file')).toEqual([
      expect.objectContaining({ state: 'unverified', addresses: ['pekka@example.net'] }),
    ]);
  });

  it('applies a revocation to a known key (keeping the record) and then refuses to accept it', async () => {
    const { keyring, seen } = setup();
    const { privateKey, publicKey: armored } = await generateKey({
      userIDs: [{ email: 'lahtija@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    const [view] = await keyring.importData(armored.armor(), 'file');
    const { publicKey: revoked } = await revokeKey({ key: privateKey, format: 'armored', config: OPENPGP_CONFIG });
    const [updated] = await keyring.importData(revoked, 'wkd');
    expect(updated).toMatchObject({ fingerprint: view!.fingerprint, revoked: true, state: 'unverified', source: 'file' });
    expect(seen.map((e) => e.type)).toEqual(['openpgp.correspondent.imported', 'openpgp.correspondent.updated']);
    // A revoked key is not used for sending (SendService checks assertUsable on every key it is offered).
    await expect(assertUsable((await keyring.verificationKeys())[0]!)).rejects.toMatchObject({ message: expect.stringMatching(/revoked/) });
    await expect(keyring.decide(view!.fingerprint, 'verified')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/revoked/) });
  });

  it('refuses expired, revoked and weak keys with the reason, and imports nothing of a refused batch', async () => {
    const { keyring } = setup();
    const past = new Date(Date.now() - 10 * 86_400_000);
    const expired = await publicKey('old@example.net', { keyExpirationTime: 86_400, date: past });
    await expect(keyring.importData(expired, 'file')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/old@example\.net.*expired/),
    });

    const { privateKey } = await generateKey({
      userIDs: [{ email: 'gone@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    const { publicKey: revoked } = await revokeKey({ key: privateKey, format: 'armored', config: OPENPGP_CONFIG });
    await expect(keyring.importData(revoked, 'file')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/revoked/) });

    // A real RSA-1024 key (openpgp.js makes it only when told to allow it).
    const { publicKey: rsa1024 } = await generateKey({
      userIDs: [{ email: 'weak@example.net' }],
      type: 'rsa',
      rsaBits: 1024,
      format: 'armored',
      config: { minRSABits: 1024 },
    });
    await expect(keyring.importData(rsa1024, 'file')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/RSA 1024 bits; at least 2048/),
    });

    // A real GnuPG key with SHA-1 self-signatures.
    await expect(keyring.importData(SHA1_SELF_SIGNED_KEY, 'file')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/SHA-1/) });

    const { publicKey: noAddress } = await generateKey({
      userIDs: [{ name: 'Vain nimi' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'armored',
      config: OPENPGP_CONFIG,
    });
    await expect(keyring.importData(noAddress, 'file')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/no e-mail address/) });

    await expect(keyring.importData('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nroskaa\n-----END PGP PUBLIC KEY BLOCK-----', 'file')).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    // A good key and a weak one together: all or nothing.
    const good = await publicKey('good@example.net');
    await expect(keyring.importData(`${good}\n${rsa1024}`, 'file')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await keyring.list()).toEqual([]);
  });

  it('keeps only the public half of a private key handed in by mistake', async () => {
    const { keyring, dir } = setup();
    const { privateKey } = await generateKey({
      userIDs: [{ email: 'oops@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'armored',
      config: OPENPGP_CONFIG,
    });
    await keyring.importData(privateKey, 'file');
    const [key] = await keyring.verificationKeys();
    expect(key!.isPrivate()).toBe(false);
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('is sealed on disk (no address, no key in the clear) and survives a restart', async () => {
    const { keyring, dir, secrets } = setup();
    const armored = await publicKey('salainen.asiakas@example.net');
    const [view] = await keyring.importData(armored, 'file');
    await keyring.decide(view!.fingerprint, 'verified');
    const keyBody = armored.split('\n').slice(2, 4).join('');
    for (const file of readdirSync(dir)) {
      const content = readFileSync(join(dir, file), 'utf8');
      expect(content).not.toContain('salainen.asiakas');
      expect(content).not.toContain(keyBody);
      expect(content).not.toContain(view!.fingerprint);
    }
    const reopened = new CorrespondentKeyring(secrets);
    expect(await reopened.list()).toEqual([expect.objectContaining({ fingerprint: view!.fingerprint, state: 'verified' })]);
  });

  it("answers through the composite key provider next to the person's own keys", async () => {
    const { keyring, secrets } = setup();
    const own = new KeyService(secrets);
    const mine = await own.generate({ name: 'Minä', email: 'mina@kunta.example' });
    const [theirs] = await keyring.importData(await publicKey('anna@example.net'), 'file');
    const provider = new CompositeKeyProvider([own, keyring]);
    expect(await provider.acceptanceOf(mine.fingerprint)).toBe('own');
    expect(await provider.acceptanceOf(theirs!.fingerprint)).toBe('unverified');
    expect((await provider.verificationKeys()).map((k) => k.getFingerprint().toUpperCase()).sort()).toEqual([mine.fingerprint, theirs!.fingerprint].sort());
    await keyring.decide(theirs!.fingerprint, 'rejected');
    expect((await provider.verificationKeys()).map((k) => k.getFingerprint().toUpperCase())).toEqual([mine.fingerprint]);
  });

  it("gives the signature verdict the signer key's acceptance; an undecided key counts as unknown", async () => {
    const { keyring, secrets } = setup();
    const own = new KeyService(secrets);
    const me = await own.generate({ name: 'Minä', email: 'mina@kunta.example' });
    const myKey = (await own.privateKey(me.fingerprint))!;
    const sender = await generateKey({
      userIDs: [{ email: 'anna@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    const ciphertext = Buffer.from(
      await encrypt({
        message: await createMessage({ text: 'Content-Type: text/plain\r\n\r\nHei\r\n' }),
        encryptionKeys: myKey.toPublic(),
        signingKeys: sender.privateKey,
        config: OPENPGP_CONFIG,
      }),
    );
    const provider = new CompositeKeyProvider([own, keyring]);
    const verdict = async () => (await readEncryptedRoot(ciphertext, 'anna@example.net', provider)).status.signature;

    expect(await verdict()).toMatchObject({ status: 'unknown-key' });
    const [view] = await keyring.importData(sender.publicKey.armor(), 'file');
    expect(await verdict()).toMatchObject({ status: 'good', acceptance: 'unverified' });
    await keyring.decide(view!.fingerprint, 'verified');
    expect(await verdict()).toMatchObject({ status: 'good', acceptance: 'verified' });
    await keyring.decide(view!.fingerprint, 'rejected');
    expect(await verdict()).toMatchObject({ status: 'unknown-key' });

    // Someone else's key for anna's address, arriving while anna's key is accepted: undecided, and no good verdict for it.
    await keyring.decide(view!.fingerprint, 'unverified');
    const impostor = await generateKey({
      userIDs: [{ email: 'anna@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    expect((await keyring.importData(impostor.publicKey.armor(), 'autocrypt'))[0]!.state).toBe('undecided');
    const forged = Buffer.from(
      await encrypt({
        message: await createMessage({ text: 'Content-Type: text/plain\r\n\r\nMaksa tälle tilille\r\n' }),
        encryptionKeys: myKey.toPublic(),
        signingKeys: impostor.privateKey,
        config: OPENPGP_CONFIG,
      }),
    );
    expect((await readEncryptedRoot(forged, 'anna@example.net', provider)).status.signature).toMatchObject({ status: 'unknown-key' });
  });

  it('reads binary key data (WKD answers, attached .gpg files) as well as armor', async () => {
    const { keyring } = setup();
    const { publicKey: key } = await generateKey({
      userIDs: [{ email: 'binary@example.net' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'binary',
      config: OPENPGP_CONFIG,
    });
    const [view] = await keyring.importData(key as Uint8Array, 'wkd');
    expect(view).toMatchObject({ addresses: ['binary@example.net'], source: 'wkd', state: 'unverified' });
  });
});

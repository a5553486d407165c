/**
 * Personal keys under the vault: generated keys are usable and readable aloud, private key
 * material never lands on disk in the clear, and unusable keys are refused with a reason.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { groupFingerprint } from '../../../main/services/crypto/fingerprint.js';
import { KeyService } from '../../../main/services/crypto/key-service.js';
import { decryptAndVerify, encryptAndSign } from '../../../main/services/crypto/message-crypto.js';
import { OPENPGP_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { DomainEventBus } from '../../../main/services/events/domain-events.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

function service() {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-keys-'));
  const events = new DomainEventBus();
  const seen: string[] = [];
  events.subscribe((e) => seen.push(e.type));
  return { dir, keys: new KeyService(new SecretStore(new MemoryKeychain(), dir), events), seen };
}

describe('personal keys', () => {
  it('generates a v4 Curve25519 key, lists it with a grouped fingerprint, and records the event', async () => {
    const { keys, seen } = service();
    const key = await keys.generate({ name: 'Anna Virtanen', email: 'anna.virtanen@kunta.example' });
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.fingerprintGrouped.replace(/\s/g, '')).toBe(key.fingerprint);
    expect(key.userIds).toEqual(['Anna Virtanen <anna.virtanen@kunta.example>']);
    expect(key.algorithm).toMatch(/eddsa|ed25519/i);
    expect(key.hasSecret).toBe(true);
    expect(await keys.list()).toEqual([key]);
    expect(seen).toEqual(['openpgp.key.generated']);
    expect(await keys.exportPublic(key.fingerprint)).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(await keys.exportPublic(key.fingerprint)).not.toContain('PRIVATE');
  });

  it('never writes private key material to disk in the clear', async () => {
    const { dir, keys } = service();
    const key = await keys.generate({ name: 'Test', email: 'test@kunta.example', passphrase: 'pitkä salalause' });
    const privateKey = await keys.privateKey(key.fingerprint);
    const armored = privateKey!.armor();
    const secretBody = armored.split('\n').slice(3, 6).join('');
    for (const file of readdirSync(dir)) {
      const content = readFileSync(join(dir, file), 'utf8');
      expect(content).not.toContain('PGP PRIVATE KEY');
      expect(content).not.toContain(secretBody);
    }
  });

  it('imports a private key and refuses weak, expired or garbage keys with a reason', async () => {
    const { keys } = service();
    const { privateKey: good } = await generateKey({
      userIDs: [{ email: 'x@kunta.example' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'armored',
      config: OPENPGP_CONFIG,
    });
    expect((await keys.importPrivate(good)).userIds).toEqual(['<x@kunta.example>']);

    const { privateKey: weak } = await generateKey({
      userIDs: [{ email: 'weak@kunta.example' }],
      type: 'rsa',
      rsaBits: 1024,
      format: 'armored',
      config: { minRSABits: 1024 },
    });
    await expect(keys.importPrivate(weak)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/RSA|weak|bits/i) });

    const past = new Date(Date.now() - 10 * 86_400_000);
    const { privateKey: expired } = await generateKey({
      userIDs: [{ email: 'old@kunta.example' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      keyExpirationTime: 86_400,
      date: past,
      format: 'armored',
      config: OPENPGP_CONFIG,
    });
    await expect(keys.importPrivate(expired)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/expired/i) });

    await expect(keys.importPrivate('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot a key\n-----END PGP PRIVATE KEY BLOCK-----')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('round-trips encrypt+sign and decrypt+verify, and yields no plaintext from tampered ciphertext', async () => {
    const { keys } = service();
    const me = await keys.generate({ name: 'Me', email: 'me@kunta.example' });
    const privateKey = (await keys.privateKey(me.fingerprint))!;
    const armored = await encryptAndSign('Asiakkaan tiedot: luottamuksellinen', [privateKey.toPublic()], privateKey);
    const result = await decryptAndVerify(armored, [privateKey], [privateKey.toPublic()]);
    expect(new TextDecoder().decode(result.data)).toBe('Asiakkaan tiedot: luottamuksellinen');
    expect(result.signatures).toEqual([expect.objectContaining({ valid: true, fingerprint: me.fingerprint })]);

    // Flip one byte inside the encrypted data: integrity fails and nothing is returned.
    const { readMessage } = await import('openpgp');
    const binary = (await readMessage({ armoredMessage: armored })).write() as Uint8Array;
    const tampered = Uint8Array.from(binary);
    const at = tampered.length - 30;
    tampered[at] = tampered[at]! ^ 0x01;
    // Depending on where the flip lands, parsing or the integrity check refuses it; never data.
    await expect(decryptAndVerify(tampered, [privateKey])).rejects.toMatchObject({ code: expect.stringMatching(/^(DECRYPTION_FAILED|MESSAGE_PARSE)$/) });
    const middle = Uint8Array.from(binary);
    const mid = Math.floor(middle.length / 2);
    middle[mid] = middle[mid]! ^ 0x40;
    await expect(decryptAndVerify(middle, [privateKey])).rejects.toMatchObject({ code: expect.stringMatching(/^(DECRYPTION_FAILED|MESSAGE_PARSE)$/) });
  });

  it('groups a fingerprint in fours with a wider gap in the middle', () => {
    expect(groupFingerprint('0123456789abcdef0123456789ABCDEF01234567')).toBe('0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567');
  });
});

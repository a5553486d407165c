/**
 * OpenPGP private keys in the vault sealed by the real gnome-keyring (scripts/env/with-keyring.sh):
 * with or without a passphrase, no key material is readable anywhere in the data directory, and
 * the keys come back after a restart. (Its own file: the keychain test replaces the keyring
 * daemon, which libsecret in the same process cannot follow.)
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyService } from '../../main/services/crypto/key-service.js';
import { KeytarKeychain } from '../../main/services/secrets/keytar-keychain.js';
import { SecretStore } from '../../main/services/secrets/secret-store.js';

describe('OpenPGP keys in the keychain-sealed vault', () => {
  it('keeps OpenPGP private keys (with and without a passphrase) sealed: no key material anywhere in the data directory', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'sinetti-keychain-pgp-'));
    const keys = new KeyService(new SecretStore(new KeytarKeychain(), keyDir));
    const plain = await keys.generate({ name: 'Anna Virtanen', email: 'anna.virtanen@kunta.example' });
    const protectedKey = await keys.generate({ name: 'Anna Virtanen', email: 'anna.v@kunta.example', passphrase: 'pitkä salalause 2026' });
    await keys.unlock(protectedKey.fingerprint, 'pitkä salalause 2026');
    const needles: Buffer[] = [];
    for (const fingerprint of [plain.fingerprint, protectedKey.fingerprint]) {
      const key = (await keys.privateKey(fingerprint))!;
      expect(key.isDecrypted()).toBe(true);
      // The unlocked secret key packet, and the armor lines of what the vault holds.
      const packet = Buffer.from(key.keyPacket.write());
      needles.push(packet.subarray(packet.length - 48, packet.length - 16));
      needles.push(Buffer.from(key.armor().split('\n').slice(4, 6).join('')));
    }
    const files = readdirSync(keyDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(file.parentPath, file.name));
      expect(bytes.includes('PRIVATE KEY')).toBe(false);
      for (const needle of needles) expect(bytes.includes(needle)).toBe(false);
    }
    // And they come back from the keychain-sealed vault after a restart.
    expect((await new KeyService(new SecretStore(new KeytarKeychain(), keyDir)).list()).map((k) => k.fingerprint).sort()).toEqual(
      [plain.fingerprint, protectedKey.fingerprint].sort(),
    );
  });
});

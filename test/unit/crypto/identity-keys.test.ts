/**
 * The one decision of which keys an identity uses (crypto/identity-keys.ts), with real keys in a
 * real KeyService and TeamKeyStore: a team signs with its current team key, a person with their
 * own key for the address; a team key held under personal keys is never the person's; copies are
 * encrypted to the person's keys and, for a team, to the team's CURRENT generation only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, type Key, type PrivateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { IdentityKeyring, requireSigningKey } from '../../../main/services/crypto/identity-keys.js';
import { KeyService } from '../../../main/services/crypto/key-service.js';
import { TeamKeyStore } from '../../../main/services/crypto/team-key-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

const ANNA = 'anna@kunta.example';
const TEAM = 'perhepalvelut@kunta.example';

const newKey = async (email: string, name = email) =>
  (await generateKey({ userIDs: [{ name, email }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' })).privateKey;
const fps = (keys: Key[]) => keys.map((k) => k.getFingerprint().toUpperCase()).sort();
const fp = (key: Key) => key.getFingerprint().toUpperCase();

function setup(teamAddresses: string[] = []) {
  const secrets = new SecretStore(new MemoryKeychain(), mkdtempSync(join(tmpdir(), 'sinetti-identity-keys-')));
  const own = new KeyService(secrets);
  const team = new TeamKeyStore(secrets);
  return { own, team, keyring: new IdentityKeyring({ own, team, teamAddresses: async () => teamAddresses }) };
}

describe('keys for an identity', () => {
  it("signs as a team with the team's current key and encrypts kept copies to it and to the person, never to an old generation", async () => {
    const { own, team, keyring } = setup();
    const anna = await own.generate({ name: 'Anna', email: ANNA });
    const [g1, g2] = [await newKey(TEAM, 'Perhepalvelut'), await newKey(TEAM, 'Perhepalvelut')];
    await team.add(
      { accountId: 'a1', team: 'perhepalvelut' },
      'Perhepalvelut',
      [
        { generation: 1, key: g1 },
        { generation: 2, key: g2 },
      ],
      'granted',
    );

    const asTeam = await keyring.keysFor({ address: TEAM, kind: 'team', person: ANNA });
    expect(asTeam.signing).toBe('ready');
    expect(fp(asTeam.signWith!)).toBe(fp(g2));
    expect(fps(asTeam.encryptToSelf)).toEqual([anna.fingerprint, fp(g2)].sort());

    // The same person writing as themselves: their own key signs, the team key reads nothing.
    const asAnna = await keyring.keysFor({ address: ANNA, kind: 'personal' });
    expect(fp(asAnna.signWith!)).toBe(anna.fingerprint);
    expect(fps(asAnna.encryptToSelf)).toEqual([anna.fingerprint]);
  });

  it("never treats a team key imported under personal keys as the person's", async () => {
    const teamKey = await newKey(TEAM, 'Perhepalvelut');
    // Known as the team's from the server's team address, or because it is held as the team key too.
    for (const known of ['address', 'held'] as const) {
      const { own, team, keyring } = setup(known === 'address' ? [TEAM] : []);
      if (known === 'held') await team.add({ accountId: 'a1', team: 'perhepalvelut' }, 'Perhepalvelut', [{ generation: 1, key: teamKey }], 'granted');
      const anna = await own.generate({ name: 'Anna', email: ANNA });
      await own.importPrivate(teamKey.armor());
      const asAnna = await keyring.keysFor({ address: ANNA, kind: 'personal' });
      expect(fps(asAnna.encryptToSelf)).toEqual([anna.fingerprint]);
      expect(fp(asAnna.signWith!)).toBe(anna.fingerprint);
      // A grant is signed with the lead's own key, not the team key, whichever comes first in the list.
      expect(fp((await keyring.keysFor({ address: '', kind: 'personal' })).signWith!)).toBe(anna.fingerprint);
      // For the team identity, that imported key is the team's key: it signs.
      expect(fp((await keyring.keysFor({ address: TEAM, kind: 'team', person: ANNA })).signWith!)).toBe(fp(teamKey));
    }
  });

  it('prefers the own key carrying the address, says locked or none, and skips revoked keys', async () => {
    const { own, keyring } = setup();
    expect(await keyring.keysFor({ address: ANNA, kind: 'personal' })).toEqual({ signWith: null, signing: 'none', encryptToSelf: [] });
    expect(() => requireSigningKey({ signWith: null, signing: 'none', encryptToSelf: [] })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));

    const other = await own.generate({ name: 'Anna', email: 'anna.vanha@kunta.example' });
    const locked = await own.generate({ name: 'Anna', email: ANNA, passphrase: 'pitkä salalause 2026' });
    const keys = await keyring.keysFor({ address: ANNA, kind: 'personal' });
    // The key for the address is locked: say so rather than sign with another address's key.
    expect(keys.signing).toBe('locked');
    expect(() => requireSigningKey(keys)).toThrow(expect.objectContaining({ code: 'KEY_LOCKED' }));
    expect(fps(keys.encryptToSelf)).toEqual([other.fingerprint, locked.fingerprint].sort());
    await own.unlock(locked.fingerprint, 'pitkä salalause 2026');
    expect(fp((await keyring.keysFor({ address: ANNA, kind: 'personal' })).signWith!)).toBe(locked.fingerprint);

    await own.revoke(locked.fingerprint, 'superseded');
    const afterRevoke = await keyring.keysFor({ address: ANNA, kind: 'personal' });
    expect(fps(afterRevoke.encryptToSelf)).toEqual([other.fingerprint]);
    // No own key carries the address any more: the remaining own key signs (the person's, not a team's).
    expect(fp(afterRevoke.signWith as PrivateKey)).toBe(other.fingerprint);
  });

  it("falls back to the person's own key for a team whose key is not held", async () => {
    const { own, keyring } = setup([TEAM]);
    const anna = await own.generate({ name: 'Anna', email: ANNA });
    const keys = await keyring.keysFor({ address: TEAM, kind: 'team', person: ANNA });
    expect(fp(keys.signWith!)).toBe(anna.fingerprint);
    expect(fps(keys.encryptToSelf)).toEqual([anna.fingerprint]);
  });
});

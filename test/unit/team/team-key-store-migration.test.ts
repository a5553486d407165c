/**
 * Team keys are kept per account and team (TeamRef). A store written before that (index version 1,
 * teams under their bare name) is migrated once the team directory says which account(s) have the
 * team: nothing is lost, every old key still decrypts, and from then on two servers with a team of
 * the same name no longer share keys or lead pins.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, type PrivateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { TeamKeyStore } from '../../../main/services/crypto/team-key-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

async function key(email: string): Promise<PrivateKey> {
  return (await generateKey({ userIDs: [{ name: 'Tiimi', email }], type: 'ecc', curve: 'curve25519Legacy', format: 'object', config: OPENPGP_CONFIG }))
    .privateKey;
}
const fp = (k: PrivateKey) => k.getFingerprint().toUpperCase();

const A = { accountId: 'account-a', team: 'perhepalvelut' };
const B = { accountId: 'account-b', team: 'perhepalvelut' };

describe('team key store keyed by account and team', () => {
  it('migrates a version-1 store (bare team names) to every account that has the team, losing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-team-mig-'));
    const keychain = new MemoryKeychain();
    const secrets = new SecretStore(keychain, dir);
    const [perhe, orphan] = await Promise.all([key('perhepalvelut@kunta.example'), key('vanha@kunta.example')]);
    // Exactly what the version-1 store wrote.
    await secrets.set(`openpgp:team:${fp(perhe)}`, perhe.armor(OPENPGP_FULL_CONFIG));
    await secrets.set(`openpgp:team:${fp(orphan)}`, orphan.armor(OPENPGP_FULL_CONFIG));
    await secrets.set(
      'openpgp:team:index',
      JSON.stringify([
        {
          team: 'perhepalvelut',
          label: 'Perhepalvelut',
          generations: [{ generation: 1, fingerprint: fp(perhe), addedAt: 1, source: 'granted' }],
          leads: ['L'.repeat(40)],
        },
        { team: 'lakkautettu', label: 'Lakkautettu', generations: [{ generation: 1, fingerprint: fp(orphan), addedAt: 1, source: 'granted' }], leads: [] },
      ]),
    );

    const store = new TeamKeyStore(secrets);
    // Before the directory is known, every old key still decrypts; no team is placed yet.
    expect((await store.decryptionKeys()).map(fp).sort()).toEqual([fp(perhe), fp(orphan)].sort());
    expect(await store.team(A)).toBeNull();

    expect(await store.migrateLegacy([A, B, { accountId: 'account-a', team: 'muu' }])).toBe(1);

    const reopened = new TeamKeyStore(new SecretStore(keychain, dir));
    for (const ref of [A, B]) {
      expect((await reopened.current(ref))?.fingerprint).toBe(fp(perhe));
      expect((await reopened.team(ref))?.leads).toEqual(['L'.repeat(40)]);
    }
    // A team no account has now waits, still decrypting; a second migration changes nothing.
    expect((await reopened.decryptionKeys()).map(fp).sort()).toEqual([fp(perhe), fp(orphan)].sort());
    expect(await reopened.migrateLegacy([A, B])).toBe(0);
    expect(await reopened.migrateLegacy([{ accountId: 'account-c', team: 'lakkautettu' }])).toBe(1);
    expect((await reopened.current({ accountId: 'account-c', team: 'lakkautettu' }))?.fingerprint).toBe(fp(orphan));
  });

  it('keeps two servers with a team of the same name apart: a key and a lead pin for one are not the other’s', async () => {
    const store = new TeamKeyStore(new SecretStore(new MemoryKeychain(), mkdtempSync(join(tmpdir(), 'sinetti-team-sep-'))));
    const perhe = await key('perhepalvelut@kunta.example');
    await store.add(A, 'Perhepalvelut', [{ generation: 1, key: perhe }], 'granted', 'L'.repeat(40));
    expect(await store.current(B)).toBeNull();
    expect(await store.team(B)).toBeNull();
    await store.pinLead(B, 'M'.repeat(40));
    expect((await store.team(A))?.leads).toEqual(['L'.repeat(40)]);
  });
});

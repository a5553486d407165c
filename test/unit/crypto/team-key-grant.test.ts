/**
 * Sealing a team key to a member and opening it: the member gets exactly the team's keys, and a
 * grant that is unsigned, signed by another key than the lead it names, sealed to someone else
 * or re-addressed is refused with nothing imported. Rotation keeps every generation decrypting.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, encrypt, generateKey, readMessage, type PrivateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { decryptAndVerify, encryptAndSign } from '../../../main/services/crypto/message-crypto.js';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { buildGrantMessage, parseGrantMessage } from '../../../main/services/crypto/team-grant-message.js';
import { GRANT_FORMAT, openGrant, readRosterEntry, sealGrant, signRosterEntry } from '../../../main/services/crypto/team-key-grant.js';
import { TeamKeyStore } from '../../../main/services/crypto/team-key-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

async function key(name: string, email: string): Promise<PrivateKey> {
  return (await generateKey({ userIDs: [{ name, email }], type: 'ecc', curve: 'curve25519Legacy', format: 'object', config: OPENPGP_CONFIG })).privateKey;
}

const fp = (k: PrivateKey) => k.getFingerprint().toUpperCase();

describe('team-key grants', async () => {
  const [lead, member, stranger, team1, team2] = await Promise.all([
    key('Mikko Korhonen', 'mikko@kunta.example'),
    key('Anna Virtanen', 'anna@kunta.example'),
    key('Outo Henkilö', 'outo@example.net'),
    key('Perhepalvelut', 'perhepalvelut@kunta.example'),
    key('Perhepalvelut', 'perhepalvelut@kunta.example'),
  ]);
  const generations = [
    { generation: 1, key: team1 },
    { generation: 2, key: team2 },
  ];

  it('seals every generation to the member; the member opens it and sees the lead who signed it', async () => {
    const armored = await sealGrant({ team: 'perhepalvelut', teamLabel: 'Perhepalvelut', generations, member: member.toPublic(), lead });
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(armored).not.toContain('PRIVATE KEY');
    const opened = await openGrant(armored, [member]);
    expect(opened.payload).toMatchObject({
      format: GRANT_FORMAT,
      team: 'perhepalvelut',
      generation: 2,
      teamFingerprint: fp(team2),
      memberFingerprint: fp(member),
      leadFingerprint: fp(lead),
    });
    expect(opened.lead.getFingerprint().toUpperCase()).toBe(fp(lead));
    expect(opened.keys.map((g) => [g.generation, fp(g.key)])).toEqual([
      [1, fp(team1)],
      [2, fp(team2)],
    ]);
    expect(opened.keys.every((g) => g.key.isDecrypted())).toBe(true);
  });

  it('refuses a grant sealed to someone else', async () => {
    const armored = await sealGrant({ team: 'perhepalvelut', teamLabel: 'Perhepalvelut', generations, member: member.toPublic(), lead });
    await expect(openGrant(armored, [stranger])).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('refuses a grant that was not signed at all', async () => {
    const genuine = await openGrant(await sealGrant({ team: 'perhepalvelut', teamLabel: 'Perhepalvelut', generations, member: member.toPublic(), lead }), [
      member,
    ]);
    const payload = {
      ...genuine.payload,
      leadPublicKey: lead.toPublic().armor(OPENPGP_FULL_CONFIG),
      keys: generations.map((g) => ({ generation: g.generation, fingerprint: fp(g.key), armored: g.key.armor(OPENPGP_FULL_CONFIG) })),
    };
    const unsigned = (await encrypt({
      message: await createMessage({ text: JSON.stringify(payload) }),
      encryptionKeys: member.toPublic(),
      format: 'armored',
      config: OPENPGP_CONFIG,
    })) as string;
    await expect(openGrant(unsigned, [member])).rejects.toMatchObject({
      code: 'TEAM_GRANT_REFUSED',
      message: expect.stringMatching(/not signed by the team lead/),
    });
  });

  it('refuses a grant that names the lead but was signed by another key', async () => {
    // The stranger builds a grant for their own team key, claiming to be the lead.
    const payload = {
      format: GRANT_FORMAT,
      version: 1,
      team: 'perhepalvelut',
      teamLabel: 'Perhepalvelut',
      generation: 1,
      teamFingerprint: fp(team1),
      memberFingerprint: fp(member),
      leadFingerprint: fp(lead),
      leadPublicKey: lead.toPublic().armor(OPENPGP_FULL_CONFIG),
      keys: [{ generation: 1, fingerprint: fp(team1), armored: team1.armor(OPENPGP_FULL_CONFIG) }],
      createdAt: Date.now(),
    };
    const forged = (await encrypt({
      message: await createMessage({ text: JSON.stringify(payload) }),
      encryptionKeys: member.toPublic(),
      signingKeys: stranger,
      format: 'armored',
      config: OPENPGP_CONFIG,
    })) as string;
    await expect(openGrant(forged, [member])).rejects.toMatchObject({ code: 'TEAM_GRANT_REFUSED' });
  });

  it('refuses a grant for one member re-sealed to another (the payload names its member)', async () => {
    const payload = {
      format: GRANT_FORMAT,
      version: 1,
      team: 'perhepalvelut',
      teamLabel: 'Perhepalvelut',
      generation: 1,
      teamFingerprint: fp(team1),
      memberFingerprint: fp(member),
      leadFingerprint: fp(lead),
      leadPublicKey: lead.toPublic().armor(OPENPGP_FULL_CONFIG),
      keys: [{ generation: 1, fingerprint: fp(team1), armored: team1.armor(OPENPGP_FULL_CONFIG) }],
      createdAt: Date.now(),
    };
    const resealed = (await encrypt({
      message: await createMessage({ text: JSON.stringify(payload) }),
      encryptionKeys: stranger.toPublic(),
      signingKeys: lead,
      format: 'armored',
      config: OPENPGP_CONFIG,
    })) as string;
    await expect(openGrant(resealed, [stranger])).rejects.toMatchObject({ code: 'TEAM_GRANT_REFUSED', message: expect.stringMatching(/another key/) });
  });

  it('refuses a grant whose team key does not match the fingerprint it claims', async () => {
    const payload = {
      format: GRANT_FORMAT,
      version: 1,
      team: 'perhepalvelut',
      teamLabel: 'Perhepalvelut',
      generation: 1,
      teamFingerprint: fp(team1),
      memberFingerprint: fp(member),
      leadFingerprint: fp(lead),
      leadPublicKey: lead.toPublic().armor(OPENPGP_FULL_CONFIG),
      keys: [{ generation: 1, fingerprint: fp(team1), armored: team2.armor(OPENPGP_FULL_CONFIG) }],
      createdAt: Date.now(),
    };
    const swapped = (await encrypt({
      message: await createMessage({ text: JSON.stringify(payload) }),
      encryptionKeys: member.toPublic(),
      signingKeys: lead,
      format: 'armored',
      config: OPENPGP_CONFIG,
    })) as string;
    await expect(openGrant(swapped, [member])).rejects.toMatchObject({ code: 'TEAM_GRANT_REFUSED', message: expect.stringMatching(/fingerprint/) });
  });

  it('refuses a grant with a flipped byte (integrity) or truncated, leaking nothing', async () => {
    const armored = await sealGrant({ team: 'perhepalvelut', teamLabel: 'Perhepalvelut', generations, member: member.toPublic(), lead });
    const bytes = (await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG })).write() as Uint8Array;
    bytes[bytes.length - 30]! ^= 0x01;
    const tampered = (await readMessage({ binaryMessage: bytes, config: OPENPGP_CONFIG })).armor(OPENPGP_FULL_CONFIG);
    await expect(openGrant(tampered, [member])).rejects.toMatchObject({ code: expect.stringMatching(/^(DECRYPTION_FAILED|TEAM_GRANT_REFUSED)$/) });
    await expect(openGrant(armored.slice(0, armored.length / 2), [member])).rejects.toMatchObject({ code: 'TEAM_GRANT_REFUSED' });
  });

  it('a roster entry counts only when the team key of that generation signed it', async () => {
    const entry = {
      team: 'perhepalvelut',
      generation: 2,
      teamFingerprint: fp(team2),
      memberFingerprint: fp(member),
      memberPublicKey: member.toPublic().armor(OPENPGP_FULL_CONFIG),
      leadFingerprint: fp(lead),
      grantedAt: 1,
    };
    const signed = await signRosterEntry(entry, team2);
    expect(await readRosterEntry(signed, team2.toPublic())).toMatchObject(entry);
    expect(await readRosterEntry(signed, team1.toPublic())).toBeNull();
    expect(await readRosterEntry(await signRosterEntry(entry, stranger), team2.toPublic())).toBeNull();
  });

  it('carries grant and roster entry in a message whose headers point to the member', async () => {
    const grant = await sealGrant({ team: 'perhepalvelut', teamLabel: 'Perhepalvelut', generations, member: member.toPublic(), lead });
    const roster = await signRosterEntry(
      {
        team: 'perhepalvelut',
        generation: 2,
        teamFingerprint: fp(team2),
        memberFingerprint: fp(member),
        memberPublicKey: member.toPublic().armor(OPENPGP_FULL_CONFIG),
        leadFingerprint: fp(lead),
        grantedAt: 1,
      },
      team2,
    );
    const raw = buildGrantMessage({
      team: 'perhepalvelut',
      teamLabel: 'Perhepalvelut',
      generation: 2,
      memberFingerprint: fp(member),
      memberUserId: 'Anna Virtanen <anna@kunta.example>',
      leadAddress: 'Mikko Korhonen <mikko@kunta.example>',
      grant,
      roster,
    });
    expect(raw.toString('utf8')).not.toContain('PRIVATE KEY');
    // Headers stay 7-bit: names as encoded words, addresses as they are.
    const headers = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(headers).toMatch(/^To: Anna Virtanen <anna@kunta\.example>$/m);
    expect(headers).toMatch(/^From: Mikko Korhonen <mikko@kunta\.example>$/m);
    expect(
      buildGrantMessage({
        team: 't',
        teamLabel: 'Aikuissosiaalityö',
        generation: 1,
        memberFingerprint: fp(member),
        memberUserId: 'Jääkö Äijälä <jaako@kunta.example>',
        leadAddress: 'x',
        grant,
        roster,
      })
        .toString('latin1')
        .split('\r\n\r\n')[0],
    ).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    const parsed = await parseGrantMessage(raw);
    expect(parsed).toMatchObject({ claimedMember: fp(member), claimedTeam: 'perhepalvelut' });
    expect((await openGrant(parsed.grant!, [member])).payload.teamFingerprint).toBe(fp(team2));
    expect(await readRosterEntry(parsed.roster!, team2.toPublic())).not.toBeNull();
  });
});

describe('team key store', () => {
  it('keeps every generation sealed under the vault: old and new team mail both decrypt after a rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-team-'));
    const keychain = new MemoryKeychain();
    const store = new TeamKeyStore(new SecretStore(keychain, dir));
    const [g1, g2] = await Promise.all([key('Perhepalvelut', 'perhepalvelut@kunta.example'), key('Perhepalvelut', 'perhepalvelut@kunta.example')]);
    const oldMail = await encryptAndSign('vanha viesti', [g1.toPublic()]);
    await store.add({ accountId: 'a1', team: 'perhepalvelut' }, 'Perhepalvelut', [{ generation: 1, key: g1 }], 'granted', 'A'.repeat(40));
    await store.add(
      { accountId: 'a1', team: 'perhepalvelut' },
      'Perhepalvelut',
      [
        { generation: 1, key: g1 },
        { generation: 2, key: g2 },
      ],
      'granted',
    );
    const newMail = await encryptAndSign('uusi viesti', [g2.toPublic()]);

    // A fresh store over the same vault: nothing is held only in memory.
    const reopened = new TeamKeyStore(new SecretStore(keychain, dir));
    expect((await reopened.generations({ accountId: 'a1', team: 'perhepalvelut' })).map((g) => g.generation)).toEqual([1, 2]);
    expect((await reopened.current({ accountId: 'a1', team: 'perhepalvelut' }))?.fingerprint).toBe(fp(g2));
    const keys = await reopened.decryptionKeys();
    expect(new TextDecoder().decode((await decryptAndVerify(oldMail, keys)).data)).toBe('vanha viesti');
    expect(new TextDecoder().decode((await decryptAndVerify(newMail, keys)).data)).toBe('uusi viesti');
    expect(await reopened.acceptanceOf(fp(g1))).toBe('team');
    expect(await reopened.acceptanceOf('B'.repeat(40))).toBeNull();
    expect((await reopened.team({ accountId: 'a1', team: 'perhepalvelut' }))?.leads).toEqual(['A'.repeat(40)]);
    expect((await reopened.currentKeysFor('perhepalvelut@kunta.example')).map((k) => k.getFingerprint().toUpperCase())).toEqual([fp(g2)]);
    expect(await reopened.currentKeysFor('someone@else.example')).toEqual([]);
  });
});

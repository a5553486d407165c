/**
 * Team-key channels through the real dispatcher, as a compromised renderer would call them:
 * extra or malformed fields are refused before any service runs; with no account there is no
 * team to lead, and a grant that is not one is refused without importing anything.
 */
import { describe, expect, it } from 'vitest';
import { createTestServices } from '../../support/services-harness.js';

describe('crypto:team over the contract', () => {
  it('refuses malformed requests and acts on nothing it cannot verify', async () => {
    const t = await createTestServices();
    try {
      const fp = 'A'.repeat(40);
      const refused = { ok: false, error: { code: 'VALIDATION' } };
      expect(
        await t.call('crypto:team:create', { accountId: 'a', team: 'perhepalvelut', name: 'P', email: 'p@kunta.example', extra: 1 } as never),
      ).toMatchObject(refused);
      expect(await t.call('crypto:team:create', { accountId: 'a', team: '../x\nEvil', name: 'P', email: 'p@kunta.example' })).toMatchObject(refused);
      expect(await t.call('crypto:team:grant', { accountId: 'a', team: 'perhepalvelut' } as never)).toMatchObject(refused);
      expect(await t.call('crypto:team:remove-member', { accountId: 'a', team: 'perhepalvelut', memberFingerprint: 'not-hex' })).toMatchObject(refused);
      expect(await t.call('crypto:team:grants:import', { source: { kind: 'file', armored: 'x', accountId: 'a' } } as never)).toMatchObject(refused);
      expect(await t.call('crypto:team:grants:import', { source: { kind: 'imap', armored: 'x' } } as never)).toMatchObject(refused);
      expect(await t.call('crypto:team:grants:import', { source: { kind: 'file', armored: 'x' }, confirmLead: 'B' } as never)).toMatchObject(refused);
      expect(await t.call('crypto:team:grants:pending', { all: true } as never)).toMatchObject(refused);

      expect(await t.value('crypto:team:list', {})).toEqual([]);
      expect(await t.value('crypto:team:grants:pending', {})).toEqual([]);
      expect(await t.call('crypto:team:create', { accountId: 'a', team: 'perhepalvelut', name: 'P', email: 'p@kunta.example' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      await t.value('crypto:keys:generate', { name: 'Anna', email: 'anna@kunta.example', algorithm: 'curve25519' });
      expect(await t.call('crypto:team:grants:import', { source: { kind: 'file', armored: 'not a grant' }, confirmLead: fp })).toMatchObject({
        ok: false,
        error: { code: 'TEAM_GRANT_REFUSED' },
      });
      expect(await t.value('crypto:team:grants:preview', { armored: 'not a grant' })).toMatchObject({ state: 'refused' });
    } finally {
      await t.close();
    }
  });
});

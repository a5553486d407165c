/** The key capabilities through the real dispatcher: validated requests, public facts out, never key material. */
import { describe, expect, it } from 'vitest';
import { createTestServices } from '../../support/services-harness.js';

describe('crypto:keys over the contract', () => {
  it('generates, lists and exports only the public key; refuses malformed requests', async () => {
    const t = await createTestServices();
    try {
      const key = await t.value('crypto:keys:generate', { name: 'Anna Virtanen', email: 'anna.virtanen@kunta.example', algorithm: 'curve25519' });
      expect(JSON.stringify(key)).not.toMatch(/PRIVATE|secret key/i);
      expect(await t.value('crypto:keys:list', {})).toEqual([key]);
      const { armored } = await t.value('crypto:keys:public:export', { fingerprint: key.fingerprint });
      expect(armored).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);

      expect(await t.call('crypto:keys:generate', { name: 'X', email: 'not-an-address', algorithm: 'curve25519' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.call('crypto:keys:generate', { name: 'X', email: 'x@kunta.example', algorithm: 'dsa1024' } as never)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.call('crypto:keys:public:export', { fingerprint: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.call('crypto:keys:public:export', { fingerprint: 'A'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await t.call('crypto:keys:import', { armored: 'hello' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      await t.close();
    }
  });
});

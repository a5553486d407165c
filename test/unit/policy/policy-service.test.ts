/** The running app's policy: managed file + preferences through the contract; an invalid managed policy stops evaluation. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyService } from '../../../main/services/policy/policy-service.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';
import type { SettingsBackend } from '../../../main/services/settings/settings-backend.js';

function memorySettings(): SettingsStore {
  let doc: Record<string, unknown> = {};
  const backend: SettingsBackend = { read: () => doc, write: (d) => void (doc = structuredClone(d) as Record<string, unknown>) } as SettingsBackend;
  return new SettingsStore(backend);
}

const draft = { subject: 'Asia', bodyTexts: ['Henkilötunnus 131052-308T'], attachments: [], recipients: ['kollega@kunta.example'] };
const noKeys = async () => false;

describe('PolicyService', () => {
  it('applies the managed policy and the preferences that tighten it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-policy-service-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ version: 1, domains: { internal: ['kunta.example'] }, actions: { sensitive: { internal: 'allow' } } }));
    const service = new PolicyService({ managedPolicyPath: path, settings: memorySettings() });
    expect(service.state().managed).toMatchObject({ status: 'ok', path });
    expect((await service.evaluate(draft, noKeys)).route).toBe('plain');

    const state = service.setPreferences({
      version: 1,
      actions: { sensitive: { internal: 'encrypt' } },
      domains: { internal: ['kunta.example', 'gmail.com'] },
    });
    expect(state.effective?.sources['actions.sensitive.internal']).toBe('user');
    expect(state.effective?.ignored).toEqual([{ path: 'domains.internal', reason: 'looser' }]);
    expect((await service.evaluate(draft, noKeys)).route).toBe('blocked');
    expect(() => service.setPreferences({ version: 1, actions: { sensitive: { internall: 'allow' } } })).toThrow(/internall/);
  });

  it('refuses to evaluate anything while the managed policy is invalid, naming the problem; a fixed file is picked up on reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-policy-service-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ version: 1, gateway: { enabld: true } }));
    const service = new PolicyService({ managedPolicyPath: path, settings: memorySettings() });
    expect(service.state()).toMatchObject({ managed: { status: 'invalid', problems: ['gateway: unknown field "enabld"'] }, effective: null });
    await expect(service.evaluate(draft, noKeys)).rejects.toMatchObject({ code: 'POLICY_INVALID', message: expect.stringContaining('enabld') });
    writeFileSync(path, JSON.stringify({ version: 1, gateway: { enabled: true } }));
    expect(service.reload().managed.status).toBe('ok');
    await expect(service.evaluate(draft, noKeys)).resolves.toMatchObject({ route: 'blocked' });
  });
});

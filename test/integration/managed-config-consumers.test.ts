/**
 * Every consumer of the managed configuration follows a change while the app runs (no restart):
 * the secure-send policy, the key unlock period (it was read once at start), the interface
 * language, the add-account feature, the log level, and the renderer (told by an event).
 * The source is a fake the test changes; reading the real files and watching them is tested in
 * managed-config-etc.test.ts. Real services through the real dispatcher.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagedConfigSource } from '../../main/services/managed-config/managed-config-source.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

function mutableSource(initial: unknown): ManagedConfigSource & { set(enforced: unknown): void } {
  let enforced = initial;
  return {
    locations: ['test'],
    watchDirectories: [],
    read: () => ({ status: 'ok', enforced }),
    set(next) {
      enforced = next;
    },
  };
}

let t: TestServices | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function withConfig(enforced: unknown, logSink?: (line: string) => void) {
  const source = mutableSource(enforced);
  t = await createTestServices({ managedConfigSource: source, ...(logSink ? { logSink } : {}) });
  const change = (next: unknown) => {
    source.set(next);
    // What the watcher or the poll does when the source changes.
    t!.services.managedConfig.reload();
  };
  return { t, change };
}

describe('consumers follow a changed managed setting', () => {
  it('the secure-send policy, and the renderer is told', async () => {
    const { t, change } = await withConfig({ policy: { actions: { notSensitive: { external: 'allow' } } } });
    expect((await t.value('policy:state:get', {})).effective?.policy.actions.notSensitive.external).toBe('allow');
    change({ policy: { actions: { notSensitive: { external: 'justify' } } } });
    expect((await t.value('policy:state:get', {})).effective?.policy.actions.notSensitive.external).toBe('justify');
    expect(t.events).toContainEqual({ type: 'managed-config-changed' });
    expect((await t.value('config:managed:get', {})).settings['policy.actions.notSensitive.external']).toMatchObject({ value: 'justify', locked: true });
  });

  it('the key unlock period: the next unlock lasts what IT now says', async () => {
    const { t, change } = await withConfig({ policy: { crypto: { unlockMinutes: 60 } } });
    const key = await t.value('crypto:keys:generate', {
      name: 'Anna',
      email: 'anna@kunta.example',
      algorithm: 'curve25519',
      passphrase: 'pitkä salalause 2026',
    });
    const first = await t.value('crypto:keys:unlock', { fingerprint: key.fingerprint, passphrase: 'pitkä salalause 2026' });
    expect(first.unlockedUntil! - Date.now()).toBeGreaterThan(55 * 60_000);
    change({ policy: { crypto: { unlockMinutes: 5 } } });
    const second = await t.value('crypto:keys:unlock', { fingerprint: key.fingerprint, passphrase: 'pitkä salalause 2026' });
    expect(second.unlockedUntil! - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it('the interface language: enforced wins, and the person cannot change it until IT lets go', async () => {
    const { t, change } = await withConfig({ ui: { locale: 'sv-FI' } });
    expect(await t.value('settings:ui:get', {})).toEqual({ locale: 'sv-FI' });
    expect(await t.call('settings:locale:set', { locale: 'en' })).toMatchObject({ ok: false, error: { code: 'MANAGED_SETTING_LOCKED' } });
    change({});
    expect(await t.value('settings:ui:get', {})).toEqual({ locale: 'fi' });
    expect(await t.value('settings:locale:set', { locale: 'en' })).toEqual({ locale: 'en' });
  });

  it('adding accounts: refused while IT turns it off', async () => {
    const { t, change } = await withConfig({ features: { addAccounts: false } });
    const account = { displayName: 'Oma', host: '127.0.0.1', port: 1, security: 'plain' as const, username: 'anna', password: 'x' };
    expect(await t.call('accounts:add', account)).toMatchObject({ ok: false, error: { code: 'MANAGED_SETTING_LOCKED' } });
    change({ features: { addAccounts: true } });
    const allowed = await t.call('accounts:add', account);
    // Now it gets as far as the server (nothing listens on port 1).
    expect(allowed.ok ? 'ok' : allowed.error.code).not.toBe('MANAGED_SETTING_LOCKED');
  });

  it('the log level', async () => {
    const lines: string[] = [];
    const { t, change } = await withConfig({ idleLock: { minutes: 1 } }, (line) => lines.push(line));
    change({ idleLock: { minutes: 2 } });
    expect(lines.filter((l) => l.includes('managed configuration changed'))).toHaveLength(1);
    change({ idleLock: { minutes: 3 }, logging: { level: 'error' } });
    change({ idleLock: { minutes: 4 }, logging: { level: 'error' } });
    expect(lines.filter((l) => l.includes('managed configuration changed'))).toHaveLength(1);
    expect(t.services.managedConfig.get('idleLock.minutes')).toBe(4);
  });
});

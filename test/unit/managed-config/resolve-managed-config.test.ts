/** Every setting from its levels: built-in < organisation default < own value < organisation enforced. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_CONFIG, SETTINGS } from '../../../shared/managed-config-schema.js';
import { SETTING_TITLES } from '../../../shared/managed-config-text.js';
import { resolveManagedConfig } from '../../../main/services/managed-config/resolve-managed-config.js';

describe('resolveManagedConfig', () => {
  it('gives the built-in values when nothing is set', () => {
    const { config, settings, problems } = resolveManagedConfig({});
    expect(config).toEqual(BUILTIN_CONFIG);
    expect(problems).toEqual([]);
    expect(settings['idleLock.minutes']).toEqual({ value: 15, source: 'builtin', locked: false, personal: true });
    expect(settings['updates.enabled']).toEqual({ value: false, source: 'builtin', locked: false, personal: false });
  });

  it('takes the organisation default, then the own value over it, and the enforced value over both', () => {
    const defaults = { idleLock: { minutes: 10 } };
    expect(resolveManagedConfig({ defaults }).settings['idleLock.minutes']).toMatchObject({ value: 10, source: 'organisation-default', locked: false });
    const personal = { 'idleLock.minutes': 30 };
    expect(resolveManagedConfig({ defaults, personal }).settings['idleLock.minutes']).toMatchObject({ value: 30, source: 'personal' });
    const enforced = { idleLock: { minutes: 5 } };
    const all = resolveManagedConfig({ enforced, defaults, personal });
    expect(all.settings['idleLock.minutes']).toEqual({ value: 5, source: 'organisation-enforced', locked: true, personal: false });
    expect(all.config.idleLock.minutes).toBe(5);
  });

  it('ignores (and reports) a default for a setting only IT may set, and an own value for it', () => {
    const resolved = resolveManagedConfig({
      defaults: { updates: { enabled: true, url: 'https://updates.example.fi/' } },
      personal: { 'updates.enabled': true },
    });
    expect(resolved.config.updates.enabled).toBe(false);
    expect(resolved.config.updates.url).toBe('');
    expect(resolved.problems).toEqual([
      'updates.enabled: can only be enforced, so the default given for it is ignored',
      'updates.url: can only be enforced, so the default given for it is ignored',
    ]);
  });

  it('the secure-send policy is one section, enforced only', () => {
    const resolved = resolveManagedConfig({ enforced: { policy: { actions: { sensitive: { external: 'gateway' } } } } });
    expect(resolved.config.policy.actions.sensitive.external).toBe('gateway');
    expect(resolved.settings['policy.actions.sensitive.external']).toMatchObject({ source: 'organisation-enforced', locked: true });
    expect(SETTINGS.filter((s) => s.section === 'policy').every((s) => s.levels.join() === 'enforced')).toBe(true);
  });

  it('every setting has its name in Finnish, Swedish and English (the type requires it; this checks none is empty)', () => {
    for (const setting of SETTINGS) expect(SETTING_TITLES[setting.key].every((text) => text.trim().length > 0)).toBe(true);
    expect(Object.keys(SETTING_TITLES).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
  });

  it('the names other helpers read exist: idle lock and updates', () => {
    const keys = SETTINGS.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['idleLock.minutes', 'updates.channel', 'updates.url', 'updates.enabled']));
  });
});

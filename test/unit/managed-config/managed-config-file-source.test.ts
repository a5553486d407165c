/**
 * A file source through the service: the document's two levels, the exact problems of a bad
 * document, the last valid values kept while a broken file is in place, changes picked up
 * while running (watch), and personal values refused where IT enforces.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSource } from '../../../main/services/managed-config/file-source.js';
import { ManagedConfigService } from '../../../main/services/managed-config/managed-config-service.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';

const services: ManagedConfigService[] = [];
afterEach(() => services.splice(0).forEach((s) => s.close()));

function setUp(document: unknown, toJson?: (path: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'managed-config-'));
  const path = join(dir, 'managed-config.json');
  if (document !== undefined) writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  let stored: Record<string, unknown> = {};
  const settings = new SettingsStore({ read: () => stored, write: (d) => void (stored = d) });
  const service = new ManagedConfigService({ source: fileSource({ path, protection: null, ...(toJson ? { toJson } : {}) }), settings, pollMs: 60_000 });
  services.push(service);
  return { dir, path, service, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('managed configuration from a file', () => {
  it('absent file: built-in values, status absent', () => {
    const { service, cleanup } = setUp(undefined);
    expect(service.view()).toMatchObject({ status: 'absent', problems: [] });
    expect(service.get('idleLock.minutes')).toBe(15);
    cleanup();
  });

  it('a bad document is invalid with the exact field, and stops the policy section', () => {
    const { service, cleanup } = setUp({ enforced: { idleLock: { minuts: 5 } } });
    expect(service.view()).toMatchObject({ status: 'invalid', problems: ['enforced: idleLock: unknown field "minuts"'] });
    expect(service.policy()).toEqual({ status: 'invalid', problems: ['enforced: idleLock: unknown field "minuts"'] });
    cleanup();
    const other = setUp({ enforced: {}, extra: 1 });
    expect(other.service.view().problems).toEqual([expect.stringContaining('unknown field "extra"')]);
    other.cleanup();
  });

  it('follows a change while running, and keeps the last valid values while the file is broken', async () => {
    const { path, service, cleanup } = setUp({ enforced: { idleLock: { minutes: 5 } } });
    service.watch();
    let told = 0;
    service.subscribe(() => told++);
    writeFileSync(path, JSON.stringify({ enforced: { idleLock: { minutes: 7 } } }));
    await until(() => service.get('idleLock.minutes') === 7);
    expect(told).toBeGreaterThan(0);
    writeFileSync(path, '{ "enforced": ');
    await until(() => service.view().status === 'invalid');
    expect(service.get('idleLock.minutes')).toBe(7);
    cleanup();
  });

  it('own values: allowed for a default, refused where IT enforces or only IT may set', () => {
    const { service, cleanup } = setUp({ enforced: { idleLock: { minutes: 5 } }, defaults: { updates: { channel: 'beta' } } });
    expect(() => service.setPersonal('idleLock.minutes', 60)).toThrow(expect.objectContaining({ code: 'MANAGED_SETTING_LOCKED' }));
    expect(() => service.setPersonal('updates.enabled', true)).toThrow(expect.objectContaining({ code: 'MANAGED_SETTING_LOCKED' }));
    expect(() => service.setPersonal('updates.channel', 'nightly')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(service.setPersonal('updates.channel', 'stable').settings['updates.channel']).toMatchObject({ value: 'stable', source: 'personal' });
    cleanup();
  });

  it('a plist payload converted to JSON is the same document', () => {
    const { service, cleanup } = setUp('binary plist bytes', () => JSON.stringify({ enforced: { features: { addAccounts: false } } }));
    expect(service.get('features.addAccounts')).toBe(false);
    cleanup();
  });
});

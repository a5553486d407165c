/**
 * Linux for real: the managed configuration in a root-owned directory (the product reads
 * /etc/sinetti/managed-config.json; the test injects a root-owned directory of its own under
 * /var/lib, never through the environment), refused once ordinary users could change it, and
 * followed while running: the secure-send policy changes as soon as IT's file does.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../main/services/managed-config/file-source.js';
import { ManagedConfigService } from '../../main/services/managed-config/managed-config-service.js';
import { posixProtectionProblem } from '../../main/services/policy/managed-policy-protection.js';
import { PolicyService } from '../../main/services/policy/policy-service.js';
import { SettingsStore } from '../../main/services/settings/settings-store.js';

const asRoot = process.getuid?.() === 0;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!asRoot)('managed configuration in a root-owned directory (real files, real watch)', () => {
  // /var/lib is root's and 0755 all the way up; the temporary directory is world-writable and would be refused.
  const root = asRoot ? mkdtempSync('/var/lib/sinetti-managed-config-test-') : '';
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const settings = () => new SettingsStore({ read: () => ({}), write: () => undefined });
  let n = 0;
  const fresh = (document: unknown) => {
    const dir = join(root, `case-${n++}`, 'sinetti');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(root, 0o755);
    chmodSync(join(dir, '..'), 0o755);
    const path = join(dir, 'managed-config.json');
    writeFileSync(path, JSON.stringify(document), { mode: 0o644 });
    const config = new ManagedConfigService({ source: fileSource({ path, protection: posixProtectionProblem }), settings: settings(), pollMs: 60_000 });
    return { path, config };
  };

  it('reads a root-owned file, and refuses it once another user owns it or everyone may write it', () => {
    const { path, config } = fresh({ enforced: { idleLock: { minutes: 3 } } });
    expect(config.view().status).toBe('ok');
    expect(config.get('idleLock.minutes')).toBe(3);
    chmodSync(path, 0o646);
    config.reload();
    expect(config.view()).toMatchObject({ status: 'invalid', problems: [expect.stringContaining(`${path} can be changed by every user`)] });
    chmodSync(path, 0o644);
    chownSync(path, 1000, 1000);
    config.reload();
    expect(config.view().problems).toEqual([expect.stringContaining(`${path} is owned by user 1000, not root`)]);
    // The last valid value stays in force; a refused file never loosens anything.
    expect(config.get('idleLock.minutes')).toBe(3);
    config.close();
  });

  it('the secure-send policy follows IT replacing the file while the app runs', async () => {
    const { path, config } = fresh({ enforced: { policy: { actions: { notSensitive: { external: 'allow' } } } } });
    const policy = new PolicyService({ managedConfig: config, settings: settings() });
    expect(policy.state().effective?.policy.actions.notSensitive.external).toBe('allow');
    config.watch();
    // As an installer does: a new file renamed over the old one.
    writeFileSync(`${path}.new`, JSON.stringify({ enforced: { policy: { actions: { notSensitive: { external: 'justify' } } } } }), { mode: 0o644 });
    const { renameSync } = await import('node:fs');
    renameSync(`${path}.new`, path);
    await until(() => policy.state().effective?.policy.actions.notSensitive.external === 'justify');
    expect(policy.state().effective?.sources['actions.notSensitive.external']).toBe('managed');
    config.close();
  });
});

/**
 * Attack: steering an installed Sinetti through its environment — another data directory, an
 * extra trusted CA for the mail server (a man in the middle), or an account added behind the
 * user's back. A packaged app ignores all of it; development and test launches may use it.
 */
import { describe, expect, it, vi } from 'vitest';
import { provisionAccount, readLaunchOverrides } from '../../../main/electron/launch-overrides.js';
import { createLogger } from '../../../main/services/logging/logger.js';

const env = {
  SINETTI_DATA_DIR: '/tmp/elsewhere',
  SINETTI_EXTRA_CA_FILE: '/tmp/attacker-ca.pem',
  SINETTI_PROVISION_FILE: '/tmp/account.json',
  SINETTI_MANAGED_POLICY: '/tmp/looser-policy.json',
};
const files: Record<string, string> = {
  '/tmp/attacker-ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  '/tmp/account.json': JSON.stringify({ host: 'imap.example', username: 'demo' }),
};
const readFile = vi.fn((path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT ${path}`);
  return text;
});

describe('launch overrides', () => {
  it('are ignored entirely by a packaged app, without even reading the files', () => {
    readFile.mockClear();
    expect(readLaunchOverrides(env, true, readFile)).toEqual({});
    expect(readFile).not.toHaveBeenCalled();
  });

  it('are read by development and test launches', () => {
    expect(readLaunchOverrides(env, false, readFile)).toEqual({
      dataDir: '/tmp/elsewhere',
      extraCaPem: files['/tmp/attacker-ca.pem'],
      provisionAccount: { host: 'imap.example', username: 'demo' },
      managedPolicyPath: '/tmp/looser-policy.json',
    });
    expect(readLaunchOverrides({}, false, readFile)).toEqual({});
  });

  it('refuse a provisioning file that is not a JSON object', () => {
    files['/tmp/bad.json'] = '[1,2]';
    expect(() => readLaunchOverrides({ SINETTI_PROVISION_FILE: '/tmp/bad.json' }, false, readFile)).toThrow(/JSON object/);
  });

  it('provision through the validated add-account path, once', async () => {
    const dispatch = vi.fn(async (channel: unknown) => (channel === 'accounts:list' ? { ok: true as const, value: [] } : { ok: true as const, value: {} }));
    const log = createLogger('test', { sink: () => undefined });
    await provisionAccount({ dispatch }, { host: 'imap.example', username: 'demo' }, log);
    expect(dispatch.mock.calls.map((c) => c[0])).toEqual(['accounts:list', 'accounts:add']);
    dispatch.mockClear();
    dispatch.mockImplementation(async () => ({ ok: true as const, value: [{ host: 'imap.example', username: 'demo' }] }));
    await provisionAccount({ dispatch }, { host: 'imap.example', username: 'demo' }, log);
    expect(dispatch.mock.calls.map((c) => c[0])).toEqual(['accounts:list']);
  });
});

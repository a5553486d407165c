/**
 * The keytar keychain's error mapping: a locked or missing keychain is a clear contract error and
 * never a silent fallback. The real Secret Service is exercised in test/integration/os-keychain.
 */
import { describe, expect, it } from 'vitest';
import { KeytarKeychain, mapKeychainError, type KeytarModule } from '../../../main/services/secrets/keytar-keychain.js';

function failingKeytar(message: string): KeytarModule {
  return {
    getPassword: () => Promise.reject(new Error(message)),
    setPassword: () => Promise.reject(new Error(message)),
    deletePassword: () => Promise.reject(new Error(message)),
  };
}

describe('KeytarKeychain error mapping', () => {
  it.each([
    ['Cannot create an item in a locked collection', 'KEYCHAIN_LOCKED'],
    ['Cannot get secret of a locked object', 'KEYCHAIN_LOCKED'],
    ['User interaction is not allowed.', 'KEYCHAIN_LOCKED'],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'KEYCHAIN_UNAVAILABLE'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_UNAVAILABLE'],
    ['Something nobody anticipated', 'KEYCHAIN_UNAVAILABLE'],
  ])('maps "%s" to %s on read and write', async (message, code) => {
    const keychain = new KeytarKeychain(async () => failingKeytar(message));
    await expect(keychain.getPassword('svc', 'acct')).rejects.toMatchObject({ name: 'ServiceError', code });
    await expect(keychain.setPassword('svc', 'acct', 'top-secret-value')).rejects.toMatchObject({ code });
  });

  it('never puts the secret into the error message', async () => {
    const keychain = new KeytarKeychain(async () => failingKeytar('Cannot create an item in a locked collection'));
    const error = (await keychain.setPassword('svc', 'acct', 'top-secret-value').catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('top-secret-value');
  });

  it('reports a native addon that does not load as KEYCHAIN_UNAVAILABLE and retries the load later', async () => {
    let attempts = 0;
    const keychain = new KeytarKeychain(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('Failed to load keytar native addon');
      return { getPassword: async () => 'key', setPassword: async () => undefined, deletePassword: async () => true };
    });
    await expect(keychain.getPassword('svc', 'acct')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await expect(keychain.getPassword('svc', 'acct')).resolves.toBe('key');
  });

  it('passes results through when the keychain works', async () => {
    const store = new Map<string, string>();
    const keychain = new KeytarKeychain(async () => ({
      getPassword: async (s, a) => store.get(`${s}/${a}`) ?? null,
      setPassword: async (s, a, p) => void store.set(`${s}/${a}`, p),
      deletePassword: async (s, a) => store.delete(`${s}/${a}`),
    }));
    await keychain.setPassword('svc', 'acct', 'v');
    await expect(keychain.getPassword('svc', 'acct')).resolves.toBe('v');
    await expect(keychain.getPassword('svc', 'other')).resolves.toBeNull();
  });

  it('keeps an existing ServiceError as it is', () => {
    const mapped = mapKeychainError(mapKeychainError(new Error('locked'), 'read'), 'write');
    expect(mapped.code).toBe('KEYCHAIN_LOCKED');
  });
});

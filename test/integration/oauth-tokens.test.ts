/**
 * OAuth2 sign-in against a real OpenID provider on loopback (oidc-provider): authorization code
 * with PKCE through the loopback redirect on 127.0.0.1, tokens sealed under the vault key,
 * refreshed before they expire and after a server refused one, and a revoked refresh token
 * ending in one clear SIGN_IN_REQUIRED (tokens forgotten, no retry loop).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokens } from '../../main/services/oauth/oauth-tokens.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../main/services/secrets/secret-store.js';
import { startOidcTestProvider, type OidcTestProvider } from '../support/oidc-test-provider.js';

let provider: OidcTestProvider;
let dataDir: string;
beforeAll(async () => {
  provider = await startOidcTestProvider();
  dataDir = mkdtempSync(join(tmpdir(), 'sinetti-oauth-'));
});
afterAll(async () => {
  await provider.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function tokens(clock: { now: number }) {
  // Each test its own vault (key and directory).
  const dir = mkdtempSync(join(dataDir, 'vault-'));
  const secrets = new SecretStore(new MemoryKeychain(), dir);
  let opened = '';
  const source = new OAuthTokens({
    secrets,
    settings: () => ({ issuer: provider.issuer, clientId: provider.clientId, scopes: ['openid', 'email', 'offline_access', 'mail'] }),
    openBrowser: async (url) => {
      opened = url;
      // The person signs in at the provider's own pages (in the browser host: a new tab).
      await provider.browser(url, 'anna.virtanen');
    },
    now: () => clock.now,
  });
  return { source, dir, opened: () => opened };
}

describe('OAuth2 tokens', () => {
  it('signs in with PKCE over a 127.0.0.1 redirect, keeps the tokens sealed, refreshes before expiry', async () => {
    const clock = { now: Date.now() };
    const { source, dir, opened } = tokens(clock);
    const who = await source.signIn('tili-1');
    expect(who).toMatchObject({ subject: 'anna.virtanen' });
    const request = new URL(opened());
    expect(request.searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(request.searchParams.get('redirect_uri')!).hostname).toBe('127.0.0.1');

    const first = await source.accessToken('tili-1');
    expect(await provider.introspect(first)).toMatchObject({ active: true, sub: 'anna.virtanen' });
    expect(await source.accessToken('tili-1')).toBe(first);
    // Nothing of the tokens is readable on disk.
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'latin1')).not.toContain(first);

    // Within five minutes of expiry: a new token from the refresh token, usable at the server.
    clock.now += 3600_000 - 60_000;
    const second = await source.accessToken('tili-1');
    expect(second).not.toBe(first);
    expect(await provider.introspect(second)).toMatchObject({ active: true });

    // A server refused it before its time: the next ask refreshes once.
    await source.invalidate('tili-1', second);
    const third = await source.accessToken('tili-1');
    expect(third).not.toBe(second);
  });

  it('a revoked refresh token ends in SIGN_IN_REQUIRED once, with the tokens forgotten', async () => {
    const clock = { now: Date.now() };
    const { source } = tokens(clock);
    await source.signIn('tili-2');
    // Read through the same store the source uses (same vault key).
    const secrets = (source as unknown as { deps: { secrets: SecretStore } }).deps.secrets;
    const refreshToken = (JSON.parse((await secrets.get('oauth2-tokens:tili-2'))!) as { refreshToken: string }).refreshToken;
    await provider.revoke(refreshToken);
    clock.now += 3600_000;
    await expect(source.accessToken('tili-2')).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    expect(await secrets.get('oauth2-tokens:tili-2')).toBeNull();
    // Asked again (IDLE reconnect, outbox retry): the same answer, no request to the provider.
    await expect(source.accessToken('tili-2')).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
  });
});

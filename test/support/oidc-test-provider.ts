/**
 * A real OpenID provider on loopback for tests (the `oidc-provider` package): authorization code
 * with PKCE for Sinetti (a public native client, any loopback port), refresh tokens, revocation,
 * and token introspection for the mail servers (a confidential client, as Dovecot's oauth2 passdb
 * uses it). `browser` signs in at its own login pages the way a person's browser would (cookies,
 * redirects, the login and consent forms).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  introspection: { clientId: string; clientSecret: string; url: string };
  /** Follows the sign-in from the authorization URL to the loopback redirect, logging in as `login`. */
  browser(authorizationUrl: string, login: string): Promise<void>;
  introspect(token: string): Promise<{ active: boolean; sub?: string; client_id?: string; aud?: string | string[] }>;
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startOidcTestProvider(options: { accessTokenTtl?: number } = {}): Promise<OidcTestProvider> {
  const clientId = 'sinetti-test';
  const introspection = { clientId: 'mailserver', clientSecret: 'mailserver-secret-1' };
  let issuer = 'http://127.0.0.1';
  const make = (url: string) =>
    new Provider(url, {
      clients: [
        {
          client_id: clientId,
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
        {
          client_id: introspection.clientId,
          client_secret: introspection.clientSecret,
          redirect_uris: [],
          response_types: [],
          grant_types: [],
        },
      ],
      pkce: { required: () => true },
      cookies: { keys: ['oidc-test-cookie-key'] },
      features: { devInteractions: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true } },
      scopes: ['openid', 'email', 'offline_access', 'mail'],
      claims: { email: ['email'] },
      issueRefreshToken: async () => true,
      ttl: { AccessToken: options.accessTokenTtl ?? 3600, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 600 },
      findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@sinetti.test` }) }),
    });
  // The issuer URL needs the port, which is known once listening: listen on a free port first.
  const probe = make(issuer);
  const server: Server = await new Promise((resolve) => {
    const s = probe.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  issuer = `http://127.0.0.1:${port}`;
  const provider = make(issuer);
  server.removeAllListeners('request');
  server.on('request', provider.callback());

  const basic = `Basic ${Buffer.from(`${introspection.clientId}:${introspection.clientSecret}`).toString('base64')}`;
  return {
    issuer,
    clientId,
    introspection: { ...introspection, url: `${issuer}/token/introspection` },
    async browser(authorizationUrl, login) {
      const jar = new Map<string, string>();
      let url = authorizationUrl;
      let body: URLSearchParams | undefined;
      for (let step = 0; step < 20; step++) {
        const response = await fetch(url, {
          method: body ? 'POST' : 'GET',
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          ...(body ? { body } : {}),
        });
        for (const cookie of response.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const [name, ...value] = pair!.split('=');
          jar.set(name!.trim(), value.join('='));
        }
        body = undefined;
        const location = response.headers.get('location');
        if (location) {
          url = new URL(location, url).href;
          // The loopback redirect: Sinetti's listener takes it from here.
          if (!url.startsWith(issuer)) {
            await (await fetch(url)).text();
            return;
          }
          continue;
        }
        const page = await response.text();
        if (!url.includes('/interaction/')) throw new Error(`unexpected page at ${new URL(url).pathname}: ${response.status}`);
        body = new URLSearchParams(/name="login"/.test(page) ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' });
      }
      throw new Error('sign-in did not finish');
    },
    async introspect(token) {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      return (await response.json()) as { active: boolean };
    },
    async revoke(token) {
      const response = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: clientId }),
      });
      if (!response.ok) throw new Error(`revocation failed: ${response.status}`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Trust boundary: OAuth2 tokens for mail accounts (issue 14). The authorization code flow with
 * PKCE runs in the person's own browser (a new tab in the browser host) with a loopback redirect
 * bound to 127.0.0.1 only (loopback-redirect.ts); `openid-client` speaks the protocol.
 *
 * Invariants:
 * - tokens are sealed under the vault key (SecretStore), never in settings, logs or the renderer;
 * - an access token is refreshed before it expires (REFRESH_MARGIN_MS), and again when a server
 *   refuses it (`invalidate`), at most once per refusal;
 * - a refresh token the provider refuses (revoked, expired: `invalid_grant`) deletes the tokens
 *   and ends in SIGN_IN_REQUIRED: one clear "sign in again", never a loop of refresh attempts;
 * - the provider must be https, except on loopback (the tests' local provider), as for IMAP.
 */
import * as oidc from 'openid-client';
import { ServiceError } from '../../../shared/result.js';
import type { TokenSource } from '../accounts/credentials.js';
import { isLoopbackHost } from '../mail/imap-client-factory.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { receiveRedirect } from './loopback-redirect.js';

/** Refresh this long before the access token's expiry (clock skew and a slow connection). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Where and as whom to sign in: from the managed policy's `oauth2` section. */
export interface OAuthSettings {
  /** The OpenID issuer (authority), e.g. https://login.microsoftonline.com/<tenant>/v2.0 */
  issuer: string;
  clientId: string;
  scopes: string[];
}

interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const tokenKey = (accountId: string) => `oauth2-tokens:${accountId}`;

export class OAuthTokens implements TokenSource {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();
  /** One refresh per account at a time: IMAP and SMTP asking together share it. */
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    private readonly deps: {
      secrets: SecretStore;
      settings: () => OAuthSettings | null;
      /** Opens the sign-in page in the person's browser (a new tab in the browser host). */
      openBrowser: (url: string) => Promise<void>;
      now?: () => number;
      /** How long the person has to sign in. */
      signInTimeoutMs?: number;
    },
  ) {}

  /** Signs in interactively and stores the tokens for the account; returns the signed-in identity's claims. */
  async signIn(accountId: string, loginHint?: string): Promise<{ subject?: string; email?: string }> {
    const config = await this.config();
    const settings = this.settings();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const redirect = await receiveRedirect({ timeoutMs: this.deps.signInTimeoutMs ?? 5 * 60_000 });
    try {
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirect.uri,
        scope: settings.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
      await this.deps.openBrowser(url.href);
      const callback = await redirect.received;
      const tokens = await oidc
        .authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })
        .catch((error: unknown) => Promise.reject(mapOAuthError(error)));
      await this.store(accountId, tokens);
      const claims = tokens.claims();
      return { ...(claims?.sub ? { subject: claims.sub } : {}), ...(typeof claims?.email === 'string' ? { email: claims.email } : {}) };
    } finally {
      redirect.close();
    }
  }

  async accessToken(accountId: string): Promise<string> {
    const stored = await this.load(accountId);
    if (stored.expiresAt - REFRESH_MARGIN_MS > this.now()) return stored.accessToken;
    return this.refresh(accountId, stored);
  }

  /** A server refused this token before its time (revoked, or the clock is off): refresh on the next ask. */
  async invalidate(accountId: string, accessToken: string): Promise<void> {
    const stored = await this.load(accountId).catch(() => null);
    if (stored && stored.accessToken === accessToken) await this.write(accountId, { ...stored, expiresAt: 0 });
  }

  async forget(accountId: string): Promise<void> {
    await this.deps.secrets.delete(tokenKey(accountId));
  }

  private refresh(accountId: string, stored: StoredTokens): Promise<string> {
    const running = this.refreshing.get(accountId);
    if (running) return running;
    const refresh = (async () => {
      if (!stored.refreshToken) throw signInRequired();
      const config = await this.config();
      let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
      try {
        tokens = await oidc.refreshTokenGrant(config, stored.refreshToken);
      } catch (error) {
        const mapped = mapOAuthError(error);
        // The refresh token is no good any more: forget it, so nothing retries it in a loop.
        if (mapped.code === 'SIGN_IN_REQUIRED') await this.forget(accountId);
        throw mapped;
      }
      // A provider may rotate the refresh token or keep the old one.
      return (await this.store(accountId, tokens, stored.refreshToken)).accessToken;
    })().finally(() => this.refreshing.delete(accountId));
    this.refreshing.set(accountId, refresh);
    return refresh;
  }

  private async store(
    accountId: string,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
    previousRefresh?: string,
  ): Promise<StoredTokens> {
    const expiresIn = tokens.expiresIn();
    const record: StoredTokens = {
      accessToken: tokens.access_token,
      ...((tokens.refresh_token ?? previousRefresh) ? { refreshToken: tokens.refresh_token ?? previousRefresh } : {}),
      expiresAt: this.now() + (expiresIn ?? 3600) * 1000,
    };
    await this.write(accountId, record);
    return record;
  }

  private async write(accountId: string, record: StoredTokens): Promise<void> {
    await this.deps.secrets.set(tokenKey(accountId), JSON.stringify(record));
  }

  private async load(accountId: string): Promise<StoredTokens> {
    const raw = await this.deps.secrets.get(tokenKey(accountId));
    if (raw === null) throw signInRequired();
    return JSON.parse(raw) as StoredTokens;
  }

  private settings(): OAuthSettings {
    const settings = this.deps.settings();
    if (!settings) throw new ServiceError('VALIDATION', 'Your organisation has not set up signing in with the organisation account (policy section oauth2).');
    return settings;
  }

  private config(): Promise<oidc.Configuration> {
    const { issuer, clientId } = this.settings();
    const key = `${issuer}\u0000${clientId}`;
    let config = this.configs.get(key);
    if (!config) {
      const url = new URL(issuer);
      // Plain http only to a provider on this computer (the tests' local provider), as for IMAP.
      const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
      if (url.protocol !== 'https:' && !loopback) throw new ServiceError('INSECURE_NOT_ALLOWED', 'The sign-in service must use https.');
      config = oidc
        .discovery(url, clientId, undefined, oidc.None(), loopback ? { execute: [oidc.allowInsecureRequests] } : undefined)
        .catch((error: unknown) => {
          this.configs.delete(key);
          throw mapOAuthError(error);
        });
      this.configs.set(key, config);
    }
    return config;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

function signInRequired(): ServiceError {
  return new ServiceError('SIGN_IN_REQUIRED', 'Sign in again with your organisation account: the earlier sign-in is no longer valid.');
}

/**
 * The provider's answers in the contract's terms. Entra ID puts its AADSTS code in the
 * description: 65001 consent missing, 50105/53003 access not granted, 700024/50058 clock or session.
 */
export function mapOAuthError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = error as { error?: string; error_description?: string; code?: string; cause?: { code?: string } };
  const description = e.error_description ?? '';
  if (/AADSTS65001|consent_required/i.test(`${e.error ?? ''} ${description}`))
    return new ServiceError('OAUTH_CONSENT_REQUIRED', 'Your organisation has not consented to Sinetti using the mail service. Ask IT to grant consent.');
  if (/AADSTS(50105|53003|50020)|access_denied/i.test(`${e.error ?? ''} ${description}`))
    return new ServiceError('OAUTH_ACCESS_DENIED', 'Your account has not been given access to Sinetti in your organisation. Ask IT to assign it to you.');
  if (e.error === 'invalid_grant') return signInRequired();
  if (/AADSTS700024|iat|nbf|clock/i.test(description) || e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED')
    return new ServiceError('CLOCK_SKEW', "This computer's clock is too far off for signing in. Correct the time and try again.");
  if (e.code === 'OAUTH_TIMEOUT' || e.code === 'SIGN_IN_TIMEOUT') return new ServiceError('TIMEOUT', 'The sign-in was not completed in time.');
  const network = e.cause?.code ?? e.code ?? '';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|UND_ERR/.test(network) || (error instanceof TypeError && /fetch/i.test(String(error))))
    return new ServiceError('OAUTH_UNREACHABLE', 'The sign-in service could not be reached. Check the network connection.');
  return new ServiceError('OAUTH_FAILED', 'Signing in with the organisation account failed.');
}

/**
 * Trust boundary: the one home of an account's credentials. IMAP and SMTP ask for a credential
 * each time they connect (never at start-up, never kept by a transport), so a changed password
 * or a refreshed token is used by the next connection without a restart.
 *
 * Invariants: credentials live only in the SecretStore (sealed under the vault key); they never
 * reach settings, logs or the renderer; a missing secret is an error, never an empty login.
 *
 * Methods: a password, or an OAuth2 access token (XOAUTH2 / OAUTHBEARER) from a token source
 * that refreshes it. Kerberos/GSSAPI single sign-on is out of scope: it would be a third
 * `Credential` method whose source asks the OS ticket cache, behind the same `credential()` call
 * (README, "Accounts and credentials").
 */
import { ServiceError } from '../../../shared/result.js';
import type { SecretStore } from '../secrets/secret-store.js';

export type Credential = { method: 'password'; user: string; password: string } | { method: 'oauth2'; user: string; accessToken: string };

/** What IMAP and SMTP ask at connect time. */
export interface CredentialProvider {
  /** A credential valid now for the account's login name (`user`). */
  credential(accountId: string): Promise<Credential>;
  /**
   * The server refused `credential` as expired or revoked: an OAuth2 token is dropped so the next
   * `credential()` refreshes it. A refused password stays (only the person can change it).
   */
  refused(accountId: string, credential: Credential): Promise<void>;
}

/** A source of OAuth2 access tokens for an account (oauth/ implements it). */
export interface TokenSource {
  accessToken(accountId: string): Promise<string>;
  invalidate(accountId: string, accessToken: string): Promise<void>;
  forget(accountId: string): Promise<void>;
}

export type AuthMethod = 'password' | 'oauth2';

/** The secret name of an account's password (unchanged since the first version: stored secrets stay readable). */
const passwordKey = (accountId: string) => `imap-password:${accountId}`;

export class AccountCredentials implements CredentialProvider {
  constructor(
    private readonly deps: {
      secrets: SecretStore;
      /** The account's login name and how it signs in; null when there is no such account. */
      login: (accountId: string) => { user: string; auth: AuthMethod } | null;
      tokens?: TokenSource;
    },
  ) {}

  async credential(accountId: string): Promise<Credential> {
    const login = this.deps.login(accountId);
    if (!login) throw new ServiceError('NOT_FOUND', 'No such account.');
    if (login.auth === 'oauth2') {
      if (!this.deps.tokens) throw new ServiceError('INTERNAL', 'Signing in with the organisation account is not available.');
      return { method: 'oauth2', user: login.user, accessToken: await this.deps.tokens.accessToken(accountId) };
    }
    const password = await this.deps.secrets.get(passwordKey(accountId));
    if (password === null) throw new ServiceError('SECRET_CORRUPT', 'The password for this account is missing; enter it again in the account settings.');
    return { method: 'password', user: login.user, password };
  }

  async refused(accountId: string, credential: Credential): Promise<void> {
    if (credential.method === 'oauth2') await this.deps.tokens?.invalidate(accountId, credential.accessToken);
  }

  async setPassword(accountId: string, password: string): Promise<void> {
    await this.deps.secrets.set(passwordKey(accountId), password);
  }

  /** Everything secret of an account (on removal). */
  async forget(accountId: string): Promise<void> {
    await this.deps.secrets.delete(passwordKey(accountId));
    await this.deps.tokens?.forget(accountId);
  }
}

/** A fixed credential (tests, the benchmark, and a connection test before an account exists). */
export const fixedCredential =
  (credential: Credential): (() => Promise<Credential>) =>
  async () =>
    credential;

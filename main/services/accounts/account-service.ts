/**
 * The accounts capability: list, add, edit, change the password, remove. The one owner of the
 * account entries in settings and (through AccountCredentials) of their secrets; mail/ and send/
 * read accounts and credentials from here at connect time.
 *
 * Invariants: an account is stored only after a login with its credential succeeded (nothing
 * half-added); a new password is stored only after the server accepted it; removing an account
 * leaves the mail on the server alone and refuses while the outbox still holds messages from it
 * (they would otherwise be lost without a word).
 */
import { randomUUID } from 'node:crypto';
import type { AccountInput, AccountSummary, AccountUpdate, SmtpServer } from '../../../shared/domain.js';
import { defaultSmtpFor } from '../../../shared/mail-server-presets.js';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { StoredAccount } from '../settings/settings-schema.js';
import type { AccountCredentials, Credential } from './credentials.js';

/** An account's incoming (IMAP) server and login, as mail/ connects to it. */
export interface ImapServer {
  host: string;
  port: number;
  security: StoredAccount['security'];
}

/** What the accounts need from the mail side, implemented there (accounts/ never imports mail/). */
export interface AccountConnections {
  /** Logs in once with the credential and logs out (the connection test). */
  test(server: ImapServer, credential: Credential): Promise<{ capabilities: string[] }>;
  /** Closes the account's connections and drops what is cached of it (after an edit or removal). */
  forget(accountId: string): Promise<void>;
}

export interface SendingAccount {
  address: string;
  name: string;
  smtp: SmtpServer;
  username: string;
}

export class AccountService {
  constructor(
    private readonly deps: {
      settings: SettingsStore;
      credentials: AccountCredentials;
      connections: AccountConnections;
      domainEvents: DomainEventBus;
      /** How many messages from this account wait in the outbox (removal refuses while any do). */
      queuedFor?: (accountId: string) => number;
    },
  ) {}

  list(): AccountSummary[] {
    return this.deps.settings.get().accounts.map(summary);
  }

  /** The stored entry (for mail/ to connect); NOT_FOUND for an unknown id. */
  stored(accountId: string): StoredAccount {
    const account = this.deps.settings.get().accounts.find((a) => a.id === accountId);
    if (!account) throw new ServiceError('NOT_FOUND', 'No such account.');
    return account;
  }

  async testConnection(input: AccountInput): Promise<{ capabilities: string[] }> {
    return this.deps.connections.test(input, { method: 'password', user: input.username, password: input.password });
  }

  async add(input: AccountInput): Promise<AccountSummary> {
    await this.testConnection(input);
    const account: StoredAccount = { id: randomUUID(), ...entryFields(input) };
    // Secret first: an account in settings without its password would be a half-added account.
    await this.deps.credentials.setPassword(account.id, input.password);
    this.deps.settings.addAccount(account);
    this.deps.domainEvents.emit({ type: 'account.added', accountId: account.id, at: Date.now() });
    return summary(account);
  }

  /**
   * Edits the account's settings; with `password`, also its password. When the server or the
   * login changes, the login is tried first with the password given (or the stored one), so a
   * typo never replaces settings that work.
   */
  async update(update: AccountUpdate): Promise<AccountSummary> {
    const current = this.stored(update.accountId);
    const next: StoredAccount = { id: current.id, ...(current.auth ? { auth: current.auth } : {}), ...entryFields(update) };
    const loginChanged = next.host !== current.host || next.port !== current.port || next.security !== current.security || next.username !== current.username;
    if (loginChanged || update.password !== undefined) {
      const credential: Credential =
        update.password !== undefined
          ? { method: 'password', user: next.username, password: update.password }
          : { ...(await this.deps.credentials.credential(current.id)), user: next.username };
      await this.deps.connections.test(next, credential);
    }
    if (update.password !== undefined) await this.deps.credentials.setPassword(current.id, update.password);
    this.deps.settings.replaceAccount(next);
    // Open connections still use the old settings: the next one is made with the new ones.
    await this.deps.connections.forget(current.id);
    this.deps.domainEvents.emit({ type: 'account.changed', accountId: current.id, credentials: update.password !== undefined, at: Date.now() });
    return summary(next);
  }

  /** A new password (changed at the server): stored only once the server accepts it. */
  async setPassword(accountId: string, password: string): Promise<void> {
    const account = this.stored(accountId);
    if (account.auth === 'oauth2') throw new ServiceError('VALIDATION', 'This account signs in with the organisation account, not with a password.');
    await this.deps.connections.test(account, { method: 'password', user: account.username, password });
    await this.deps.credentials.setPassword(accountId, password);
    // Connections that logged in with the old password stay valid until they close; new ones use the new one.
    this.deps.domainEvents.emit({ type: 'account.changed', accountId, credentials: true, at: Date.now() });
  }

  async remove(accountId: string): Promise<void> {
    this.stored(accountId);
    const queued = this.deps.queuedFor?.(accountId) ?? 0;
    if (queued > 0)
      throw new ServiceError('VALIDATION', `The outbox still holds ${queued} message(s) from this account: send or remove them in the outbox first.`);
    await this.deps.connections.forget(accountId);
    this.deps.settings.removeAccount(accountId);
    await this.deps.credentials.forget(accountId);
    this.deps.domainEvents.emit({ type: 'account.removed', accountId, at: Date.now() });
  }

  /**
   * Who this account sends as and through which server (no secret: the transport asks the
   * credential provider when it connects). SMTP defaults to the IMAP host on the submission port
   * that matches the account's security (465 implicit TLS, 587 STARTTLS).
   */
  sendingAccount(accountId: string): SendingAccount {
    const account = this.stored(accountId);
    const address = account.address ?? (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(account.username) ? account.username.toLowerCase() : null);
    if (!address) throw new ServiceError('VALIDATION', 'This account has no sending address: add it in the account settings.');
    const smtp = account.smtp ?? defaultSmtpFor(account);
    return { address, name: account.teamName ?? account.displayName, smtp, username: account.username };
  }
}

function entryFields(input: Omit<AccountInput, 'password'>): Omit<StoredAccount, 'id'> {
  return {
    displayName: input.displayName,
    host: input.host,
    port: input.port,
    security: input.security,
    username: input.username,
    ...(input.teamName ? { teamName: input.teamName } : {}),
    ...(input.address ? { address: input.address.toLowerCase() } : {}),
    ...(input.smtp ? { smtp: input.smtp } : {}),
  };
}

function summary({ id, displayName, host, port, security, username, teamName, address, smtp, auth }: StoredAccount): AccountSummary {
  return {
    id,
    displayName,
    host,
    port,
    security,
    username,
    auth: auth ?? 'password',
    ...(teamName ? { teamName } : {}),
    ...(address ? { address } : {}),
    ...(smtp ? { smtp } : {}),
  };
}

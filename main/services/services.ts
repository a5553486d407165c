/**
 * What a host (the Electron layer or the browser host) gets from the composition root.
 * Hosts only move requests and events; every decision lives behind the dispatcher.
 */
import type { Dispatcher } from './api/dispatcher.js';
import type { MailEventSource } from './events/mail-events.js';
import type { DomainEventSource } from './events/domain-events.js';
import type { KeychainBackend } from './secrets/keychain.js';
import type { SettingsBackend } from './settings/settings-backend.js';
import type { Logger } from './logging/logger.js';
import type { TeamWorkActions, TeamWorkSource } from './team-work/team-work-source.js';
import type { ManagedConfigSource } from './managed-config/managed-config-source.js';

export interface ServicesOptions {
  host: 'electron' | 'browser';
  version: string;
  /** Directory for the encrypted secrets file (mode 0700). */
  dataDir: string;
  settingsBackend: SettingsBackend;
  keychain: KeychainBackend;
  /**
   * Opens a vetted https:/mailto: URL outside the app (Electron: shell.openExternal).
   * Absent in the browser host, where the renderer opens the vetted URL itself.
   */
  openExternal?: (url: string) => Promise<void>;
  /** Extra trusted CA certificates (PEM) for mail servers, added to the system roots. */
  extraCaPem?: string;
  /** How long to wait for a mail server to connect and greet (default 15 s). */
  imapConnectTimeoutMs?: number;
  /** Headers fetched per background window (default 1000); smaller only to exercise sync in tests. */
  headerWindowSize?: number;
  /** Header sync on its own streaming connection (default true); false only to measure or test the imapflow path. */
  bulkHeaderSync?: boolean;
  /** How long a passphrase unlock lasts, in minutes; by default the effective policy's `crypto.unlockMinutes`. */
  keyUnlockMinutes?: number;
  /**
   * Where IT's managed configuration is read. Default: the platform's source from the operating
   * system (registry, macOS profile, /etc/sinetti; platformManagedConfigSource()), unless
   * managedPolicyPath is given; null: none.
   */
  managedConfigSource?: ManagedConfigSource | null;
  /** How often the managed configuration is read again besides watching its files (default 15 s). */
  managedConfigPollMs?: number;
  /**
   * Development and tests only: a secure-send policy file as IT's policy layer instead of the
   * managed configuration's `policy` section; null: no managed policy.
   */
  managedPolicyPath?: string | null;
  /** Refuse a managed policy file that ordinary users could edit (default true). */
  requireProtectedPolicyFile?: boolean;
  logger?: Logger;
  /** Tests only: the handling state of team mailboxes for the board, in place of the claims service. */
  teamWorkSource?: TeamWorkSource & TeamWorkActions;
  /** Tests only: where key lookups open their socket for a host name (TLS still verifies the name). */
  keyLookupConnectTo?: (hostname: string) => { host: string; port: number } | null;
}

export interface Services {
  dispatcher: Dispatcher;
  mailEvents: MailEventSource;
  /** Seam for the audit trail: message opened, attachment fetched, moved, deleted, account added. */
  domainEvents: DomainEventSource;
  /** The idle lock, for hosts that learn of an OS screen lock (Electron's powerMonitor). */
  sessionLock: { lock(reason: 'os-lock'): unknown };
  close(): Promise<void>;
}

/**
 * Trust boundary: the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
 * Linux) through @github/keytar. Plain Node, no electron: the Electron layer and the browser host
 * both use it. Invariants:
 * - every failure becomes ServiceError('KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE') with a message a
 *   user can act on; nothing is ever retried against another, weaker store (fail closed);
 * - the native addon is loaded on first use, so a missing or broken addon is a reported
 *   KEYCHAIN_UNAVAILABLE, not a crash at import time;
 * - secrets never appear in error messages (keytar's own messages never contain them, and we only
 *   add the service and account names).
 */
import { ServiceError } from '../../../shared/result.js';
import type { KeychainBackend } from './keychain.js';

/** The part of @github/keytar we use; injectable so the error mapping is unit-testable. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The entry the lock probe writes and removes at once; it never holds anything secret. */
export const LOCK_PROBE_ACCOUNT = 'lock-probe';

export type KeytarLoader = () => Promise<KeytarModule>;

const loadKeytar: KeytarLoader = async () => {
  // Dynamic import keeps the native addon out of module evaluation and lets bundlers leave the
  // package external (it ships per-platform .node prebuilds that must stay on disk).
  const imported = (await import('@github/keytar')) as KeytarModule & { default?: KeytarModule };
  return imported.default ?? imported;
};

export class KeytarKeychain implements KeychainBackend {
  private module: Promise<KeytarModule> | null = null;

  constructor(private readonly loader: KeytarLoader = loadKeytar) {}

  async getPassword(service: string, account: string): Promise<string | null> {
    const keytar = await this.keytar();
    try {
      return await keytar.getPassword(service, account);
    } catch (error) {
      throw mapKeychainError(error, 'read');
    }
  }

  async setPassword(service: string, account: string, secret: string): Promise<void> {
    const keytar = await this.keytar();
    try {
      await keytar.setPassword(service, account, secret);
    } catch (error) {
      throw mapKeychainError(error, 'write');
    }
  }

  /**
   * keytar has no "is locked" call, and a read from a locked Secret Service collection returns
   * null. A write cannot pretend: a locked collection refuses it ("Cannot create an item in a
   * locked collection"). So the probe writes a throw-away entry and removes it again. Where the
   * OS shows an unlock prompt (a desktop session), the write asks the person to unlock, which is
   * what they need to do anyway.
   */
  async isLocked(service: string): Promise<boolean> {
    const keytar = await this.keytar();
    try {
      await keytar.setPassword(service, LOCK_PROBE_ACCOUNT, 'probe');
    } catch (error) {
      const mapped = mapKeychainError(error, 'write');
      if (mapped.code === 'KEYCHAIN_LOCKED') return true;
      throw mapped;
    }
    await keytar.deletePassword(service, LOCK_PROBE_ACCOUNT).catch(() => false);
    return false;
  }

  private async keytar(): Promise<KeytarModule> {
    this.module ??= this.loader();
    try {
      return await this.module;
    } catch (error) {
      // Allow a later attempt (e.g. after the user installs the secret service) to load again.
      this.module = null;
      throw new ServiceError('KEYCHAIN_UNAVAILABLE', 'The OS keychain support could not be loaded on this computer, so no secrets can be stored.', {
        cause: error,
      });
    }
  }
}

const LOCKED_PATTERNS = [
  /locked/i, // libsecret: "Cannot create an item in a locked collection"; macOS errSecInteractionNotAllowed text varies
  /user interaction is not allowed/i, // macOS: keychain locked and no UI allowed
  /user canceled|user cancelled|prompt.*dismissed/i, // the user closed the unlock prompt
];

const UNAVAILABLE_PATTERNS = [
  /d-?bus/i, // "Cannot autolaunch D-Bus without X11 $DISPLAY", "Could not connect to D-Bus"
  /org\.freedesktop\.secrets/i, // "The name org.freedesktop.secrets was not provided by any .service files"
  /secret service/i,
  /no such (file|interface|object)/i,
  /not provided by any/i,
  /could not connect/i,
  /platform.*not supported|not implemented/i,
];

/** Turns a raw keytar/libsecret/Keychain error into the contract's keychain error codes. */
export function mapKeychainError(error: unknown, operation: 'read' | 'write'): ServiceError {
  if (error instanceof ServiceError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (LOCKED_PATTERNS.some((pattern) => pattern.test(text))) {
    return new ServiceError(
      'KEYCHAIN_LOCKED',
      `The OS keychain is locked, so Sinetti could not ${operation} its vault key. Unlock the keychain (log in again or open the keyring) and try again.`,
      { cause: error },
    );
  }
  if (UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(text))) {
    return new ServiceError(
      'KEYCHAIN_UNAVAILABLE',
      `No OS keychain is reachable (${summarize(text)}). On Linux a Secret Service such as GNOME Keyring must be running in the session.`,
      { cause: error },
    );
  }
  // Unknown failure: still a keychain failure, and still no plaintext fallback.
  return new ServiceError('KEYCHAIN_UNAVAILABLE', `The OS keychain refused to ${operation} the vault key (${summarize(text)}).`, {
    cause: error,
  });
}

function summarize(text: string): string {
  // Keytar messages are short and secret-free; cap them anyway so a log line stays a line.
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine || 'no details';
}

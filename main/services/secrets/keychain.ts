/**
 * The OS keychain as the services see it. It holds exactly one entry: the vault key.
 * Implementations throw ServiceError('KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE') with a clear
 * message; they never fall back to storing anything in plaintext.
 */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, secret: string): Promise<void>;
  /**
   * True when the keychain is locked. Asked only after a read found nothing: the Linux Secret
   * Service answers a read from a locked collection with "no such entry" (libsecret returns null
   * when the unlock prompt cannot be shown or is dismissed), which must not be taken for a
   * missing vault key — that advice ("add the accounts again") would be wrong and the fresh
   * key would replace the real one once the keychain is unlocked.
   */
  isLocked?(service: string): Promise<boolean>;
}

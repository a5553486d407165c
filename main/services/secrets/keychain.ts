/**
 * The OS keychain as the services see it. It holds exactly one entry: the vault key.
 * Implementations throw ServiceError('KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE') with a clear
 * message; they never fall back to storing anything in plaintext.
 */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, secret: string): Promise<void>;
}

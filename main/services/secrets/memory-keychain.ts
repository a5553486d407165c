/** An in-memory keychain for fast unit tests only; the real one is keytar-keychain.ts. */
import { ServiceError } from '../../../shared/result.js';
import type { KeychainBackend } from './keychain.js';

export class MemoryKeychain implements KeychainBackend {
  readonly entries = new Map<string, string>();
  locked = false;

  /** `readsNull`: a locked keychain answers reads with "nothing stored", as the Linux Secret Service does. */
  constructor(private readonly lockedReads: 'throw' | 'readsNull' = 'throw') {}

  async getPassword(service: string, account: string): Promise<string | null> {
    if (this.locked && this.lockedReads === 'readsNull') return null;
    this.assertUnlocked();
    return this.entries.get(`${service}\u0000${account}`) ?? null;
  }

  async isLocked(): Promise<boolean> {
    return this.locked;
  }

  async setPassword(service: string, account: string, secret: string): Promise<void> {
    this.assertUnlocked();
    this.entries.set(`${service}\u0000${account}`, secret);
  }

  private assertUnlocked(): void {
    if (this.locked) throw new ServiceError('KEYCHAIN_LOCKED', 'The keychain is locked.');
  }
}

/**
 * Whether the vault key in the OS keychain can be used now. The composition root checks it at
 * start-up, so a locked keychain is said up front (its own code, KEYCHAIN_LOCKED: "unlock it or
 * sign in again") instead of surfacing later as a failed send or a "missing" key. While it fails,
 * each question checks again, so unlocking the keychain is noticed without a restart.
 */
import { ServiceError, type AppError } from '../../../shared/result.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from './secret-store.js';

export class VaultStatus {
  private problem: AppError | null = null;

  constructor(
    private readonly secrets: Pick<SecretStore, 'unlock'>,
    private readonly logger?: Logger,
  ) {}

  /** Probes the keychain now; null when the vault key is usable. */
  async check(): Promise<AppError | null> {
    try {
      await this.secrets.unlock();
      this.problem = null;
    } catch (error) {
      this.problem =
        error instanceof ServiceError
          ? { code: error.code, message: error.message }
          : { code: 'KEYCHAIN_UNAVAILABLE', message: 'The OS keychain could not be reached.' };
      this.logger?.warn('vault key not usable', { code: this.problem.code });
    }
    return this.problem;
  }

  /** The problem as last seen, re-checked while there is one. */
  async current(): Promise<AppError | null> {
    return this.problem ? this.check() : null;
  }
}

/**
 * Trust boundary: the idle lock. Invariants:
 * - the app locks when no activity was reported for the managed idle time (asked again on every
 *   check, so a changed setting applies while running), when the host reports that the OS locked
 *   the screen, or when the renderer or the person asks; nothing but a successful unlock ends it;
 * - unlocking fails closed: any error in the check (keychain locked or unreachable, wrong or
 *   missing passphrase, no key to check it against) keeps the app locked;
 * - while locked, activity reports are ignored (a page left open cannot keep itself unlocked by
 *   reporting activity after the fact: the timer runs in the services, not in the page).
 * What is refused while locked is decided in api/lock-gate.ts.
 */
import { ServiceError } from '../../../shared/result.js';
import type { LockReason, SessionLockState, UnlockMethod } from '../../../shared/session-lock-schema.js';
import type { Logger } from '../logging/logger.js';

export interface IdleLockSettings {
  minutes: number;
  unlockMethod: UnlockMethod;
}

export interface SessionLockOptions {
  /** The managed idle-lock settings, read on every check. */
  settings: () => IdleLockSettings;
  /** True when the OS keychain still hands out the vault key this session holds (fresh read, not a cache). */
  confirmKeychain: () => Promise<boolean>;
  /** True when the passphrase opens one of the person's own passphrase-protected keys. */
  confirmPassphrase: (passphrase: string) => Promise<boolean>;
  /** Told on every change, after it happened (to push `session-lock` to the renderer). */
  onChange: (locked: boolean) => void;
  logger?: Logger;
  now?: () => number;
  /** How often the idle time is checked (default 10 s). */
  checkEveryMs?: number;
}

export class SessionLock {
  private locked = false;
  private reason: LockReason | null = null;
  private lastActivity: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: SessionLockOptions) {
    this.now = options.now ?? Date.now;
    this.lastActivity = this.now();
  }

  /** Starts the idle timer (the composition root calls it once; close() stops it). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkIdle(), this.options.checkEveryMs ?? 10_000);
    this.timer.unref?.();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  isLocked(): boolean {
    return this.locked;
  }

  state(): SessionLockState {
    const { minutes, unlockMethod } = this.options.settings();
    return { locked: this.locked, reason: this.reason, idleMinutes: minutes, unlockMethod };
  }

  /** The person did something in the window. */
  activity(): SessionLockState {
    if (!this.locked) {
      // Reported late (after the idle time had already run out) it does not count: lock instead.
      if (this.idleExpired()) this.lock('idle');
      else this.lastActivity = this.now();
    }
    return this.state();
  }

  /** Locks now (idempotent; the first reason is kept). */
  lock(reason: LockReason): SessionLockState {
    if (!this.locked) {
      this.locked = true;
      this.reason = reason;
      this.options.logger?.info('app locked', { reason });
      this.options.onChange(true);
    }
    return this.state();
  }

  async unlock(request: { passphrase?: string | undefined }): Promise<SessionLockState> {
    if (!this.locked) return this.state();
    const { unlockMethod } = this.options.settings();
    let confirmed = false;
    if (unlockMethod === 'passphrase') {
      if (!request.passphrase) throw new ServiceError('LOCKED', 'Enter the passphrase of your key to unlock Sinetti.');
      confirmed = await this.confirm(() => this.options.confirmPassphrase(request.passphrase as string));
      if (!confirmed) throw new ServiceError('WRONG_PASSPHRASE', 'The passphrase is wrong; Sinetti stays locked.');
    } else {
      confirmed = await this.confirm(() => this.options.confirmKeychain());
      if (!confirmed) throw new ServiceError('LOCKED', 'The OS keychain did not confirm your session; Sinetti stays locked.');
    }
    this.locked = false;
    this.reason = null;
    this.lastActivity = this.now();
    this.options.logger?.info('app unlocked', { method: unlockMethod });
    this.options.onChange(false);
    return this.state();
  }

  /** Runs one check; a ServiceError (e.g. KEYCHAIN_LOCKED) is passed on, anything else counts as "not confirmed". */
  private async confirm(check: () => Promise<boolean>): Promise<boolean> {
    try {
      return (await check()) === true;
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      return false;
    }
  }

  private idleExpired(): boolean {
    return this.now() - this.lastActivity >= this.options.settings().minutes * 60_000;
  }

  private checkIdle(): void {
    if (!this.locked && this.idleExpired()) this.lock('idle');
  }
}

/**
 * The managed settings the shell reads: idle lock and updates. One accessor on purpose: the
 * managed-configuration layer (issue 15, `idleLock.minutes`, `updates.enabled|channel|url`) is
 * being built beside this, and at merge this function is re-pointed at it; until then it
 * returns the safe defaults — updates off, idle lock after 15 minutes, unlock by OS keychain.
 * Consumers ask again each time they need a value, so live reload needs no change on their side.
 */
import type { UnlockMethod } from '../../shared/session-lock-schema.js';

export type UpdateMode = 'notify' | 'automatic';

export interface ShellManagedSettings {
  idleLock: { minutes: number; unlockMethod: UnlockMethod };
  /** `url` is the organisation's update server (https); null or `enabled: false`: no update checks at all. */
  updates: { enabled: boolean; channel: UpdateMode; url: string | null };
}

export const SHELL_DEFAULTS: ShellManagedSettings = Object.freeze({
  idleLock: Object.freeze({ minutes: 15, unlockMethod: 'keychain' as const }),
  updates: Object.freeze({ enabled: false, channel: 'notify' as const, url: null }),
});

export function shellManagedSettings(): ShellManagedSettings {
  return SHELL_DEFAULTS;
}

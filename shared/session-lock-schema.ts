/**
 * The idle lock as the renderer sees it. While locked, the services refuse every data channel
 * with LOCKED; only these channels (and app:info:get, settings:ui:get for the lock screen's
 * language) are served. How the person unlocks is the organisation's choice: `keychain` checks
 * that the OS keychain still hands out Sinetti's vault key (the OS session is the person's),
 * `passphrase` asks for the passphrase of their own OpenPGP key.
 */
import { z } from 'zod';

export const unlockMethodSchema = z.enum(['keychain', 'passphrase']);
export type UnlockMethod = z.infer<typeof unlockMethodSchema>;

export const lockReasonSchema = z.enum(['idle', 'os-lock', 'person']);
export type LockReason = z.infer<typeof lockReasonSchema>;

export const sessionLockStateSchema = z.object({
  locked: z.boolean(),
  reason: lockReasonSchema.nullable(),
  /** Minutes without activity before the app locks (the managed setting idleLock.minutes). */
  idleMinutes: z.number().positive(),
  unlockMethod: unlockMethodSchema,
});
export type SessionLockState = z.infer<typeof sessionLockStateSchema>;

const empty = z.object({}).strict();

export const sessionLockContract = {
  'app:lock:state': { request: empty, response: sessionLockStateSchema },
  /** The person did something in the window (throttled by the renderer); ignored while locked. */
  'app:lock:activity': { request: empty, response: sessionLockStateSchema },
  /** Lock now: the renderer's own idle timer ran out, or the person chose to lock. */
  'app:lock:now': { request: z.object({ reason: z.enum(['idle', 'person']) }).strict(), response: sessionLockStateSchema },
  'app:lock:unlock': {
    request: z.object({ passphrase: z.string().min(1).max(1024).optional() }).strict(),
    response: sessionLockStateSchema,
  },
} as const;

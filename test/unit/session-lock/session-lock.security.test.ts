/**
 * The idle lock's service side: it locks after the managed idle time (read again on every check),
 * on an OS screen lock, and refuses every data channel with LOCKED until an unlock check
 * succeeds; every failing check keeps it locked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../../shared/channels.js';
import { ServiceError } from '../../../shared/result.js';
import { createDispatcher } from '../../../main/services/api/dispatcher.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { gateWhileLocked, OPEN_WHILE_LOCKED } from '../../../main/services/api/lock-gate.js';
import { SessionLock, type IdleLockSettings, type SessionLockOptions } from '../../../main/services/session-lock/session-lock.js';
import type { ServiceHandlers } from '../../../shared/contract.js';

const log = createLogger('test', { sink: () => undefined });

function makeLock(overrides: Partial<SessionLockOptions> = {}) {
  let now = 1_000_000;
  const settings: IdleLockSettings = { minutes: 15, unlockMethod: 'keychain' };
  const changes: boolean[] = [];
  const lock = new SessionLock({
    settings: () => settings,
    confirmKeychain: async () => true,
    confirmPassphrase: async (p) => p === 'oikea tunnuslause',
    onChange: (locked) => changes.push(locked),
    now: () => now,
    checkEveryMs: 1000,
    ...overrides,
  });
  return { lock, settings, changes, advance: (ms: number) => (now += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionLock', () => {
  it('locks after the managed idle time without activity, and activity postpones it', () => {
    vi.useFakeTimers();
    const { lock, changes, advance } = makeLock();
    lock.start();
    advance(14 * 60_000);
    vi.advanceTimersByTime(1000);
    expect(lock.isLocked()).toBe(false);
    lock.activity();
    advance(14 * 60_000);
    vi.advanceTimersByTime(1000);
    expect(lock.isLocked()).toBe(false);
    advance(60_000);
    vi.advanceTimersByTime(1000);
    expect(lock.state()).toMatchObject({ locked: true, reason: 'idle', idleMinutes: 15 });
    expect(changes).toEqual([true]);
    lock.close();
  });

  it('follows a changed idle time while running', () => {
    vi.useFakeTimers();
    const { lock, settings, advance } = makeLock();
    lock.start();
    advance(5 * 60_000);
    vi.advanceTimersByTime(1000);
    expect(lock.isLocked()).toBe(false);
    settings.minutes = 5;
    vi.advanceTimersByTime(1000);
    expect(lock.isLocked()).toBe(true);
    lock.close();
  });

  it('does not let late activity undo an idle time that already ran out', () => {
    const { lock, advance } = makeLock();
    advance(16 * 60_000);
    expect(lock.activity().locked).toBe(true);
  });

  it('ignores activity while locked and keeps the first reason', () => {
    const { lock } = makeLock();
    lock.lock('os-lock');
    lock.activity();
    lock.lock('person');
    expect(lock.state()).toMatchObject({ locked: true, reason: 'os-lock' });
  });

  it('unlocks by keychain only when the keychain confirms; an error keeps it locked', async () => {
    const confirm = vi.fn<() => Promise<boolean>>().mockResolvedValueOnce(false).mockRejectedValueOnce(new Error('dbus gone'));
    confirm.mockRejectedValueOnce(new ServiceError('KEYCHAIN_LOCKED', 'locked'));
    confirm.mockResolvedValueOnce(true);
    const { lock, changes } = makeLock({ confirmKeychain: confirm });
    lock.lock('idle');
    await expect(lock.unlock({})).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(lock.unlock({})).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(lock.unlock({})).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    expect(lock.isLocked()).toBe(true);
    await expect(lock.unlock({})).resolves.toMatchObject({ locked: false, reason: null });
    expect(changes).toEqual([true, false]);
  });

  it('unlocks by passphrase only with the right one when the organisation requires it', async () => {
    const { lock, settings } = makeLock();
    settings.unlockMethod = 'passphrase';
    lock.lock('idle');
    await expect(lock.unlock({})).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(lock.unlock({ passphrase: 'väärä' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(lock.isLocked()).toBe(true);
    await expect(lock.unlock({ passphrase: 'oikea tunnuslause' })).resolves.toMatchObject({ locked: false });
  });
});

describe('gateWhileLocked', () => {
  const handlers = () => Object.fromEntries(REQUEST_CHANNELS.map((c) => [c, vi.fn(async () => ({}))])) as unknown as ServiceHandlers;

  it('refuses every data channel with LOCKED before any handler runs, and serves them again after unlock', async () => {
    const h = handlers();
    const { lock } = makeLock();
    const dispatcher = gateWhileLocked(createDispatcher(h, log), lock);
    lock.lock('os-lock');
    for (const channel of REQUEST_CHANNELS) {
      if (OPEN_WHILE_LOCKED.has(channel)) continue;
      const answer = await dispatcher.dispatch(channel, {});
      expect(answer, channel).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      expect(h[channel], channel).not.toHaveBeenCalled();
    }
    await lock.unlock({});
    const listed = await dispatcher.dispatch('accounts:list', {});
    expect(listed.ok).toBe(true);
    expect(h['accounts:list']).toHaveBeenCalledOnce();
  });

  it('keeps only the lock screen’s own channels open while locked', async () => {
    expect([...OPEN_WHILE_LOCKED].sort()).toEqual([
      'app:info:get',
      'app:lock:activity',
      'app:lock:now',
      'app:lock:state',
      'app:lock:unlock',
      'settings:ui:get',
    ]);
    const h = handlers();
    const { lock } = makeLock();
    const dispatcher = gateWhileLocked(createDispatcher(h, log), lock);
    lock.lock('idle');
    expect((await dispatcher.dispatch('settings:ui:get', {})).ok).toBe(true);
    expect((await dispatcher.dispatch('app:lock:unlock', {})).ok).toBe(true);
  });
});

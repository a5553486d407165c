/**
 * The idle lock on the page's side. The page reports the person's activity (keys, pointer, wheel,
 * touch) to the services at most every 30 s, and keeps its own idle timer so it locks at the
 * configured time even when the services' timer (the authority) would see it a few seconds later.
 * The lock state comes from the services: their `session-lock` event, and every answer to the
 * calls below. While locked, <body> carries `data-sinetti-locked`, which styles.css turns into
 * "hide everything but the lock screen" — the React tree, open composers included, stays mounted
 * and keeps its state in memory.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { SessionLockState } from '../../shared/session-lock-schema.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
const REPORT_EVERY_MS = 30_000;
const CHECK_EVERY_MS = 5_000;

export interface SessionLockControl {
  state: SessionLockState | null;
  unlock: (passphrase?: string) => Promise<AppError | null>;
}

export function useSessionLock(onUnlocked: () => void): SessionLockControl {
  const api = useApi();
  const [state, setState] = useState<SessionLockState | null>(null);
  // Set when the idle timer starts (below).
  const lastInput = useRef(0);
  const lastReport = useRef(0);
  const locked = state?.locked ?? false;
  const idleMinutes = state?.idleMinutes ?? null;
  const onUnlockedRef = useRef(onUnlocked);
  useEffect(() => {
    onUnlockedRef.current = onUnlocked;
  }, [onUnlocked]);

  const wasLocked = useRef(false);
  const take = useCallback((next: SessionLockState) => {
    const unlocked = wasLocked.current && !next.locked;
    wasLocked.current = next.locked;
    setState(next);
    // Answers refused while locked (a list page, a mailbox list) are asked again.
    if (unlocked) onUnlockedRef.current();
  }, []);

  useEffect(() => {
    void api['app:lock:state']({}).then((answer) => (answer.ok ? take(answer.value) : undefined));
    return api.onMailEvent((event) => {
      if (event.type !== 'session-lock') return;
      void api['app:lock:state']({}).then((answer) => (answer.ok ? take(answer.value) : undefined));
    });
  }, [api, take]);

  // Hide before paint: no frame with client data after the state says locked.
  useLayoutEffect(() => {
    document.body.toggleAttribute('data-sinetti-locked', locked);
  }, [locked]);

  useEffect(() => {
    if (locked || idleMinutes === null) return;
    lastInput.current = Date.now();
    const onInput = () => {
      const now = Date.now();
      lastInput.current = now;
      if (now - lastReport.current < REPORT_EVERY_MS) return;
      lastReport.current = now;
      void api['app:lock:activity']({}).then((answer) => (answer.ok ? take(answer.value) : undefined));
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onInput, { capture: true, passive: true });
    const timer = window.setInterval(() => {
      if (Date.now() - lastInput.current < idleMinutes * 60_000) return;
      void api['app:lock:now']({ reason: 'idle' }).then((answer) => (answer.ok ? take(answer.value) : undefined));
    }, CHECK_EVERY_MS);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onInput, { capture: true });
      window.clearInterval(timer);
    };
  }, [api, take, locked, idleMinutes]);

  const unlock = useCallback(
    async (passphrase?: string) => {
      const answer = await api['app:lock:unlock'](passphrase ? { passphrase } : {});
      if (!answer.ok) return answer.error;
      lastReport.current = 0;
      take(answer.value);
      return null;
    },
    [api, take],
  );

  return { state, unlock };
}

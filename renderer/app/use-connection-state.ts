import { useCallback, useEffect, useState } from 'react';
import type { MailEvent } from '../../shared/domain.js';
import { useApi } from '../api/api-context.js';

export type ConnectionState = 'connected' | 'reconnecting' | 'offline' | 'unknown';

/** Worst state across accounts wins: one offline team mailbox is worth telling. */
export function overallState(states: Record<string, ConnectionState>, accountIds: readonly string[]): ConnectionState {
  const known = accountIds.map((id) => states[id] ?? 'unknown');
  if (known.length === 0) return 'unknown';
  for (const state of ['offline', 'reconnecting', 'unknown'] as const) if (known.includes(state)) return state;
  return 'connected';
}

export function useConnectionState(accountIds: readonly string[]) {
  const api = useApi();
  const [states, setStates] = useState<Record<string, ConnectionState>>({});

  useEffect(
    () =>
      api.onMailEvent((event: MailEvent) => {
        if (event.type === 'connection') setStates((s) => ({ ...s, [event.accountId]: event.state }));
      }),
    [api],
  );

  /** A successful call proves the connection, even if no event said so yet. */
  const markConnected = useCallback((ids: readonly string[]) => {
    setStates((s) => {
      const next = { ...s };
      for (const id of ids) if (next[id] !== 'reconnecting') next[id] = 'connected';
      return next;
    });
  }, []);

  const markOffline = useCallback((ids: readonly string[]) => {
    setStates((s) => Object.fromEntries([...Object.entries(s), ...ids.map((id) => [id, 'offline'] as const)]));
  }, []);

  return { state: overallState(states, accountIds), markConnected, markOffline };
}

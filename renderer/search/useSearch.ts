import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppError } from '../../shared/result.js';
import type { SearchHit, SearchQuery, SearchScope } from '../../shared/search-schema.js';
import { useApi } from '../api/api-context.js';

/** Hits shown at most; past this the person narrows the search. */
export const SEARCH_LIMIT = 200;

export interface SearchState {
  hits: SearchHit[];
  /** Still searching older mail or further mailboxes. */
  running: boolean;
  truncated: boolean;
  error: AppError | null;
  failed: { mailbox: SearchHit['mailbox']; code: AppError['code'] }[];
  encryptedIndex: 'ready' | 'unavailable' | null;
  encryptedIndexed: number;
}

const EMPTY: SearchState = { hits: [], running: false, truncated: false, error: null, failed: [], encryptedIndex: null, encryptedIndexed: 0 };

/**
 * Runs one search in steps (mail:search:start, then :more until done), adding each step's hits as
 * they come; a new search or closing it ends the one running (mail:search:end).
 */
export function useSearch() {
  const api = useApi();
  const [state, setState] = useState<SearchState>(EMPTY);
  const generation = useRef(0);
  const current = useRef<string | null>(null);

  const stop = useCallback(() => {
    generation.current++;
    const id = current.current;
    current.current = null;
    if (id) void api['mail:search:end']({ searchId: id });
  }, [api]);

  const run = useCallback(
    async (scope: SearchScope, query: SearchQuery) => {
      stop();
      const mine = generation.current;
      setState({ ...EMPTY, running: true });
      let step = await api['mail:search:start']({ scope, query, limit: SEARCH_LIMIT });
      for (;;) {
        if (generation.current !== mine) return;
        if (!step.ok) {
          const error = step.error;
          setState((s) => ({ ...s, running: false, error }));
          return;
        }
        const value = step.value;
        current.current = value.done ? null : value.searchId;
        setState((s) => ({
          hits: [...s.hits, ...value.hits],
          running: !value.done,
          truncated: value.truncated,
          error: null,
          failed: [...s.failed, ...value.failed],
          encryptedIndex: value.encryptedIndex ?? s.encryptedIndex,
          encryptedIndexed: value.encryptedIndexed ?? s.encryptedIndexed,
        }));
        if (value.done) return;
        step = await api['mail:search:more']({ searchId: value.searchId });
      }
    },
    [api, stop],
  );

  const clear = useCallback(() => {
    stop();
    setState(EMPTY);
  }, [stop]);

  useEffect(() => stop, [stop]);

  return { state, run, clear };
}

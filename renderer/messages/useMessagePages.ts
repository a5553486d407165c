import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { MailboxRef, SortOrder } from '../../shared/domain.js';
import { useApi } from '../api/api-context.js';
import { MessagePageStore } from './message-page-store.js';

/** While visible rows are still placeholders, ask again this often. */
export const PLACEHOLDER_POLL_MS = 300;

export interface VisibleRange {
  start: number;
  end: number;
}

/** Pages of one mailbox in one order, kept live by the service's mailbox-changed events. */
export function useMessagePages(mailbox: MailboxRef, sort: SortOrder, refreshKey: number) {
  const api = useApi();
  const { accountId, path } = mailbox;
  const store = useMemo(
    () => new MessagePageStore((offset, limit) => api['mail:messages:page']({ mailbox: { accountId, path }, offset, limit, sort })),
    [api, accountId, path, sort],
  );
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  const [range, setRange] = useState<VisibleRange>({ start: 0, end: 0 });

  useEffect(() => {
    store.clearFailures();
  }, [store, range.start, range.end]);

  useEffect(() => {
    store.ensure(range.start, range.end);
  }, [store, range.start, range.end, version]);

  useEffect(() => {
    if (store.complete || !store.hasPlaceholders(range.start, range.end)) return;
    const timer = setTimeout(() => {
      if (!document.hidden) store.refreshPlaceholders(range.start, range.end);
    }, PLACEHOLDER_POLL_MS);
    return () => clearTimeout(timer);
  }, [store, range.start, range.end, version]);

  useEffect(
    () =>
      api.onMailEvent((event) => {
        if (event.type === 'mailbox-changed' && event.mailbox.accountId === accountId && event.mailbox.path === path) store.invalidate(event.total);
      }),
    [api, store, accountId, path],
  );

  const seenRefreshKey = useRef(refreshKey);
  useEffect(() => {
    if (seenRefreshKey.current === refreshKey) return;
    seenRefreshKey.current = refreshKey;
    store.invalidate();
  }, [store, refreshKey]);

  return { store, version, range, setRange, total: store.total, complete: store.complete, error: store.error };
}

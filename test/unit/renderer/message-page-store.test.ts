/**
 * The message list's page cache: fetches only the pages on screen, asks again for placeholder
 * rows, drops stale answers after a change, and keeps old rows visible until fresh ones arrive.
 */
import { describe, expect, it } from 'vitest';
import type { MessagePage, MessageRow } from '../../../shared/domain.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { MessagePageStore } from '../../../renderer/messages/message-page-store.js';

function row(uid: number, subject = `viesti ${uid}`): MessageRow {
  return {
    uid,
    from: { name: 'Liisa', address: 'l@x.fi' },
    subject,
    date: uid,
    size: 10,
    flags: { seen: false, answered: false, flagged: false },
    hasAttachments: false,
    encrypted: false,
    signed: false,
  };
}

function controlledFetcher() {
  const calls: { offset: number; limit: number; resolve: (r: Result<MessagePage>) => void }[] = [];
  const fetch = (offset: number, limit: number) => new Promise<Result<MessagePage>>((resolve) => calls.push({ offset, limit, resolve }));
  return { calls, fetch };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('MessagePageStore', () => {
  it('fetches the first page, then only missing pages of the visible range, once each', async () => {
    const { calls, fetch } = controlledFetcher();
    const store = new MessagePageStore(fetch, 10);
    store.ensure(0, 5);
    store.ensure(0, 5);
    expect(calls.map((c) => c.offset)).toEqual([0]);
    calls[0]!.resolve(ok({ total: 35, offset: 0, rows: Array.from({ length: 10 }, (_, i) => row(i + 1)), complete: true }));
    await flush();
    expect(store.total).toBe(35);
    expect(store.rowAt(3)?.uid).toBe(4);
    expect(store.rowAt(12)).toBeUndefined();
    store.ensure(8, 22);
    expect(calls.map((c) => c.offset)).toEqual([0, 10, 20]);
  });

  it('reports placeholders and re-requests only pages that still have them', async () => {
    const { calls, fetch } = controlledFetcher();
    const store = new MessagePageStore(fetch, 10);
    store.ensure(0, 9);
    calls[0]!.resolve(ok({ total: 10, offset: 0, rows: [row(1), null, null, ...Array.from({ length: 7 }, (_, i) => row(i + 4))], complete: false }));
    await flush();
    expect(store.rowAt(1)).toBeNull();
    expect(store.hasPlaceholders(0, 9)).toBe(true);
    expect(store.hasPlaceholders(3, 9)).toBe(false);
    store.refreshPlaceholders(0, 9);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(ok({ total: 10, offset: 0, rows: Array.from({ length: 10 }, (_, i) => row(i + 1)), complete: true }));
    await flush();
    expect(store.hasPlaceholders(0, 9)).toBe(false);
    expect(store.complete).toBe(true);
    store.refreshPlaceholders(0, 9);
    expect(calls).toHaveLength(2);
  });

  it('after invalidate keeps showing old rows, ignores answers from before, and refetches', async () => {
    const { calls, fetch } = controlledFetcher();
    const store = new MessagePageStore(fetch, 10);
    store.ensure(0, 2);
    calls[0]!.resolve(ok({ total: 3, offset: 0, rows: [row(3), row(2), row(1)], complete: true }));
    await flush();
    store.ensure(0, 2);
    expect(calls).toHaveLength(1);
    // A refetch in flight when the mailbox changes must not overwrite the newer state.
    store.refreshPlaceholders(0, 2);
    store.invalidate(4);
    expect(store.total).toBe(4);
    expect(store.rowAt(0)?.uid).toBe(3);
    store.ensure(0, 3);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(ok({ total: 4, offset: 0, rows: [row(4, 'uusi'), row(3), row(2), row(1)], complete: true }));
    await flush();
    expect(store.rowAt(0)?.subject).toBe('uusi');
  });

  it('records an error without retrying in a loop, and retries after clearFailures', async () => {
    const { calls, fetch } = controlledFetcher();
    const store = new MessagePageStore(fetch, 10);
    store.ensure(0, 0);
    calls[0]!.resolve(fail('MAILBOX_UNAVAILABLE', 'no'));
    await flush();
    expect(store.error?.code).toBe('MAILBOX_UNAVAILABLE');
    store.ensure(0, 0);
    expect(calls).toHaveLength(1);
    store.clearFailures();
    store.ensure(0, 0);
    expect(calls).toHaveLength(2);
  });

  it('notifies subscribers with a new version on every change', async () => {
    const { calls, fetch } = controlledFetcher();
    const store = new MessagePageStore(fetch, 10);
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    const before = store.getVersion();
    store.ensure(0, 0);
    calls[0]!.resolve(ok({ total: 0, offset: 0, rows: [], complete: true }));
    await flush();
    expect(notified).toBe(1);
    expect(store.getVersion()).toBeGreaterThan(before);
    unsubscribe();
    store.invalidate();
    expect(notified).toBe(1);
  });
});

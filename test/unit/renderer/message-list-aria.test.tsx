// @vitest-environment jsdom
/**
 * The message list as assistive technology sees it: a grid whose rows carry their position in
 * the whole mailbox, cells inside rows (never bare buttons under the grid), one tab stop, arrow
 * keys to move, Enter to open, and placeholders for rows the service has not synced yet.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailEvent, MessagePage, MessageRow } from '../../../shared/domain.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { MessageList } from '../../../renderer/messages/MessageList.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact({ clientHeight: 560, clientWidth: 800 }));

function row(uid: number, seen: boolean): MessageRow {
  return {
    uid,
    from: { name: `Lähettäjä ${uid}`, address: `l${uid}@kunta.example` },
    subject: `Aihe ${uid}`,
    date: Date.UTC(2026, 0, uid),
    size: 2048,
    flags: { seen, answered: uid === 2, flagged: uid === 3 },
    hasAttachments: uid === 1,
    encrypted: false,
    signed: false,
  };
}

function fakeApi(page: (offset: number, limit: number) => MessagePage) {
  const listeners = new Set<(event: MailEvent) => void>();
  const pageCalls: number[] = [];
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'mail:messages:page': async ({ offset, limit }: { offset: number; limit: number }) => {
      pageCalls.push(offset);
      return ok(page(offset, limit));
    },
    onMailEvent: (listener: (event: MailEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as SinettiApi;
  return { api, pageCalls, emit: (event: MailEvent) => listeners.forEach((l) => l(event)) };
}

let root: Root | null = null;
let container: HTMLElement | null = null;

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = null;
});

/**
 * Lets the list's effects and the fake service's answers run, inside act, until `ready` holds.
 * A fixed pause is not enough on a loaded machine: an answer that lands after act has ended is
 * a state update outside act (a console error, which fails unit tests).
 */
async function settle(ready: () => boolean) {
  for (let waited = 0; ; waited += 10) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
    if (ready()) return;
    if (waited > 10_000) throw new Error('the message list did not settle');
  }
}

const shown = (testId: string) => container!.querySelectorAll(`[data-testid="${testId}"]`);

async function render(api: SinettiApi, onOpen = vi.fn()) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <ApiProvider api={api}>
        <LocaleProvider>
          <FluentProvider theme={webLightTheme}>
            <MessageList mailbox={{ accountId: 'a1', path: 'shared/perhe' }} mailboxName="Saapuneet" selectedUid={2} refreshKey={0} onOpen={onOpen} />
          </FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  await settle(() => shown('message-row').length + shown('message-row-placeholder').length > 0);
  return { onOpen };
}

const TOTAL = 250;
const fullPage = (offset: number, limit: number): MessagePage => ({
  total: TOTAL,
  offset,
  rows: Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, i) => row(offset + i + 1, (offset + i) % 2 === 1)),
  complete: true,
});

describe('MessageList accessibility', () => {
  it('is a grid of rows with gridcells, positioned in the whole mailbox', async () => {
    const { api, pageCalls } = fakeApi(fullPage);
    await render(api);
    const grid = container!.querySelector('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).toBe(String(TOTAL));
    expect(grid.getAttribute('aria-label')).toContain('Saapuneet');
    const rows = [...grid.querySelectorAll('[role="row"]')];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    expect(pageCalls).toEqual([0]);
    rows.forEach((r, i) => {
      expect(r.getAttribute('aria-rowindex')).toBe(String(i + 1));
      expect([...r.children].every((c) => c.getAttribute('role') === 'gridcell')).toBe(true);
      expect(r.querySelector('button, a, input')).toBeNull();
    });
    // Only rows (inside a rowgroup) under the grid.
    expect([...grid.children].map((c) => c.getAttribute('role'))).toEqual(['rowgroup']);
    const first = rows[0] as HTMLElement;
    expect(first.dataset.testid).toBe('message-row');
    expect(first.dataset.uid).toBe('1');
    expect(first.dataset.unread).toBe('true');
    expect(rows[1]!.getAttribute('data-unread')).toBeNull();
    expect(rows[1]!.getAttribute('aria-selected')).toBe('true');
    expect(first.querySelector('[role="img"][aria-label="Lukematon"]')).not.toBeNull();
    expect(first.querySelector('[role="img"][aria-label="Sisältää liitteitä"]')).not.toBeNull();
  });

  it('has one tab stop and moves it with the arrow keys, Home and End; Enter opens', async () => {
    const { api } = fakeApi(fullPage);
    const { onOpen } = await render(api);
    const tabStops = () => [...container!.querySelectorAll('[role="row"][tabindex="0"]')] as HTMLElement[];
    expect(tabStops().map((r) => r.dataset.uid)).toEqual(['1']);
    const grid = container!.querySelector('[role="grid"]') as HTMLElement;
    const press = async (key: string) =>
      act(async () => {
        (document.activeElement ?? grid).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      });
    // Focusing a row updates the list's state: inside act, like every other interaction here.
    act(() => tabStops()[0]!.focus());
    await press('ArrowDown');
    await press('ArrowDown');
    expect(tabStops().map((r) => r.dataset.uid)).toEqual(['3']);
    expect((document.activeElement as HTMLElement).dataset.uid).toBe('3');
    await press('ArrowUp');
    await press('Enter');
    expect(onOpen).toHaveBeenCalledWith(2);
    await press('Home');
    expect(tabStops().map((r) => r.dataset.uid)).toEqual(['1']);
  });

  it('shows placeholders for rows that are not synced yet, then fills them in', async () => {
    let synced = false;
    const { api } = fakeApi((offset) => ({
      total: 3,
      offset,
      rows: synced ? [row(1, false), row(2, true), row(3, true)] : [row(1, false), null, null],
      complete: synced,
    }));
    await render(api);
    expect(container!.querySelectorAll('[data-testid="message-row-placeholder"]')).toHaveLength(2);
    synced = true;
    await settle(() => shown('message-row-placeholder').length === 0);
    expect(container!.querySelectorAll('[data-testid="message-row-placeholder"]')).toHaveLength(0);
    expect(container!.querySelectorAll('[data-testid="message-row"]')).toHaveLength(3);
  });

  it('refetches when the service says this mailbox changed', async () => {
    let total = 2;
    const { api, emit, pageCalls } = fakeApi((offset) => ({
      total,
      offset,
      rows: Array.from({ length: total }, (_, i) => row(total - i, true)),
      complete: true,
    }));
    await render(api);
    expect(container!.querySelectorAll('[data-testid="message-row"]')).toHaveLength(2);
    total = 3;
    await act(async () => {
      emit({ type: 'mailbox-changed', mailbox: { accountId: 'a1', path: 'other' }, reason: 'new', total: 9 });
      emit({ type: 'mailbox-changed', mailbox: { accountId: 'a1', path: 'shared/perhe' }, reason: 'new', total: 3 });
    });
    await settle(() => shown('message-row').length === 3);
    expect(pageCalls).toEqual([0, 0]);
    const rows = container!.querySelectorAll('[data-testid="message-row"]');
    expect(rows).toHaveLength(3);
    expect((rows[0] as HTMLElement).dataset.uid).toBe('3');
  });
});

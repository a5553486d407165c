// @vitest-environment jsdom
/**
 * The team lead's board in the renderer: counts by status, the oldest unhandled message, members'
 * open items, and items past the limit marked in text (not colour alone); it reads the board again
 * when the services report a change in its team, stops watching when closed, and passes axe.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import axe from 'axe-core';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailEvent } from '../../../shared/domain.js';
import { ok } from '../../../shared/result.js';
import { computeTeamBoard } from '../../../shared/team-board.js';
import type { TeamItem } from '../../../shared/team-work-schema.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { TeamBoard } from '../../../renderer/team/TeamBoard.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

const now = Date.parse('2026-04-08T12:00:00+03:00');
const base: TeamItem[] = [
  { uid: 1, receivedAt: Date.parse('2026-04-02T10:00:00+03:00'), status: 'new', handler: null, answered: false, history: [] },
  {
    uid: 2,
    receivedAt: Date.parse('2026-04-07T10:00:00+03:00'),
    status: 'in-progress',
    handler: { memberId: 'anna@kunta.example', displayName: 'Anna Virtanen', since: now },
    answered: false,
    history: [],
  },
];

it('shows the board, marks late items in words, follows changes live and stops watching when closed', async () => {
  const listeners = new Set<(event: MailEvent) => void>();
  let items = base;
  const get = vi.fn(async () => ok(computeTeamBoard(items, { now, limitWorkingDays: 1 })));
  const close = vi.fn(async () => ok({}));
  const api = {
    'settings:ui:get': async () => ok({ locale: 'en' as const }),
    'team:board:get': get,
    'team:board:close': close,
    onMailEvent: (listener: (event: MailEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as SinettiApi;

  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  await act(async () => {
    root.render(
      <ApiProvider api={api}>
        <LocaleProvider>
          <FluentProvider theme={webLightTheme}>
            <main>
              <TeamBoard team={{ accountId: 'acc', team: 'perhepalvelut', label: 'Perhepalvelut' }} onClose={() => undefined} />
            </main>
          </FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  const q = (selector: string) => host.querySelector(selector);
  await vi.waitFor(() => expect(q('[data-testid="board-count-new"]')?.getAttribute('data-count')).toBe('1'));
  expect(get).toHaveBeenCalledWith({ accountId: 'acc', team: 'perhepalvelut' });
  expect(q('[data-testid="board-count-in-progress"]')?.getAttribute('data-count')).toBe('1');
  expect(q('[data-testid="board-count-overdue"]')?.getAttribute('data-count')).toBe('1');
  expect(q('[data-testid="board-oldest"]')?.textContent).toMatch(/2 working days.*Late/);
  const late = q('[data-testid="board-overdue"] [data-testid="board-item"][data-uid="1"]');
  expect(late?.getAttribute('data-overdue')).toBe('true');
  expect(late?.textContent).toMatch(/Late \(due/);
  expect(q('[data-testid="board-member"][data-member="anna@kunta.example"]')?.textContent).toContain('Anna Virtanen: 1 open, 0 late');

  const results = await axe.run(host, { rules: { 'color-contrast': { enabled: false } } });
  expect(results.violations.map((v) => v.id)).toEqual([]);

  // Another member claims the oldest message: the board follows without being asked.
  items = [{ ...base[0]!, status: 'in-progress', handler: { memberId: 'ville@kunta.example', since: now } }, base[1]!];
  await act(async () => {
    for (const listener of listeners) listener({ type: 'team-changed', accountId: 'acc', team: 'perhepalvelut' });
  });
  await vi.waitFor(() => expect(q('[data-testid="board-count-new"]')?.getAttribute('data-count')).toBe('0'));
  expect(q('[data-testid="board-member"][data-member="ville@kunta.example"]')).not.toBeNull();
  // A change in another team is not this board's.
  const calls = get.mock.calls.length;
  await act(async () => {
    for (const listener of listeners) listener({ type: 'team-changed', accountId: 'acc', team: 'aikuissosiaalityo' });
  });
  expect(get.mock.calls.length).toBe(calls);

  await act(async () => root.unmount());
  expect(close).toHaveBeenCalledWith({ accountId: 'acc', team: 'perhepalvelut' });
  expect(listeners.size).toBe(0);
  host.remove();
  // Fluent's first render and axe in jsdom take seconds on a loaded machine: not a speed test.
}, 30_000);

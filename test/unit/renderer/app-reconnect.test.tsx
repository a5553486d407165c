// @vitest-environment jsdom
/** After a reconnect the app lists the mailboxes again: rights may have changed while offline. */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailEvent, MailboxGroup } from '../../../shared/domain.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { App } from '../../../renderer/app/App.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

it('reloads the mailbox list when a connection comes back', async () => {
  const listeners = new Set<(event: MailEvent) => void>();
  let teams = ['Perhepalvelut'];
  const groups = (): MailboxGroup[] =>
    teams.map((label, i) => ({
      id: `a:${i}`,
      kind: 'team',
      label,
      accountId: 'a',
      mailboxes: [{ accountId: 'a', path: `shared/t${i}`, name: label, depth: 0, specialUse: '\\Inbox', source: 'shared', selectable: true, readOnly: false }],
    }));
  const list = vi.fn(async () => ok(groups()));
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'app:lock:state': async () => ok({ locked: false, reason: null, idleMinutes: 15, unlockMethod: 'keychain' }),
    'app:work:report': async () => ok({}),
    'app:info:get': async () => ok({ version: 'test', host: 'browser', vaultProblem: null }),
    'accounts:list': async () => ok([{ id: 'a', displayName: 'Oma', host: 'imap.kunta.example', port: 993, security: 'tls', username: 'anna' }]),
    'mail:mailboxes:list': list,
    'mail:messages:page': async () => ok({ total: 0, offset: 0, rows: [], complete: true }),
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
            <App />
          </FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  await vi.waitFor(() => expect(host.querySelector('[data-testid="mailbox-group"][data-label="Perhepalvelut"]')).not.toBeNull());
  const callsBefore = list.mock.calls.length;

  teams = ['Perhepalvelut', 'Aikuissosiaalityö'];
  await act(async () => {
    for (const l of listeners) l({ type: 'connection', accountId: 'a', state: 'reconnecting' });
    for (const l of listeners) l({ type: 'connection', accountId: 'a', state: 'connected' });
  });
  await vi.waitFor(() => expect(host.querySelector('[data-testid="mailbox-group"][data-label="Aikuissosiaalityö"]')).not.toBeNull());
  expect(list.mock.calls.length).toBeGreaterThan(callsBefore);
  await act(async () => root.unmount());
});

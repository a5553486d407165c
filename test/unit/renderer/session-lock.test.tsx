// @vitest-environment jsdom
/**
 * The idle lock in the page: the services' `session-lock` event hides the app (body marked, lock
 * screen shown with the reason) without unmounting it; a failed unlock says why and stays locked;
 * a successful one shows the app again and asks the refused data again.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailEvent } from '../../../shared/domain.js';
import { fail, ok } from '../../../shared/result.js';
import type { SessionLockState } from '../../../shared/session-lock-schema.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { App } from '../../../renderer/app/App.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { fi } from '../../../renderer/i18n/messages/fi.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

// Renders the whole App in jsdom: seconds on a loaded 2-core machine.
it('hides the app behind the lock screen on the services’ lock event and unlocks only when they confirm', { timeout: 30_000 }, async () => {
  let state: SessionLockState = { locked: false, reason: null, idleMinutes: 15, unlockMethod: 'keychain' };
  const listeners = new Set<(event: MailEvent) => void>();
  const unlock = vi.fn(async () => fail('KEYCHAIN_LOCKED', 'locked'));
  const accounts = vi.fn(async () => ok([]));
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'app:info:get': async () => ok({ version: 'test', host: 'browser', vaultProblem: null }),
    'app:lock:state': async () => ok(state),
    'app:lock:unlock': unlock,
    'app:work:report': async () => ok({}),
    'accounts:list': accounts,
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
  await vi.waitFor(() => expect(host.querySelector('[data-testid="account-form"]')).not.toBeNull());
  expect(document.body.hasAttribute('data-sinetti-locked')).toBe(false);

  state = { ...state, locked: true, reason: 'os-lock' };
  await act(async () => {
    for (const l of listeners) l({ type: 'session-lock', locked: true });
  });
  await vi.waitFor(() => expect(document.querySelector('[data-testid="lock-screen"]')).not.toBeNull());
  expect(document.body.hasAttribute('data-sinetti-locked')).toBe(true);
  expect(document.querySelector('[data-testid="lock-screen"]')?.textContent).toContain(fi['lock.reason.os-lock']);
  // Hidden, not gone: what the person was doing stays mounted.
  expect(host.querySelector('[data-testid="account-form"]')).not.toBeNull();

  await act(async () => (document.querySelector('[data-testid="lock-unlock"]') as HTMLButtonElement).click());
  await vi.waitFor(() => expect(document.querySelector('[data-testid="lock-error"]')?.getAttribute('data-code')).toBe('KEYCHAIN_LOCKED'));
  expect(document.body.hasAttribute('data-sinetti-locked')).toBe(true);

  const loadsBefore = accounts.mock.calls.length;
  unlock.mockImplementation(async () => {
    state = { ...state, locked: false, reason: null };
    return ok(state) as never;
  });
  await act(async () => (document.querySelector('[data-testid="lock-unlock"]') as HTMLButtonElement).click());
  await vi.waitFor(() => expect(document.querySelector('[data-testid="lock-screen"]')).toBeNull());
  expect(document.body.hasAttribute('data-sinetti-locked')).toBe(false);
  await vi.waitFor(() => expect(accounts.mock.calls.length).toBeGreaterThan(loadsBefore));
  await act(async () => root.unmount());
});

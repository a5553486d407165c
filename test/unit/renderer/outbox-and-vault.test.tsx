// @vitest-environment jsdom
/**
 * What the person sees of the outbox's hard cases and of a locked keychain: an uncertain copy is
 * explained and offers "send again" and "mark as sent" (never resent by itself); a damaged copy is
 * explained and offers only removal; a keychain locked at start-up is said at once, in Finnish.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { App } from '../../../renderer/app/App.js';
import { OutboxDialog } from '../../../renderer/compose/OutboxDialog.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { fi } from '../../../renderer/i18n/messages/fi.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

const UNCERTAIN = '0b9a3c1e-3f1a-4a53-9a0e-7d3c1f0b2a11';
const DAMAGED = '5d0c2b7e-8a44-4c1e-b3a9-2f6e9d1c0a77';

async function render(api: SinettiApi, node: React.ReactNode) {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  await act(async () => {
    root.render(
      <ApiProvider api={api}>
        <LocaleProvider>
          <FluentProvider theme={webLightTheme}>{node}</FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  return { root };
}

it('explains an uncertain and a damaged copy and offers only what is safe for each', async () => {
  let items = [
    { id: DAMAGED, to: [], state: 'damaged' as const, attempts: 0, lastError: { code: 'SECRET_CORRUPT', message: 'x' } },
    {
      id: UNCERTAIN,
      messageId: 'm@sinetti.test',
      route: 'plain' as const,
      to: ['asiakas@example.net'],
      state: 'uncertain' as const,
      attempts: 1,
      lastError: { code: 'CONNECTION_LOST', message: 'x' },
    },
  ];
  const markSent = vi.fn(async ({ id }: { id: string }) => {
    items = items.filter((i) => i.id !== id);
    return ok({});
  });
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'send:outbox:list': async () => ok(items),
    'send:outbox:mark-sent': markSent,
    'send:outbox:retry': async () => ok({}),
    'send:outbox:discard': async () => ok({}),
  } as unknown as SinettiApi;
  const { root } = await render(api, <OutboxDialog onClose={() => undefined} />);
  await vi.waitFor(() => expect(document.querySelectorAll('[data-testid="outbox-item"]')).toHaveLength(2));
  const uncertain = document.querySelector(`[data-testid="outbox-item"][data-state="uncertain"]`)!;
  const damaged = document.querySelector(`[data-testid="outbox-item"][data-state="damaged"]`)!;
  expect(uncertain.textContent).toContain(fi['outbox.uncertain.explain']);
  expect(uncertain.querySelector('[data-testid="outbox-retry"]')).not.toBeNull();
  expect(damaged.textContent).toContain(fi['outbox.damaged.explain']);
  expect(damaged.querySelector('[data-testid="outbox-retry"]')).toBeNull();
  expect(damaged.querySelector('[data-testid="outbox-mark-sent"]')).toBeNull();
  expect(damaged.querySelector('[data-testid="outbox-discard"]')).not.toBeNull();
  await act(async () => (uncertain.querySelector('[data-testid="outbox-mark-sent"]') as HTMLButtonElement).click());
  expect(markSent).toHaveBeenCalledWith({ id: UNCERTAIN });
  await vi.waitFor(() => expect(document.querySelectorAll('[data-testid="outbox-item"]')).toHaveLength(1));
  await act(async () => root.unmount());
});

it('says a keychain locked at start-up up front, and checks again on request', async () => {
  let vaultProblem: { code: 'KEYCHAIN_LOCKED'; message: string } | null = { code: 'KEYCHAIN_LOCKED', message: 'locked' };
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'app:lock:state': async () => ok({ locked: false, reason: null, idleMinutes: 15, unlockMethod: 'keychain' }),
    'app:work:report': async () => ok({}),
    'app:info:get': async () => ok({ version: 'test', host: 'browser', vaultProblem }),
    'accounts:list': async () => ok([]),
    onMailEvent: () => () => undefined,
  } as unknown as SinettiApi;
  const { root } = await render(api, <App />);
  await vi.waitFor(() => expect(document.querySelector('[data-testid="vault-problem"]')?.textContent).toContain(fi['error.KEYCHAIN_LOCKED']));
  vaultProblem = null;
  await act(async () => (document.querySelector('[data-testid="vault-problem"] button') as HTMLButtonElement).click());
  await vi.waitFor(() => expect(document.querySelector('[data-testid="vault-problem"]')).toBeNull());
  await act(async () => root.unmount());
});

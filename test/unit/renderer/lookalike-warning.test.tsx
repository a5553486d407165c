// @vitest-environment jsdom
/**
 * Look-alike (IDN homograph) domains, as the person sees them: a recipient chip whose domain is
 * `perhepalvelut.fi` with a Cyrillic 'а' is marked and explained under the chips, against the
 * policy's internal domain; a message from such a sender gets the same warning under its header.
 * An ordinary Finnish domain (äänekoski.fi) gets none.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MessageView as View } from '../../../shared/domain.js';
import { BUILTIN_POLICY } from '../../../shared/policy-schema.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { chipOf } from '../../../renderer/compose/compose-state.js';
import { RecipientField } from '../../../renderer/compose/RecipientField.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { MessageView } from '../../../renderer/message/MessageView.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

let root: Root | null = null;
let container: HTMLDivElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = null;
});

const SPOOF = 'perhepаlvelut.fi'; // U+0430 CYRILLIC SMALL LETTER A

function api(extra: Record<string, unknown>, locale: 'fi' | 'sv-FI' | 'en' = 'fi'): SinettiApi {
  const policy = { ...structuredClone(BUILTIN_POLICY), domains: { internal: ['perhepalvelut.fi'], partner: [] } };
  return {
    'settings:ui:get': async () => ok({ locale }),
    'policy:state:get': async () => ok({ managed: { status: 'none' }, effective: { policy, sources: {}, ignored: [] }, preferences: { version: 1 } }),
    'accounts:list': async () => ok([]),
    'send:correspondents:suggest': async () => ok([]),
    ...extra,
  } as unknown as SinettiApi;
}

async function mount(element: React.ReactNode, stub: SinettiApi): Promise<HTMLElement> {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <ApiProvider api={stub}>
        <LocaleProvider>
          <FluentProvider theme={webLightTheme}>{element}</FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });
  return container;
}

describe('look-alike domain warnings', () => {
  it('marks a look-alike recipient chip and explains it under the chips, naming the domain it imitates', async () => {
    const chips = [chipOf(`asiakas@${SPOOF}`), chipOf('kirjaamo@äänekoski.fi'), chipOf('kollega@perhepalvelut.fi')];
    const el = await mount(
      <RecipientField label="Vastaanottaja" chipsLabel="Lisätyt" chips={chips} pending="" onChange={() => undefined} decision={undefined} testId="to" />,
      api({}),
    );
    const rendered = [...el.querySelectorAll('[data-testid="recipient-chip"]')].map((c) => c.getAttribute('data-lookalike'));
    expect(rendered).toEqual(['true', 'false', 'false']);
    expect(el.querySelector('[data-testid="recipient-chip"]')!.textContent).toContain('näköisosoite');
    const bar = el.querySelector('[data-testid="to-lookalike"]')!;
    expect(bar.textContent).toContain('Näköisverkkotunnus');
    expect(bar.textContent).toContain(`verkkotunnus ${SPOOF} näyttää tutulta verkkotunnukselta perhepalvelut.fi`);
    expect(bar.textContent).not.toContain('äänekoski');
  });

  it('shows no warning for ordinary recipients', async () => {
    const el = await mount(
      <RecipientField
        label="To"
        chipsLabel="Added"
        chips={[chipOf('kirjaamo@äänekoski.fi')]}
        pending=""
        onChange={() => undefined}
        decision={undefined}
        testId="to"
      />,
      api({}),
    );
    expect(el.querySelector('[data-testid="to-lookalike"]')).toBeNull();
  });

  const view: View = {
    mailbox: { accountId: 'a1', path: 'INBOX' },
    uid: 7,
    subject: 'Päätös',
    from: { name: 'Perhepalvelut', address: `paatos@${SPOOF}` },
    to: [],
    cc: [],
    date: Date.UTC(2026, 10, 1),
    flags: { seen: true, answered: false, flagged: false },
    attachments: [],
    encrypted: false,
    signed: false,
  };

  it('warns about a look-alike sender in the message view, in Swedish and English too', async () => {
    const open = { 'mail:message:open': async () => ok(view) };
    const fi = await mount(
      <MessageView mailbox={view.mailbox} uid={view.uid} groups={[]} onFlagsChanged={() => undefined} onRemoved={() => undefined} />,
      api(open),
    );
    expect(fi.querySelector('[data-testid="sender-lookalike"]')!.textContent).toContain(
      `paatos@${SPOOF}: verkkotunnus ${SPOOF} näyttää tutulta verkkotunnukselta perhepalvelut.fi`,
    );
    act(() => root?.unmount());
    container?.remove();
    const sv = await mount(
      <MessageView mailbox={view.mailbox} uid={view.uid} groups={[]} onFlagsChanged={() => undefined} onRemoved={() => undefined} />,
      api(open, 'sv-FI'),
    );
    expect(sv.querySelector('[data-testid="sender-lookalike"]')!.textContent).toContain('ser ut som den kända domänen perhepalvelut.fi');
    act(() => root?.unmount());
    container?.remove();
    // Without known domains (policy not loaded), the mixed scripts alone warn, the scripts named.
    const en = await mount(
      <MessageView mailbox={view.mailbox} uid={view.uid} groups={[]} onFlagsChanged={() => undefined} onRemoved={() => undefined} />,
      api({ ...open, 'policy:state:get': async () => ok({ managed: { status: 'none' }, effective: null, preferences: { version: 1 } }) }, 'en'),
    );
    expect(en.querySelector('[data-testid="sender-lookalike"]')!.textContent).toMatch(/mixes letters from different scripts \(Latin, Cyrillic\)/);
  });

  it('says nothing for an ordinary sender', async () => {
    const el = await mount(
      <MessageView mailbox={view.mailbox} uid={view.uid} groups={[]} onFlagsChanged={() => undefined} onRemoved={() => undefined} />,
      api({ 'mail:message:open': async () => ok({ ...view, from: { name: 'Kela', address: 'kasittelija@kela.fi' } }) }),
    );
    expect(el.querySelector('[data-testid="message-view"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="sender-lookalike"]')).toBeNull();
  });
});

// @vitest-environment jsdom
/**
 * The composer's autosave: nothing until the person changes something, one save two seconds after
 * the last change (with the latest text), one more when the composer closes, none after the
 * message was sent, and a reopened draft keeps its id.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { DraftContentRequest } from '../../../shared/attachment-upload-schema.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { useDraftAutosave } from '../../../renderer/compose/useDraftAutosave.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Content = Omit<DraftContentRequest, 'draftId'>;
const base: Content = { accountId: 'a', to: 'asiakas@example.net', cc: '', subject: 'Re: asia', text: '', attachments: [] };

function setup(draftId?: string) {
  const save = vi.fn(async ({ draft }: { draft: DraftContentRequest }) => ok({ draftId: draft.draftId, savedAt: 1, server: 'saved' as const }));
  const api = { 'drafts:save': save } as unknown as SinettiApi;
  let hook: ReturnType<typeof useDraftAutosave> | null = null;
  function Probe({ content }: { content: Content }) {
    hook = useDraftAutosave(content, draftId ? { draftId } : {});
    return <span data-testid="status">{hook.status.state}</span>;
  }
  const host = document.createElement('div');
  document.body.append(host);
  const root: Root = createRoot(host);
  const render = (content: Content) =>
    act(async () =>
      root.render(
        <ApiProvider api={api}>
          <Probe content={content} />
        </ApiProvider>,
      ),
    );
  const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));
  return { save, render, advance, unmount: () => act(async () => root.unmount()), hook: () => hook!, status: () => host.textContent };
}

describe('useDraftAutosave', () => {
  it('saves nothing until something changes, then once, two seconds after the last change', async () => {
    const t = setup();
    await t.render(base);
    await t.advance(5000);
    expect(t.save).not.toHaveBeenCalled();
    await t.render({ ...base, text: 'H' });
    await t.advance(1500);
    await t.render({ ...base, text: 'Hei' });
    await t.advance(1900);
    expect(t.save).not.toHaveBeenCalled();
    await t.advance(200);
    expect(t.save).toHaveBeenCalledTimes(1);
    const draft = t.save.mock.calls[0]![0].draft;
    expect(draft).toMatchObject({ ...base, text: 'Hei' });
    expect(draft.draftId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(t.status()).toBe('saved');
    // Same content again: no second save.
    await t.render({ ...base, text: 'Hei' });
    await t.advance(3000);
    expect(t.save).toHaveBeenCalledTimes(1);
    await t.unmount();
    expect(t.save).toHaveBeenCalledTimes(1);
  });

  it('saves what is unsaved when the composer closes, under the reopened draft id', async () => {
    const id = '0b0e4c55-3a51-4c51-9f0e-2f5c0e0f4a11';
    const t = setup(id);
    await t.render(base);
    await t.render({ ...base, subject: 'Re: asia (muutettu)' });
    await t.advance(500);
    await t.unmount();
    expect(t.save).toHaveBeenCalledTimes(1);
    expect(t.save.mock.calls[0]![0].draft).toMatchObject({ draftId: id, subject: 'Re: asia (muutettu)' });
  });

  it('saves nothing after the message was sent', async () => {
    const t = setup();
    await t.render(base);
    await t.render({ ...base, text: 'Lähtee nyt' });
    await act(async () => t.hook().flush());
    expect(t.save).toHaveBeenCalledTimes(1);
    act(() => t.hook().stop());
    await t.render({ ...base, text: 'Lähtee nyt, muutettu' });
    await t.advance(5000);
    await t.unmount();
    expect(t.save).toHaveBeenCalledTimes(1);
  });
});

/**
 * Attack: IPC from somewhere other than the app's own top-level page — the sandboxed mail
 * iframe, a page that got navigated to a foreign origin, a window we did not create, a frame
 * that is gone. Such calls get UNAUTHORIZED and never reach the dispatcher; valid calls do, and
 * the dispatcher still validates their payloads.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAIL_EVENT_CHANNEL, REQUEST_CHANNELS } from '../../../shared/channels.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { MailEvent } from '../../../shared/domain.js';
import { createDispatcher, type Dispatcher } from '../../../main/services/api/dispatcher.js';
import { MailEventHub } from '../../../main/services/events/mail-events.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { forwardMailEvents, registerIpcHandlers } from '../../../main/electron/ipc-registration.js';
import { createSecureWindow } from '../../../main/electron/secure-window.js';
import { FakeWebContents, FakeWebFrameMain, ipcMain, resetElectronStub, type BrowserWindow } from '../../stubs/electron.js';

const log = createLogger('test', { sink: () => undefined });
const UNAUTHORIZED = { ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } };

let handlers: ServiceHandlers;
let dispatch: ReturnType<typeof vi.fn<Dispatcher['dispatch']>>;
let window: BrowserWindow;

function event(sender: FakeWebContents, senderFrame: FakeWebFrameMain | null) {
  return { sender, senderFrame, processId: senderFrame?.processId ?? 0, frameId: senderFrame?.routingId ?? 0 };
}

beforeEach(async () => {
  resetElectronStub();
  handlers = Object.fromEntries(REQUEST_CHANNELS.map((c) => [c, vi.fn(async () => ({ reached: c }))])) as unknown as ServiceHandlers;
  const real = createDispatcher(handlers, log);
  dispatch = vi.fn((channel: unknown, payload: unknown) => real.dispatch(channel, payload));
  registerIpcHandlers({ ipcMain: ipcMain as never, dispatcher: { dispatch }, logger: log });
  window = createSecureWindow({ preloadPath: '/app/preload.cjs', isDev: false }) as unknown as BrowserWindow;
  await window.loadURL('app://sinetti/index.html');
});

describe('IPC sender validation', () => {
  it('registers exactly the contract channels', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('serves the main frame of our window on app://sinetti', async () => {
    const contents = window.webContents;
    const result = await ipcMain.invoke('accounts:list', event(contents, contents.mainFrame), {});
    expect(result).toEqual({ ok: true, value: { reached: 'accounts:list' } });
    expect(handlers['accounts:list']).toHaveBeenCalledOnce();
  });

  it('accepts a WebFrameMain object other than the cached one for the same main frame', async () => {
    const contents = window.webContents;
    const sameFrame = Object.assign(Object.create(Object.getPrototypeOf(contents.mainFrame)), contents.mainFrame) as FakeWebFrameMain;
    expect(await ipcMain.invoke('app:info:get', event(contents, sameFrame), {})).toMatchObject({ ok: true });
  });

  const refused: [string, () => ReturnType<typeof event>][] = [
    [
      'a subframe of our page on our origin',
      () => {
        const c = window.webContents;
        return event(c, new FakeWebFrameMain({ url: 'app://sinetti/frame.html', parent: c.mainFrame }));
      },
    ],
    [
      'the sandboxed mail iframe (about:srcdoc, opaque origin)',
      () => {
        const c = window.webContents;
        return event(c, new FakeWebFrameMain({ url: 'about:srcdoc', origin: 'null', parent: c.mainFrame }));
      },
    ],
    [
      'a top-level frame that is not the main frame of the window',
      () => {
        const c = window.webContents;
        return event(c, new FakeWebFrameMain({ url: 'app://sinetti/index.html' }));
      },
    ],
    [
      'our window after navigating to a foreign origin',
      () => {
        const c = window.webContents;
        c.mainFrame.url = 'https://evil.example/';
        c.mainFrame.origin = 'https://evil.example';
        return event(c, c.mainFrame);
      },
    ],
    [
      'a foreign page whose URL mentions the app in its fragment',
      () => {
        const c = window.webContents;
        c.mainFrame.url = 'https://evil.example/#app://sinetti/index.html';
        c.mainFrame.origin = 'https://evil.example';
        return event(c, c.mainFrame);
      },
    ],
    [
      'a look-alike host app://sinetti.evil',
      () => {
        const c = window.webContents;
        c.mainFrame.url = 'app://sinetti.evil/index.html';
        c.mainFrame.origin = 'app://sinetti.evil';
        return event(c, c.mainFrame);
      },
    ],
    [
      'an app URL whose real origin is opaque (e.g. a sandboxed document)',
      () => {
        const c = window.webContents;
        c.mainFrame.origin = 'null';
        return event(c, c.mainFrame);
      },
    ],
    [
      'a file:// page',
      () => {
        const c = window.webContents;
        c.mainFrame.url = 'file:///etc/passwd';
        c.mainFrame.origin = 'file://';
        return event(c, c.mainFrame);
      },
    ],
    [
      'a window we did not create, even on our origin',
      () => {
        const c = new FakeWebContents({ url: 'app://sinetti/index.html' });
        c.mainFrame.origin = 'app://sinetti';
        return event(c, c.mainFrame);
      },
    ],
    ['a frame that no longer exists (senderFrame null)', () => event(window.webContents, null)],
    [
      'a destroyed window',
      () => {
        const c = window.webContents;
        c.destroy();
        return event(c, c.mainFrame);
      },
    ],
  ];

  it.each(refused)('refuses %s with UNAUTHORIZED before the dispatcher', async (_name, makeEvent) => {
    for (const channel of ['accounts:list', 'accounts:add', 'app:link:open'] as const) {
      expect(await ipcMain.invoke(channel, makeEvent(), {})).toEqual(UNAUTHORIZED);
    }
    expect(dispatch).not.toHaveBeenCalled();
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a sender check that throws (malformed event) instead of serving it', async () => {
    const result = await ipcMain.invoke(
      'accounts:list',
      {
        sender: null,
        get senderFrame(): never {
          throw new Error('gone');
        },
      },
      {},
    );
    expect(result).toEqual(UNAUTHORIZED);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('still validates the payload of a trusted sender (VALIDATION, handler not called)', async () => {
    const contents = window.webContents;
    const trusted = event(contents, contents.mainFrame);
    for (const [channel, payload] of [
      ['settings:locale:set', { locale: 'xx' }],
      ['accounts:list', { extra: true }],
      ['mail:attachment:get', { mailbox: { accountId: 'a', path: 'INBOX' }, uid: 1, partId: '../../etc/passwd' }],
      ['app:link:open', { url: 42 }],
    ] as const) {
      const result = await ipcMain.invoke(channel, trusted, payload);
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(handlers[channel]).not.toHaveBeenCalled();
    }
    expect(dispatch).toHaveBeenCalledTimes(4);
  });

  it('turns a dispatcher that throws into INTERNAL instead of rejecting across IPC', async () => {
    resetElectronStub();
    registerIpcHandlers({
      ipcMain: ipcMain as never,
      dispatcher: { dispatch: () => Promise.reject(new Error('boom')) },
      logger: log,
      isTrustedSender: () => true,
    });
    expect(await ipcMain.invoke('accounts:list', {}, {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
  });

  it('removes every handler when disposed', () => {
    resetElectronStub();
    const dispose = registerIpcHandlers({ ipcMain: ipcMain as never, dispatcher: { dispatch }, logger: log });
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('mail event forwarding', () => {
  const newMail: MailEvent = { type: 'mailbox-changed', mailbox: { accountId: 'a1', path: 'shared/perhepalvelut' }, reason: 'new', total: 3 };

  it('sends each event, and only the event, on the mail event channel', () => {
    const hub = new MailEventHub();
    forwardMailEvents(hub, window.webContents as never);
    hub.emit(newMail);
    expect(window.webContents.sent).toEqual([[MAIL_EVENT_CHANNEL, newMail]]);
  });

  it('stops when the window is destroyed and when unsubscribed', () => {
    const hub = new MailEventHub();
    const subscribe = vi.spyOn(hub, 'subscribe');
    forwardMailEvents(hub, window.webContents as never);
    window.webContents.destroy();
    hub.emit(newMail);
    expect(window.webContents.sent).toEqual([]);
    const unsubscribe = subscribe.mock.results[0]?.value as () => boolean;
    expect(unsubscribe()).toBe(false); // already removed by the 'destroyed' handler

    const other = createSecureWindow({ preloadPath: '/app/preload.cjs', isDev: false }) as unknown as BrowserWindow;
    const stop = forwardMailEvents(hub, other.webContents as never);
    stop();
    hub.emit(newMail);
    expect(other.webContents.sent).toEqual([]);
  });

  it('never sends to web contents we did not create', () => {
    const hub = new MailEventHub();
    const foreign = new FakeWebContents();
    forwardMailEvents(hub, foreign as never);
    hub.emit(newMail);
    expect(foreign.sent).toEqual([]);
  });
});

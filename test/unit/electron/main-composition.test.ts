/**
 * The Electron composition root, run against the stub with the real services (in their own
 * process, as utilityProcess runs them): what must happen before 'ready' (sandbox, privileged
 * scheme, web hardening, single-instance lock), what happens after (protocol, IPC relayed to the
 * services process, one secure window on app://sinetti, the OS screen lock), and a clean quit.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../../shared/channels.js';
import { app, BrowserWindow, fakeEvent, ipcMain, powerMonitor, protocol, resetElectronStub, session, utilityProcess } from '../../stubs/electron.js';

beforeEach(() => {
  resetElectronStub();
  const base = mkdtempSync(join(tmpdir(), 'sinetti-main-'));
  app.paths = { userData: join(base, 'userData'), downloads: join(base, 'Downloads') };
  app.appPath = join(base, 'app');
});

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('main()', () => {
  it('has no side effects at import time', async () => {
    await import('../../../main/electron/main.js');
    expect(app.sandboxEnabled).toBe(false);
    expect(app.eventNames()).toEqual([]);
    expect(protocol.privilegedSchemes).toEqual([]);
  });

  // The services process loads the whole service graph: seconds on a loaded 2-core machine.
  it('hardens everything before ready, then opens one secure window on app://sinetti', { timeout: 60_000 }, async () => {
    const { main } = await import('../../../main/electron/main.js');
    const started = main();
    await flush();
    // Before 'ready': nothing created yet, but the switches are in.
    expect(app.sandboxEnabled).toBe(true);
    expect(protocol.privilegedSchemes).toMatchObject([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);

    app.becomeReady();
    await started;

    expect(protocol.handlers.has('app')).toBe(true);
    // The services run in their own process, never in the one owning the windows.
    expect(utilityProcess.forks.map((f) => f.modulePath)).toEqual([join(app.appPath, 'dist', 'electron', 'services-process.cjs')]);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect(BrowserWindow.instances).toHaveLength(1);
    const window = BrowserWindow.instances[0]!;
    expect(window.webContents.loadedUrls).toEqual(['app://sinetti/index.html']);
    expect(window.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: false,
      preload: join(app.appPath, 'dist', 'electron', 'preload.cjs'),
    });
    // The app-wide hardening reached the window's contents.
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    const away = fakeEvent({ url: 'https://evil.example/', isMainFrame: true });
    window.webContents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);

    // The settings file is userData/settings.json (as electron-store kept it), readable only by the user.
    const saved = await ipcMain.invoke('settings:locale:set', { sender: window.webContents, senderFrame: window.webContents.mainFrame }, { locale: 'sv-FI' });
    expect(saved).toMatchObject({ ok: true });
    expect(statSync(join(app.paths.userData!, 'settings.json')).mode & 0o777).toBe(0o600);

    // A real request through the registered handler, from the window's main frame.
    const contents = window.webContents;
    const info = await ipcMain.invoke('app:info:get', { sender: contents, senderFrame: contents.mainFrame }, {});
    expect(info).toMatchObject({ ok: true, value: { version: '0.0.0-stub', host: 'electron' } });
    // The vault probe at start-up says what this machine's keychain is (without D-Bus: unavailable); the app started either way.
    const { vaultProblem } = (info as { value: { vaultProblem: { code: string } | null } }).value;
    expect(vaultProblem === null || /^KEYCHAIN_/.test(vaultProblem.code)).toBe(true);

    // The OS locking the screen locks Sinetti: data channels answer LOCKED.
    powerMonitor.emit('lock-screen');
    await vi.waitFor(
      async () =>
        expect(await ipcMain.invoke('accounts:list', { sender: contents, senderFrame: contents.mainFrame }, {})).toMatchObject({
          ok: false,
          error: { code: 'LOCKED' },
        }),
      { timeout: 10_000 },
    );

    // Quit waits for the services to close, then quits for real.
    const quitEvent = fakeEvent({});
    app.emit('before-quit', quitEvent);
    expect(quitEvent.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(app.quitCalls).toBe(1));
    const second = fakeEvent({});
    app.emit('before-quit', second);
    expect(second.defaultPrevented).toBe(false);
  });

  it('quits at once when another instance holds the lock', async () => {
    app.singleInstanceLock = false;
    const { main } = await import('../../../main/electron/main.js');
    await main();
    expect(app.quitCalls).toBe(1);
    expect(app.listenerCount('web-contents-created')).toBe(0);
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

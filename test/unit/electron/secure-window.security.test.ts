/**
 * Attack: a caller (or a later refactor) creates a window with Node or without the sandbox.
 * createSecureWindow must win over anything passed in, for every security flag.
 */
import type { WebPreferences } from 'electron';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecureWindow, isTrustedWebContents, secureWebPreferences } from '../../../main/electron/secure-window.js';
import { BrowserWindow, FakeWebContents, resetElectronStub } from '../../stubs/electron.js';

const hostile: WebPreferences = {
  sandbox: false,
  contextIsolation: false,
  nodeIntegration: true,
  nodeIntegrationInWorker: true,
  nodeIntegrationInSubFrames: true,
  webviewTag: true,
  webSecurity: false,
  allowRunningInsecureContent: true,
  experimentalFeatures: true,
  enableBlinkFeatures: 'SomethingRisky',
  devTools: true,
  preload: '/tmp/evil-preload.js',
  zoomFactor: 1.25,
};

const EXPECTED = {
  preload: '/app/dist/electron/preload.cjs',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  disableBlinkFeatures: 'Auxclick',
  devTools: false,
};

function lastWindowPreferences(): Record<string, unknown> {
  const window = BrowserWindow.instances.at(-1);
  if (!window) throw new Error('no window was created');
  return window.options.webPreferences ?? {};
}

describe('createSecureWindow', () => {
  beforeEach(() => resetElectronStub());

  it('keeps every security flag even when the caller tries to turn them off', () => {
    createSecureWindow({ preloadPath: EXPECTED.preload, isDev: false, webPreferences: hostile });
    const prefs = lastWindowPreferences();
    expect(prefs).toMatchObject(EXPECTED);
    expect(prefs.enableBlinkFeatures).toBe('');
  });

  it('keeps the secure flags when hostile options arrive through an untyped object', () => {
    const sneaky = { preloadPath: EXPECTED.preload, isDev: false, webPreferences: hostile, sandbox: false, nodeIntegration: true } as never;
    createSecureWindow(sneaky);
    expect(lastWindowPreferences()).toMatchObject(EXPECTED);
  });

  it('uses the bundled preload, not one the caller names', () => {
    createSecureWindow({ preloadPath: '/app/dist/electron/preload.cjs', isDev: false, webPreferences: { preload: '/tmp/x.js' } });
    expect(lastWindowPreferences().preload).toBe('/app/dist/electron/preload.cjs');
  });

  it('allows DevTools only in development', () => {
    createSecureWindow({ preloadPath: EXPECTED.preload, isDev: true, webPreferences: { devTools: false } });
    expect(lastWindowPreferences().devTools).toBe(true);
    createSecureWindow({ preloadPath: EXPECTED.preload, isDev: false, webPreferences: { devTools: true } });
    expect(lastWindowPreferences().devTools).toBe(false);
  });

  it('passes harmless preferences and window options through', () => {
    createSecureWindow({ preloadPath: EXPECTED.preload, isDev: false, width: 900, webPreferences: { zoomFactor: 1.25 } });
    const window = BrowserWindow.instances.at(-1)!;
    expect(window.options.width).toBe(900);
    expect(window.options.show).toBe(false);
    expect(lastWindowPreferences().zoomFactor).toBe(1.25);
  });

  it('is the same policy as secureWebPreferences() for any input', () => {
    for (const input of [undefined, {}, hostile]) {
      expect(secureWebPreferences(input, EXPECTED.preload, false)).toMatchObject(EXPECTED);
    }
  });

  it('remembers only the windows it created as trusted IPC senders', () => {
    const window = createSecureWindow({ preloadPath: EXPECTED.preload, isDev: false });
    expect(isTrustedWebContents(window.webContents as never)).toBe(true);
    expect(isTrustedWebContents(new FakeWebContents() as never)).toBe(false);
    expect(isTrustedWebContents(null)).toBe(false);
  });
});

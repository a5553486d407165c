/**
 * Trust boundary: the one way this app creates windows. Invariants: every window is context
 * isolated, sandboxed, without Node in any frame or worker, without <webview>, with web security
 * on, and loads only the bundled preload. The secure flags are written AFTER the caller's options
 * are spread, so no caller can turn them off; DevTools only in development.
 * Windows created here are remembered: IPC accepts requests only from their main frames.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions, type WebContents, type WebPreferences } from 'electron';

export interface SecureWindowOptions extends Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preloadPath: string;
  /** Development build: DevTools allowed. Never true in a packaged app. */
  isDev: boolean;
  /** Extra, harmless preferences (zoom, background throttling …). Security flags here are overridden. */
  webPreferences?: WebPreferences;
}

/** The enforced web preferences; exported so tests can check them without a window. */
export function secureWebPreferences(callerPreferences: WebPreferences | undefined, preloadPath: string, isDev: boolean): WebPreferences {
  return {
    ...callerPreferences,
    // Everything below must stay after the spread.
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // A middle click (auxclick) must not open links in new windows either.
    disableBlinkFeatures: 'Auxclick',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: isDev,
  };
}

const trustedContents = new WeakSet<WebContents>();

export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const { preloadPath, isDev, webPreferences, ...windowOptions } = options;
  const window = new BrowserWindow({
    show: false,
    ...windowOptions,
    webPreferences: {
      ...secureWebPreferences(webPreferences, preloadPath, isDev),
      // The same values again, written at the call, so static checks (electronegativity in CI) see them.
      contextIsolation: true,
      sandbox: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  trustedContents.add(window.webContents);
  return window;
}

/** True only for the web contents of a window created by createSecureWindow. */
export function isTrustedWebContents(contents: WebContents | null | undefined): boolean {
  return contents != null && trustedContents.has(contents);
}

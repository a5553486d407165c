/**
 * The Electron composition root. Thin: it wires the hardened web layer, the app:// protocol, the
 * services (plain Node, built by createServices) and IPC, and owns the app lifecycle. Nothing runs
 * at import time; entry.ts calls main(). Order matters: the sandbox switch, the privileged scheme
 * and the web-contents hardening are installed synchronously before 'ready'.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { createServices } from '../services/create-services.js';
import { createLogger } from '../services/logging/logger.js';
import { KeytarKeychain } from '../services/secrets/keytar-keychain.js';
import type { Services } from '../services/services.js';
import { APP_ENTRY_URL } from './app-origin.js';
import { registerAppProtocol, registerAppScheme } from './app-protocol.js';
import { ElectronSettingsBackend } from './electron-settings-backend.js';
import { createExternalOpener } from './external-links.js';
import { forwardMailEvents, registerIpcHandlers } from './ipc-registration.js';
import { provisionAccount, readLaunchOverrides } from './launch-overrides.js';
import { createSecureWindow } from './secure-window.js';
import { hardenSession, installWebSecurity, type WebSecurityOptions } from './web-security.js';

export async function main(): Promise<void> {
  const log = createLogger('electron');

  // --- before 'ready' (synchronous) ---
  // Development/demo/test launches only; a packaged app ignores these (see launch-overrides.ts).
  const overrides = readLaunchOverrides(process.env, app.isPackaged);
  // Before the lock: the single-instance lock lives in the userData directory.
  if (overrides.dataDir) app.setPath('userData', overrides.dataDir);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  registerAppScheme(protocol);
  app.setAppUserModelId('fi.sinetti.desktop');

  // DevTools only for an unpackaged build started explicitly in development mode.
  const isDev = !app.isPackaged && process.env.SINETTI_DEV === '1';
  const openExternal = createExternalOpener(shell);
  const security: WebSecurityOptions = { openExternal, isDev, logger: log.child('web'), downloadsDir: '' };
  installWebSecurity(app, security);

  let services: Services | null = null;
  let mainWindow: BrowserWindow | null = null;
  let closing = false;

  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('before-quit', (event) => {
    if (closing || !services) return;
    // Close IMAP sessions and flush state before the process goes away.
    event.preventDefault();
    closing = true;
    const current = services;
    current
      .close()
      .catch(() => log.error('services did not close cleanly'))
      .finally(() => app.quit());
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  await app.whenReady();

  // --- after 'ready' ---
  security.downloadsDir = app.getPath('downloads');
  hardenSession(session.defaultSession, security);
  const appRoot = app.getAppPath();
  registerAppProtocol(protocol, join(appRoot, 'dist', 'renderer'));

  services = await createServices({
    host: 'electron',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    settingsBackend: new ElectronSettingsBackend(),
    keychain: new KeytarKeychain(),
    openExternal,
    extraCaPem: overrides.extraCaPem,
    ...(overrides.managedPolicyPath ? { managedPolicyPath: overrides.managedPolicyPath, requireProtectedPolicyFile: false } : {}),
    logger: log,
  });
  if (overrides.provisionAccount) await provisionAccount(services.dispatcher, overrides.provisionAccount, log);
  registerIpcHandlers({ ipcMain, dispatcher: services.dispatcher, logger: log.child('ipc') });

  const openMainWindow = async (): Promise<void> => {
    if (!services) return;
    const window = createSecureWindow({
      preloadPath: join(appRoot, 'dist', 'electron', 'preload.cjs'),
      isDev,
      width: 1280,
      height: 820,
      minWidth: 800,
      minHeight: 500,
      title: 'Sinetti',
      backgroundColor: '#ffffff',
    });
    mainWindow = window;
    forwardMailEvents(services.mailEvents, window.webContents);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    await window.loadURL(APP_ENTRY_URL);
  };

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow().catch(() => log.error('window could not be opened'));
  });

  await openMainWindow();
}

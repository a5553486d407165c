/**
 * The Electron composition root. Thin: it wires the hardened web layer, the app:// protocol, the
 * services (plain Node, built by createServices in their own utilityProcess: main only checks the
 * sender and relays) and IPC, and owns the app lifecycle. Nothing runs
 * at import time; entry.ts calls main(). Order matters: the sandbox switch, the privileged scheme
 * and the web-contents hardening are installed synchronously before 'ready'.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, powerMonitor, protocol, session, shell, utilityProcess } from 'electron';
import { createLogger } from '../services/logging/logger.js';
import { startServiceProcess, type RemoteServices } from '../service-process/service-process-client.js';
import { APP_ENTRY_URL } from './app-origin.js';
import { registerAppProtocol, registerAppScheme } from './app-protocol.js';
import { utilityProcessHandle } from './services-process-launcher.js';
import { createExternalOpener } from './external-links.js';
import { forwardMailEvents, registerIpcHandlers } from './ipc-registration.js';
import { provisionAccount, readLaunchOverrides } from './launch-overrides.js';
import { createSecureWindow } from './secure-window.js';
import { startUpdateControl } from './updates/update-wiring.js';
import type { UpdateController } from './updates/update-controller.js';
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

  let services: RemoteServices | null = null;
  let updates: UpdateController | null = null;
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
    // A verified update is installed on the way out, only if no outbox message or composer waits.
    (updates ? updates.installIfIdle().catch(() => false) : Promise.resolve(false))
      .then(() => current.close())
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

  // The services run in their own process; the settings file stays userData/settings.json.
  const child = utilityProcess.fork(join(appRoot, 'dist', 'electron', 'services-process.cjs'), [], { serviceName: 'Sinetti services', stdio: 'inherit' });
  services = await startServiceProcess(
    utilityProcessHandle(child),
    {
      version: app.getVersion(),
      dataDir: app.getPath('userData'),
      ...(overrides.extraCaPem ? { extraCaPem: overrides.extraCaPem } : {}),
      ...(overrides.managedPolicyPath ? { managedPolicyPath: overrides.managedPolicyPath, requireProtectedPolicyFile: false } : {}),
    },
    { openExternal, logger: log.child('services') },
  );
  // Idle lock: the OS locking the screen (macOS, Windows) or going to sleep locks Sinetti too.
  // On Linux Electron reports no screen lock; the services' idle timer covers it.
  const lockForOs = () => services?.sessionLock.lock('os-lock');
  powerMonitor.on('lock-screen', lockForOs);
  powerMonitor.on('suspend', lockForOs);
  if (overrides.provisionAccount) await provisionAccount(services.dispatcher, overrides.provisionAccount, log);
  registerIpcHandlers({ ipcMain, dispatcher: services.dispatcher, logger: log.child('ipc') });
  // Off unless the managed configuration enables updates (electron-updater is not even loaded then).
  updates = await startUpdateControl(services.dispatcher, log.child('updates'));

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

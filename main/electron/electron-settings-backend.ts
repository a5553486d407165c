/**
 * SettingsBackend over electron-store (conf with Electron's userData path). Lives here because
 * electron-store imports electron at module top. Same document and rules as ConfSettingsBackend:
 * file mode 0600, our own schema and migrations (settings-schema.ts), and no secrets in it.
 */
import { ipcMain } from 'electron';
import Store from 'electron-store';
import type { SettingsBackend } from '../services/settings/settings-backend.js';

/** electron-store registers this sync channel for renderer-side stores, which we never use. */
const ELECTRON_STORE_IPC_CHANNEL = 'electron-store-get-data';

export class ElectronSettingsBackend implements SettingsBackend {
  private readonly store: Store<Record<string, unknown>>;

  constructor(options: { cwd?: string } = {}) {
    this.store = new Store<Record<string, unknown>>({
      name: 'settings',
      ...(options.cwd ? { cwd: options.cwd } : {}),
      configFileMode: 0o600,
      // Validation and migration are ours: electron-store must not silently reset a bad file.
      clearInvalidConfig: false,
    });
    // The only IPC channels are the contract's: drop the one electron-store added (it would hand
    // any renderer the userData path without a sender check).
    ipcMain.removeAllListeners(ELECTRON_STORE_IPC_CHANNEL);
  }

  read(): Record<string, unknown> {
    return { ...this.store.store };
  }

  write(document: Record<string, unknown>): void {
    this.store.store = document;
  }
}

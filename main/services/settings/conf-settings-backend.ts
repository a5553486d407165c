/**
 * SettingsBackend over `conf` for plain Node (browser host, tests). electron-store is `conf` with
 * Electron's paths, so both hosts store the same document the same way.
 */
import Conf from 'conf';
import type { SettingsBackend } from './settings-backend.js';

export class ConfSettingsBackend implements SettingsBackend {
  private readonly conf: Conf<Record<string, unknown>>;

  constructor(directory: string) {
    this.conf = new Conf<Record<string, unknown>>({
      cwd: directory,
      configName: 'settings',
      projectName: 'sinetti',
      configFileMode: 0o600,
      // Validation and migration are ours (settings-schema.ts): conf must not reset a bad file.
      clearInvalidConfig: false,
    });
  }

  read(): Record<string, unknown> {
    return { ...this.conf.store };
  }

  write(document: Record<string, unknown>): void {
    this.conf.store = document;
  }
}

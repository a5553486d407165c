/**
 * Where the settings document lives. The Electron layer backs it with electron-store; plain Node
 * (browser host, tests) with `conf` in a directory of its choosing. Both are `conf` underneath.
 * No secrets are ever stored here.
 */
export interface SettingsBackend {
  /** The whole stored document, or an empty object when nothing was stored yet. */
  read(): Record<string, unknown>;
  write(document: Record<string, unknown>): void;
}

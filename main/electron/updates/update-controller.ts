/**
 * Trust boundary: whether, when and what Sinetti updates. Invariants:
 * - nothing happens unless the managed configuration enables updates with an https URL of the
 *   organisation's, the installer did not switch them off (MSI SINETTIUPDATES=0), and an
 *   organisation key is present to check signatures with; settings are read on every check;
 * - `notify`: the person is told a version is available, nothing is downloaded or installed;
 *   `automatic`: the update is downloaded, must pass the organisation's signature check
 *   (update-signature.ts) — checked again right before installing — and is installed only when
 *   the outbox is empty and no composer is open; a failure to learn that counts as busy;
 * - the updater itself never installs on its own (no auto-install on quit): only install() here.
 * Electron-free: the updater is a port (electron-updater in update-wiring.ts, fakes in tests).
 */
import type { WorkInProgress } from '../../../shared/work-in-progress-schema.js';
import type { ShellManagedSettings } from '../../services/shell-managed-settings.js';
import type { Logger } from '../../services/logging/logger.js';
import { verifyUpdateFile } from './update-signature.js';

export interface UpdaterPort {
  /** Points the updater at the feed, with automatic download and install-on-quit off. */
  configure(feedUrl: string): void;
  /** The newer version the feed offers, or null. */
  check(): Promise<{ version: string } | null>;
  /** Downloads the offered update; the path of the downloaded installer. */
  download(): Promise<string>;
  /** Quits and runs the installer. */
  install(): void;
}

export type UpdateOutcome =
  | { state: 'off'; reason: 'disabled' | 'no-url' | 'installer-switch' | 'no-key' }
  | { state: 'up-to-date' }
  | { state: 'notified'; version: string }
  | { state: 'ready'; version: string }
  | { state: 'refused'; version: string; reason: string }
  | { state: 'failed'; reason: string };

export interface UpdateControllerDeps {
  settings: () => ShellManagedSettings['updates'];
  /** True when the machine's installer switched updates off (HKLM marker; false elsewhere). */
  installerSwitchedOff: () => boolean;
  /** The organisation's Ed25519 public key (PEM), or null when none was packaged. */
  organisationKey: () => string | null;
  updater: UpdaterPort;
  /** The signature file next to the installer on the organisation's server (`<installer>.sig`). */
  fetchSignature: (url: string) => Promise<string>;
  workInProgress: () => Promise<WorkInProgress>;
  notify: (version: string) => void;
  logger: Logger;
}

export class UpdateController {
  private ready: { version: string; file: string; signatureUrl: string } | null = null;
  private configuredUrl: string | null = null;

  constructor(private readonly deps: UpdateControllerDeps) {}

  private feedUrl(): UpdateOutcome | string {
    const settings = this.deps.settings();
    if (!settings.enabled) return { state: 'off', reason: 'disabled' };
    if (!settings.url || !isHttps(settings.url)) return { state: 'off', reason: 'no-url' };
    if (this.deps.installerSwitchedOff()) return { state: 'off', reason: 'installer-switch' };
    if (!this.deps.organisationKey()) return { state: 'off', reason: 'no-key' };
    return settings.url.replace(/\/+$/, '');
  }

  /** One check (started at launch and periodically by the wiring). */
  async check(): Promise<UpdateOutcome> {
    const url = this.feedUrl();
    if (typeof url !== 'string') {
      this.ready = null;
      return url;
    }
    try {
      if (this.configuredUrl !== url) {
        this.deps.updater.configure(url);
        this.configuredUrl = url;
        this.ready = null;
      }
      const offered = await this.deps.updater.check();
      if (!offered) return { state: 'up-to-date' };
      if (this.deps.settings().channel === 'notify') {
        this.deps.notify(offered.version);
        return { state: 'notified', version: offered.version };
      }
      if (this.ready?.version === offered.version) return { state: 'ready', version: offered.version };
      const file = await this.deps.updater.download();
      const signatureUrl = `${url}/${encodeURIComponent(baseName(file))}.sig`;
      try {
        await this.verify(file, signatureUrl, offered.version);
      } catch (error) {
        this.ready = null;
        const reason = error instanceof Error ? error.message : String(error);
        this.deps.logger.error('update refused', { version: offered.version, reason });
        return { state: 'refused', version: offered.version, reason };
      }
      this.ready = { version: offered.version, file, signatureUrl };
      this.deps.logger.info('update verified', { version: offered.version });
      return { state: 'ready', version: offered.version };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn('update check failed', { reason });
      return { state: 'failed', reason };
    }
  }

  /**
   * Installs a verified update if nothing would be lost: called when the app is about to quit.
   * True when the installer was started.
   */
  async installIfIdle(): Promise<boolean> {
    const ready = this.ready;
    if (!ready || typeof this.feedUrl() !== 'string' || this.deps.settings().channel !== 'automatic') return false;
    let work: WorkInProgress;
    try {
      work = await this.deps.workInProgress();
    } catch {
      return false;
    }
    if (work.outbox > 0 || work.openComposers > 0) {
      this.deps.logger.info('update waits', { outbox: work.outbox, openComposers: work.openComposers });
      return false;
    }
    try {
      // Again, right before running it: the file sat on disk since it was checked.
      await this.verify(ready.file, ready.signatureUrl, ready.version);
    } catch (error) {
      this.ready = null;
      this.deps.logger.error('update refused at install', { version: ready.version, reason: error instanceof Error ? error.message : String(error) });
      return false;
    }
    this.deps.updater.install();
    return true;
  }

  private async verify(file: string, signatureUrl: string, version: string): Promise<void> {
    const key = this.deps.organisationKey();
    if (!key) throw new Error('no organisation key');
    await verifyUpdateFile(file, await this.deps.fetchSignature(signatureUrl), key, version);
  }
}

function isHttps(raw: string): boolean {
  try {
    return new URL(raw).protocol === 'https:';
  } catch {
    return false;
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

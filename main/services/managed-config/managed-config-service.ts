/**
 * The one owner of the managed configuration in the running app. It reads the platform's source
 * (registry, macOS profile, /etc), validates what IT enforces and what IT sets as defaults
 * against the one schema, resolves every setting with the person's own values, and tells every
 * consumer when anything changed: the source is watched (file sources) and polled (all), so IT's
 * change applies while the app runs.
 *
 * Invariants: a mistake in what IT enforces is reported (`invalid`, with the exact problems) and
 * never loosens anything: the last valid values stay in force, and the secure-send policy stops
 * sending until IT fixes it (policy-service.ts). A default that is wrong is dropped and reported.
 * A personal value is refused for a setting IT enforces or that allows no default.
 */
import { watch, type FSWatcher } from 'node:fs';
import { describeIssues } from '../../../shared/policy-schema.js';
import {
  managedLayerSchema,
  settingDefinition,
  type ManagedConfig,
  type ManagedConfigView,
  type ManagedLayer,
  type SettingKey,
} from '../../../shared/managed-config-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { ManagedConfigSource } from './managed-config-source.js';
import { resolveManagedConfig, type ResolvedManagedConfig } from './resolve-managed-config.js';
import { getPath } from './setting-paths.js';

type SettingValue<K extends string, T = ManagedConfig> = K extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? SettingValue<Rest, T[Head]>
    : never
  : K extends keyof T
    ? T[K]
    : never;

export interface ManagedConfigServiceOptions {
  /** Null: this host reads no managed configuration (tests of the built-in values). */
  source: ManagedConfigSource | null;
  settings: SettingsStore;
  logger?: Logger;
  /** How often the source is read again besides watching (default 15 s; the registry can only be polled). */
  pollMs?: number;
}

export type ManagedStatus = ManagedConfigView['status'];

export class ManagedConfigService {
  private status: ManagedStatus = 'none';
  private problems: string[] = [];
  private enforced: ManagedLayer = {};
  private defaults: ManagedLayer = {};
  private resolved: ResolvedManagedConfig;
  private fingerprint = '';
  private readonly listeners = new Set<() => void>();
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;

  constructor(private readonly options: ManagedConfigServiceOptions) {
    this.resolved = resolveManagedConfig({});
    this.reload();
  }

  /** Reads the source again; true when anything a consumer sees changed (listeners were told). */
  reload(): boolean {
    const before = this.fingerprint;
    this.read();
    this.resolved = resolveManagedConfig({ enforced: this.enforced, defaults: this.defaults, personal: this.personal() });
    this.fingerprint = JSON.stringify([this.status, this.problems, this.resolved.settings]);
    if (before === this.fingerprint) return false;
    if (before) this.options.logger?.info('managed configuration changed', { status: this.status, problems: this.problems.length });
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.options.logger?.error('a managed-configuration consumer failed', { error: (error as Error).message });
      }
    }
    return true;
  }

  private read(): void {
    const source = this.options.source;
    if (!source) {
      [this.status, this.problems, this.enforced, this.defaults] = ['none', [], {}, {}];
      return;
    }
    const read = source.read();
    if (read.status === 'absent') {
      [this.status, this.problems, this.enforced, this.defaults] = ['absent', [], {}, {}];
      return;
    }
    if (read.status === 'invalid') {
      // The last valid values stay in force: a broken file must not turn IT's settings off.
      [this.status, this.problems] = ['invalid', read.problems];
      return;
    }
    const problems = [...(read.warnings ?? [])];
    const enforced = managedLayerSchema.safeParse(read.enforced ?? {});
    const defaults = managedLayerSchema.safeParse(read.defaults ?? {});
    if (!defaults.success) problems.push(...describeIssues(defaults.error).map((p) => `defaults: ${p} (the defaults are ignored)`));
    this.defaults = defaults.success ? (defaults.data as ManagedLayer) : {};
    if (!enforced.success) {
      [this.status, this.problems] = ['invalid', [...describeIssues(enforced.error).map((p) => `enforced: ${p}`), ...problems]];
      return;
    }
    this.enforced = enforced.data as ManagedLayer;
    const hasAny = Object.keys(this.enforced).length > 0 || Object.keys(this.defaults).length > 0;
    this.status = hasAny || problems.length ? 'ok' : 'absent';
    this.problems = problems;
  }

  private personal(): Record<string, unknown> {
    return this.options.settings.get().personal ?? {};
  }

  /** The effective value of one setting. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    return getPath(this.resolved.config, key) as SettingValue<K>;
  }

  config(): ManagedConfig {
    return this.resolved.config;
  }

  /** Set by the organisation as enforced. */
  isEnforced(key: SettingKey): boolean {
    return this.resolved.settings[key]?.locked ?? false;
  }

  locations(): string[] {
    return this.options.source?.locations ?? [];
  }

  view(): ManagedConfigView {
    return {
      status: this.status,
      locations: this.options.source?.locations ?? [],
      problems: [...this.problems, ...this.resolved.problems],
      settings: this.resolved.settings,
    };
  }

  /**
   * The secure-send policy section as the policy service takes it: what IT enforces, or the
   * problems that stop sending. `none` when this host reads no managed configuration.
   */
  policy(): { status: 'none' } | { status: 'absent' } | { status: 'ok'; layer: ManagedLayer['policy'] } | { status: 'invalid'; problems: string[] } {
    if (this.status === 'none') return { status: 'none' };
    if (this.status === 'invalid') return { status: 'invalid', problems: this.problems };
    return this.enforced.policy ? { status: 'ok', layer: this.enforced.policy } : { status: 'absent' };
  }

  /** The person's own value for a setting that allows one (null removes it). */
  setPersonal(key: string, value: unknown): ManagedConfigView {
    const setting = settingDefinition(key);
    if (!setting) throw new ServiceError('VALIDATION', `unknown setting "${key}"`);
    if (this.isEnforced(setting.key)) throw new ServiceError('MANAGED_SETTING_LOCKED', `${key} is set by your organisation`);
    if (!setting.levels.includes('default')) throw new ServiceError('MANAGED_SETTING_LOCKED', `${key} can only be set by your organisation`);
    const personal = { ...this.personal() };
    if (value === null) delete personal[key];
    else {
      const parsed = setting.schema.safeParse(value);
      if (!parsed.success) throw new ServiceError('VALIDATION', `${key}: ${describeIssues(parsed.error).join('; ')}`);
      personal[key] = parsed.data;
    }
    this.options.settings.setPersonal(personal);
    this.reload();
    return this.view();
  }

  /** Called after every change of any setting (IT's or the person's); returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts following the source: its directories are watched and it is polled. */
  watch(): void {
    if (!this.options.source || this.timer) return;
    const later = () => {
      if (this.debounce) clearTimeout(this.debounce);
      // Installers and editors write in several steps; read once they are done.
      this.debounce = setTimeout(() => this.safeReload(), 50);
      this.debounce.unref();
    };
    for (const directory of this.options.source.watchDirectories) {
      try {
        const watcher = watch(directory, { persistent: false }, later);
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // Not there (yet): IT may create it later; polling sees it.
      }
    }
    this.timer = setInterval(() => this.safeReload(), this.options.pollMs ?? 15_000);
    this.timer.unref();
  }

  private safeReload(): void {
    try {
      this.reload();
    } catch (error) {
      this.options.logger?.error('managed configuration could not be read', { error: (error as Error).message });
    }
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = null;
  }
}

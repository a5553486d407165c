/** Typed access to the settings document; the one owner of reading, migrating and writing it. */
import { ServiceError } from '../../../shared/result.js';
import type { Locale } from '../../../shared/domain.js';
import type { PolicyLayer } from '../../../shared/policy-schema.js';
import type { ComposeSettings } from '../../../shared/send-schema.js';
import type { SettingsBackend } from './settings-backend.js';
import { migrateSettings, SettingsFormatError, type Settings, type StoredAccount } from './settings-schema.js';

export class SettingsStore {
  private current: Settings | null = null;

  constructor(private readonly backend: SettingsBackend) {}

  get(): Settings {
    if (!this.current) {
      const stored = this.backend.read();
      try {
        this.current = migrateSettings(stored);
      } catch (error) {
        if (error instanceof SettingsFormatError) throw new ServiceError('SETTINGS_INVALID', error.message);
        throw error;
      }
      if (stored.schemaVersion !== this.current.schemaVersion) this.backend.write(this.current);
    }
    return this.current;
  }

  setLocale(locale: Locale): Settings {
    return this.update((s) => ({ ...s, ui: { ...s.ui, locale } }));
  }

  addAccount(account: StoredAccount): Settings {
    return this.update((s) => ({ ...s, accounts: [...s.accounts, account] }));
  }

  /** Replaces the entry with the same id, in place (the order of accounts is the person's). */
  replaceAccount(account: StoredAccount): Settings {
    return this.update((s) => ({ ...s, accounts: s.accounts.map((a) => (a.id === account.id ? account : a)) }));
  }

  removeAccount(accountId: string): Settings {
    return this.update((s) => ({ ...s, accounts: s.accounts.filter((a) => a.id !== accountId) }));
  }

  setPolicyPreferences(layer: PolicyLayer): Settings {
    return this.update((s) => ({ ...s, policyPreferences: layer }));
  }

  /** The person's own values for managed settings (validated by the managed-configuration service). */
  setPersonal(personal: Record<string, unknown>): Settings {
    return this.update((s) => ({ ...s, personal }));
  }

  setCompose(compose: ComposeSettings): Settings {
    return this.update((s) => ({ ...s, compose }));
  }

  private update(change: (settings: Settings) => Settings): Settings {
    const next = change(this.get());
    this.backend.write(next);
    this.current = next;
    return next;
  }
}

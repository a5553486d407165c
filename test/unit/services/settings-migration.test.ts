import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfSettingsBackend } from '../../../main/services/settings/conf-settings-backend.js';
import { DEFAULT_SETTINGS, migrateSettings, SETTINGS_VERSION } from '../../../main/services/settings/settings-schema.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';
import { ServiceError } from '../../../shared/result.js';

describe('settings migrations', () => {
  it('gives an empty store the defaults', () => {
    expect(migrateSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  it('migrates a v1 document (top-level language, boolean tls) to the current format', () => {
    const v1 = {
      schemaVersion: 1,
      language: 'sv',
      accounts: [
        { id: 'a1', displayName: 'Perhepalvelut', host: 'imap.kunta.fi', port: 993, username: 'anna', tls: true },
        { id: 'a2', displayName: 'Oma', host: 'imap.kunta.fi', port: 143, username: 'anna', tls: false },
      ],
    };
    const migrated = migrateSettings(v1);
    expect(migrated.schemaVersion).toBe(SETTINGS_VERSION);
    expect(migrated.ui.locale).toBe('sv-FI');
    expect(migrated.accounts.map((a) => a.security)).toEqual(['tls', 'starttls']);
    expect(migrated.accounts[0]).not.toHaveProperty('tls');
  });

  it('migrates a v3 document to v4 with no signatures or saved replies, keeping everything else', () => {
    const v3 = { schemaVersion: 3, ui: { locale: 'en' }, accounts: [], policyPreferences: { version: 1, justification: { minLength: 40 } } };
    expect(migrateSettings(v3)).toEqual({ ...v3, schemaVersion: 4, compose: { signatures: [], templates: [] } });
  });

  it('stores signatures and saved replies and reads them back after a restart; refuses a malformed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-settings-'));
    const store = new SettingsStore(new ConfSettingsBackend(dir));
    const compose = {
      signatures: [
        { identity: 'acc-1', locale: 'fi' as const, text: 'Ystävällisin terveisin\nAnna' },
        { identity: 'acc-1|acc-1:shared:perhepalvelut', locale: 'sv-FI' as const, text: 'Med vänliga hälsningar\nFamiljetjänster' },
      ],
      templates: [{ id: 'kiitos', name: 'Kiitos yhteydenotosta', locale: 'fi' as const, text: 'Kiitos viestistäsi.' }],
    };
    store.setCompose(compose);
    expect(new SettingsStore(new ConfSettingsBackend(dir)).get().compose).toEqual(compose);
    const file = join(dir, 'settings.json');
    const broken = JSON.parse(readFileSync(file, 'utf8'));
    broken.compose.templates[0].locale = 'de';
    writeFileSync(file, JSON.stringify(broken));
    expect(() => new SettingsStore(new ConfSettingsBackend(dir)).get()).toThrow(/compose\.templates\.0\.locale/);
  });

  it('refuses a document from a newer version instead of rewriting it', () => {
    expect(() => migrateSettings({ schemaVersion: SETTINGS_VERSION + 1 })).toThrow(/newer Sinetti/);
  });

  it('reports a document with a typo and leaves the file untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-settings-'));
    const file = join(dir, 'settings.json');
    const broken = JSON.stringify({ ...DEFAULT_SETTINGS, accounts: undefined, acounts: [] });
    writeFileSync(file, broken);
    const store = new SettingsStore(new ConfSettingsBackend(dir));
    let caught: unknown;
    try {
      store.get();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServiceError);
    expect((caught as ServiceError).code).toBe('SETTINGS_INVALID');
    expect((caught as ServiceError).message).toMatch(/acounts|Unrecognized/);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('persists through conf with mode 0600, migrating an old file on first read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-settings-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 1, language: 'en', accounts: [] }));
    const store = new SettingsStore(new ConfSettingsBackend(dir));
    expect(store.get().ui.locale).toBe('en');
    store.setLocale('fi');
    const reread = new SettingsStore(new ConfSettingsBackend(dir)).get();
    expect(reread).toEqual({
      schemaVersion: SETTINGS_VERSION,
      ui: { locale: 'fi' },
      accounts: [],
      policyPreferences: { version: 1 },
      compose: { signatures: [], templates: [] },
    });
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });
});

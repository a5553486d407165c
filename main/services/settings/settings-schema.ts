/**
 * The settings document: its schema and its migrations. Settings hold no secrets (passwords live
 * in the SecretStore). A document that fails the schema is reported, never silently replaced,
 * so a typo in a hand-edited or managed file loses nothing.
 */
import { z } from 'zod';
import { accountAuthSchema, accountSecuritySchema, localeSchema, smtpServerSchema } from '../../../shared/domain.js';
import { policyLayerSchema } from '../../../shared/policy-schema.js';
import { composeSettingsSchema } from '../../../shared/send-schema.js';

export const SETTINGS_VERSION = 4;

export const storedAccountSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  security: accountSecuritySchema,
  username: z.string().min(1),
  teamName: z.string().optional(),
  address: z.string().optional(),
  smtp: smtpServerSchema.optional(),
  /** Absent: a password (every account before OAuth2 existed). */
  auth: accountAuthSchema.optional(),
});
export type StoredAccount = z.infer<typeof storedAccountSchema>;

export const settingsSchema = z
  .object({
    schemaVersion: z.literal(SETTINGS_VERSION),
    ui: z.object({ locale: localeSchema }).strict(),
    accounts: z.array(storedAccountSchema),
    /** The person's own policy layer: applied only where it makes the effective policy stricter. */
    policyPreferences: policyLayerSchema,
    /** Signatures per sending identity and language, and saved replies. */
    compose: composeSettingsSchema,
    /** The person's own values for managed-configuration settings that allow one (shared/managed-config-schema.ts). Optional: no migration. */
    personal: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  schemaVersion: SETTINGS_VERSION,
  ui: { locale: 'fi' },
  accounts: [],
  policyPreferences: { version: 1 },
  compose: { signatures: [], templates: [] },
};

type Migration = (document: Record<string, unknown>) => Record<string, unknown>;

/**
 * Migrations from version N to N+1, applied in order.
 * v0 → v1: an unversioned document (nothing stored yet) gets the defaults.
 * v1 → v2: v1 kept the language as a top-level `language` ('fi' | 'sv' | 'en') and TLS as
 *   `tls: boolean` on accounts; v2 nests UI settings under `ui.locale` (with the sv-FI locale
 *   tag the translations use) and says which transport security an account uses explicitly.
 * v2 → v3: the person's secure-send policy preferences (empty: nothing tightened yet).
 * v3 → v4: composer signatures and saved replies (none yet).
 */
const MIGRATIONS: Record<number, Migration> = {
  0: (doc) => ({ ...doc, schemaVersion: 1, language: 'fi', accounts: doc.accounts ?? [] }),
  1: (doc) => {
    const { language, accounts, ...rest } = doc;
    const locale = language === 'sv' ? 'sv-FI' : language === 'en' ? 'en' : 'fi';
    const migratedAccounts = Array.isArray(accounts)
      ? accounts.map((account: Record<string, unknown>) => {
          const { tls, ...accountRest } = account;
          return { ...accountRest, security: tls === false ? 'starttls' : 'tls' };
        })
      : accounts;
    return { ...rest, schemaVersion: 2, ui: { locale }, accounts: migratedAccounts };
  },
  2: (doc) => ({ ...doc, schemaVersion: 3, policyPreferences: { version: 1 } }),
  3: (doc) => ({ ...doc, schemaVersion: 4, compose: { signatures: [], templates: [] } }),
};

export class SettingsFormatError extends Error {}

export function migrateSettings(stored: Record<string, unknown>): Settings {
  let document = { ...stored };
  let version = typeof document.schemaVersion === 'number' ? document.schemaVersion : 0;
  if (version > SETTINGS_VERSION) {
    throw new SettingsFormatError(`Settings were written by a newer Sinetti (format ${version}, this version reads up to ${SETTINGS_VERSION}).`);
  }
  while (version < SETTINGS_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) throw new SettingsFormatError(`No migration from settings format ${version}.`);
    document = migrate(document);
    version = document.schemaVersion as number;
  }
  const parsed = settingsSchema.safeParse(document);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new SettingsFormatError(`The settings file is not valid (${where}). It was left untouched.`);
  }
  return parsed.data;
}

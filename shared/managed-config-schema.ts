/**
 * The one schema of the managed configuration: every setting IT can set for Sinetti, grouped in
 * sections, with its built-in value and whether IT may set it as a *default* (the person may
 * change it) or only *enforced* (they may not). Everything else is generated from this file: the
 * readers of the registry, the macOS profile and /etc (main/services/managed-config/), the ADMX
 * and ADML templates, the sample .mobileconfig, the JSON Schema and docs/managed-configuration.md
 * (`npm run managed-config:generate`; a test keeps them equal to this file).
 *
 * Adding a section is one change here: an entry in SECTIONS (its zod object with every field
 * required, its built-in values, the levels IT may use) and its labels in
 * shared/managed-config-text.ts (the compiler names every field that has none). The secure-send
 * policy is the `policy` section; its fields are enforced only (a person may still tighten them
 * through their own preferences, by the rules in main/services/policy/policy-layers.ts).
 *
 * Shared, so the renderer shows the same settings and sources the services apply.
 */
import { z } from 'zod';
import { accountSecuritySchema, localeSchema, smtpServerSchema } from './domain.js';
import { BUILTIN_POLICY, policyLayerSchema, policySchema } from './policy-schema.js';

export const LEVELS = ['enforced', 'default'] as const;
export type Level = (typeof LEVELS)[number];

const httpsUrlOrEmpty = z.union([z.literal(''), z.url({ protocol: /^https$/ })]);
const hostOrEmpty = z.string().regex(/^$|^[A-Za-z0-9.-]{1,253}$/, 'a host name such as loki.kunta.fi, or empty');

/** Account and server presets the add-account form offers. */
const accountPresetSchema = z
  .object({
    id: z.string().min(1).max(100),
    displayName: z.string().min(1).max(200),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    security: accountSecuritySchema,
    auth: z.enum(['password', 'oauth2']),
    smtp: smtpServerSchema.optional(),
  })
  .strict();

const teamMailboxSchema = z.object({ name: z.string().min(1).max(200), address: z.email(), accountPreset: z.string().min(1).max(100).optional() }).strict();

const syslogSchema = z.object({ host: hostOrEmpty, port: z.number().int().min(1).max(65535) }).strict();

/** Each section with every field (the full shape), its built-in values, and the levels IT may use. */
interface SectionDefinition<S extends z.ZodObject> {
  schema: S;
  builtin: z.output<S>;
  /** Levels per field (dotted path inside the section); fields not listed allow `levels`. */
  levels: readonly Level[];
  fieldLevels?: Record<string, readonly Level[]>;
}

function section<S extends z.ZodObject>(definition: SectionDefinition<S>): SectionDefinition<S> {
  return definition;
}

const ENFORCED_ONLY = ['enforced'] as const;
const BOTH = ['enforced', 'default'] as const;

const { $schema: _s, version: _v, ...builtinPolicyFields } = BUILTIN_POLICY;

export const SECTIONS = {
  ui: section({
    schema: z.object({ locale: localeSchema }).strict(),
    builtin: { locale: 'fi' },
    levels: ENFORCED_ONLY,
  }),
  accounts: section({
    schema: z.object({ presets: z.array(accountPresetSchema).max(50) }).strict(),
    builtin: { presets: [] },
    levels: BOTH,
  }),
  teams: section({
    schema: z.object({ mailboxes: z.array(teamMailboxSchema).max(200) }).strict(),
    builtin: { mailboxes: [] },
    levels: BOTH,
  }),
  oauth: section({
    schema: z
      .object({
        issuer: httpsUrlOrEmpty,
        tenantId: z.string().max(100),
        clientId: z.string().max(200),
        scopes: z.array(z.string().min(1).max(300)).max(20),
      })
      .strict(),
    builtin: { issuer: '', tenantId: '', clientId: '', scopes: [] },
    levels: ENFORCED_ONLY,
  }),
  audit: section({
    schema: z
      .object({
        imapFolder: z.string().max(200),
        syslog: syslogSchema,
        organisationKeys: z.array(z.string().min(1).max(20_000)).max(10),
      })
      .strict(),
    builtin: { imapFolder: '', syslog: { host: '', port: 6514 }, organisationKeys: [] },
    levels: ENFORCED_ONLY,
  }),
  idleLock: section({
    schema: z.object({ minutes: z.number().int().min(0).max(1440) }).strict(),
    builtin: { minutes: 15 },
    levels: BOTH,
  }),
  updates: section({
    schema: z
      .object({
        enabled: z.boolean(),
        mode: z.enum(['notify', 'automatic']),
        channel: z.enum(['stable', 'beta']),
        url: httpsUrlOrEmpty,
      })
      .strict(),
    builtin: { enabled: false, mode: 'notify', channel: 'stable', url: '' },
    levels: ENFORCED_ONLY,
    // Off unless IT allows it, from IT's server: only how and which channel may be a default.
    fieldLevels: { mode: BOTH, channel: BOTH },
  }),
  features: section({
    schema: z.object({ addAccounts: z.boolean() }).strict(),
    builtin: { addAccounts: true },
    levels: ENFORCED_ONLY,
  }),
  logging: section({
    schema: z.object({ level: z.enum(['error', 'warn', 'info', 'debug']), syslog: syslogSchema }).strict(),
    builtin: { level: 'info', syslog: { host: '', port: 6514 } },
    levels: ENFORCED_ONLY,
    fieldLevels: { level: BOTH },
  }),
  policy: section({
    schema: policySchema.omit({ $schema: true, version: true }),
    builtin: builtinPolicyFields,
    levels: ENFORCED_ONLY,
  }),
};

export type SectionId = keyof typeof SECTIONS;
export const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];

/** The full configuration: every section with every field. */
export type ManagedConfig = { [K in SectionId]: z.output<(typeof SECTIONS)[K]['schema']> };

type LeafPaths<T, P extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[] | string | number | boolean ? `${P}${K}` : LeafPaths<NonNullable<T[K]>, `${P}${K}.`>;
}[keyof T & string];
/** Every setting as a dotted path: `idleLock.minutes`, `policy.detectors.iban.enabled`. */
export type SettingKey = LeafPaths<ManagedConfig>;

// ------------------------------------------------------------------ layers (what IT writes)

/** A zod object with every field optional at every depth (unknown fields stay errors). */
function partialDeep(schema: z.ZodObject): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, inner]) => {
      const field = inner as z.ZodType;
      return [key, (field instanceof z.ZodObject ? partialDeep(field) : field).optional()];
    }),
  );
  return z.object(shape).strict();
}

function layerOf(id: SectionId): z.ZodObject {
  // The policy keeps its own written-out layer schema, so its problems name the paths it always named.
  if (id === 'policy') return policyLayerSchema.omit({ $schema: true, version: true }).strict();
  return partialDeep(SECTIONS[id].schema);
}

/** What IT sets at one level: any subset of any section. */
export const managedLayerSchema = z
  .object(Object.fromEntries(SECTION_IDS.map((id) => [id, layerOf(id).optional()])) as Record<SectionId, z.ZodOptional<z.ZodObject>>)
  .strict();
export type ManagedLayer = { [K in SectionId]?: DeepPartial<ManagedConfig[K]> };
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * The document of a file-based source (`/etc/sinetti/managed-config.json`, the macOS profile's
 * payload): values IT enforces and defaults the person may change. In the Windows registry the
 * same two layers are HKLM (enforced) and HKCU (defaults) under `SOFTWARE\Policies\Sinetti`.
 */
export const managedDocumentSchema = z
  .object({
    $schema: z.string().optional(),
    enforced: managedLayerSchema.optional().describe('Values the person cannot change.'),
    defaults: managedLayerSchema.optional().describe('Starting values the person may change (only settings that allow a default).'),
  })
  .strict();
export type ManagedDocument = z.output<typeof managedDocumentSchema>;

// ------------------------------------------------------------------ settings (the leaves)

export interface SettingDefinition {
  key: SettingKey;
  section: SectionId;
  /** The field's schema as IT writes it (the layer's field, optional wrapper removed). */
  schema: z.ZodType;
  builtin: unknown;
  levels: readonly Level[];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}

function collect(id: SectionId, schema: z.ZodObject, builtin: Record<string, unknown>, prefix: string, out: SettingDefinition[]): void {
  for (const [name, inner] of Object.entries(schema.shape)) {
    const field = unwrap(inner as z.ZodType);
    const path = prefix ? `${prefix}.${name}` : name;
    if (field instanceof z.ZodObject) {
      collect(id, field, builtin[name] as Record<string, unknown>, path, out);
      continue;
    }
    const definition = SECTIONS[id] as SectionDefinition<z.ZodObject>;
    out.push({
      key: `${id}.${path}` as SettingKey,
      section: id,
      schema: field,
      builtin: builtin[name],
      levels: definition.fieldLevels?.[path] ?? definition.levels,
    });
  }
}

/** Every setting, in schema order. */
export const SETTINGS: readonly SettingDefinition[] = SECTION_IDS.flatMap((id) => {
  const out: SettingDefinition[] = [];
  collect(id, layerOf(id), SECTIONS[id].builtin as Record<string, unknown>, '', out);
  return out;
});

const BY_KEY = new Map(SETTINGS.map((s) => [s.key as string, s]));
export function settingDefinition(key: string): SettingDefinition | undefined {
  return BY_KEY.get(key);
}

/** The built-in configuration (safe without any management). */
export const BUILTIN_CONFIG = Object.fromEntries(SECTION_IDS.map((id) => [id, SECTIONS[id].builtin])) as unknown as ManagedConfig;

// ------------------------------------------------------------------ what the UI sees

export const SETTING_SOURCES = ['builtin', 'organisation-default', 'personal', 'organisation-enforced'] as const;
export const settingSourceSchema = z.enum(SETTING_SOURCES);
export type SettingSource = z.infer<typeof settingSourceSchema>;

export const managedConfigViewSchema = z.object({
  /** none: this host reads no managed configuration; absent: nothing is set; invalid: see problems (the last valid values stay in force). */
  status: z.enum(['none', 'absent', 'ok', 'invalid']),
  /** Where it was read from (paths, registry keys), for support. */
  locations: z.array(z.string()),
  problems: z.array(z.string()),
  settings: z.record(
    z.string(),
    z.object({
      value: z.unknown(),
      source: settingSourceSchema,
      /** Set by the organisation as enforced: the UI shows it and offers no change. */
      locked: z.boolean(),
      /** The person may set their own value (the setting allows a default and is not enforced). */
      personal: z.boolean(),
    }),
  ),
});
export type ManagedConfigView = z.infer<typeof managedConfigViewSchema>;

/**
 * Everything IT deploys or reads about the managed configuration, generated from the one schema
 * (shared/managed-config-schema.ts): ADMX and ADML (fi-FI, sv-SE, en-US) for Group Policy and
 * Intune, a sample .mobileconfig for macOS, the JSON Schema of the document, an example document
 * and docs/managed-configuration.md. Pure functions: `npm run managed-config:generate` writes
 * them, and a test keeps the files in the repository equal to what these return.
 */
import { build as buildPlist, type PlistValue } from 'plist';
import { z } from 'zod';
import { managedDocumentSchema, SECTION_IDS, SETTINGS, type ManagedDocument, type SettingDefinition } from '../../shared/managed-config-schema.js';
import { SECTION_TITLES, SETTING_TITLES, type Texts } from '../../shared/managed-config-text.js';
import { settingKind } from '../../main/services/managed-config/setting-kinds.js';

export const REGISTRY_ROOT = 'Software\\Policies\\Sinetti';
const LANGS = [
  { dir: 'fi-FI', index: 0 },
  { dir: 'sv-SE', index: 1 },
  { dir: 'en-US', index: 2 },
] as const;

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const id = (key: string) => key.replace(/\./g, '_');

/** Where a setting lives in the registry: its key and value name (a list is a key of its own). */
export function registryPlace(setting: SettingDefinition): { key: string; valueName: string | null } {
  const parts = setting.key.split('.');
  if (settingKind(setting).kind === 'list') return { key: [REGISTRY_ROOT, ...parts].join('\\'), valueName: null };
  return { key: [REGISTRY_ROOT, ...parts.slice(0, -1)].join('\\'), valueName: parts.at(-1)! };
}

const canBeDefault = (s: SettingDefinition) => s.levels.includes('default');

// ------------------------------------------------------------------ ADMX

export function admx(): string {
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="utf-8"?>');
  lines.push('<!-- Generated from shared/managed-config-schema.ts by npm run managed-config:generate: do not edit. -->');
  lines.push(
    '<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
  );
  lines.push(
    '  <policyNamespaces>',
    '    <target prefix="sinetti" namespace="Sinetti.Policies.Sinetti" />',
    '    <using prefix="windows" namespace="Microsoft.Policies.Windows" />',
    '  </policyNamespaces>',
  );
  lines.push('  <resources minRequiredRevision="1.0" />');
  lines.push(
    '  <supportedOn>',
    '    <definitions>',
    '      <definition name="SUPPORTED_Sinetti" displayName="$(string.SUPPORTED_Sinetti)" />',
    '    </definitions>',
    '  </supportedOn>',
  );
  lines.push('  <categories>', '    <category name="Sinetti" displayName="$(string.Sinetti)" />');
  for (const section of SECTION_IDS)
    lines.push(
      `    <category name="Sinetti_${section}" displayName="$(string.Category_${section})">`,
      '      <parentCategory ref="Sinetti" />',
      '    </category>',
    );
  lines.push('  </categories>', '  <policies>');
  for (const setting of SETTINGS) {
    const kind = settingKind(setting);
    const name = id(setting.key);
    const place = registryPlace(setting);
    const policyKey = kind.kind === 'list' ? place.key.split('\\').slice(0, -1).join('\\') : place.key;
    const presentation = kind.kind === 'boolean' ? '' : ` presentation="$(presentation.${name})"`;
    const valueName = kind.kind === 'boolean' ? ` valueName="${xml(place.valueName!)}"` : '';
    lines.push(
      `    <policy name="${name}" class="${canBeDefault(setting) ? 'Both' : 'Machine'}" displayName="$(string.${name})" explainText="$(string.${name}_Explain)"${presentation} key="${xml(policyKey)}"${valueName}>`,
    );
    lines.push(`      <parentCategory ref="Sinetti_${setting.section}" />`, '      <supportedOn ref="SUPPORTED_Sinetti" />');
    switch (kind.kind) {
      case 'boolean':
        lines.push(
          '      <enabledValue>',
          '        <decimal value="1" />',
          '      </enabledValue>',
          '      <disabledValue>',
          '        <decimal value="0" />',
          '      </disabledValue>',
        );
        break;
      case 'integer':
        lines.push(
          '      <elements>',
          `        <decimal id="${name}" valueName="${xml(place.valueName!)}" minValue="${kind.min}" maxValue="${kind.max}" required="true" />`,
          '      </elements>',
        );
        break;
      case 'enum':
        lines.push('      <elements>', `        <enum id="${name}" valueName="${xml(place.valueName!)}" required="true">`);
        for (const value of kind.values)
          lines.push(
            `          <item displayName="$(string.${name}__${id(value).replace(/-/g, '_')})">`,
            `            <value>`,
            `              <string>${xml(value)}</string>`,
            '            </value>',
            '          </item>',
          );
        lines.push('        </enum>', '      </elements>');
        break;
      case 'string':
        lines.push(
          '      <elements>',
          `        <text id="${name}" valueName="${xml(place.valueName!)}" maxLength="${kind.maxLength}" required="true" />`,
          '      </elements>',
        );
        break;
      case 'list':
        lines.push('      <elements>', `        <list id="${name}" key="${xml(place.key)}" valuePrefix="" />`, '      </elements>');
        break;
      case 'json':
        lines.push('      <elements>', `        <multiText id="${name}" valueName="${xml(place.valueName!)}" maxLength="1000000" />`, '      </elements>');
        break;
    }
    lines.push('    </policy>');
  }
  lines.push('  </policies>', '</policyDefinitions>', '');
  return lines.join('\n');
}

// ------------------------------------------------------------------ ADML

const LEVEL_TEXT: Texts = [
  'Tietokoneen määrityksissä (HKLM) arvo on pakotettu. Käyttäjän määrityksissä (HKCU) se on oletus, jonka käyttäjä voi muuttaa.',
  'Under Datorkonfiguration (HKLM) är värdet tvingande. Under Användarkonfiguration (HKCU) är det ett standardvärde som användaren kan ändra.',
  'Under Computer Configuration (HKLM) the value is enforced. Under User Configuration (HKCU) it is a default the person may change.',
];
const ENFORCED_TEXT: Texts = [
  'Vain pakotettu (Tietokoneen määritykset, HKLM): käyttäjä ei voi muuttaa sitä.',
  'Endast tvingande (Datorkonfiguration, HKLM): användaren kan inte ändra det.',
  'Enforced only (Computer Configuration, HKLM): the person cannot change it.',
];
const BUILTIN_TEXT: Texts = ['Sisäänrakennettu arvo', 'Inbyggt värde', 'Built-in value'];
const JSON_TEXT: Texts = ['Arvo on JSON-muodossa.', 'Värdet anges som JSON.', 'The value is JSON.'];
const DESCRIPTION: Texts = [
  'Sinetin organisaatiokohtaiset asetukset (luotu skeemasta).',
  'Organisationens inställningar för Sinetti (genererade från schemat).',
  "The organisation's settings for Sinetti (generated from the schema).",
];

export function adml(language: (typeof LANGS)[number]['dir']): string {
  const i = LANGS.find((l) => l.dir === language)!.index;
  const strings: [string, string][] = [
    ['Sinetti', 'Sinetti'],
    ['SUPPORTED_Sinetti', 'Sinetti 0.1+'],
    ...SECTION_IDS.map((s): [string, string] => [`Category_${s}`, SECTION_TITLES[s][i]]),
  ];
  const presentations: string[] = [];
  for (const setting of SETTINGS) {
    const kind = settingKind(setting);
    const name = id(setting.key);
    const title = SETTING_TITLES[setting.key][i];
    const place = registryPlace(setting);
    const explain = [
      title + '.',
      (canBeDefault(setting) ? LEVEL_TEXT : ENFORCED_TEXT)[i],
      kind.kind === 'json' ? JSON_TEXT[i] : '',
      `${BUILTIN_TEXT[i]}: ${JSON.stringify(setting.builtin)}.`,
      `${place.key}${place.valueName ? ` › ${place.valueName}` : ''} (${setting.key})`,
    ]
      .filter(Boolean)
      .join('\n\n');
    strings.push([name, title], [`${name}_Explain`, explain]);
    if (kind.kind === 'enum') for (const value of kind.values) strings.push([`${name}__${id(value).replace(/-/g, '_')}`, value]);
    const control = {
      boolean: null,
      integer: `<decimalTextBox refId="${name}">${xml(title)}</decimalTextBox>`,
      enum: `<dropdownList refId="${name}" noSort="true">${xml(title)}</dropdownList>`,
      string: `<textBox refId="${name}"><label>${xml(title)}</label></textBox>`,
      list: `<listBox refId="${name}">${xml(title)}</listBox>`,
      json: `<multiTextBox refId="${name}">${xml(title)}</multiTextBox>`,
    }[kind.kind];
    if (control) presentations.push(`      <presentation id="${name}">`, `        ${control}`, '      </presentation>');
  }
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Generated from shared/managed-config-schema.ts by npm run managed-config:generate: do not edit. -->',
    '<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
    '  <displayName>Sinetti</displayName>',
    `  <description>${xml(DESCRIPTION[i])}</description>`,
    '  <resources>',
    '    <stringTable>',
    ...strings.map(([key, text]) => `      <string id="${key}">${xml(text)}</string>`),
    '    </stringTable>',
    '    <presentationTable>',
    ...presentations,
    '    </presentationTable>',
    '  </resources>',
    '</policyDefinitionResources>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ JSON Schema, example, mobileconfig

export function jsonSchema(): string {
  const schema = {
    ...z.toJSONSchema(managedDocumentSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://sinetti.example/schemas/sinetti-managed-config-1.schema.json',
    title: 'Sinetti managed configuration (/etc/sinetti/managed-config.json, the macOS profile payload)',
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

/** A start for IT: idle lock enforced, updates from IT's server, the internal domains, a default channel. */
export const EXAMPLE_DOCUMENT: ManagedDocument = {
  $schema: './sinetti-managed-config.schema.json',
  enforced: {
    idleLock: { minutes: 10 },
    updates: { enabled: true, url: 'https://paivitykset.kunta.example/sinetti/' },
    features: { addAccounts: false },
    policy: {
      organisation: { name: 'Esimerkin kunta' },
      domains: { internal: ['kunta.example'], partner: ['hyvinvointialue.example'] },
      actions: { sensitive: { internal: 'encrypt', partner: 'gateway', external: 'gateway' } },
      gateway: { enabled: true, method: 'suffix', suffix: '.s' },
    },
  },
  defaults: { updates: { channel: 'stable', mode: 'notify' }, logging: { level: 'info' } },
};

export function exampleDocument(): string {
  return JSON.stringify(EXAMPLE_DOCUMENT, null, 2) + '\n';
}

export function mobileconfig(): string {
  const { $schema: _schema, ...payload } = EXAMPLE_DOCUMENT;
  const profile = {
    PayloadContent: [
      {
        PayloadType: 'fi.sinetti.desktop',
        PayloadIdentifier: 'fi.sinetti.desktop.managed-config',
        PayloadUUID: '5E7A2F1C-3B6D-4C8E-9A01-51A7E771C0DE',
        PayloadVersion: 1,
        PayloadDisplayName: 'Sinetti',
        ...payload,
      },
    ],
    PayloadDisplayName: 'Sinetti (example)',
    PayloadDescription: 'Example managed configuration for Sinetti, generated from its schema.',
    PayloadIdentifier: 'fi.sinetti.desktop.profile',
    PayloadType: 'Configuration',
    PayloadUUID: '0C1F5D2A-8E44-4B7B-A3D9-6A1D2F0B5E11',
    PayloadVersion: 1,
    PayloadScope: 'System',
  };
  return buildPlist(profile as unknown as PlistValue) + '\n';
}

// ------------------------------------------------------------------ reference page

function typeText(setting: SettingDefinition): string {
  const kind = settingKind(setting);
  switch (kind.kind) {
    case 'boolean':
      return 'boolean (REG_DWORD 0/1)';
    case 'integer':
      return `integer ${kind.min}–${kind.max} (REG_DWORD)`;
    case 'enum':
      return `one of ${kind.values.map((v) => `\`${v}\``).join(', ')} (REG_SZ)`;
    case 'string':
      return 'text (REG_SZ)';
    case 'list':
      return 'list of text (subkey of values 1, 2, 3…, or REG_MULTI_SZ)';
    case 'json':
      return 'JSON (REG_SZ or REG_MULTI_SZ)';
  }
}

export function referencePage(): string {
  const out: string[] = [
    '<!-- Generated from shared/managed-config-schema.ts by npm run managed-config:generate: do not edit. -->',
    '# Managed configuration reference',
    '',
    'Every setting IT can set for Sinetti. Each is **enforced** (the person cannot change it) or, where the',
    'table says so, may also be a **default** (a starting value the person may change). Where it is read:',
    '',
    '- **Windows**: `HKLM\\Software\\Policies\\Sinetti` (enforced) and `HKCU\\Software\\Policies\\Sinetti` (defaults only),',
    '  written by Group Policy or Intune from `resources/managed-config/sinetti.admx` (+ `fi-FI`, `sv-SE`, `en-US` ADML).',
    '  The HKLM key must be changeable only by administrators.',
    '- **macOS**: a configuration profile for `fi.sinetti.desktop` (`/Library/Managed Preferences/fi.sinetti.desktop.plist`);',
    '  see `resources/managed-config/sinetti.mobileconfig`. Its payload holds `enforced` and `defaults`.',
    '- **Linux**: `/etc/sinetti/managed-config.json` (`{ "enforced": {…}, "defaults": {…} }`, JSON Schema',
    '  `resources/managed-config/sinetti-managed-config.schema.json`, example `example-managed-config.json`), owned by root',
    '  and writable by no one else, like every directory above it.',
    '',
    'Changes apply while Sinetti runs (files are watched; everything is also read again every 15 s).',
    'A value that does not match the schema makes the configuration invalid: the previous values stay in force and',
    'nothing can be sent until IT fixes it. Registry paths below are under `…\\Policies\\Sinetti`.',
    '',
  ];
  for (const section of SECTION_IDS) {
    const [fi, sv, en] = SECTION_TITLES[section];
    out.push(`## ${en} (\`${section}\`)`, '', `*${fi} · ${sv}*`, '');
    out.push('| Setting | Type | Built-in | Default allowed | Registry key › value | fi / sv |', '| --- | --- | --- | --- | --- | --- |');
    for (const setting of SETTINGS.filter((s) => s.section === section)) {
      const place = registryPlace(setting);
      const where = `\`${place.key.replace(`${REGISTRY_ROOT}\\`, '')}\`${place.valueName ? ` › \`${place.valueName}\`` : ''}`;
      const [tfi, tsv, ten] = SETTING_TITLES[setting.key];
      out.push(
        `| \`${setting.key}\`<br>${ten} | ${typeText(setting)} | \`${JSON.stringify(setting.builtin)}\` | ${canBeDefault(setting) ? 'yes' : 'no'} | ${where} | ${tfi} / ${tsv} |`,
      );
    }
    out.push('');
  }
  return out.join('\n').replace(/\|/g, '|');
}

/** Every generated file, by path from the repository root. */
export function generatedFiles(): Record<string, string> {
  return {
    'resources/managed-config/sinetti.admx': admx(),
    ...Object.fromEntries(LANGS.map((l) => [`resources/managed-config/${l.dir}/sinetti.adml`, adml(l.dir)])),
    'resources/managed-config/sinetti-managed-config.schema.json': jsonSchema(),
    'resources/managed-config/example-managed-config.json': exampleDocument(),
    'resources/managed-config/sinetti.mobileconfig': mobileconfig(),
    'docs/managed-configuration.md': referencePage(),
  };
}

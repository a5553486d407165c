/**
 * The ADMX/ADML, .mobileconfig, JSON Schema, example and reference page are generated from the
 * one schema: the files in the repository must equal what the generator returns now (run
 * `npm run managed-config:generate` after changing the schema), every XML file must be
 * well-formed, and what the ADMX writes to the registry must be what the reader reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parsePlist } from 'plist';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { managedDocumentSchema, SETTINGS, settingDefinition } from '../../../shared/managed-config-schema.js';
import { layerFromRegistry, type RegistryKeyTree } from '../../../main/services/managed-config/windows-registry.js';
import { settingKind } from '../../../main/services/managed-config/setting-kinds.js';
import { EXAMPLE_DOCUMENT, generatedFiles, registryPlace, REGISTRY_ROOT } from '../../../scripts/managed-config/generate.js';

const root = join(import.meta.dirname, '..', '..', '..');
const files = generatedFiles();

function wellFormed(text: string): { ids: string[]; error: string | null } {
  const parser = new SaxesParser({ xmlns: true });
  const ids: string[] = [];
  let error: string | null = null;
  parser.on('error', (e) => (error ??= e.message));
  parser.on('opentag', (tag) => {
    const value = tag.attributes['id'];
    if (value && typeof value === 'object' && 'value' in value) ids.push(value.value);
  });
  parser.write(text).close();
  return { ids, error };
}

describe('generated managed-configuration files', () => {
  it.each(Object.keys(files))('%s equals what the schema generates (npm run managed-config:generate)', (path) => {
    expect(readFileSync(join(root, path), 'utf8'), `${path} is out of date: run npm run managed-config:generate`).toBe(files[path]);
  });

  it('ADMX and the three ADML files are well-formed XML, and every string and presentation the ADMX names exists in each language', () => {
    const admx = files['resources/managed-config/sinetti.admx']!;
    expect(wellFormed(admx).error).toBeNull();
    const strings = [...admx.matchAll(/\$\(string\.([A-Za-z0-9_]+)\)/g)].map((m) => m[1]!);
    const presentations = [...admx.matchAll(/\$\(presentation\.([A-Za-z0-9_]+)\)/g)].map((m) => m[1]!);
    expect(strings.length).toBeGreaterThan(SETTINGS.length);
    for (const lang of ['fi-FI', 'sv-SE', 'en-US']) {
      const { ids, error } = wellFormed(files[`resources/managed-config/${lang}/sinetti.adml`]!);
      expect(error, lang).toBeNull();
      expect(ids).toEqual(expect.arrayContaining([...strings, ...presentations]));
    }
    // A policy per setting, each under the vendor key Intune accepts.
    expect([...admx.matchAll(/<policy name=/g)]).toHaveLength(SETTINGS.length);
    expect([...admx.matchAll(/ key="([^"]+)"/g)].every((m) => m[1]!.startsWith(REGISTRY_ROOT))).toBe(true);
  });

  it('a broken XML file is caught (the check itself works)', () => {
    expect(wellFormed('<a><b></a>').error).not.toBeNull();
  });

  it('the example document and the .mobileconfig payload are valid managed configuration', () => {
    expect(managedDocumentSchema.safeParse(EXAMPLE_DOCUMENT).success).toBe(true);
    const profile = parsePlist(files['resources/managed-config/sinetti.mobileconfig']!) as { PayloadContent: Record<string, unknown>[] };
    const { enforced, defaults } = profile.PayloadContent[0]!;
    expect(managedDocumentSchema.parse({ enforced, defaults })).toEqual({ enforced: EXAMPLE_DOCUMENT.enforced, defaults: EXAMPLE_DOCUMENT.defaults });
  });

  it('what the ADMX places in the registry is what the reader reads back', () => {
    // Write the example as Group Policy would, at the places the generator gives each setting.
    const tree: RegistryKeyTree = { values: {}, keys: {} };
    const node = (key: string) =>
      key
        .split('\\')
        .slice(3)
        .reduce((n, part) => (n.keys[part] ??= { values: {}, keys: {} }), tree);
    const walk = (value: unknown, prefix: string) => {
      const setting = settingDefinition(prefix);
      if (!setting) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, prefix ? `${prefix}.${k}` : k);
        return;
      }
      const place = registryPlace(setting);
      const kind = settingKind(setting).kind;
      if (kind === 'list') (value as string[]).forEach((item, i) => (node(place.key).values[String(i + 1)] = { type: 'REG_SZ', data: item }));
      else if (kind === 'boolean') node(place.key).values[place.valueName!] = { type: 'REG_DWORD', data: value ? 1 : 0 };
      else if (kind === 'integer') node(place.key).values[place.valueName!] = { type: 'REG_DWORD', data: value as number };
      else if (kind === 'json') node(place.key).values[place.valueName!] = { type: 'REG_MULTI_SZ', data: JSON.stringify(value, null, 1).split('\n') };
      else node(place.key).values[place.valueName!] = { type: 'REG_SZ', data: value as string };
    };
    walk(EXAMPLE_DOCUMENT.enforced, '');
    expect(layerFromRegistry(tree, 'HKLM')).toEqual({ layer: EXAMPLE_DOCUMENT.enforced, problems: [] });
  });
});

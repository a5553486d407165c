/**
 * How each setting is written where it is not JSON: a registry value type and an ADMX element.
 * Decided once from the setting's own schema, so the registry reader and the ADMX generator
 * cannot disagree. Lists of strings are a subkey with values 1, 2, 3… (ADMX `list`); anything
 * that is not a plain scalar or a list of strings (lists of objects, unions) is JSON text.
 */
import { z } from 'zod';
import type { SettingDefinition } from '../../../shared/managed-config-schema.js';

export type SettingKind =
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'enum'; values: string[] }
  | { kind: 'string'; maxLength: number }
  | { kind: 'list' }
  | { kind: 'json' };

const cache = new Map<string, SettingKind>();

export function settingKind(setting: SettingDefinition): SettingKind {
  const known = cache.get(setting.key);
  if (known) return known;
  const json = z.toJSONSchema(setting.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  let kind: SettingKind;
  if (json.type === 'boolean') kind = { kind: 'boolean' };
  else if (json.type === 'integer') kind = { kind: 'integer', min: Number(json.minimum ?? 0), max: Number(json.maximum ?? 0xffffffff) };
  else if (json.type === 'string' && Array.isArray(json.enum)) kind = { kind: 'enum', values: json.enum as string[] };
  else if (json.type === 'string') kind = { kind: 'string', maxLength: Number(json.maxLength ?? 1024) };
  // A URL or nothing (`'' | https URL`): still one string.
  else if (Array.isArray(json.anyOf) && (json.anyOf as Record<string, unknown>[]).every((branch) => branch.type === 'string'))
    kind = { kind: 'string', maxLength: 2048 };
  else if (json.type === 'array' && (json.items as Record<string, unknown> | undefined)?.type === 'string') kind = { kind: 'list' };
  else kind = { kind: 'json' };
  cache.set(setting.key, kind);
  return kind;
}

/**
 * The effective configuration from its levels, setting by setting: the built-in value <
 * the organisation's default < the person's own value < the organisation's enforced value.
 * A default only counts for a setting whose schema allows one (an enforced-only setting given
 * as a default is reported and ignored: a default is something the person may change, and for
 * these nobody but IT may); a personal value only counts where a default is allowed and IT has
 * not enforced the setting. The secure-send policy's own preference layer is not here: it lives
 * with the policy and may only tighten it (main/services/policy/policy-layers.ts).
 */
import { SETTINGS, type ManagedConfig, type ManagedConfigView, type ManagedLayer, type SettingSource } from '../../../shared/managed-config-schema.js';
import { getPath, setPath } from './setting-paths.js';

export interface ResolvedManagedConfig {
  config: ManagedConfig;
  settings: ManagedConfigView['settings'];
  problems: string[];
}

export function resolveManagedConfig(levels: { enforced?: ManagedLayer; defaults?: ManagedLayer; personal?: Record<string, unknown> }): ResolvedManagedConfig {
  const config: Record<string, unknown> = {};
  const settings: ManagedConfigView['settings'] = {};
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const enforced = getPath(levels.enforced, setting.key);
    const allowsDefault = setting.levels.includes('default');
    let orgDefault = getPath(levels.defaults, setting.key);
    if (orgDefault !== undefined && !allowsDefault) {
      problems.push(`${setting.key}: can only be enforced, so the default given for it is ignored`);
      orgDefault = undefined;
    }
    const personal = allowsDefault && enforced === undefined ? levels.personal?.[setting.key] : undefined;
    let value: unknown = setting.builtin;
    let source: SettingSource = 'builtin';
    if (enforced !== undefined) [value, source] = [enforced, 'organisation-enforced'];
    else if (personal !== undefined) [value, source] = [personal, 'personal'];
    else if (orgDefault !== undefined) [value, source] = [orgDefault, 'organisation-default'];
    setPath(config, setting.key, structuredClone(value));
    settings[setting.key] = { value, source, locked: enforced !== undefined, personal: allowsDefault && enforced === undefined };
  }
  return { config: config as ManagedConfig, settings, problems };
}

/**
 * The managed configuration in the Windows registry, where Group Policy and Intune (ADMX
 * ingestion) write it: `HKLM\SOFTWARE\Policies\Sinetti` holds what IT enforces,
 * `HKCU\SOFTWARE\Policies\Sinetti` only defaults the person may change. A setting's registry
 * place follows its dotted path: `idleLock.minutes` is the value `minutes` under the key
 * `…\Sinetti\idleLock`; a list of strings is a subkey holding values 1, 2, 3… (or one
 * REG_MULTI_SZ); anything else that is not a scalar is JSON text (setting-kinds.ts).
 *
 * Read in process by `native-reg` (prebuilt N-API binaries inside its npm package, an optional
 * dependency) and otherwise by `reg.exe` from the fixed system directory. The HKLM key and the
 * keys above it must be changeable only by administrators (its access list, as SDDL from
 * PowerShell, through the same check as files): a key an ordinary user could write is refused.
 */
import { createRequire } from 'node:module';
import { SETTINGS } from '../../../shared/managed-config-schema.js';
import { runSystemCommand, type SystemCommand } from '../policy/managed-policy-location.js';
import { readWindowsSddl, windowsAclProblem } from '../policy/managed-policy-protection.js';
import type { ManagedConfigSource, SourceRead } from './managed-config-source.js';
import { setPath } from './setting-paths.js';
import { settingKind } from './setting-kinds.js';

export const POLICY_KEY = 'SOFTWARE\\Policies\\Sinetti';

export interface RegistryValue {
  type: string;
  data: string | number | string[];
}
export interface RegistryKeyTree {
  values: Record<string, RegistryValue>;
  keys: Record<string, RegistryKeyTree>;
}
/** The tree under a key, or null when the key does not exist. Throws when it cannot be read. */
export type RegistryReader = (hive: 'HKLM' | 'HKCU', path: string) => RegistryKeyTree | null;

// ------------------------------------------------------------------ reg.exe

const emptyTree = (): RegistryKeyTree => ({ values: {}, keys: {} });

function parseRegData(type: string, raw: string): string | number | string[] {
  if (type === 'REG_DWORD' || type === 'REG_QWORD') return Number.parseInt(raw, 16);
  if (type === 'REG_MULTI_SZ') return raw === '' ? [] : raw.split('\\0');
  return raw;
}

/** The tree from `reg query <root> /s` output (keys as full paths, values indented by four spaces). */
export function parseRegQueryTree(output: string, root: string): RegistryKeyTree {
  const tree = emptyTree();
  let current: RegistryKeyTree | null = null;
  const rootLower = root.toLowerCase();
  for (const line of output.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (/^HKEY_/i.test(line)) {
      const path = line.trim();
      if (path.toLowerCase() === rootLower) current = tree;
      else if (path.toLowerCase().startsWith(rootLower + '\\')) {
        current = tree;
        for (const part of path.slice(root.length + 1).split('\\')) current = current.keys[part] ??= emptyTree();
      } else current = null;
      continue;
    }
    const match = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!match || !current) continue;
    const [, name = '', type = '', data = ''] = match;
    // The unnamed default value reg.exe prints for a key with none set.
    if (name === '(Default)' || name === '') continue;
    current.values[name] = { type, data: parseRegData(type, data) };
  }
  return tree;
}

const HIVES = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER' } as const;

/**
 * reg.exe prints its errors in the system's language, so whether the key exists is decided from
 * the listing of its parent (which always exists), never from an error text.
 */
export function regExeReader(run: SystemCommand = runSystemCommand): RegistryReader {
  return (hive, path) => {
    const full = `${HIVES[hive]}\\${path}`;
    const parent = full.slice(0, full.lastIndexOf('\\'));
    const listing = run('reg.exe', ['query', parent]);
    const exists = listing.split(/\r?\n/).some((line) => line.trim().toLowerCase() === full.toLowerCase());
    if (!exists) return null;
    return parseRegQueryTree(run('reg.exe', ['query', full, '/s']), full);
  };
}

// ------------------------------------------------------------------ native-reg

type NativeReg = typeof import('native-reg');
const VALUE_TYPES: Record<number, string> = { 1: 'REG_SZ', 2: 'REG_EXPAND_SZ', 3: 'REG_BINARY', 4: 'REG_DWORD', 7: 'REG_MULTI_SZ', 11: 'REG_QWORD' };

export function nativeReader(reg: NativeReg): RegistryReader {
  const readKey = (key: import('native-reg').HKEY): RegistryKeyTree => {
    const tree = emptyTree();
    for (const name of reg.enumValueNames(key)) {
      if (!name) continue;
      const raw = reg.queryValueRaw(key, name);
      if (!raw) continue;
      const parsed = reg.parseValue(raw);
      const data = typeof parsed === 'bigint' ? Number(parsed) : parsed;
      tree.values[name] = {
        type: VALUE_TYPES[raw.type] ?? `REG_${raw.type}`,
        data: Buffer.isBuffer(data) || data === null ? '' : (data as string | number | string[]),
      };
    }
    for (const name of reg.enumKeyNames(key)) {
      const child = reg.openKey(key, name, reg.Access.READ);
      if (!child) continue;
      try {
        tree.keys[name] = readKey(child);
      } finally {
        reg.closeKey(child);
      }
    }
    return tree;
  };
  return (hive, path) => {
    const key = reg.openKey(hive === 'HKLM' ? reg.HKLM : reg.HKCU, path, reg.Access.READ | reg.Access.WOW64_64KEY);
    if (!key) return null;
    try {
      return readKey(key);
    } finally {
      reg.closeKey(key);
    }
  };
}

/** native-reg when its prebuilt binary loads here, else reg.exe. */
export function defaultRegistryReader(): { reader: RegistryReader; via: string } {
  try {
    const reg = createRequire(import.meta.url)('native-reg') as NativeReg;
    if (typeof reg.openKey === 'function' && process.platform === 'win32') return { reader: nativeReader(reg), via: 'native-reg' };
  } catch {
    // No binary for this platform or architecture: reg.exe reads the same keys.
  }
  return { reader: regExeReader(), via: 'reg.exe' };
}

// ------------------------------------------------------------------ tree → layer

const LEAVES = new Map(SETTINGS.map((s) => [s.key.toLowerCase(), s]));
const PREFIXES = new Map<string, string>();
for (const s of SETTINGS) {
  const parts = s.key.split('.');
  for (let i = 1; i < parts.length; i++) PREFIXES.set(parts.slice(0, i).join('.').toLowerCase(), parts.slice(0, i).join('.'));
}

function leafValue(key: string, value: RegistryValue, problems: string[], where: string): unknown {
  const setting = LEAVES.get(key.toLowerCase())!;
  const kind = settingKind(setting);
  const { type, data } = value;
  switch (kind.kind) {
    case 'boolean':
      if (type === 'REG_DWORD' && (data === 0 || data === 1)) return data === 1;
      problems.push(`${where}: expected REG_DWORD 0 or 1, got ${type} ${String(data)}`);
      return undefined;
    case 'integer':
      if ((type === 'REG_DWORD' || type === 'REG_QWORD') && typeof data === 'number') return data;
      if (type === 'REG_SZ' && /^\d+$/.test(String(data))) return Number(data);
      problems.push(`${where}: expected a REG_DWORD number, got ${type}`);
      return undefined;
    case 'enum':
    case 'string':
      // REG_EXPAND_SZ is taken literally: expanding it would read the user's environment.
      if ((type === 'REG_SZ' || type === 'REG_EXPAND_SZ') && typeof data === 'string') return data;
      problems.push(`${where}: expected REG_SZ text, got ${type}`);
      return undefined;
    case 'list':
      if (type === 'REG_MULTI_SZ' && Array.isArray(data)) return data;
      problems.push(`${where}: expected a list key or REG_MULTI_SZ, got ${type}`);
      return undefined;
    case 'json': {
      const text = Array.isArray(data) ? data.join('\n') : typeof data === 'string' ? data : null;
      if (text === null || (type !== 'REG_SZ' && type !== 'REG_MULTI_SZ')) {
        problems.push(`${where}: expected JSON text (REG_SZ), got ${type}`);
        return undefined;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        problems.push(`${where}: not valid JSON: ${(error as Error).message}`);
        return undefined;
      }
    }
  }
}

/** A subkey of values 1, 2, 3… (what an ADMX `list` writes) in numeric order. */
function listFromKey(tree: RegistryKeyTree, problems: string[], where: string): string[] {
  const entries = Object.entries(tree.values);
  const bad = entries.find(([, v]) => v.type !== 'REG_SZ' || typeof v.data !== 'string');
  if (bad) problems.push(`${where}\\${bad[0]}: list entries must be REG_SZ text`);
  return entries
    .filter(([, v]) => typeof v.data === 'string')
    .sort(([a], [b]) => (Number(a) || 0) - (Number(b) || 0) || a.localeCompare(b))
    .map(([, v]) => v.data as string);
}

/** The layer (as a document fragment) the keys and values under `Sinetti` describe; unknown names are problems. */
export function layerFromRegistry(tree: RegistryKeyTree, where: string): { layer: Record<string, unknown>; problems: string[] } {
  const layer: Record<string, unknown> = {};
  const problems: string[] = [];
  const walk = (node: RegistryKeyTree, prefix: string, at: string) => {
    for (const [name, value] of Object.entries(node.values)) {
      const key = prefix ? `${prefix}.${name}` : name;
      const setting = LEAVES.get(key.toLowerCase());
      if (!setting) {
        problems.push(`${at}: unknown setting "${name}"`);
        continue;
      }
      const parsed = leafValue(setting.key, value, problems, `${at}\\${name}`);
      if (parsed !== undefined) setPath(layer, setting.key, parsed);
    }
    for (const [name, child] of Object.entries(node.keys)) {
      const key = prefix ? `${prefix}.${name}` : name;
      const setting = LEAVES.get(key.toLowerCase());
      if (setting && settingKind(setting).kind === 'list') setPath(layer, setting.key, listFromKey(child, problems, `${at}\\${name}`));
      else if (PREFIXES.has(key.toLowerCase())) walk(child, PREFIXES.get(key.toLowerCase())!, `${at}\\${name}`);
      else problems.push(`${at}: unknown key "${name}"`);
    }
  };
  walk(tree, '', where);
  return { layer, problems };
}

// ------------------------------------------------------------------ the source

/** The SDDL of the HKLM key and the keys above it (`Registry::` paths for Get-Acl). */
export type RegistrySddlReader = (paths: string[]) => string[];

export function windowsRegistrySource(options: { reader?: RegistryReader; readSddl?: RegistrySddlReader } = {}): ManagedConfigSource {
  const reader = options.reader ?? defaultRegistryReader().reader;
  const readSddl = options.readSddl ?? ((paths: string[]) => readWindowsSddl(paths));
  const machine = `HKLM\\${POLICY_KEY}`;
  const user = `HKCU\\${POLICY_KEY}`;
  return {
    locations: [machine, user],
    watchDirectories: [],
    read(): SourceRead {
      let enforcedTree: RegistryKeyTree | null;
      let defaultsTree: RegistryKeyTree | null;
      try {
        enforcedTree = reader('HKLM', POLICY_KEY);
        defaultsTree = reader('HKCU', POLICY_KEY);
      } catch (error) {
        return { status: 'invalid', problems: [`the registry could not be read (${(error as Error).message.split('\n')[0]})`] };
      }
      if (!enforcedTree && !defaultsTree) return { status: 'absent' };
      if (enforcedTree) {
        // A key under HKLM\SOFTWARE\Policies is administrators' by default; one an ordinary user could change is no policy.
        const chain = [POLICY_KEY, 'SOFTWARE\\Policies', 'SOFTWARE'].map((p) => `Registry::HKEY_LOCAL_MACHINE\\${p}`);
        let sddl: string[];
        try {
          sddl = readSddl(chain);
        } catch (error) {
          return { status: 'invalid', problems: [`${machine}: who may change it could not be checked (${(error as Error).message.split('\n')[0]})`] };
        }
        for (const [i, path] of chain.entries()) {
          const problem = windowsAclProblem(path.replace('Registry::HKEY_LOCAL_MACHINE', 'HKLM'), sddl[i]!, i === 0 ? 'registry-key' : 'registry-parent');
          if (problem) return { status: 'invalid', problems: [`${machine} refused because ordinary users could change it: ${problem}`] };
        }
      }
      const enforced = enforcedTree ? layerFromRegistry(enforcedTree, machine) : null;
      const defaults = defaultsTree ? layerFromRegistry(defaultsTree, user) : null;
      // A mistake in what IT enforces stops what depends on it; a mistake in a default only drops the defaults.
      if (enforced?.problems.length) return { status: 'invalid', problems: enforced.problems };
      const warnings = defaults?.problems ?? [];
      return {
        status: 'ok',
        ...(enforced ? { enforced: enforced.layer } : {}),
        ...(defaults && !warnings.length ? { defaults: defaults.layer } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    },
  };
}

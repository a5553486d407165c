/**
 * The Windows registry as IT's Group Policy writes it, through fakes of reg.exe, native-reg and
 * PowerShell's Get-Acl: HKLM is enforced, HKCU only defaults; a key ordinary users could change
 * is refused; a wrong value type or an unknown name is an exact problem, never ignored.
 */
import { describe, expect, it } from 'vitest';
import {
  layerFromRegistry,
  nativeReader,
  parseRegQueryTree,
  regExeReader,
  windowsRegistrySource,
  type RegistryKeyTree,
} from '../../../main/services/managed-config/windows-registry.js';
import { ManagedConfigService } from '../../../main/services/managed-config/managed-config-service.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';

const ROOT = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Sinetti';
const REG_QUERY_S = [
  '',
  ROOT,
  '',
  `${ROOT}\\idleLock`,
  '    minutes    REG_DWORD    0xa',
  '',
  `${ROOT}\\updates`,
  '    enabled    REG_DWORD    0x1',
  '    url    REG_SZ    https://paivitys.kunta.fi/sinetti',
  '',
  `${ROOT}\\policy\\domains\\internal`,
  '    1    REG_SZ    kunta.fi',
  '    2    REG_SZ    hyvinvointialue.fi',
  '',
  `${ROOT}\\policy\\actions\\sensitive`,
  '    external    REG_SZ    gateway',
  '',
  `${ROOT}\\oauth`,
  '    scopes    REG_MULTI_SZ    openid\\0offline_access',
  '',
].join('\r\n');

const ADMIN_ONLY = 'O:BAG:SYD:PAI(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KR;;;BU)';

function tree(values: RegistryKeyTree['values'] = {}, keys: RegistryKeyTree['keys'] = {}): RegistryKeyTree {
  return { values, keys };
}

describe('reg.exe output → the managed layer', () => {
  it('reads DWORDs, text, list keys and REG_MULTI_SZ into the settings they name', () => {
    const parsed = parseRegQueryTree(REG_QUERY_S, ROOT);
    expect(layerFromRegistry(parsed, 'HKLM')).toEqual({
      layer: {
        idleLock: { minutes: 10 },
        updates: { enabled: true, url: 'https://paivitys.kunta.fi/sinetti' },
        policy: { domains: { internal: ['kunta.fi', 'hyvinvointialue.fi'] }, actions: { sensitive: { external: 'gateway' } } },
        oauth: { scopes: ['openid', 'offline_access'] },
      },
      problems: [],
    });
  });

  it('names a wrong type, an unknown value and an unknown key exactly', () => {
    const bad = tree(
      { typo: { type: 'REG_SZ', data: 'x' } },
      {
        idleLock: tree({ minutes: { type: 'REG_SZ', data: 'ten' } }),
        updates: tree({ enabled: { type: 'REG_DWORD', data: 2 } }),
        nonsense: tree(),
      },
    );
    expect(layerFromRegistry(bad, 'HKLM\\SOFTWARE\\Policies\\Sinetti').problems).toEqual([
      'HKLM\\SOFTWARE\\Policies\\Sinetti: unknown setting "typo"',
      'HKLM\\SOFTWARE\\Policies\\Sinetti\\idleLock\\minutes: expected a REG_DWORD number, got REG_SZ',
      'HKLM\\SOFTWARE\\Policies\\Sinetti\\updates\\enabled: expected REG_DWORD 0 or 1, got REG_DWORD 2',
      'HKLM\\SOFTWARE\\Policies\\Sinetti: unknown key "nonsense"',
    ]);
  });

  it('takes REG_EXPAND_SZ literally: expanding it would read the environment', () => {
    const parsed = layerFromRegistry(tree({}, { updates: tree({ url: { type: 'REG_EXPAND_SZ', data: '%UPDATE_URL%' } }) }), 'HKLM');
    expect(parsed.layer).toEqual({ updates: { url: '%UPDATE_URL%' } });
  });

  it('decides that the key is absent from the listing of its parent, never from an error text (Finnish Windows)', () => {
    const calls: string[][] = [];
    const reader = regExeReader((exe, args) => {
      calls.push(args);
      if (args.includes('/s')) return REG_QUERY_S;
      return '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\r\n';
    });
    expect(reader('HKLM', 'SOFTWARE\\Policies\\Sinetti')).toBeNull();
    expect(calls).toEqual([['query', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies']]);
    const present = regExeReader((exe, args) => (args.includes('/s') ? REG_QUERY_S : `${ROOT}\r\n`));
    expect(present('HKLM', 'SOFTWARE\\Policies\\Sinetti')?.keys.idleLock?.values.minutes).toEqual({ type: 'REG_DWORD', data: 10 });
  });
});

describe('native-reg reader (fake module)', () => {
  it('walks keys and values with their types', () => {
    const keys: Record<string, { values: Record<string, [number, unknown]>; keys: string[] }> = {
      Sinetti: { values: {}, keys: ['idleLock'] },
      'Sinetti\\idleLock': { values: { minutes: [4, 7] }, keys: [] },
    };
    const fake = {
      HKLM: 'HKLM',
      HKCU: 'HKCU',
      Access: { READ: 1, WOW64_64KEY: 0x100 },
      openKey: (parent: string, name: string) => {
        const path = parent === 'HKLM' ? name.replace('SOFTWARE\\Policies\\', '') : `${parent}\\${name}`;
        return keys[path] ? path : null;
      },
      enumValueNames: (key: string) => Object.keys(keys[key]!.values),
      enumKeyNames: (key: string) => keys[key]!.keys,
      queryValueRaw: (key: string, name: string) => Object.assign(Buffer.alloc(0), { type: keys[key]!.values[name]![0], value: keys[key]!.values[name]![1] }),
      parseValue: (raw: { value: unknown }) => raw.value,
      closeKey: () => undefined,
    };
    const reader = nativeReader(fake as unknown as typeof import('native-reg'));
    expect(reader('HKLM', 'SOFTWARE\\Policies\\Sinetti')).toEqual(tree({}, { idleLock: tree({ minutes: { type: 'REG_DWORD', data: 7 } }) }));
    expect(reader('HKCU', 'SOFTWARE\\Policies\\Sinetti')).toBeNull();
  });
});

describe('the Windows source', () => {
  const memorySettings = () => new SettingsStore({ read: () => ({}), write: () => undefined });
  const machine = tree({}, { idleLock: tree({ minutes: { type: 'REG_DWORD', data: 5 } }) });
  const user = tree({}, { idleLock: tree({ minutes: { type: 'REG_DWORD', data: 20 } }), updates: tree({ channel: { type: 'REG_SZ', data: 'beta' } }) });

  it('HKLM is enforced and HKCU only defaults; both reach the resolved settings', () => {
    const source = windowsRegistrySource({ reader: (hive) => (hive === 'HKLM' ? machine : user), readSddl: (paths) => paths.map(() => ADMIN_ONLY) });
    const service = new ManagedConfigService({ source, settings: memorySettings() });
    expect(service.view().status).toBe('ok');
    expect(service.get('idleLock.minutes')).toBe(5);
    expect(service.isEnforced('idleLock.minutes')).toBe(true);
    expect(service.view().settings['updates.channel']).toMatchObject({ value: 'beta', source: 'organisation-default', locked: false });
  });

  it('refuses an HKLM key ordinary users could change, naming who', () => {
    const writable = 'O:BAG:SYD:(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KW;;;BU)';
    const source = windowsRegistrySource({ reader: () => machine, readSddl: (paths) => paths.map((p, i) => (i === 0 ? writable : ADMIN_ONLY)) });
    expect(source.read()).toEqual({
      status: 'invalid',
      problems: ['HKLM\\SOFTWARE\\Policies\\Sinetti refused because ordinary users could change it: HKLM\\SOFTWARE\\Policies\\Sinetti can be changed by Users'],
    });
    const ownedByUser = windowsRegistrySource({ reader: () => machine, readSddl: (paths) => paths.map(() => 'O:S-1-5-21-1-2-3-1001D:(A;;KA;;;SY)') });
    expect(ownedByUser.read()).toMatchObject({ status: 'invalid', problems: [expect.stringContaining('is owned by S-1-5-21-1-2-3-1001')] });
  });

  it('a failed access check or registry read is invalid, never "absent"', () => {
    const noPowerShell = windowsRegistrySource({
      reader: () => machine,
      readSddl: () => {
        throw new Error('powershell.exe was blocked');
      },
    });
    expect(noPowerShell.read()).toMatchObject({ status: 'invalid', problems: [expect.stringContaining('could not be checked (powershell.exe was blocked)')] });
    const noRegistry = windowsRegistrySource({
      reader: () => {
        throw new Error('reg.exe does not exist');
      },
      readSddl: () => [],
    });
    expect(noRegistry.read()).toMatchObject({ status: 'invalid' });
  });

  it('a wrong value in HKLM stops (invalid); a wrong default in HKCU only drops the defaults', () => {
    const badMachine = tree({}, { idleLock: tree({ minutes: { type: 'REG_SZ', data: 'ten' } }) });
    const a = windowsRegistrySource({ reader: (hive) => (hive === 'HKLM' ? badMachine : null), readSddl: (paths) => paths.map(() => ADMIN_ONLY) });
    expect(a.read()).toMatchObject({ status: 'invalid' });
    const badUser = tree({ oops: { type: 'REG_SZ', data: 'x' } });
    const b = windowsRegistrySource({ reader: (hive) => (hive === 'HKLM' ? machine : badUser), readSddl: (paths) => paths.map(() => ADMIN_ONLY) });
    expect(b.read()).toEqual({ status: 'ok', enforced: { idleLock: { minutes: 5 } }, warnings: ['HKCU\\SOFTWARE\\Policies\\Sinetti: unknown setting "oops"'] });
  });
});

/**
 * The attack: on Windows the managed policy's path came from the `ProgramData` environment
 * variable and nothing checked who could write the file, so an ordinary user could start Sinetti
 * with a policy of their own. The location now comes from the operating system (the registry,
 * read by reg.exe from the fixed system directory), and a file ordinary users could change is
 * refused on every platform: Windows by its owner and access list (recorded Get-Acl SDDL here),
 * POSIX by owner and mode of the file and every directory above it (real files, chown'ed as root).
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { managedPolicyLocation, parseRegQuery, windowsProgramData, type SystemCommand } from '../../../main/services/policy/managed-policy-location.js';
import { parseSddl, posixProtectionProblem, windowsAclProblem, windowsProtectionProblem } from '../../../main/services/policy/managed-policy-protection.js';
import { loadManagedPolicy } from '../../../main/services/policy/managed-policy.js';
import { PolicyService } from '../../../main/services/policy/policy-service.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';
import type { SettingsBackend } from '../../../main/services/settings/settings-backend.js';

// `reg query` output as Windows 11 prints it (blank line, key, indented value, blank line).
const SHELL_FOLDERS =
  '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders\r\n    Common AppData    REG_SZ    C:\\ProgramData\r\n\r\n';
const PROFILE_LIST =
  '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\r\n    ProgramData    REG_EXPAND_SZ    %SystemDrive%\\ProgramData\r\n\r\n';
const NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.';

function registry(answers: Record<string, string | Error>): SystemCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = ((exe: string, args: string[]) => {
    calls.push([exe, ...args]);
    const answer = answers[args[3]!];
    if (answer === undefined || answer instanceof Error) throw answer ?? new Error(NOT_FOUND);
    return answer;
  }) as SystemCommand & { calls: string[][] };
  run.calls = calls;
  return run;
}

describe('managed policy location comes from the operating system', () => {
  it('Windows: the ProgramData known folder from HKLM, whatever the environment says', () => {
    const saved = process.env.ProgramData;
    process.env.ProgramData = 'C:\\Users\\matti\\my-policy';
    try {
      const run = registry({ 'Common AppData': SHELL_FOLDERS });
      expect(managedPolicyLocation('win32', run)).toEqual({ path: 'C:\\ProgramData\\Sinetti\\policy.json' });
      expect(run.calls).toEqual([['reg.exe', 'query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders', '/v', 'Common AppData']]);
    } finally {
      if (saved === undefined) delete process.env.ProgramData;
      else process.env.ProgramData = saved;
    }
  });

  it("Windows: falls back to ProfileList, expanding %SystemDrive% to the system directory's drive, never the environment", () => {
    expect(windowsProgramData(registry({ ProgramData: PROFILE_LIST }))).toEqual({ path: 'C:\\ProgramData' });
    expect(parseRegQuery(PROFILE_LIST, 'programdata')).toBe('%SystemDrive%\\ProgramData');
  });

  it('Windows: refuses a value with other variables or a relative or network path, and says why when nothing is found', () => {
    const odd = (data: string) => `\r\nHKEY_LOCAL_MACHINE\\x\r\n    Common AppData    REG_EXPAND_SZ    ${data}\r\n`;
    for (const data of ['%USERPROFILE%\\ProgramData', 'ProgramData', '\\\\server\\share']) {
      expect(windowsProgramData(registry({ 'Common AppData': odd(data) }))).toMatchObject({
        path: null,
        problem: expect.stringContaining('not an absolute local path'),
      });
    }
    expect(windowsProgramData(registry({}))).toMatchObject({
      path: null,
      problem: expect.stringMatching(/could not be read from the registry.*unable to find/),
    });
  });

  it('Windows: without reg.exe in C:\\Windows\\System32 the location is unknown (never taken from SystemRoot)', () => {
    const saved = process.env.SystemRoot;
    process.env.SystemRoot = '/usr';
    try {
      // This machine has no C:\Windows\System32\reg.exe: the real runner must refuse, not look elsewhere.
      expect(managedPolicyLocation('win32')).toMatchObject({ path: null, problem: expect.stringContaining('C:\\Windows\\System32\\reg.exe does not exist') });
    } finally {
      if (saved === undefined) delete process.env.SystemRoot;
      else process.env.SystemRoot = saved;
    }
  });

  it('macOS and Linux: the fixed system locations', () => {
    expect(managedPolicyLocation('darwin')).toEqual({ path: '/Library/Application Support/Sinetti/policy.json' });
    expect(managedPolicyLocation('linux')).toEqual({ path: '/etc/sinetti/policy.json' });
  });

  it('an unknown location stops sending with the reason, like an invalid file', async () => {
    const backend = { read: () => ({}), write: () => undefined } as unknown as SettingsBackend;
    const service = new PolicyService({
      managedPolicyPath: { problem: 'the ProgramData folder could not be read from the registry' },
      settings: new SettingsStore(backend),
    });
    expect(service.state()).toMatchObject({ managed: { status: 'invalid' }, effective: null });
    await expect(service.evaluate({ subject: 'x', bodyTexts: [], attachments: [], recipients: ['a@b.example'] }, async () => false)).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringContaining('registry'),
    });
  });
});

// Get-Acl (...).Sddl as a default Windows 11 prints it for each folder on the way.
const TRUSTED_INSTALLER = 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464';
const DRIVE_ROOT = `O:${TRUSTED_INSTALLER}G:${TRUSTED_INSTALLER}D:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICIIO;SDGXGWGR;;;AU)(A;;LC;;;AU)(A;OICI;0x1200a9;;;BU)`;
const PROGRAM_DATA = 'O:SYG:SYD:PAI(A;OICIIO;FA;;;CO)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;DCLCRPCR;;;BU)';
const SINETTI_DIR = 'O:BAG:SYD:AI(A;OICIIOID;FA;;;CO)(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)';
const POLICY_FILE = 'O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1200a9;;;BU)';
const USER_SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';

describe('Windows: owner and access list (SDDL)', () => {
  const chain =
    (file: string, folder = SINETTI_DIR) =>
    (paths: string[]) => {
      expect(paths).toEqual(['C:\\ProgramData\\Sinetti\\policy.json', 'C:\\ProgramData\\Sinetti', 'C:\\ProgramData', 'C:\\']);
      return [file, folder, PROGRAM_DATA, DRIVE_ROOT];
    };

  it('accepts a policy installed with the default ProgramData rights (Users may read, and add new files to the folder)', () => {
    expect(windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', chain(POLICY_FILE))).toBeNull();
  });

  it.each([
    ['Users with modify', '(A;;0x1301bf;;;BU)', 'Users'],
    ['Authenticated Users with full control', '(A;;FA;;;AU)', 'Authenticated Users'],
    ['Everyone with write', '(A;;FW;;;WD)', 'Everyone'],
    ['INTERACTIVE with generic write', '(A;;GW;;;IU)', 'INTERACTIVE'],
    ['the person themself with write data', `(A;;DC;;;${USER_SID})`, USER_SID],
    ['Users with change permissions', '(A;;WD;;;BU)', 'Users'],
    ['Users with delete', '(A;;SD;;;BU)', 'Users'],
    ['Users with a right code not known here', '(A;;ZZ;;;BU)', 'Users'],
  ])('refuses the file when %s', (_name, ace, who) => {
    expect(windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', chain(POLICY_FILE + ace))).toBe(
      `C:\\ProgramData\\Sinetti\\policy.json can be changed by ${who}`,
    );
  });

  it('refuses a file or folder owned by someone other than Administrators, SYSTEM or TrustedInstaller', () => {
    expect(windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', chain(`O:${USER_SID}G:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)`))).toMatch(
      new RegExp(`policy\\.json is owned by ${USER_SID}`),
    );
    expect(windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', chain(POLICY_FILE, SINETTI_DIR.replace('O:BA', `O:${USER_SID}`)))).toBe(
      `C:\\ProgramData\\Sinetti is owned by ${USER_SID}, not Administrators, SYSTEM or TrustedInstaller`,
    );
    expect(windowsAclProblem('x', `O:${TRUSTED_INSTALLER}D:(A;;FA;;;SY)`, 'file')).toBeNull();
  });

  it('refuses a folder where ordinary users may delete or replace what is in it', () => {
    expect(windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', chain(POLICY_FILE, `${SINETTI_DIR}(A;OICI;0x1301bf;;;BU)`))).toBe(
      'C:\\ProgramData\\Sinetti can be changed by Users',
    );
    expect(windowsAclProblem('d', 'O:BAD:(A;;DT;;;AU)', 'folder')).toBe('d can be changed by Authenticated Users');
  });

  it('ignores deny entries and entries that only pass to children; an unreadable list or a failed check refuses', () => {
    expect(windowsAclProblem('f', 'O:BAD:(D;;FA;;;BU)(A;OICIIO;FA;;;BU)(A;;FA;;;SY)', 'file')).toBeNull();
    expect(parseSddl('O:SYD:PAI(A;OICI;FA;;;SY)')).toEqual({ owner: 'SY', aces: [{ type: 'A', flags: ['OI', 'CI'], mask: 0x1f01ff, sid: 'SY' }] });
    expect(windowsAclProblem('f', 'garbage', 'file')).toMatch(/could not be read|owned by an unknown/);
    expect(
      windowsProtectionProblem('C:\\ProgramData\\Sinetti\\policy.json', () => {
        throw new Error('powershell.exe was blocked by group policy');
      }),
    ).toBe('who may change it could not be checked (powershell.exe was blocked by group policy)');
  });
});

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)("POSIX: the file and every directory above it are root's alone (real files)", () => {
  // Under /var/lib (root's, 0755 all the way up), not the world-writable temporary directory.
  const root = asRoot ? mkdtempSync('/var/lib/sinetti-policy-test-') : '';
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => {
    const dir = join(root, `case-${n++}`);
    mkdirSync(join(dir, 'sinetti'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'sinetti'), 0o755);
    const file = join(dir, 'sinetti', 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 1, actions: { sensitive: { external: 'allow' } } }), { mode: 0o644 });
    return { dir, file };
  };

  it('accepts a root-owned 0644 file in root-owned 0755 directories, and group write for group 0', () => {
    const { file } = fresh();
    expect(posixProtectionProblem(file)).toBeNull();
    chmodSync(file, 0o664);
    expect(posixProtectionProblem(file)).toBeNull();
    expect(loadManagedPolicy(file, { requireProtectedFile: true })).toMatchObject({ status: 'ok' });
  });

  it('refuses a file owned by another user, or writable by another group or by everyone', () => {
    const { file } = fresh();
    chownSync(file, 1000, 0);
    expect(posixProtectionProblem(file)).toBe(`${file} is owned by user 1000, not root`);
    chownSync(file, 0, 100);
    chmodSync(file, 0o664);
    expect(posixProtectionProblem(file)).toBe(`${file} can be changed by group 100`);
    chownSync(file, 0, 0);
    chmodSync(file, 0o646);
    expect(posixProtectionProblem(file)).toBe(`${file} can be changed by every user`);
  });

  it('refuses when a directory above can be changed by someone else', () => {
    const a = fresh();
    chownSync(join(a.dir, 'sinetti'), 1000, 1000);
    expect(posixProtectionProblem(a.file)).toBe(`${join(a.dir, 'sinetti')} is owned by user 1000, not root`);
    const b = fresh();
    chmodSync(b.dir, 0o777);
    expect(posixProtectionProblem(b.file)).toBe(`${b.dir} can be changed by every user`);
    const c = fresh();
    chownSync(join(c.dir, 'sinetti'), 0, 50);
    chmodSync(join(c.dir, 'sinetti'), 0o775);
    expect(posixProtectionProblem(c.file)).toBe(`${join(c.dir, 'sinetti')} can be changed by group 50`);
  });

  it('follows a symlink: it counts only when where it points passes too', () => {
    const safe = fresh();
    const unsafe = fresh();
    chmodSync(join(unsafe.dir, 'sinetti'), 0o777);
    const link = join(safe.dir, 'sinetti', 'link.json');
    symlinkSync(unsafe.file, link);
    expect(posixProtectionProblem(link)).toBe(`${link} leads to ${unsafe.file}: ${join(unsafe.dir, 'sinetti')} can be changed by every user`);
    const good = join(safe.dir, 'sinetti', 'good.json');
    symlinkSync(fresh().file, good);
    expect(posixProtectionProblem(good)).toBeNull();
    // A link in a directory anyone can change points anywhere tomorrow, however good its target today.
    const loose = fresh();
    chmodSync(loose.dir, 0o777);
    const swapped = join(loose.dir, 'swap.json');
    symlinkSync(safe.file, swapped);
    expect(posixProtectionProblem(swapped)).toBe(`${loose.dir} can be changed by every user`);
  });

  it('a refused file stops sending with a message naming the path and the reason', async () => {
    const { file } = fresh();
    chownSync(file, 1000, 1000);
    expect(loadManagedPolicy(file, { requireProtectedFile: true })).toEqual({
      status: 'invalid',
      path: file,
      problems: [expect.stringContaining(`${file} is owned by user 1000, not root`)],
    });
    const backend = { read: () => ({}), write: () => undefined } as unknown as SettingsBackend;
    const service = new PolicyService({ managedPolicyPath: file, requireProtectedFile: true, settings: new SettingsStore(backend) });
    await expect(service.evaluate({ subject: 'x', bodyTexts: [], attachments: [], recipients: ['a@b.example'] }, async () => false)).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringMatching(new RegExp(`\\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\).*ordinary users could change it`)),
    });
  });
});

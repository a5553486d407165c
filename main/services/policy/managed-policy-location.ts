/**
 * Where IT installs the managed policy, taken from the operating system and never from the
 * environment: a user starts the app with any environment they like, so `%ProgramData%` (or
 * `%SystemRoot%`, to find the tool that would read the registry) names whatever folder they want.
 *
 * Windows: the ProgramData known folder as the machine registry records it (HKLM, which ordinary
 * users cannot change): `Shell Folders` › `Common AppData`, else `ProfileList` › `ProgramData`,
 * read by `reg.exe` from the fixed system directory `C:\Windows\System32`. That path is fixed on
 * purpose: the only other ways to find the system directory in Node are the environment
 * (`SystemRoot`, `windir`) or a native module; if Windows lives elsewhere, the location is
 * unknown and the caller treats that as an invalid managed policy (sending stops, with this
 * reason), rather than trusting a directory the user could name.
 * macOS: `/Library/Application Support/Sinetti/policy.json`. Linux: `/etc/sinetti/policy.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { win32 } from 'node:path';

export const WINDOWS_SYSTEM_DIR = 'C:\\Windows\\System32';

/** Runs a program from the system directory by absolute path, with no inherited environment; its stdout. */
export type SystemCommand = (exe: string, args: string[]) => string;

export const runSystemCommand: SystemCommand = (exe, args) => {
  const path = win32.join(WINDOWS_SYSTEM_DIR, exe);
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  // The environment reg.exe and PowerShell need, from the fixed system directory: nothing of the user's.
  return execFileSync(path, args, { encoding: 'utf8', windowsHide: true, timeout: 20_000, env: { SystemRoot: 'C:\\Windows', windir: 'C:\\Windows' } });
};

export type LocatedPath = { path: string } | { path: null; problem: string };

const REG_KEYS = [
  { key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders', value: 'Common AppData' },
  { key: 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList', value: 'ProgramData' },
];

/** The data of one value from `reg query <key> /v <value>` output, or null. */
export function parseRegQuery(output: string, value: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(.+?)\s{2,}(REG_SZ|REG_EXPAND_SZ)\s{2,}(.*?)\s*$/.exec(line);
    if (match && match[1]!.toLowerCase() === value.toLowerCase()) return match[3]!;
  }
  return null;
}

/**
 * The ProgramData folder from the registry. `%SystemDrive%` (the one variable Windows writes into
 * ProfileList) is the drive of the fixed system directory; any other variable is refused.
 */
export function windowsProgramData(run: SystemCommand = runSystemCommand): LocatedPath {
  const problems: string[] = [];
  for (const { key, value } of REG_KEYS) {
    let output: string;
    try {
      output = run('reg.exe', ['query', key, '/v', value]);
    } catch (error) {
      problems.push(`${key}\\${value}: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const data = parseRegQuery(output, value)?.replace(/%SystemDrive%/gi, win32.parse(WINDOWS_SYSTEM_DIR).root.replace(/\\$/, ''));
    if (!data) problems.push(`${key}\\${value}: not set`);
    else if (!/^[A-Za-z]:\\/.test(data) || data.includes('%')) problems.push(`${key}\\${value}: not an absolute local path (${data})`);
    else return { path: data };
  }
  return { path: null, problem: `the ProgramData folder could not be read from the registry (${problems.join('; ')})` };
}

/** Where IT installs the policy on this platform. */
export function managedPolicyLocation(platform: NodeJS.Platform = process.platform, run: SystemCommand = runSystemCommand): LocatedPath {
  if (platform === 'win32') {
    const programData = windowsProgramData(run);
    return programData.path === null ? programData : { path: win32.join(programData.path, 'Sinetti', 'policy.json') };
  }
  if (platform === 'darwin') return { path: '/Library/Application Support/Sinetti/policy.json' };
  return { path: '/etc/sinetti/policy.json' };
}

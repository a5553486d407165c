/**
 * Is the managed policy file out of ordinary users' reach? A policy someone could edit, replace
 * or move aside is no policy, so a file that fails is refused (the caller stops sending and says
 * why, naming the path).
 *
 * POSIX: the file and every directory above it, along the path as given and along its real path
 * (so a symlink counts only if where it points passes too), are owned by root and writable by
 * nobody else: no write bit for others, and group write only for group 0.
 *
 * Windows: the owner and the access list of the file and of every folder above it, as SDDL from
 * PowerShell's Get-Acl (run by absolute path). SDDL names accounts by SID, so the check works on a
 * Finnish or Swedish Windows, where `icacls` prints "BUILTIN\Käyttäjät" instead of
 * "BUILTIN\Users", and it carries the owner, which icacls does not show. Only SYSTEM,
 * Administrators and TrustedInstaller may own them or hold rights that change them; any other
 * principal (Users, Authenticated Users, Everyone, INTERACTIVE, a person's own SID) with such a
 * right fails. Creating new files in a folder is allowed (ProgramData grants Users that by
 * default), replacing or deleting what is there is not.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { runSystemCommand, type SystemCommand } from './managed-policy-location.js';

// ---------------------------------------------------------------- POSIX

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = posix.resolve(path); ; p = posix.dirname(p)) {
    out.unshift(p);
    if (p === '/') return out;
  }
}

function posixModeProblem(path: string, stat: { uid: number; gid: number; mode: number; isSymbolicLink(): boolean }): string | null {
  if (stat.uid !== 0) return `${path} is owned by user ${stat.uid}, not root`;
  // A symlink's own mode bits mean nothing (always 0777 on Linux); its directory and target count.
  if (stat.isSymbolicLink()) return null;
  if (stat.mode & 0o002) return `${path} can be changed by every user`;
  if (stat.mode & 0o020 && stat.gid !== 0) return `${path} can be changed by group ${stat.gid}`;
  return null;
}

export function posixProtectionProblem(path: string): string | null {
  const real = realpathSync(path);
  if (!statSync(real).isFile()) return `${real} is not a regular file`;
  // As given: whoever can change a directory on the way can swap a link or the file itself.
  for (const component of ancestors(path)) {
    const problem = posixModeProblem(component, lstatSync(component));
    if (problem) return problem;
  }
  // Where it really is.
  for (const component of ancestors(real)) {
    const problem = posixModeProblem(component, statSync(component));
    if (problem) return real === posix.resolve(path) ? problem : `${posix.resolve(path)} leads to ${real}: ${problem}`;
  }
  return null;
}

// ---------------------------------------------------------------- Windows (SDDL)

const TRUSTED_SIDS = new Map([
  ['SY', 'SYSTEM'],
  ['S-1-5-18', 'SYSTEM'],
  ['BA', 'Administrators'],
  ['S-1-5-32-544', 'Administrators'],
  ['S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464', 'TrustedInstaller'],
]);

const SID_NAMES: Record<string, string> = {
  BU: 'Users',
  'S-1-5-32-545': 'Users',
  AU: 'Authenticated Users',
  'S-1-5-11': 'Authenticated Users',
  WD: 'Everyone',
  'S-1-1-0': 'Everyone',
  IU: 'INTERACTIVE',
  'S-1-5-4': 'INTERACTIVE',
  PU: 'Power Users',
  CO: 'CREATOR OWNER',
  'S-1-3-0': 'CREATOR OWNER',
  OW: 'OWNER RIGHTS',
  AN: 'ANONYMOUS LOGON',
  BG: 'Guests',
  NU: 'NETWORK',
};

/** SDDL right codes as access-mask bits (file objects use the generic and standard ones; the rest are the same bits by position). */
const RIGHT_CODES: Record<string, number> = {
  GA: 0x10000000,
  GR: 0x80000000,
  GW: 0x40000000,
  GX: 0x20000000,
  RC: 0x20000,
  SD: 0x10000,
  WD: 0x40000,
  WO: 0x80000,
  CC: 0x1,
  DC: 0x2,
  LC: 0x4,
  SW: 0x8,
  RP: 0x10,
  WP: 0x20,
  DT: 0x40,
  LO: 0x80,
  CR: 0x100,
  FA: 0x1f01ff,
  FR: 0x120089,
  FW: 0x120116,
  FX: 0x1200a0,
  // Registry keys (KEY_ALL_ACCESS, KEY_READ, KEY_WRITE, KEY_EXECUTE): the managed configuration's HKLM key.
  KA: 0xf003f,
  KR: 0x20019,
  KW: 0x20006,
  KX: 0x20019,
};

const GENERIC_ALL = 0x10000000;
const GENERIC_WRITE = 0x40000000;
const DELETE = 0x10000;
const WRITE_DAC = 0x40000;
const WRITE_OWNER = 0x80000;
const CHANGES_ANY = GENERIC_ALL | GENERIC_WRITE | DELETE | WRITE_DAC | WRITE_OWNER;
/** A file: write or append data, extended attributes, attributes, plus the above (for a registry key: set a value, create a subkey). */
const CHANGES_FILE = CHANGES_ANY | 0x2 | 0x4 | 0x10 | 0x100;
/** A folder: delete what is in it (FILE_DELETE_CHILD), plus the above. Adding files is allowed. */
const CHANGES_FOLDER = CHANGES_ANY | 0x40;
/** A registry key: set a value, create a subkey or a link (KEY_NOTIFY, 0x10, only reads). */
const CHANGES_KEY = CHANGES_ANY | 0x2 | 0x4 | 0x20;
const CHANGES: Record<AclObjectKind, number> = {
  file: CHANGES_FILE,
  folder: CHANGES_FOLDER,
  'registry-key': CHANGES_KEY,
  // Above the key: replacing the key needs rights on the key itself, which its own check covers.
  'registry-parent': CHANGES_ANY,
};
export type AclObjectKind = 'file' | 'folder' | 'registry-key' | 'registry-parent';

export interface SddlAce {
  type: string;
  flags: string[];
  mask: number;
  sid: string;
}

export interface ParsedSddl {
  owner: string | null;
  aces: SddlAce[];
}

function rightsMask(rights: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(rights)) return Number.parseInt(rights, 16);
  if (rights.length % 2) return null;
  let mask = 0;
  for (let i = 0; i < rights.length; i += 2) {
    const bits = RIGHT_CODES[rights.slice(i, i + 2).toUpperCase()];
    if (bits === undefined) return null;
    mask |= bits;
  }
  return mask >>> 0;
}

/** Owner and DACL entries of an SDDL string (`O:BAG:SYD:PAI(A;;FA;;;SY)…`). */
export function parseSddl(sddl: string): ParsedSddl | null {
  const owner = /^O:(S-[0-9-]+|[A-Z]{2})/.exec(sddl.trim())?.[1] ?? null;
  const dacl = /D:[A-Z]*((?:\([^)]*\))*)/.exec(sddl)?.[1];
  if (dacl === undefined) return null;
  const aces: SddlAce[] = [];
  for (const [, body] of dacl.matchAll(/\(([^)]*)\)/g)) {
    const [type = '', flags = '', rights = '', , , sid = ''] = body!.split(';');
    const mask = rightsMask(rights);
    // A right we cannot read counts as every right: fail closed.
    aces.push({ type, flags: flags.match(/../g) ?? [], mask: mask ?? 0xffffffff, sid });
  }
  return { owner, aces };
}

const nameOf = (sid: string) => TRUSTED_SIDS.get(sid) ?? SID_NAMES[sid] ?? sid;

/** Why ordinary users could change this file or folder, or null when only administrators can. */
export function windowsAclProblem(path: string, sddl: string, kind: AclObjectKind): string | null {
  const parsed = parseSddl(sddl);
  if (!parsed) return `${path}: its access list could not be read`;
  if (!parsed.owner || !TRUSTED_SIDS.has(parsed.owner))
    return `${path} is owned by ${parsed.owner ? nameOf(parsed.owner) : 'an unknown account'}, not Administrators, SYSTEM or TrustedInstaller`;
  const changes = CHANGES[kind];
  for (const ace of parsed.aces) {
    // Deny entries only take rights away; inherit-only entries apply to children, not to this object.
    if (ace.type !== 'A' && ace.type !== 'OA') continue;
    if (ace.flags.includes('IO')) continue;
    if (TRUSTED_SIDS.has(ace.sid)) continue;
    if (ace.mask & changes) return `${path} can be changed by ${nameOf(ace.sid)}`;
  }
  return null;
}

/** One PowerShell run for the file and every folder above it; one SDDL line per path, in order. */
export function readWindowsSddl(paths: string[], run: SystemCommand = runSystemCommand): string[] {
  const quoted = paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(',');
  const script = `$ErrorActionPreference='Stop'; foreach ($p in @(${quoted})) { (Get-Acl -LiteralPath $p).Sddl }`;
  const output = run('WindowsPowerShell\\v1.0\\powershell.exe', [
    '-NoProfile',
    '-NonInteractive',
    '-NoLogo',
    '-EncodedCommand',
    Buffer.from(script, 'utf16le').toString('base64'),
  ]);
  const lines = output.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length !== paths.length) throw new Error(`expected ${paths.length} access lists, got ${lines.length}`);
  return lines;
}

export function windowsProtectionProblem(path: string, readSddl: (paths: string[]) => string[] = (p) => readWindowsSddl(p)): string | null {
  const chain: string[] = [];
  for (let p = win32.resolve(path); ; p = win32.dirname(p)) {
    chain.push(p);
    if (win32.dirname(p) === p) break;
  }
  let sddl: string[];
  try {
    sddl = readSddl(chain);
  } catch (error) {
    return `who may change it could not be checked (${(error as Error).message.split('\n')[0]})`;
  }
  for (const [i, p] of chain.entries()) {
    const problem = windowsAclProblem(p, sddl[i]!, i === 0 ? 'file' : 'folder');
    if (problem) return problem;
  }
  return null;
}

/**
 * The MSI's SINETTIUPDATES=0 switch (scripts/packaging/msi-project-created.cjs) as the app sees it:
 * `HKLM\SOFTWARE\Sinetti\Installer` › `UpdatesDisabled` = 1, read with reg.exe from the fixed
 * system directory (never a path from the environment). A missing key is the normal case (NSIS,
 * or an MSI installed without the switch): updates then follow the managed configuration alone,
 * which is off unless IT turned it on. Only Windows has the switch.
 */
import { runSystemCommand, type SystemCommand } from '../../services/policy/managed-policy-location.js';

export function installerSwitchedUpdatesOff(platform: NodeJS.Platform = process.platform, run: SystemCommand = runSystemCommand): boolean {
  if (platform !== 'win32') return false;
  let output: string;
  try {
    output = run('reg.exe', ['query', 'HKLM\\SOFTWARE\\Sinetti\\Installer', '/v', 'UpdatesDisabled']);
  } catch {
    return false;
  }
  const match = /^\s+UpdatesDisabled\s+REG_DWORD\s+0x([0-9a-f]+)\s*$/im.exec(output);
  return match !== null && Number.parseInt(match[1]!, 16) !== 0;
}

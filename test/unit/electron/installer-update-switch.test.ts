/** The MSI's SINETTIUPDATES=0 marker as the app reads it (reg.exe output as Windows prints it). */
import { describe, expect, it } from 'vitest';
import { installerSwitchedUpdatesOff } from '../../../main/electron/updates/installer-update-switch.js';

const regOutput = (value: string) => `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Sinetti\\Installer\r\n    UpdatesDisabled    REG_DWORD    ${value}\r\n\r\n`;

describe('installer update switch', () => {
  it('is on only when the machine key says UpdatesDisabled = 1, read by reg.exe', () => {
    const calls: [string, string[]][] = [];
    const run = (exe: string, args: string[]) => {
      calls.push([exe, args]);
      return regOutput('0x1');
    };
    expect(installerSwitchedUpdatesOff('win32', run)).toBe(true);
    expect(calls).toEqual([['reg.exe', ['query', 'HKLM\\SOFTWARE\\Sinetti\\Installer', '/v', 'UpdatesDisabled']]]);
    expect(installerSwitchedUpdatesOff('win32', () => regOutput('0x0'))).toBe(false);
  });

  it('is off when the key is missing (NSIS installs, MSI without the switch) and on other platforms', () => {
    expect(
      installerSwitchedUpdatesOff('win32', () => {
        throw new Error('ERROR: The system was unable to find the specified registry key or value.');
      }),
    ).toBe(false);
    expect(installerSwitchedUpdatesOff('linux', () => regOutput('0x1'))).toBe(false);
  });
});

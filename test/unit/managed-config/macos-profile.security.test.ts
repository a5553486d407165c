/** macOS: the configuration profile's managed preferences, read through a fake of plutil. */
import { describe, expect, it } from 'vitest';
import { MACOS_MANAGED_CONFIG, macosSource } from '../../../main/services/managed-config/file-source.js';
import { platformManagedConfigSource } from '../../../main/services/managed-config/platform-source.js';

describe('macOS managed preferences', () => {
  it('reads the profile payload (plutil -convert json) from the fixed location, never the environment', () => {
    const seen: string[] = [];
    // The fake plutil is only asked about a file that exists; the fixed location does not here, so point at one that does.
    const source = macosSource(
      (path) => {
        seen.push(path);
        return JSON.stringify({ enforced: { idleLock: { minutes: 5 } }, defaults: { updates: { channel: 'beta' } } });
      },
      () => null,
    );
    expect(source.locations).toEqual([MACOS_MANAGED_CONFIG]);
    expect(platformManagedConfigSource('darwin').locations).toEqual(['/Library/Managed Preferences/fi.sinetti.desktop.plist']);
    expect(platformManagedConfigSource('linux').locations).toEqual(['/etc/sinetti/managed-config.json']);
    expect(platformManagedConfigSource('win32').locations).toEqual(['HKLM\\SOFTWARE\\Policies\\Sinetti', 'HKCU\\SOFTWARE\\Policies\\Sinetti']);
    // Not on this machine: absent, and plutil was never run.
    expect(source.read()).toEqual({ status: 'absent' });
    expect(seen).toEqual([]);
  });
});

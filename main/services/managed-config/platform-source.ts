/**
 * The managed configuration's source on this platform, from the operating system and never from
 * the environment (a person starts the app with any environment they like): the registry's
 * `Policies` keys on Windows, the configuration profile's managed preferences on macOS,
 * `/etc/sinetti/managed-config.json` elsewhere. Each refuses what ordinary users could have written.
 */
import type { ManagedConfigSource } from './managed-config-source.js';
import { linuxSource, macosSource } from './file-source.js';
import { windowsRegistrySource } from './windows-registry.js';

export function platformManagedConfigSource(platform: NodeJS.Platform = process.platform): ManagedConfigSource {
  if (platform === 'win32') return windowsRegistrySource();
  if (platform === 'darwin') return macosSource();
  return linuxSource();
}

/**
 * Entry of the services process (bundled to dist/electron/services-process.cjs, started by main as
 * an Electron utilityProcess): the same services as the browser host builds, with the settings
 * file electron-store used (userData/settings.json, through conf) and the OS keychain.
 * Heavy work (decrypting, PDF text, header sync) runs here, never in the process owning the windows.
 */
import { createServices } from '../services/create-services.js';
import { createLogger } from '../services/logging/logger.js';
import { KeytarKeychain } from '../services/secrets/keytar-keychain.js';
import { ConfSettingsBackend } from '../services/settings/conf-settings-backend.js';
import { parentRelayPort } from './parent-port.js';
import { serveServices } from './service-process-server.js';

const logger = createLogger('services');
serveServices(
  parentRelayPort(),
  (options) =>
    createServices({
      host: 'electron',
      settingsBackend: new ConfSettingsBackend(options.dataDir),
      keychain: new KeytarKeychain(),
      logger,
      ...options,
    }),
  (code) => process.exit(code),
);

/**
 * A services process for the relay's tests, forked with child_process as the stand-in for
 * Electron's utilityProcess. argv[2]: `fake` (fake handlers behind the real dispatcher, idle-lock
 * gate and event hub) or `real` (createServices with an in-memory keychain, no managed policy).
 */
import { REQUEST_CHANNELS } from '../../shared/channels.js';
import type { ServiceHandlers } from '../../shared/contract.js';
import { createDispatcher } from '../../main/services/api/dispatcher.js';
import { createServices } from '../../main/services/create-services.js';
import { DomainEventBus } from '../../main/services/events/domain-events.js';
import { MailEventHub } from '../../main/services/events/mail-events.js';
import { createLogger } from '../../main/services/logging/logger.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { gateWhileLocked } from '../../main/services/api/lock-gate.js';
import { SessionLock } from '../../main/services/session-lock/session-lock.js';
import { ConfSettingsBackend } from '../../main/services/settings/conf-settings-backend.js';
import { parentRelayPort } from '../../main/service-process/parent-port.js';
import { serveServices, type ServicesFactory } from '../../main/service-process/service-process-server.js';

const logger = createLogger('test-services', { sink: () => undefined });

const fake: ServicesFactory = async (options) => {
  if (options.dataDir === '/nonexistent/fail') throw new Error('cannot build services here');
  const mailEvents = new MailEventHub();
  const lock = new SessionLock({
    settings: () => ({ minutes: 15, unlockMethod: 'keychain' }),
    confirmKeychain: async () => true,
    confirmPassphrase: async () => false,
    onChange: (locked) => mailEvents.emit({ type: 'session-lock', locked }),
  });
  const handlers = Object.fromEntries(REQUEST_CHANNELS.map((c) => [c, async () => ({})])) as unknown as ServiceHandlers;
  handlers['app:info:get'] = async () => ({ version: options.version, host: 'electron', vaultProblem: null });
  handlers['accounts:list'] = async () => {
    mailEvents.emit({ type: 'connection', accountId: 'a1', state: 'connected' });
    return [];
  };
  handlers['app:link:open'] = async ({ url }) => {
    await options.openExternal?.(url);
    return { url, delegated: false };
  };
  // A handler that takes the process down, as a crash in native code would.
  handlers['mail:mailboxes:list'] = async () => process.exit(3);
  handlers['app:lock:state'] = async () => lock.state();
  handlers['app:lock:unlock'] = async () => lock.unlock({});
  return {
    dispatcher: gateWhileLocked(createDispatcher(handlers, logger), lock),
    mailEvents,
    domainEvents: new DomainEventBus(),
    sessionLock: lock,
    close: async () => undefined,
  };
};

const real: ServicesFactory = (options) =>
  createServices({
    host: 'electron',
    settingsBackend: new ConfSettingsBackend(options.dataDir),
    keychain: new MemoryKeychain(),
    managedPolicyPath: null,
    logger,
    ...options,
  });

serveServices(parentRelayPort(), process.argv[2] === 'real' ? real : fake, (code) => process.exit(code));

/**
 * The composition root of the plain-Node services, shared by the Electron layer and the browser
 * host. Builds everything from what the host passes in; nothing here has import-time effects.
 */
import { join } from 'node:path';
import { createDispatcher } from './api/dispatcher.js';
import { createServiceHandlers } from './api/service-handlers.js';
import { AttachmentUploads } from './attachments/attachment-uploads.js';
import { DomainEventBus } from './events/domain-events.js';
import { MailEventHub } from './events/mail-events.js';
import { createLogger, withLevel, type LogLevel } from './logging/logger.js';
import { CompositeKeyProvider } from './crypto/key-provider.js';
import { IdentityKeyring } from './crypto/identity-keys.js';
import { KeyService } from './crypto/key-service.js';
import { TeamKeyService } from './crypto/team-key-service.js';
import { TeamKeyStore } from './crypto/team-key-store.js';
import { CorrespondentKeyring } from './crypto/correspondent-keyring.js';
import { KeyLookupService } from './crypto/key-lookup.js';
import { ManagedConfigService } from './managed-config/managed-config-service.js';
import { platformManagedConfigSource } from './managed-config/platform-source.js';
import { PolicyService } from './policy/policy-service.js';
import { SendService } from './send/send-service.js';
import { DraftService } from './drafts/draft-service.js';
import { ImapDraftsFolder } from './mail/drafts-folder.js';
import { LocalDrafts } from './drafts/local-drafts.js';
import { MailService } from './mail/mail-service.js';
import { imapTeamMailAccess } from './mail/team-key-folder.js';
import { SecretStore } from './secrets/secret-store.js';
import { VaultStatus } from './secrets/vault-status.js';
import type { Services, ServicesOptions } from './services.js';
import { SettingsStore } from './settings/settings-store.js';

export interface CreatedServices extends Services {
  /** The mail service itself, for in-process tests and the benchmark (hosts use the dispatcher). */
  mail: MailService;
  /** IT's configuration as the running app applies it (consumers subscribe; the Electron layer reads idle lock and updates here). */
  managedConfig: ManagedConfigService;
}

export async function createServices(options: ServicesOptions): Promise<CreatedServices> {
  // The services' log follows IT's `logging.level` (set once the configuration is read, below).
  let logLevel: () => LogLevel = () => 'info';
  const logger = withLevel(options.logger ?? createLogger('sinetti'), () => logLevel());
  const settings = new SettingsStore(options.settingsBackend);
  const secrets = new SecretStore(options.keychain, options.dataDir);
  // Up front: a locked keychain is reported now (app:info:get), and the app still starts.
  const vault = new VaultStatus(secrets, logger.child('secrets'));
  await vault.check();
  const mailEvents = new MailEventHub();
  const domainEvents = new DomainEventBus();
  // IT's configuration from the operating system's place for it (never the environment), followed while the app runs.
  const managedConfig = new ManagedConfigService({
    source:
      options.managedConfigSource !== undefined ? options.managedConfigSource : options.managedPolicyPath === undefined ? platformManagedConfigSource() : null,
    settings,
    logger: logger.child('managed-config'),
    pollMs: options.managedConfigPollMs,
  });
  managedConfig.watch();
  logLevel = () => managedConfig.get('logging.level');
  // The renderer reads the configuration again on this event (values, "set by your organisation").
  managedConfig.subscribe(() => mailEvents.emit({ type: 'managed-config-changed' }));
  const policy = new PolicyService(
    options.managedPolicyPath === undefined
      ? { managedConfig, settings }
      : { managedPolicyPath: options.managedPolicyPath, requireProtectedFile: options.requireProtectedPolicyFile ?? true, settings },
  );
  const keys = new KeyService(secrets, domainEvents, {
    // Asked at each unlock (it was read once at start): IT's change applies to the next unlock.
    unlockMinutes: options.keyUnlockMinutes ?? (() => policy.state().effective?.policy.crypto.unlockMinutes ?? 30),
    // No effective policy (an invalid managed file): the stricter reading.
    passphraseRequired: () => policy.state().effective?.policy.crypto.passphraseRequired ?? true,
  });
  // Every source of keys the reader and the sender may use: own, team keys held (acceptance 'team'), correspondents'.
  const teamKeyStore = new TeamKeyStore(secrets);
  const correspondents = new CorrespondentKeyring(secrets, domainEvents);
  const keyProvider = new CompositeKeyProvider([keys, teamKeyStore, correspondents]);
  const keyLookup = new KeyLookupService({
    keyring: correspondents,
    settings: () => policy.state().effective?.policy.crypto ?? null,
    fetch: { extraCaPem: options.extraCaPem, ...(options.keyLookupConnectTo ? { connectTo: options.keyLookupConnectTo } : {}) },
  });
  const mail = new MailService({
    settings,
    secrets,
    mailEvents,
    domainEvents,
    keys: keyProvider,
    logger: logger.child('mail'),
    extraCaPem: options.extraCaPem,
    connectTimeoutMs: options.imapConnectTimeoutMs,
    headerWindowSize: options.headerWindowSize,
  });
  // The one decision of which keys sign as an identity and read its kept copies: sending, drafts and grants.
  let teamAddresses: () => Promise<string[]> = async () => [];
  const identityKeys = new IdentityKeyring({ own: keys, team: teamKeyStore, teamAddresses: () => teamAddresses() });
  const send = await SendService.create({
    mail,
    identityKeys,
    keyProvider,
    policy,
    secrets,
    dataDir: options.dataDir,
    events: domainEvents,
    extraCaPem: options.extraCaPem,
    logger: logger.child('outbox'),
  });
  teamAddresses = () => send.sources.teamAddresses();
  const teamKeys = new TeamKeyService(teamKeyStore, keys, identityKeys, imapTeamMailAccess(mail), domainEvents);
  const drafts = new DraftService({
    local: new LocalDrafts(join(options.dataDir, 'drafts'), secrets),
    folder: new ImapDraftsFolder(mail),
    identityKeys,
    keyProvider,
    accounts: () => mail.listAccounts().map((a) => ({ id: a.id, key: `${a.username.toLowerCase()}@${a.host.toLowerCase()}` })),
    sender: async (accountId) => {
      const { from, person, kind } = await send.sources.from(accountId, undefined);
      return { address: from.address, name: from.name ?? '', kind, ...(person ? { person: person.address } : {}) };
    },
    events: domainEvents,
  });
  const handlers = createServiceHandlers({
    drafts,
    keys,
    send,
    teamKeys,
    policy,
    managedConfig,
    host: options.host,
    version: options.version,
    settings,
    mail,
    openExternal: options.openExternal,
    correspondents,
    keyLookup,
    vault,
    uploads: new AttachmentUploads(),
  });
  return {
    dispatcher: createDispatcher(handlers, logger.child('ipc')),
    mailEvents,
    domainEvents,
    mail,
    managedConfig,
    close: async () => {
      managedConfig.close();
      send.close();
      await mail.close();
    },
  };
}

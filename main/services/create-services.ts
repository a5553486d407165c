/**
 * The composition root of the plain-Node services, shared by the Electron layer and the browser
 * host. Builds everything from what the host passes in; nothing here has import-time effects.
 */
import { join } from 'node:path';
import { BUILTIN_POLICY } from '../../shared/policy-schema.js';
import { createDispatcher } from './api/dispatcher.js';
import { createServiceHandlers } from './api/service-handlers.js';
import { createAudit } from './audit/create-audit.js';
import type { AuditService } from './audit/audit-service.js';
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
import { HeaderCache } from './mail/header-cache.js';
import { LocalDrafts } from './drafts/local-drafts.js';
import { MailService } from './mail/mail-service.js';
import { AccountService } from './accounts/account-service.js';
import { AccountCredentials } from './accounts/credentials.js';
import { imapTeamMailAccess } from './mail/team-key-folder.js';
import { ImapTeamStateBackend } from './mail/team-state-imap.js';
import { teamNoteSealer } from './crypto/team-note-sealer.js';
import { TeamDirectory } from './team/team-directory.js';
import { TeamWorkService } from './team/team-work-service.js';
import { SecretStore } from './secrets/secret-store.js';
import { gateWhileLocked } from './api/lock-gate.js';
import { SessionLock } from './session-lock/session-lock.js';
import { shellManagedSettings } from './shell-managed-settings.js';
import { VaultStatus } from './secrets/vault-status.js';
import type { Services, ServicesOptions } from './services.js';
import { SettingsStore } from './settings/settings-store.js';
import { TeamBoardService } from './team-work/team-board-service.js';
import { EncryptedSearchIndex } from './search/encrypted-index.js';
import { EncryptedIndexer } from './search/encrypted-indexer.js';
import { SearchService } from './search/search-service.js';

export interface CreatedServices extends Services {
  /** The mail service itself, for in-process tests and the benchmark (hosts use the dispatcher). */
  mail: MailService;
  /** The sealed index of encrypted mail and what keeps it up to date (tests and the benchmark). */
  searchIndex: EncryptedSearchIndex;
  indexer: EncryptedIndexer;
  /** The audit record API (audit.record(...)) for services built beside these, and for tests. */
  audit: AuditService;
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
  const eventLog = logger.child('events');
  const domainEvents = new DomainEventBus((type, error) =>
    eventLog.error('event listener failed', { type, error: error instanceof Error ? error.name : typeof error }),
  );
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
  // The local index of encrypted mail, sealed under the vault key (search/encrypted-index.ts).
  const searchIndex = new EncryptedSearchIndex(secrets, join(options.dataDir, 'search', 'encrypted-index.sealed'), {
    onSaveError: (error) => logger.child('search').warn('search index not saved', { code: (error as { code?: string }).code }),
  });
  searchIndex.preload();
  let indexer: EncryptedIndexer | null = null;
  // Accounts and their credentials (one home): mail/ and send/ ask for a credential at connect time.
  const credentials = new AccountCredentials({
    secrets,
    login: (accountId) => {
      const account = settings.get().accounts.find((a) => a.id === accountId);
      return account ? { user: account.username, auth: account.auth ?? 'password' } : null;
    },
  });
  // The mail side tests logins and forgets connections for accounts/ (which never imports mail/).
  let mailRef: MailService | null = null;
  let queuedFor: (accountId: string) => number = () => 0;
  const accounts = new AccountService({
    settings,
    credentials,
    connections: { test: (server, credential) => mailRef!.test(server, credential), forget: (accountId) => mailRef!.forget(accountId) },
    domainEvents,
    queuedFor: (accountId) => queuedFor(accountId),
  });
  const mail = new MailService({
    onDecrypted: (opened) => indexer?.indexOpened(opened),
    onMailboxOpened: (ref) => void indexer?.catchUp(ref),
    settings,
    accounts,
    credentials,
    mailEvents,
    domainEvents,
    keys: keyProvider,
    logger: logger.child('mail'),
    extraCaPem: options.extraCaPem,
    connectTimeoutMs: options.imapConnectTimeoutMs,
    headerWindowSize: options.headerWindowSize,
    bulkHeaderSync: options.bulkHeaderSync,
    headerCache: new HeaderCache(join(options.dataDir, 'header-cache'), secrets, logger.child('header-cache')),
  });
  mailRef = mail;
  // The one decision of which keys sign as an identity and read its kept copies: sending, drafts and grants.
  let teamAddresses: () => Promise<string[]> = async () => [];
  const identityKeys = new IdentityKeyring({ own: keys, team: teamKeyStore, teamAddresses: () => teamAddresses() });
  const send = await SendService.create({
    mail,
    credentials,
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
  queuedFor = (accountId) => send.outbox.list().filter((item) => item.accountId === accountId && item.state !== 'failed').length;
  const teamKeys = new TeamKeyService(teamKeyStore, keys, identityKeys, imapTeamMailAccess(mail), domainEvents);
  // Team handling: claims, statuses and history kept in the team mailbox (team/, mail/team-state-imap.ts).
  const teamWork = new TeamWorkService({
    directory: new TeamDirectory(mail),
    backend: new ImapTeamStateBackend({ connect: (accountId) => mail.connectDedicated(accountId), logger: logger.child('team-state') }),
    memberId: async (accountId) => mail.memberAddress(accountId),
    sealer: teamNoteSealer(teamKeyStore),
    changed: (ref) => mailEvents.emit({ type: 'team-changed', accountId: ref.accountId, team: ref.team }),
  });
  mail.setOpenGuard({
    beforeOpen: (ref, uid, secured) => teamWork.beforeOpen(ref, uid, secured),
    gatewayHeader: () => policy.state().effective?.policy.gateway.header.name ?? 'X-Sinetti-Secure',
  });
  send.setTeamReplyCheck((original, basis) =>
    teamWork.checkReply(original.mailbox, original.uid, basis ?? { handler: null, answered: false }, basis !== undefined),
  );
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
  // Idle lock: its timer runs here, in the services, whichever host the renderer is in.
  const sessionLock = new SessionLock({
    settings: () => shellManagedSettings().idleLock,
    confirmKeychain: () => secrets.confirmVaultKey(),
    confirmPassphrase: async (passphrase) => {
      for (const key of await keys.list()) {
        if (!key.hasSecret || !key.protectedByPassphrase) continue;
        try {
          await keys.unlock(key.fingerprint, passphrase);
          return true;
        } catch {
          // Another of the person's keys may carry this passphrase.
        }
      }
      return false;
    },
    onChange: (locked) => mailEvents.emit({ type: 'session-lock', locked }),
    logger: logger.child('lock'),
  });
  sessionLock.start();
  const teamBoard = new TeamBoardService({
    // The claims service is the source; tests may put a fake in its place.
    source: options.teamWorkSource ?? teamWork,
    limitWorkingDays: () => policy.state().effective?.policy.teamWork.firstResponseWorkingDays ?? BUILTIN_POLICY.teamWork.firstResponseWorkingDays,
    emit: (event) => mailEvents.emit(event),
  });
  indexer = new EncryptedIndexer({ index: searchIndex, source: mail, logger: logger.child('search') });
  const stopIndexing = mailEvents.subscribe((event) => indexer?.onMailEvent(event));
  const KEY_EVENTS = new Set(['openpgp.key.generated', 'openpgp.key.imported', 'openpgp.key.unlocked', 'openpgp.team.imported', 'openpgp.team.created']);
  const stopKeyWatch = domainEvents.subscribe((event) => {
    if (KEY_EVENTS.has(event.type)) indexer?.keysChanged();
  });
  const search = new SearchService({ mail, index: searchIndex, logger: logger.child('search') });
  // The audit trail: recorded at each action's durable point (audit/audited-handlers.ts).
  const audit = createAudit({
    dataDir: options.dataDir,
    secrets,
    version: options.version,
    policy,
    accounts: () => mail.listAccounts(),
    domainEvents,
    logger: logger.child('audit'),
  });
  const handlers = createServiceHandlers({
    sessionLock,
    teamBoard,
    search,
    drafts,
    keys,
    send,
    teamKeys,
    teamWork,
    policy,
    managedConfig,
    host: options.host,
    version: options.version,
    settings,
    mail,
    accounts,
    openExternal: options.openExternal,
    correspondents,
    keyLookup,
    vault,
    uploads: new AttachmentUploads(),
    audit: audit.service,
  });
  return {
    dispatcher: gateWhileLocked(createDispatcher(audit.handlers(handlers), logger.child('ipc')), sessionLock),
    mailEvents,
    sessionLock,
    domainEvents,
    mail,
    searchIndex,
    indexer,
    audit: audit.service,
    managedConfig,
    close: async () => {
      managedConfig.close();
      sessionLock.close();
      stopIndexing();
      stopKeyWatch();
      await searchIndex.flush().catch(() => undefined);
      send.close();
      teamBoard.close();
      await teamWork.close();
      await audit.close();
      await mail.close();
    },
  };
}

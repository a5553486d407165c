/** Binds each contract channel to the service that owns the capability. No logic of its own. */
import { vetExternalUrl } from '../../../shared/external-url.js';
import { ServiceError } from '../../../shared/result.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { KeyService } from '../crypto/key-service.js';
import type { TeamKeyService } from '../crypto/team-key-service.js';
import type { CorrespondentKeyring } from '../crypto/correspondent-keyring.js';
import type { KeyLookupService } from '../crypto/key-lookup.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { ManagedConfigService } from '../managed-config/managed-config-service.js';
import type { SendService } from '../send/send-service.js';
import type { DraftService } from '../drafts/draft-service.js';
import type { MailService } from '../mail/mail-service.js';
import type { AccountService } from '../accounts/account-service.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { VaultStatus } from '../secrets/vault-status.js';
import type { AttachmentUploads } from '../attachments/attachment-uploads.js';
import { policyStateForRenderer } from '../policy/policy-state-for-renderer.js';
import type { SessionLock } from '../session-lock/session-lock.js';
import type { TeamBoardService } from '../team-work/team-board-service.js';
import type { TeamWorkService } from '../team/team-work-service.js';
import type { SearchService } from '../search/search-service.js';
import type { AuditService } from '../audit/audit-service.js';
import { auditChannels } from '../audit/audit-channels.js';

export interface HandlerDeps {
  host: 'electron' | 'browser';
  version: string;
  settings: SettingsStore;
  mail: MailService;
  accounts: AccountService;
  keys: KeyService;
  policy: PolicyService;
  managedConfig: ManagedConfigService;
  send: SendService;
  teamKeys: TeamKeyService;
  teamWork: TeamWorkService;
  drafts: DraftService;
  openExternal?: (url: string) => Promise<void>;
  correspondents: CorrespondentKeyring;
  keyLookup: KeyLookupService;
  /** Whether the vault key can be used (checked at start-up); absent: assumed usable. */
  vault?: Pick<VaultStatus, 'current'>;
  uploads: AttachmentUploads;
  sessionLock: SessionLock;
  teamBoard: TeamBoardService;
  search: SearchService;
  audit: AuditService;
}

export function createServiceHandlers(deps: HandlerDeps): ServiceHandlers {
  const work = { openComposers: 0 };
  const { mail, settings, keys, policy, send, teamKeys, uploads, teamWork } = deps;
  /** The team whose INBOX the mailbox is; team actions exist only there. */
  const teamOf = async (mailbox: { accountId: string; path: string }) => {
    const entry = await teamWork.teamOf(mailbox);
    if (!entry) throw new ServiceError('NOT_FOUND', 'This mailbox is not a team INBOX.');
    return entry.ref;
  };
  /** Requests name uploaded attachments by id; the services get the bytes the main process holds. */
  const withContent = (refs: readonly { attachmentId: string }[]) =>
    refs.map(({ attachmentId }) => {
      const { filename, contentType, content } = uploads.content(attachmentId);
      return { filename, contentType, contentBase64: content.toString('base64') };
    });
  return {
    'app:info:get': async () => ({ version: deps.version, host: deps.host, vaultProblem: (await deps.vault?.current()) ?? null }),
    // The language IT enforces wins over the person's; the person cannot change an enforced one.
    'settings:ui:get': async () => ({
      ...settings.get().ui,
      ...(deps.managedConfig.isEnforced('ui.locale') ? { locale: deps.managedConfig.get('ui.locale') } : {}),
    }),
    'settings:locale:set': async ({ locale }) => {
      if (deps.managedConfig.isEnforced('ui.locale')) throw new ServiceError('MANAGED_SETTING_LOCKED', 'ui.locale is set by your organisation');
      return settings.setLocale(locale).ui;
    },
    'accounts:list': async () => deps.accounts.list(),
    'accounts:connection:test': async (input) => deps.accounts.testConnection(input),
    'accounts:add': async (input) => {
      if (!deps.managedConfig.get('features.addAccounts'))
        throw new ServiceError('MANAGED_SETTING_LOCKED', 'features.addAccounts is off: your organisation does not allow adding accounts');
      return deps.accounts.add(input);
    },
    'accounts:remove': async ({ accountId }) => {
      await deps.accounts.remove(accountId);
      return {};
    },
    'accounts:update': async (update) => deps.accounts.update(update),
    'accounts:credentials:set': async ({ accountId, password }) => {
      await deps.accounts.setPassword(accountId, password);
      return {};
    },
    'mail:mailboxes:list': async () => mail.listMailboxes(),
    'mail:messages:page': async ({ mailbox, offset, limit, sort }) => mail.page(mailbox, offset, limit, sort),
    'mail:message:open': async ({ mailbox, uid }) => mail.openMessage(mailbox, uid),
    'mail:message:flags:set': async ({ mailbox, uids, seen, flagged }) => {
      await mail.setFlags(mailbox, uids, { seen, flagged });
      return {};
    },
    'mail:message:move': async ({ mailbox, uids, destination }) => {
      await mail.move(mailbox, uids, destination);
      return {};
    },
    'mail:message:delete': async ({ mailbox, uids }) => mail.delete(mailbox, uids),
    'mail:attachment:get': async ({ mailbox, uid, partId }) => {
      const { filename, mimeType, content } = await mail.attachment(mailbox, uid, partId);
      return { filename, mimeType, contentBase64: content.toString('base64') };
    },
    'app:link:open': async ({ url }) => {
      const vetted = vetExternalUrl(url);
      if (!vetted) throw new ServiceError('UNSAFE_URL', 'Only https: and mailto: links can be opened.');
      if (!deps.openExternal) return { url: vetted, delegated: true };
      await deps.openExternal(vetted);
      return { url: vetted, delegated: false };
    },
    'crypto:keys:list': async () => keys.list(),
    'crypto:keys:generate': async (options) => keys.generate(options),
    'crypto:keys:import': async ({ armored }) => keys.importPrivate(armored),
    'crypto:keys:public:export': async ({ fingerprint }) => ({ armored: await keys.exportPublic(fingerprint) }),
    'crypto:keys:unlock': async ({ fingerprint, passphrase }) => keys.unlock(fingerprint, passphrase),
    'crypto:keys:lock': async ({ fingerprint }) => {
      keys.lock(fingerprint);
      return {};
    },
    'crypto:keys:revoke': async ({ fingerprint, reason, description }) => keys.revoke(fingerprint, reason, description),
    'crypto:keys:revocation:export': async ({ fingerprint }) => ({ armored: await keys.exportRevocationCertificate(fingerprint) }),
    'crypto:keys:revocation:apply': async ({ fingerprint, certificate }) => keys.applyRevocationCertificate(fingerprint, certificate),
    'config:managed:get': async () => deps.managedConfig.view(),
    'config:personal:set': async ({ key, value }) => deps.managedConfig.setPersonal(key, value ?? null),
    // The renderer never sees a secret of the policy (the audit pseudonym key).
    'policy:state:get': async () => policyStateForRenderer(policy.state()),
    'policy:reload': async () => policyStateForRenderer(await policy.reload()),
    // Recorded by the audit trail's wrapper (audit/audited-handlers.ts), which is the report's one home.
    'policy:false-positive:report': async () => ({}),
    'policy:preferences:set': async ({ layer }) => policyStateForRenderer(await policy.setPreferences(layer)),
    'send:identities:list': async () => send.identities(),
    'send:evaluate': async ({ message }) => send.evaluate({ ...message, attachments: withContent(message.attachments) }),
    'send:submit': async ({ message, approval }) => send.submit({ ...message, attachments: withContent(message.attachments) }, approval),
    'send:outbox:list': async () => send.outboxItems(),
    'send:outbox:retry': async ({ id }) => {
      await send.outbox.retry(id);
      return {};
    },
    'send:outbox:discard': async ({ id }) => {
      send.outbox.discard(id);
      return {};
    },
    'send:outbox:mark-sent': async ({ id }) => {
      await send.outbox.markSent(id);
      return {};
    },
    'team:items:list': async (ref) => teamWork.items(ref),
    'team:item:get': async ({ mailbox, uid }) => {
      const entry = await teamWork.teamOf(mailbox);
      if (!entry) return null;
      const view = await teamWork.item(entry.ref, uid);
      return { ...view, notes: await teamWork.notes(entry.ref, uid) };
    },
    'team:item:claim': async ({ mailbox, uid }) => teamWork.claim(await teamOf(mailbox), uid),
    'team:item:release': async ({ mailbox, uid }) => teamWork.release(await teamOf(mailbox), uid),
    'team:item:status': async ({ mailbox, uid, status }) => teamWork.setStatus(await teamOf(mailbox), uid, status),
    'team:item:take-over': async ({ mailbox, uid, from, reason }) => teamWork.takeOver(await teamOf(mailbox), uid, from, reason),
    'team:item:reassign': async ({ mailbox, uid, from, to }) => teamWork.reassign(await teamOf(mailbox), uid, from, to),
    'crypto:team:list': async () => teamKeys.list(),
    'crypto:team:create': async ({ accountId, team, name, email }) => teamKeys.create(accountId, team, { name, email }),
    'crypto:team:grant': async ({ accountId, team, memberPublicKey }) => teamKeys.grant(accountId, team, memberPublicKey),
    'crypto:team:remove-member': async ({ accountId, team, memberFingerprint }) => teamKeys.removeMember(accountId, team, memberFingerprint),
    'crypto:team:public:export': async ({ accountId, team }) => ({ armored: await teamKeys.exportPublic(accountId, team) }),
    'crypto:team:grants:pending': async () => teamKeys.pendingGrants(),
    'crypto:team:grants:preview': async ({ armored }) => teamKeys.previewGrant(armored),
    'crypto:team:grants:import': async ({ source, confirmLead }) => teamKeys.importGrant(source, confirmLead),
    // Correspondents' public keyring.
    'crypto:contacts:list': async () => deps.correspondents.list(),
    'crypto:contacts:import': async (request) =>
      'candidateId' in request
        ? deps.keyLookup.importCandidate(request.candidateId)
        : deps.correspondents.importData('armored' in request ? request.armored : new Uint8Array(Buffer.from(request.binaryBase64, 'base64')), 'file'),
    'crypto:contacts:accept': async ({ fingerprint, state }) => deps.correspondents.decide(fingerprint, state),
    'crypto:contacts:remove': async ({ fingerprint }) => {
      await deps.correspondents.remove(fingerprint);
      return {};
    },
    'crypto:contacts:lookup': async ({ address }) => deps.keyLookup.lookup(address),
    'crypto:contacts:import-from-message': async ({ mailbox, uid }) => {
      const offered = await mail.offeredKey(mailbox, uid);
      return deps.correspondents.importData(offered.data, offered.source);
    },
    'mail:message:compose-context': async ({ mailbox, uid, mode }) => send.composeContext(mailbox, uid, mode, settings.get().ui.locale),
    'send:correspondents:suggest': async ({ query }) => send.correspondents.suggest(query),
    'settings:compose:get': async () => settings.get().compose,
    'settings:compose:set': async ({ compose }) => settings.setCompose(compose).compose,
    'drafts:save': async ({ draft }) => deps.drafts.save({ ...draft, attachments: withContent(draft.attachments) }),
    'drafts:list': async () => deps.drafts.list(),
    'drafts:open': async ({ draftId }) => {
      const opened = await deps.drafts.open(draftId);
      // The reopened draft's files are held here like uploads; the composer gets ids and sizes.
      return { ...opened, attachments: opened.attachments.map((a) => uploads.hold(a.filename, a.contentType, Buffer.from(a.contentBase64, 'base64'))) };
    },
    'drafts:discard': async ({ draftId }) => {
      await deps.drafts.discard(draftId);
      return {};
    },
    'attachments:upload:begin': async ({ filename, contentType, size }) => uploads.begin(filename, contentType, size),
    'attachments:upload:chunk': async ({ attachmentId, offset, dataBase64 }) => uploads.append(attachmentId, offset, Buffer.from(dataBase64, 'base64')),
    'attachments:release': async ({ attachmentIds }) => {
      uploads.release(attachmentIds);
      return {};
    },
    // Idle lock: served while locked too (lock-gate.ts).
    'app:lock:state': async () => deps.sessionLock.state(),
    'app:lock:activity': async () => deps.sessionLock.activity(),
    'app:lock:now': async ({ reason }) => deps.sessionLock.lock(reason),
    'app:lock:unlock': async ({ passphrase }) => deps.sessionLock.unlock({ passphrase }),
    // Work an update must not interrupt: the page reports open composers; the outbox is counted here.
    'app:work:report': async ({ openComposers }) => {
      work.openComposers = openComposers;
      return {};
    },
    'app:work:state': async () => ({ outbox: send.outboxItems().length, openComposers: work.openComposers }),
    'team:board:get': async (team) => deps.teamBoard.board(team),
    'team:handover': async ({ accountId, team, from, to }) => deps.teamBoard.handOver({ accountId, team }, from, to),
    'team:board:close': async (team) => {
      deps.teamBoard.unwatch(team);
      return {};
    },
    'mail:search:start': async ({ scope, query, limit }) => deps.search.start(scope, query, limit),
    'mail:search:more': async ({ searchId }) => deps.search.more(searchId),
    'mail:search:end': async ({ searchId }) => {
      deps.search.end(searchId);
      return {};
    },
    // Audit trail: the person's identities are their accounts' (user@host), as the records name them.
    ...auditChannels(deps.audit, () => mail.listAccounts().map((a) => `${a.username.toLowerCase()}@${a.host.toLowerCase()}`)),
  };
}

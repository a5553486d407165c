/**
 * Drafts, end to end: every save goes to this workstation first (sealed under the vault key), then
 * to the account's Drafts folder as PGP/MIME encrypted to the identity's own keys and signed as
 * the identity — the same decision sending makes (crypto/identity-keys.ts): a personal draft only
 * to the person's own keys, a team mailbox's draft to the team key too and signed with it — or,
 * without a usable own key, nowhere else: the person is told the server copy needs a key, and
 * nothing readable ever reaches the server.
 *
 * One server copy per draft: a save appends the new copy, then removes the copies it replaces
 * (known by UID + UIDVALIDITY). Saves of one draft run one after another. A draft is removed
 * everywhere once the message sent from it was accepted by the server (`message.accepted` with
 * its Message-ID, which main minted from the draft id) or when the person discards it; a draft whose server copy another workstation
 * removed (sent or discarded there) disappears here too, unless this workstation holds newer text.
 */
import type { DraftContent, DraftList, DraftSaveResult, DraftServerState, DraftSummary, OpenedDraft } from '../../../shared/draft-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { IdentityKeyring } from '../crypto/identity-keys.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import type { DomainEventBus } from '../events/domain-events.js';
import { isMessageOfDraft } from '../mime/message-id.js';
import { buildEncryptedDraft, readEncryptedDraft, type DraftRecord } from './draft-mime.js';
import type { DraftsFolder } from '../mail/drafts-folder.js';
import type { LocalDraft, LocalDrafts, ServerCopy } from './local-drafts.js';

export interface DraftServiceDeps {
  local: LocalDrafts;
  folder: DraftsFolder;
  /** What signs as the draft's identity and which keys read its copy (the decision sending uses too). */
  identityKeys: Pick<IdentityKeyring, 'keysFor'>;
  /** Every key held, for reading server copies. */
  keyProvider: KeyProvider;
  /** The accounts here: id, and a name that is the same on every workstation (user@host). */
  accounts: () => { id: string; key: string }[];
  /** The identity a draft of the account is written as: its address, and whether it is a team's (an account that is a team mailbox). */
  sender: (accountId: string) => Promise<{ address: string; name: string; kind: 'personal' | 'team'; person?: string }>;
  events?: DomainEventBus;
  now?: () => number;
}

/** What is known of one server copy, by account + folder + UIDVALIDITY + UID (copies never change). */
type Seen = { kind: 'draft'; summary: Omit<DraftSummary, 'local' | 'server'> } | { kind: 'unreadable'; keysTag: string } | { kind: 'foreign' };

export class DraftService {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly seen = new Map<string, Seen>();
  /** Server copies found by the last list, per draft id (newest last). */
  private readonly onServer = new Map<string, { accountId: string; path: string; uidValidity: string; uid: number; savedAt: number }[]>();
  /** Drafts sent or discarded in this run: a late autosave must not bring them back. */
  private readonly closed = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: DraftServiceDeps) {
    this.now = deps.now ?? Date.now;
    deps.events?.subscribe((event) => {
      if (event.type === 'message.accepted') void this.removeSent(event.messageId).catch(() => undefined);
    });
  }

  save(content: DraftContent): Promise<DraftSaveResult> {
    const id = content.draftId.toLowerCase();
    return this.serial(id, async () => {
      if (this.closed.has(id)) throw new ServiceError('NOT_FOUND', 'This draft was already sent or discarded.');
      const previous = await this.deps.local.read(id);
      const draft: DraftRecord = { ...content, draftId: id, savedAt: Math.max(this.now(), (previous?.draft.savedAt ?? 0) + 1) };
      // This workstation first: whatever the server does, the text is not lost.
      await this.deps.local.write({ draft, server: previous?.server ?? null });
      const outcome = await this.saveToServer(draft, previous?.server ?? null);
      if (outcome.copy) await this.deps.local.write({ draft, server: outcome.copy });
      this.deps.events?.emit({ type: 'draft.saved', draftId: id, accountId: draft.accountId, server: outcome.state === 'saved', at: this.now() });
      return { draftId: id, savedAt: draft.savedAt, server: outcome.state, ...(outcome.error ? { error: outcome.error } : {}) };
    });
  }

  async list(): Promise<DraftList> {
    const unavailableAccounts: string[] = [];
    let unreadableOnServer = 0;
    const keysTag = await this.keysTag();
    this.onServer.clear();
    const folders = new Map<string, { path: string; uidValidity: string; uids: Set<number> }>();
    for (const { id: accountId } of this.deps.accounts()) {
      try {
        const { path, uidValidity, uids } = await this.deps.folder.uids(accountId);
        folders.set(accountId, { path, uidValidity, uids: new Set(uids) });
        const key = (uid: number) => `${accountId}\u0000${path}\u0000${uidValidity}\u0000${uid}`;
        const unknown = uids.filter((uid) => {
          const known = this.seen.get(key(uid));
          return !known || (known.kind === 'unreadable' && known.keysTag !== keysTag);
        });
        for (const { uid, raw } of await this.deps.folder.fetch(accountId, unknown)) {
          const read = await readEncryptedDraft(raw, this.deps.keyProvider);
          if (read.ok) {
            const { draftId, subject, to, savedAt, attachments } = read.draft;
            this.seen.set(key(uid), {
              kind: 'draft',
              summary: { draftId, accountId: this.localized(read, accountId).accountId, subject, to, savedAt, attachments: attachments.length },
            });
          } else this.seen.set(key(uid), read.reason === 'not-draft' ? { kind: 'foreign' } : { kind: 'unreadable', keysTag });
        }
        for (const uid of uids) {
          const known = this.seen.get(key(uid));
          if (known?.kind === 'unreadable') unreadableOnServer += 1;
          if (known?.kind !== 'draft') continue;
          const copies = this.onServer.get(known.summary.draftId) ?? [];
          copies.push({ accountId, path, uidValidity, uid, savedAt: known.summary.savedAt });
          this.onServer.set(
            known.summary.draftId,
            copies.sort((a, b) => a.savedAt - b.savedAt || a.uid - b.uid),
          );
        }
      } catch {
        unavailableAccounts.push(accountId);
      }
    }

    const drafts = new Map<string, DraftSummary>();
    for (const entry of await this.deps.local.all()) {
      const id = entry.draft.draftId;
      if (this.closed.has(id)) continue;
      const folder = entry.server ? folders.get(entry.server.accountId) : undefined;
      const removedElsewhere =
        entry.server !== null &&
        folder !== undefined &&
        folder.path === entry.server.path &&
        folder.uidValidity === entry.server.uidValidity &&
        entry.server.savedAt === entry.draft.savedAt &&
        !entry.server.uids.some((uid) => folder.uids.has(uid)) &&
        !this.onServer.has(id);
      if (removedElsewhere) {
        // Its last version reached the server and is gone from there: sent or discarded elsewhere.
        await this.serial(id, async () => {
          // Unless a save got in between (it would have written a newer version).
          if ((await this.deps.local.read(id))?.draft.savedAt === entry.draft.savedAt) this.deps.local.remove(id);
        });
        continue;
      }
      drafts.set(id, {
        draftId: id,
        accountId: entry.draft.accountId,
        subject: entry.draft.subject,
        to: entry.draft.to,
        savedAt: entry.draft.savedAt,
        attachments: entry.draft.attachments.length,
        local: true,
        server: false,
      });
    }
    for (const [id, copies] of this.onServer) {
      const newest = copies[copies.length - 1]!;
      if (this.closed.has(id)) {
        await this.removeCopies(copies);
        continue;
      }
      // Older versions of the same draft (an interrupted save): the newest replaces them.
      if (copies.length > 1) await this.removeCopies(copies.slice(0, -1)).catch(() => undefined);
      const summary = this.summaryOf(newest);
      const local = drafts.get(id);
      if (!summary) continue;
      drafts.set(id, local && local.savedAt >= summary.savedAt ? { ...local, server: true } : { ...summary, local: local !== undefined, server: true });
    }
    return { drafts: [...drafts.values()].sort((a, b) => b.savedAt - a.savedAt), unreadableOnServer, unavailableAccounts };
  }

  /** The newest version of a draft, from here or from the server; kept locally from then on. */
  async open(draftId: string): Promise<OpenedDraft> {
    const id = draftId.toLowerCase();
    if (!this.onServer.has(id)) await this.list();
    return this.serial(id, async () => {
      const local = await this.deps.local.read(id);
      let chosen: LocalDraft | null = local;
      const newest = this.onServer.get(id)?.at(-1);
      if (newest && (!local || newest.savedAt > local.draft.savedAt)) {
        const [fetched] = await this.deps.folder.fetch(newest.accountId, [newest.uid]);
        const read = fetched ? await readEncryptedDraft(fetched.raw, this.deps.keyProvider) : null;
        if (read?.ok && read.draft.draftId === id) {
          chosen = {
            draft: this.localized(read, newest.accountId),
            server: { accountId: newest.accountId, path: newest.path, uidValidity: newest.uidValidity, uids: [newest.uid], savedAt: read.draft.savedAt },
          };
          await this.deps.local.write(chosen);
        }
      }
      if (!chosen) throw new ServiceError('NOT_FOUND', 'No such draft.');
      this.deps.events?.emit({ type: 'draft.opened', draftId: id, at: this.now() });
      const { draft } = chosen;
      return {
        draftId: id,
        accountId: draft.accountId,
        to: draft.to,
        cc: draft.cc,
        subject: draft.subject,
        text: draft.text,
        attachments: draft.attachments,
        ...(draft.replyTo ? { replyTo: draft.replyTo } : {}),
        savedAt: draft.savedAt,
      };
    });
  }

  /** Removes the draft here and on the server. */
  async discard(draftId: string, reason: 'discarded' | 'sent' = 'discarded'): Promise<void> {
    const id = draftId.toLowerCase();
    this.closed.add(id);
    await this.serial(id, async () => {
      const local = await this.deps.local.read(id);
      const copies = [...(this.onServer.get(id) ?? [])];
      if (local?.server) copies.push(...local.server.uids.map((uid) => ({ ...local.server!, uid })));
      // Server first: if it cannot be reached, the local record still knows which copy to remove.
      await this.removeCopies(copies);
      this.deps.local.remove(id);
      this.onServer.delete(id);
    });
    this.deps.events?.emit({ type: 'draft.discarded', draftId: id, reason, at: this.now() });
  }

  /** The message written in a draft was accepted by the mail server: the draft has done its job. */
  private async removeSent(messageId: string): Promise<void> {
    const ids = new Set<string>();
    for (const entry of await this.deps.local.all()) if (isMessageOfDraft(messageId, entry.draft.draftId)) ids.add(entry.draft.draftId);
    for (const id of this.onServer.keys()) if (isMessageOfDraft(messageId, id)) ids.add(id);
    for (const id of ids) await this.discard(id, 'sent');
  }

  private async saveToServer(draft: DraftRecord, previous: ServerCopy | null): Promise<{ state: DraftServerState; error?: string; copy?: ServerCopy }> {
    if (!draft.accountId || !this.deps.accounts().some((a) => a.id === draft.accountId)) return { state: 'no-account' };
    try {
      const from = await this.deps.sender(draft.accountId);
      const own = await this.deps.identityKeys.keysFor({ address: from.address, kind: from.kind, ...(from.person ? { person: from.person } : {}) });
      const encryptionKeys = own.encryptToSelf;
      if (encryptionKeys.length === 0) return { state: 'no-key' };
      const signingKey = own.signWith;
      if (!signingKey) return { state: own.signing === 'none' ? 'no-key' : 'key-locked' };
      const keyOf = (id: string | undefined) => this.deps.accounts().find((a) => a.id === id)?.key;
      const accounts = { account: keyOf(draft.accountId), replyTo: keyOf(draft.replyTo?.mailbox.accountId) };
      const raw = await buildEncryptedDraft(draft, { name: from.name, address: from.address }, { encryptionKeys, signingKey }, accounts);
      const appended = await this.deps.folder.append(draft.accountId, raw);
      const copy: ServerCopy = {
        accountId: draft.accountId,
        path: appended.path,
        uidValidity: appended.uidValidity,
        uids: [appended.uid],
        savedAt: draft.savedAt,
      };
      if (previous) {
        const stale = previous.uids.filter((uid) => !(previous.accountId === copy.accountId && previous.path === copy.path && uid === appended.uid));
        try {
          await this.deps.folder.remove(previous.accountId, { path: previous.path, uidValidity: previous.uidValidity, uids: stale });
        } catch {
          // Keep track of the old copy: the next save (or the list's clean-up) removes it.
          if (previous.accountId === copy.accountId && previous.path === copy.path && previous.uidValidity === copy.uidValidity)
            copy.uids = [...stale, appended.uid];
        }
      }
      return { state: 'saved', copy };
    } catch (error) {
      return { state: 'failed', error: error instanceof ServiceError ? error.code : 'INTERNAL' };
    }
  }

  private async removeCopies(copies: { accountId: string; path: string; uidValidity: string; uid: number }[]): Promise<void> {
    const groups = new Map<string, { accountId: string; path: string; uidValidity: string; uids: number[] }>();
    for (const copy of copies) {
      const key = `${copy.accountId}\u0000${copy.path}\u0000${copy.uidValidity}`;
      const group = groups.get(key) ?? { accountId: copy.accountId, path: copy.path, uidValidity: copy.uidValidity, uids: [] };
      if (!group.uids.includes(copy.uid)) group.uids.push(copy.uid);
      groups.set(key, group);
    }
    for (const group of groups.values()) await this.deps.folder.remove(group.accountId, group);
  }

  private summaryOf(copy: { accountId: string; path: string; uidValidity: string; uid: number }): Omit<DraftSummary, 'local' | 'server'> | null {
    const known = this.seen.get(`${copy.accountId}\u0000${copy.path}\u0000${copy.uidValidity}\u0000${copy.uid}`);
    return known?.kind === 'draft' ? known.summary : null;
  }

  /**
   * A server copy written on another workstation names that workstation's account ids: map them
   * to the accounts here with the same user@host (the sender, else the folder's own account; the
   * reply reference only when its account is here too, so a secured original stays known).
   */
  private localized(read: { draft: DraftRecord; accounts: { account?: string; replyTo?: string } }, folderAccountId: string): DraftRecord {
    const here = this.deps.accounts();
    const map = (id: string, key: string | undefined) => (here.some((a) => a.id === id) ? id : here.find((a) => key !== undefined && a.key === key)?.id);
    const accountId = map(read.draft.accountId, read.accounts.account) ?? folderAccountId;
    const { replyTo } = read.draft;
    const replyAccount = replyTo ? map(replyTo.mailbox.accountId, read.accounts.replyTo) : undefined;
    return {
      ...read.draft,
      accountId,
      ...(replyTo ? { replyTo: replyAccount ? { ...replyTo, mailbox: { ...replyTo.mailbox, accountId: replyAccount } } : replyTo } : {}),
    };
  }

  /** Changes when keys are imported or unlocked, so copies unreadable before are tried again. */
  private async keysTag(): Promise<string> {
    return (await this.deps.keyProvider.decryptionKeys())
      .map((k) => k.getFingerprint())
      .sort()
      .join(',');
  }

  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(id) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return run;
  }
}

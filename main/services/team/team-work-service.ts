/**
 * Team handling: claim on open, release, take-over with a reason, reassignment by the lead,
 * statuses, history, and the check before a team reply leaves ("traffic cop"). The state lives on
 * the organisation's server (team-state-backend.ts); this service decides who the person is (their
 * account's address, never free text), who may reassign (the lead, from the directory), and seals
 * anything beyond identifiers (a take-over reason) to the team key.
 *
 * Invariant: for a secured message, the claim is settled before anything is decrypted —
 * `beforeOpen` runs ahead of the reading pipeline and refuses (TEAM_ITEM_TAKEN) when someone else
 * handles the message, so its content is never decrypted or sent to the renderer.
 */
import type { MailboxRef } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { TeamItem, TeamItemStatus } from '../../../shared/team-work-schema.js';
import type { TeamDirectory, TeamDirectoryEntry } from './team-directory.js';
import { teamKey, type TeamRef } from './team-ref.js';
import type { TeamChangeOutcome, TeamStateBackend, TeamStateMechanism } from './team-state-backend.js';
import type { TeamChange } from './team-state.js';

/** Seals notes to the team key and opens them (crypto/ implements it; the operator never reads a note). */
export interface TeamNoteSealer {
  seal(ref: TeamRef, text: string): Promise<string>;
  /** The note, or null when the person holds no key that opens it. */
  open(ref: TeamRef, sealed: string): Promise<string | null>;
}

export interface TeamWorkDeps {
  directory: TeamDirectory;
  backend: TeamStateBackend;
  /** The person's member identifier on an account: its address. */
  memberId(accountId: string): Promise<string>;
  sealer: TeamNoteSealer;
  /** Told whenever anyone changed a team's state (the UI's live update). */
  changed?(ref: TeamRef): void;
  /** How long the directory is reused on the open path (ms). */
  directoryTtlMs?: number;
}

/** What the composer saw when it opened a reply from a team mailbox. */
export interface TeamReplyBasis {
  handler: string | null;
  answered: boolean;
}

export interface TeamItemView {
  team: TeamRef;
  mechanism: TeamStateMechanism;
  me: string;
  isLead: boolean;
  item: TeamItem;
}

export class TeamWorkService {
  private directoryCache: { at: number; entries: Promise<TeamDirectoryEntry[]> } | null = null;
  private readonly subscribers = new Map<string, { listeners: Set<(ref: TeamRef) => void>; stop: () => Promise<void> }>();

  constructor(private readonly deps: TeamWorkDeps) {}

  /** The team whose INBOX this mailbox is, or null (claims apply to team INBOXes only). */
  async teamOf(ref: MailboxRef): Promise<TeamDirectoryEntry | null> {
    return (await this.entries()).find((e) => e.ref.accountId === ref.accountId && e.inboxPath === ref.path) ?? null;
  }

  /**
   * Every message of a team mailbox with its handling state (for the list, the board and
   * handover). Starts watching the team, so later changes by anyone are announced.
   */
  async items(ref: TeamRef): Promise<TeamItem[]> {
    const entry = await this.entry(ref);
    this.ensureWatching(entry);
    return this.deps.backend.items(entry);
  }

  async item(ref: TeamRef, uid: number): Promise<TeamItemView> {
    const entry = await this.entry(ref);
    this.ensureWatching(entry);
    const [item] = await this.deps.backend.items(entry, [uid]);
    if (!item) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
    return this.view(entry, item);
  }

  /**
   * Runs before a message of a team INBOX is read. An unhandled message (not done) is claimed for
   * the person; a secured message that someone else handles is refused before any decryption.
   */
  async beforeOpen(ref: MailboxRef, uid: number, secured: () => Promise<boolean>): Promise<void> {
    const entry = await this.teamOf(ref);
    if (!entry) return;
    this.ensureWatching(entry);
    const me = await this.deps.memberId(ref.accountId);
    let [item] = await this.deps.backend.items(entry, [uid]);
    if (!item) return; // the reader says the message is gone
    if (!item.handler && item.status !== 'done' && !entry.readOnly) {
      item = (await this.deps.backend.change(entry, uid, { action: 'claim', by: me })).item;
    }
    if (item.handler && item.handler.memberId !== me && (await secured())) {
      throw new ServiceError('TEAM_ITEM_TAKEN', 'Another team member handles this secured message.');
    }
  }

  async claim(ref: TeamRef, uid: number): Promise<TeamChangeOutcome> {
    return this.change(ref, uid, async (me) => ({ action: 'claim', by: me }));
  }

  async release(ref: TeamRef, uid: number): Promise<TeamChangeOutcome> {
    return this.change(ref, uid, async (me) => ({ action: 'release', by: me }));
  }

  async setStatus(ref: TeamRef, uid: number, status: TeamItemStatus): Promise<TeamChangeOutcome> {
    return this.change(ref, uid, async (me) => ({ action: 'status', by: me, status }));
  }

  /** Takes over from `from` (the handler the person saw), with a written reason sealed to the team key. */
  async takeOver(ref: TeamRef, uid: number, from: string | null, reason: string): Promise<TeamChangeOutcome> {
    const text = reason.trim();
    if (!text) throw new ServiceError('VALIDATION', 'Write why you take the message over.');
    const sealed = await this.deps.sealer.seal(ref, text);
    return this.change(ref, uid, async (me) => ({ action: 'take-over', by: me, from }), sealed);
  }

  /** The lead moves a message from `from` to another member. */
  async reassign(ref: TeamRef, uid: number, from: string | null, to: string): Promise<TeamChangeOutcome> {
    const entry = await this.entry(ref, true);
    if (!entry.isLead) throw new ServiceError('UNAUTHORIZED', 'Only the team lead (the administer right on the team mailbox) can reassign.');
    return this.change(ref, uid, async (me) => ({ action: 'reassign', by: me, from, to: to.toLowerCase() }));
  }

  /** Take-over reasons of a message, opened with the team key the person holds. */
  async notes(ref: TeamRef, uid: number): Promise<{ at: number; by: string; text: string | null }[]> {
    const entry = await this.entry(ref);
    const sealed = await this.deps.backend.sealedNotes(entry, uid);
    return Promise.all(sealed.map(async (n) => ({ at: n.at, by: n.by, text: await this.deps.sealer.open(ref, n.sealed).catch(() => null) })));
  }

  /**
   * The traffic cop: before a reply from a team mailbox leaves, nobody else may have claimed or
   * answered the original since the composer opened. Refuses with TEAM_ITEM_TAKEN, saying what happened.
   */
  async checkReply(ref: MailboxRef, uid: number, basis: TeamReplyBasis, basisKnown = true): Promise<void> {
    const entry = await this.teamOf(ref);
    if (!entry) return;
    const me = await this.deps.memberId(ref.accountId);
    const [item] = await this.deps.backend.items(entry, [uid]);
    if (!item) return;
    const handler = item.handler?.memberId ?? null;
    if (handler && handler !== me && handler !== basis.handler) {
      throw new ServiceError('TEAM_ITEM_TAKEN', `${handler} took the message while you were writing; nothing was sent.`);
    }
    // Without what the composer saw (a reopened draft), only another handler stops the reply.
    if (basisKnown && item.answered && !basis.answered) {
      throw new ServiceError('TEAM_ITEM_TAKEN', 'The message was answered while you were writing; nothing was sent.');
    }
  }

  /** Calls `listener` whenever anyone changes the team's handling state (IDLE). Returns the unsubscribe function. */
  subscribe(ref: TeamRef, listener: (ref: TeamRef) => void): () => void {
    const key = teamKey(ref);
    let entry = this.subscribers.get(key);
    if (!entry) {
      entry = { listeners: new Set(), stop: async () => undefined };
      this.subscribers.set(key, entry);
      const holder = entry;
      void this.entry(ref)
        .then((team) => {
          holder.stop = this.deps.backend.watch(team, () => {
            for (const l of holder.listeners) l(ref);
          });
        })
        .catch(() => this.subscribers.delete(key));
    }
    entry.listeners.add(listener);
    const listeners = entry.listeners;
    return () => {
      listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    const all = [...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.all(all.map((s) => s.stop()));
    await this.deps.backend.close();
  }

  private ensureWatching(entry: TeamDirectoryEntry): void {
    const key = teamKey(entry.ref);
    if (this.subscribers.has(key) || !this.deps.changed) return;
    const changed = this.deps.changed;
    this.subscribe(entry.ref, (ref) => changed(ref));
  }

  private async change(ref: TeamRef, uid: number, make: (me: string) => Promise<TeamChange>, sealedNote?: string): Promise<TeamChangeOutcome> {
    const entry = await this.entry(ref);
    if (entry.readOnly) throw new ServiceError('UNAUTHORIZED', 'You may only read this team mailbox.');
    this.ensureWatching(entry);
    const me = await this.deps.memberId(ref.accountId);
    return this.deps.backend.change(entry, uid, await make(me), sealedNote);
  }

  private async view(entry: TeamDirectoryEntry, item: TeamItem): Promise<TeamItemView> {
    return {
      team: entry.ref,
      mechanism: await this.deps.backend.mechanism(entry),
      me: await this.deps.memberId(entry.ref.accountId),
      isLead: entry.isLead,
      item,
    };
  }

  private async entry(ref: TeamRef, fresh = false): Promise<TeamDirectoryEntry> {
    const found = (await this.entries(fresh)).find((e) => e.ref.accountId === ref.accountId && e.ref.team === ref.team);
    if (!found) throw new ServiceError('NOT_FOUND', 'No such team mailbox.');
    return found;
  }

  private async entries(fresh = false): Promise<TeamDirectoryEntry[]> {
    const ttl = this.deps.directoryTtlMs ?? 60_000;
    if (fresh || !this.directoryCache || Date.now() - this.directoryCache.at > ttl) {
      const entries = this.deps.directory.list();
      this.directoryCache = { at: Date.now(), entries };
      entries.catch(() => {
        if (this.directoryCache?.entries === entries) this.directoryCache = null;
      });
    }
    return this.directoryCache.entries;
  }
}

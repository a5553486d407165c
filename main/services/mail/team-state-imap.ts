/**
 * Team handling state over IMAP, with the mechanism chosen per server from its capabilities:
 *
 * - keywords (CONDSTORE, PERMANENTFLAGS with `\*`): a change reads the message's flags and
 *   MODSEQ, applies the team rules (team/team-state.ts) and writes the new flag set with
 *   `UID STORE … (UNCHANGEDSINCE modseq) FLAGS.SILENT`; `[MODIFIED]` means someone else changed
 *   the message first, so it reads again and decides again. Of clients racing to claim, exactly
 *   one STORE applies; the others then see a handler and lose. History is appended to the journal
 *   folder afterwards (it decides nothing there).
 * - journal (Exchange Online: no CONDSTORE, custom keywords refused with BAD): a change is a
 *   record appended to the team's journal folder; the state is the records replayed in the
 *   server's UID order, each applying only if the rules allow, so the first claim record wins.
 *   Relies on the server assigning UIDs in commit order (RFC 3501 §2.3.1.1: strictly ascending),
 *   and on a record being visible once its APPEND completed.
 * Neither possible (no CONDSTORE keywords, and no journal folder the person can add to):
 * TEAM_STATE_UNSUPPORTED. Everything is on the server once the STORE or APPEND completed, so a
 * client that crashes afterwards loses nothing; no workstation clock is compared.
 *
 * One connection per account carries the changes, serialized; each watched team has its own
 * connection IDLE-ing on the journal folder (else the team INBOX).
 */
import type { ImapFlow } from 'imapflow';
import { ServiceError } from '../../../shared/result.js';
import type { TeamItem } from '../../../shared/team-work-schema.js';
import type { Logger } from '../logging/logger.js';
import type { TeamDirectoryEntry } from '../team/team-directory.js';
import { teamKey } from '../team/team-ref.js';
import type { TeamChangeOutcome, TeamStateBackend, TeamStateMechanism } from '../team/team-state-backend.js';
import { applyChange, replayJournal, stateWithHistory, toTeamItem, UNHANDLED, type StoredChange, type TeamChange } from '../team/team-state.js';
import { classifyImapError } from './imap-errors.js';
import { conditionalStoreFlags } from './imap-raw-commands.js';
import { buildJournalRecord, flagsWithState, JOURNAL_HEADERS, parseJournalRecord, stateFromKeywords, teamStateFolderPath } from './team-state-format.js';

/** Conditional STOREs retried when someone else changed the message in between (each retry decides again). */
const MAX_STORE_ATTEMPTS = 20;

interface JournalCache {
  uidValidity: bigint;
  inboxUidValidity: bigint;
  maxUid: number;
  changes: StoredChange[];
}

export interface ImapTeamStateDeps {
  /** A new, authenticated connection of the account (the caller owns it). */
  connect(accountId: string): Promise<ImapFlow>;
  logger: Logger;
  reconnectDelayMs?: number;
}

export class ImapTeamStateBackend implements TeamStateBackend {
  private readonly connections = new Map<string, Promise<ImapFlow>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly mechanisms = new Map<string, TeamStateMechanism>();
  private readonly journals = new Map<string, JournalCache>();
  private readonly watchers = new Set<() => Promise<void>>();
  private closed = false;

  constructor(private readonly deps: ImapTeamStateDeps) {}

  mechanism(team: TeamDirectoryEntry): Promise<TeamStateMechanism> {
    return this.run(team, (client) => this.mechanismOn(client, team));
  }

  items(team: TeamDirectoryEntry, uids?: readonly number[]): Promise<TeamItem[]> {
    return this.run(team, async (client) => {
      const mechanism = await this.mechanismOn(client, team);
      const inbox = await select(client, team.inboxPath);
      const facts: { uid: number; receivedAt: number; answered: boolean; flags: Set<string> }[] = [];
      if (inbox.exists && (!uids || uids.length)) {
        const range = uids ? uids.join(',') : '1:*';
        for await (const m of client.fetch(range, { uid: true, flags: true, internalDate: true }, { uid: Boolean(uids) })) {
          facts.push({ uid: m.uid, receivedAt: dateOf(m.internalDate), answered: m.flags?.has('\\Answered') ?? false, flags: m.flags ?? new Set() });
        }
      }
      const inboxUidValidity = BigInt(inbox.uidValidity);
      const journal = await this.readJournal(client, team, inboxUidValidity, mechanism === 'journal');
      const byTarget = groupByTarget(journal);
      const replayed = mechanism === 'journal' ? replayJournal(journal) : null;
      return facts.map((m) => {
        if (replayed) {
          const r = replayed.get(m.uid) ?? { state: UNHANDLED, history: [] };
          return toTeamItem(m, r.state, r.history);
        }
        const r = stateWithHistory(stateFromKeywords(m.flags), byTarget.get(m.uid) ?? []);
        return toTeamItem(m, r.state, r.history);
      });
    });
  }

  change(team: TeamDirectoryEntry, uid: number, change: TeamChange, sealedNote?: string): Promise<TeamChangeOutcome> {
    return this.run(team, async (client) => {
      const mechanism = await this.mechanismOn(client, team);
      return mechanism === 'keywords'
        ? this.changeByKeywords(client, team, uid, change, sealedNote)
        : this.changeByJournal(client, team, uid, change, sealedNote);
    });
  }

  sealedNotes(team: TeamDirectoryEntry, uid: number): Promise<{ at: number; by: string; sealed: string }[]> {
    return this.run(team, async (client) => {
      const inbox = await select(client, team.inboxPath);
      const journal = await this.readJournal(client, team, BigInt(inbox.uidValidity), false);
      const wanted = journal.filter((c) => c.target === uid && c.sealedNote);
      if (!wanted.length) return [];
      const folder = teamStateFolderPath(team.inboxPath, team.delimiter);
      await select(client, folder, true);
      const out: { at: number; by: string; sealed: string }[] = [];
      for (const c of wanted) {
        const part = await client.download(String(c.order), 'TEXT', { uid: true, maxBytes: 64 * 1024 }).catch(() => null);
        if (!part?.content) continue;
        const chunks: Buffer[] = [];
        for await (const chunk of part.content) chunks.push(Buffer.from(chunk as Buffer));
        const sealed = Buffer.concat(chunks).toString('latin1').trim();
        if (sealed) out.push({ at: c.at, by: c.by, sealed });
      }
      return out;
    });
  }

  watch(team: TeamDirectoryEntry, listener: () => void): () => Promise<void> {
    let stopped = false;
    let client: ImapFlow | null = null;
    let timer: NodeJS.Timeout | null = null;
    const start = async (): Promise<void> => {
      if (stopped || this.closed) return;
      try {
        const next = await this.deps.connect(team.ref.accountId);
        client = next;
        const journal = teamStateFolderPath(team.inboxPath, team.delimiter);
        const hasJournal = (await next.list()).some((b) => b.path === journal);
        await next.mailboxOpen(hasJournal ? journal : team.inboxPath, { readOnly: true });
        // New records (journal) or changed flags (a team INBOX without a journal): either is a change of state.
        next.on('exists', () => listener());
        if (!hasJournal) next.on('flags', () => listener());
        next.on('close', () => {
          if (stopped || this.closed) return;
          timer = setTimeout(() => void start().catch(() => undefined), this.deps.reconnectDelayMs ?? 1000);
        });
        if (stopped) await next.logout().catch(() => next.close());
      } catch (error) {
        this.deps.logger.debug('team state watch failed', { code: (error as { code?: string }).code });
        if (!stopped && !this.closed) timer = setTimeout(() => void start().catch(() => undefined), this.deps.reconnectDelayMs ?? 1000);
      }
    };
    void start();
    const stop = async () => {
      stopped = true;
      this.watchers.delete(stop);
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await c.logout().catch(() => c.close());
    };
    this.watchers.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.watchers].map((stop) => stop()));
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const pending of all) {
      const client = await pending.catch(() => null);
      if (client) await client.logout().catch(() => client.close());
    }
  }

  private async changeByKeywords(client: ImapFlow, team: TeamDirectoryEntry, uid: number, change: TeamChange, sealedNote?: string): Promise<TeamChangeOutcome> {
    const inbox = await select(client, team.inboxPath);
    let applied = false;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt >= MAX_STORE_ATTEMPTS) throw new ServiceError('SERVER', 'The team message kept changing; try again.');
      const message = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
      if (!message) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
      if (message.modseq === undefined) throw new ServiceError('TEAM_STATE_UNSUPPORTED', 'The server gave no modification sequence for the message.');
      const next = applyChange(stateFromKeywords(message.flags ?? []), change, 0);
      if (!next) break;
      const stored = await conditionalStoreFlags(client, uid, flagsWithState(message.flags ?? [], next), message.modseq);
      if (stored === 'modified') continue;
      // Read back: imapflow and some servers answer OK without applying (PLATFORM-NOTES); only what the server now holds counts.
      const check = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
      const now = stateFromKeywords(check ? (check.flags ?? []) : []);
      if (now.handler !== next.handler || now.status !== next.status) continue;
      applied = true;
      break;
    }
    if (applied) {
      // History only: the keywords decided. A failure here loses a history line, never the claim.
      await this.appendRecord(client, team, { uidValidity: BigInt(inbox.uidValidity), uid }, change, sealedNote).catch((error: unknown) =>
        this.deps.logger.debug('team history append failed', { code: (error as { code?: string }).code }),
      );
    }
    const [item] = await this.itemsOn(client, team, 'keywords', [uid]);
    if (!item) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
    return { applied, item };
  }

  private async changeByJournal(client: ImapFlow, team: TeamDirectoryEntry, uid: number, change: TeamChange, sealedNote?: string): Promise<TeamChangeOutcome> {
    const inbox = await select(client, team.inboxPath);
    const exists = await client.fetchOne(String(uid), { uid: true }, { uid: true });
    if (!exists) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
    // A change the current state already refuses (a claim of a handled message) is not written at all.
    const current = await this.readJournal(client, team, BigInt(inbox.uidValidity), true);
    if (!applyChange(replayJournal(current).get(uid)?.state ?? UNHANDLED, change, 0)) {
      const [item] = await this.itemsOn(client, team, 'journal', [uid], current);
      if (!item) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
      return { applied: false, item };
    }
    const appended = await this.appendRecord(client, team, { uidValidity: BigInt(inbox.uidValidity), uid }, change, sealedNote);
    const journal = await this.readJournal(client, team, BigInt(inbox.uidValidity), true);
    const mine = appended ?? journal.filter((c) => c.target === uid && c.by === change.by && c.action === change.action).at(-1)?.order;
    // Replay up to and including our record: did it apply? (Later records cannot undo that it did.)
    const before = replayJournal(journal.filter((c) => mine === undefined || c.order < mine)).get(uid)?.state ?? UNHANDLED;
    const applied = mine !== undefined && applyChange(before, change, 0) !== null;
    const [item] = await this.itemsOn(client, team, 'journal', [uid], journal);
    if (!item) throw new ServiceError('MESSAGE_GONE', 'The message is no longer in the team mailbox.');
    return { applied, item };
  }

  private async itemsOn(
    client: ImapFlow,
    team: TeamDirectoryEntry,
    mechanism: TeamStateMechanism,
    uids: number[],
    known?: StoredChange[],
  ): Promise<TeamItem[]> {
    const out: TeamItem[] = [];
    let journal = known;
    if (!journal) {
      const inbox = await select(client, team.inboxPath);
      journal = await this.readJournal(client, team, BigInt(inbox.uidValidity), mechanism === 'journal');
    }
    const replayed = mechanism === 'journal' ? replayJournal(journal) : null;
    const byTarget = groupByTarget(journal);
    await select(client, team.inboxPath);
    for await (const m of client.fetch(uids.join(','), { uid: true, flags: true, internalDate: true }, { uid: true })) {
      const facts = { uid: m.uid, receivedAt: dateOf(m.internalDate), answered: m.flags?.has('\\Answered') ?? false };
      const r = replayed
        ? (replayed.get(m.uid) ?? { state: UNHANDLED, history: [] })
        : stateWithHistory(stateFromKeywords(m.flags ?? []), byTarget.get(m.uid) ?? []);
      out.push(toTeamItem(facts, r.state, r.history));
    }
    return out;
  }

  private async appendRecord(
    client: ImapFlow,
    team: TeamDirectoryEntry,
    target: { uidValidity: bigint; uid: number },
    change: TeamChange,
    sealedNote?: string,
  ): Promise<number | undefined> {
    const folder = teamStateFolderPath(team.inboxPath, team.delimiter);
    const result = await client.append(folder, buildJournalRecord(target, change, sealedNote), ['\\Seen']);
    if (!result) throw new ServiceError('TEAM_STATE_UNSUPPORTED', 'The server refused the record in the team state folder.');
    return typeof result === 'object' && result.uid ? Number(result.uid) : undefined;
  }

  /** The journal's records for the INBOX's current UIDVALIDITY, in server order; new records fetched incrementally. */
  private async readJournal(client: ImapFlow, team: TeamDirectoryEntry, inboxUidValidity: bigint, required: boolean): Promise<StoredChange[]> {
    const folder = teamStateFolderPath(team.inboxPath, team.delimiter);
    let box;
    try {
      box = await select(client, folder, true);
    } catch (error) {
      if (required) throw new ServiceError('TEAM_STATE_UNSUPPORTED', 'The team state folder cannot be opened.', { cause: error });
      return [];
    }
    const key = teamKey(team.ref);
    let cache = this.journals.get(key);
    const uidValidity = BigInt(box.uidValidity);
    if (!cache || cache.uidValidity !== uidValidity || cache.inboxUidValidity !== inboxUidValidity) {
      cache = { uidValidity, inboxUidValidity, maxUid: 0, changes: [] };
      this.journals.set(key, cache);
    }
    // UIDNEXT is not refreshed by NOOP: ask for anything above the last known record (`n:*` costs one line when there is none).
    if (box.exists) {
      for await (const m of client.fetch(`${cache.maxUid + 1}:*`, { uid: true, internalDate: true, headers: JOURNAL_HEADERS }, { uid: true })) {
        if (m.uid <= cache.maxUid) continue;
        const parsed = parseJournalRecord(m.headers?.toString('latin1') ?? '', { order: m.uid, at: dateOf(m.internalDate) }, inboxUidValidity);
        if (parsed) cache.changes.push(parsed);
        cache.maxUid = Math.max(cache.maxUid, m.uid);
      }
    }
    return cache.changes;
  }

  private async mechanismOn(client: ImapFlow, team: TeamDirectoryEntry): Promise<TeamStateMechanism> {
    const key = teamKey(team.ref);
    const known = this.mechanisms.get(key);
    if (known) return known;
    const inbox = await select(client, team.inboxPath);
    const keywords = client.enabled.has('CONDSTORE') && !inbox.noModseq && (inbox.permanentFlags?.has('\\*') ?? false);
    let mechanism: TeamStateMechanism;
    if (keywords) mechanism = 'keywords';
    else {
      const folder = teamStateFolderPath(team.inboxPath, team.delimiter);
      const listed = (await client.list()).some((b) => b.path === folder);
      if (!listed) {
        await client.mailboxCreate(folder).catch((error: unknown) => {
          throw new ServiceError(
            'TEAM_STATE_UNSUPPORTED',
            'This server has no conditional STORE of keywords, and the team state folder is missing and could not be created: ask IT or the team lead to create it.',
            { cause: error },
          );
        });
      }
      mechanism = 'journal';
    }
    this.mechanisms.set(key, mechanism);
    return mechanism;
  }

  /** Runs one operation on the account's state connection, one at a time. */
  private run<T>(team: TeamDirectoryEntry, operation: (client: ImapFlow) => Promise<T>): Promise<T> {
    const accountId = team.ref.accountId;
    const previous = this.queues.get(accountId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (this.closed) throw new ServiceError('CONNECTION_LOST', 'The team state connection was closed.');
        const client = await this.client(accountId);
        try {
          return await operation(client);
        } catch (error) {
          throw error instanceof ServiceError ? error : classifyImapError(error);
        }
      });
    this.queues.set(accountId, next);
    return next;
  }

  private async client(accountId: string): Promise<ImapFlow> {
    const existing = this.connections.get(accountId);
    if (existing) {
      const client = await existing.catch(() => null);
      if (client?.usable) return client;
    }
    const pending = this.deps.connect(accountId);
    this.connections.set(accountId, pending);
    return pending;
  }
}

/**
 * Selects a mailbox, or — when it is already the selected one — asks for what changed since
 * (NOOP: new EXISTS and flag updates) instead of selecting it again.
 */
async function select(
  client: ImapFlow,
  path: string,
  readOnly = false,
): Promise<{ uidValidity: bigint; exists: number; uidNext?: number; noModseq?: boolean; permanentFlags?: Set<string> }> {
  const current = client.mailbox;
  if (current && current.path === path && Boolean(current.readOnly) === readOnly) {
    await client.noop();
    return client.mailbox || current;
  }
  return client.mailboxOpen(path, { readOnly });
}

function dateOf(value: Date | string | undefined): number {
  const time = value instanceof Date ? value.getTime() : value ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? time : 0;
}

function groupByTarget(changes: readonly StoredChange[]): Map<number, StoredChange[]> {
  const out = new Map<number, StoredChange[]>();
  for (const c of changes) {
    const list = out.get(c.target) ?? [];
    list.push(c);
    out.set(c.target, list);
  }
  return out;
}

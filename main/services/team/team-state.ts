/**
 * The rules of a team message's handling state, the same on every server: which change applies
 * to which state, and how the server-ordered changes of a message become its `TeamItem`. Both
 * mechanisms (keywords with a conditional STORE, or the journal folder whose UID order decides;
 * mail/team-state-imap.ts) use these rules, so every client that reads the same server state
 * computes the same handler. No workstation clock is compared: order is the server's, times are
 * the server's INTERNALDATE and only shown.
 */
import type { TeamHistoryEntry, TeamItem, TeamItemStatus } from '../../../shared/team-work-schema.js';

export type TeamChangeAction = 'claim' | 'release' | 'take-over' | 'reassign' | 'status';

/** A change as a member asks for it (and as a journal record carries it: identifiers only). */
export interface TeamChange {
  action: TeamChangeAction;
  /** The member making the change (their account address). */
  by: string;
  /** reassign: the new handler. */
  to?: string;
  /** take-over / reassign: the handler the member saw; the change applies only if it still is. */
  from?: string | null;
  /** status: the new status. */
  status?: TeamItemStatus;
}

export interface HandlingState {
  handler: string | null;
  /** Server time the handler got the message (null: not known, e.g. state written by keywords without history). */
  since: number | null;
  status: TeamItemStatus;
}

export const UNHANDLED: HandlingState = { handler: null, since: null, status: 'new' };

/**
 * The state after `change`, or null when the change does not apply to `state` (a claim of a
 * message someone handles — the loser of a race —, a release by someone else, a take-over of a
 * handler who has changed meanwhile). `at` is the server's time of the change.
 */
export function applyChange(state: HandlingState, change: TeamChange, at: number): HandlingState | null {
  switch (change.action) {
    case 'claim':
      if (state.handler !== null) return null;
      return { handler: change.by, since: at, status: state.status === 'new' ? 'in-progress' : state.status };
    case 'release':
      if (state.handler !== change.by) return null;
      return { handler: null, since: null, status: state.status === 'done' ? 'done' : 'new' };
    case 'take-over':
      if (state.handler === change.by || (change.from !== undefined && state.handler !== change.from)) return null;
      return { handler: change.by, since: at, status: state.status === 'new' ? 'in-progress' : state.status };
    case 'reassign':
      if (!change.to || state.handler === change.to || (change.from !== undefined && state.handler !== change.from)) return null;
      return { handler: change.to, since: at, status: state.status === 'new' ? 'in-progress' : state.status };
    case 'status':
      if (!change.status || state.handler !== change.by || state.status === change.status) return null;
      return { ...state, status: change.status };
  }
}

/** A change the server stored: its place in the server's order and the server's time. */
export interface StoredChange extends TeamChange {
  /** The message it is about (UID in the team INBOX). */
  target: number;
  /** Server order (the journal folder's UID): the first claim in this order wins. */
  order: number;
  at: number;
  /** The record carries a note (a take-over reason) encrypted to the team key. */
  sealedNote?: boolean;
}

export function historyEntry(change: StoredChange): TeamHistoryEntry {
  const action = ({ claim: 'claimed', release: 'released', 'take-over': 'taken-over', reassign: 'reassigned', status: 'status' } as const)[change.action];
  return {
    action,
    by: change.by,
    ...(change.action === 'take-over' ? { to: change.by } : change.action === 'reassign' && change.to ? { to: change.to } : {}),
    ...(change.action === 'status' && change.status ? { status: change.status } : {}),
    at: change.at,
  };
}

export interface MessageFacts {
  uid: number;
  receivedAt: number;
  answered: boolean;
}

/**
 * Journal mechanism: the state is what the changes give when applied in server order, each only
 * if it applies (so of two claims of an unhandled message exactly the first counts). History
 * lists the changes that applied.
 */
export function replayJournal(changes: readonly StoredChange[]): Map<number, { state: HandlingState; history: TeamHistoryEntry[] }> {
  const out = new Map<number, { state: HandlingState; history: TeamHistoryEntry[] }>();
  for (const change of [...changes].sort((a, b) => a.order - b.order)) {
    const current = out.get(change.target) ?? { state: UNHANDLED, history: [] };
    const next = applyChange(current.state, change, change.at);
    if (!next) continue;
    out.set(change.target, { state: next, history: [...current.history, historyEntry(change)] });
  }
  return out;
}

/**
 * Keyword mechanism: the state is what the message's keywords say (decided by conditional STOREs);
 * the journal holds its history only. `since` is the time of the last history entry that made the
 * current handler, when the history has it.
 */
export function stateWithHistory(keywordState: HandlingState, changes: readonly StoredChange[]): { state: HandlingState; history: TeamHistoryEntry[] } {
  const history = [...changes].sort((a, b) => a.order - b.order).map(historyEntry);
  const made = [...history].reverse().find((h) => (h.action === 'claimed' && h.by === keywordState.handler) || h.to === keywordState.handler);
  return { state: { ...keywordState, since: keywordState.handler ? (made?.at ?? keywordState.since) : null }, history };
}

export function toTeamItem(message: MessageFacts, state: HandlingState, history: TeamHistoryEntry[]): TeamItem {
  return {
    uid: message.uid,
    receivedAt: message.receivedAt,
    status: state.status,
    handler: state.handler ? { memberId: state.handler, since: state.since ?? message.receivedAt } : null,
    answered: message.answered,
    history,
  };
}

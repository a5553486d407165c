/**
 * What the team module needs from the server to keep handling state (mail/team-state-imap.ts
 * implements it over IMAP, so IMAP stays in mail/ and team/ imports nothing of mail/).
 */
import type { TeamItem } from '../../../shared/team-work-schema.js';
import type { TeamDirectoryEntry } from './team-directory.js';
import type { TeamChange } from './team-state.js';

/**
 * `keywords`: CONDSTORE and custom keywords (PERMANENTFLAGS has `\*`): the state is in keywords
 * written with a conditional STORE. `journal`: no CONDSTORE or no custom keywords (Exchange
 * Online): the state is the team journal folder, in the server's UID order.
 */
export type TeamStateMechanism = 'keywords' | 'journal';

export interface TeamChangeOutcome {
  /** The change applied; false when the state did not allow it (the claim of a handled message: the race was lost). */
  applied: boolean;
  item: TeamItem;
}

export interface TeamStateBackend {
  /** The mechanism this server allows, or TEAM_STATE_UNSUPPORTED. */
  mechanism(team: TeamDirectoryEntry): Promise<TeamStateMechanism>;
  /** Every message of the team INBOX (or only `uids`) with its handling state. */
  items(team: TeamDirectoryEntry, uids?: readonly number[]): Promise<TeamItem[]>;
  /** Applies a change atomically (exactly one of racing claims applies) and returns the state after it. */
  change(team: TeamDirectoryEntry, uid: number, change: TeamChange, sealedNote?: string): Promise<TeamChangeOutcome>;
  /** Sealed notes of a message's changes (take-over reasons), in server order. */
  sealedNotes(team: TeamDirectoryEntry, uid: number): Promise<{ at: number; by: string; sealed: string }[]>;
  /** Calls `listener` whenever anyone changes the team's state (IDLE); returns the stop function. */
  watch(team: TeamDirectoryEntry, listener: () => void): () => Promise<void>;
  close(): Promise<void>;
}

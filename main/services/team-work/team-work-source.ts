/**
 * What the board, the list's status counts and handover need from team handling, and nothing
 * more: the handling state of a team mailbox's messages, a signal when any of it changes, and the
 * two moves handover makes. The claims module (main/services/team, mail/) implements it over the
 * team mailbox on the server; unit tests use a fake. Keeping it this narrow lets the board be
 * built and tested before, and independently of, how claims are stored on each kind of server.
 */
import type { TeamItem } from '../../../shared/team-work-schema.js';

/** One team mailbox: the account it is reached through and the team's name on that server. */
export interface TeamWorkRef {
  accountId: string;
  team: string;
}

export interface TeamWorkSource {
  /** The handling state of every message in the team's mailbox, as the server has it now. */
  items(team: TeamWorkRef): Promise<TeamItem[]>;
  /**
   * Calls `onChange` whenever anything in the team's state changes (a claim, a status, new or
   * removed mail), from this client or another. Returns the unsubscribe function.
   */
  subscribe(team: TeamWorkRef, onChange: () => void): () => void;
}

/** The moves handover makes, each as the person using the app (the claims service checks who may). */
export interface TeamWorkActions {
  /** Returns the message to the team's queue (nobody handles it). */
  release(team: TeamWorkRef, uid: number): Promise<unknown>;
  /** Hands the message from its handler (as last seen) to another member (their address). */
  reassign(team: TeamWorkRef, uid: number, from: string | null, to: string): Promise<unknown>;
}

/**
 * A team-work source held in memory, for fast unit tests of the board, the list's status counts
 * and handover (the real one is the claims module over the team mailbox on the server). It keeps
 * what release and reassign did, so a test can check the outcome and not only the calls.
 */
import { ServiceError } from '../../shared/result.js';
import type { TeamItem } from '../../shared/team-work-schema.js';
import type { TeamWorkActions, TeamWorkRef, TeamWorkSource } from '../../main/services/team-work/team-work-source.js';

const keyOf = (team: TeamWorkRef) => `${team.accountId}\u0000${team.team}`;

export class FakeTeamWorkSource implements TeamWorkSource, TeamWorkActions {
  private readonly teams = new Map<string, TeamItem[]>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** The member the fake acts as (the history's `by`). */
  constructor(private readonly me = 'lead@kunta.example') {}

  set(team: TeamWorkRef, items: TeamItem[]): void {
    this.teams.set(keyOf(team), structuredClone(items));
    this.changed(team);
  }

  async items(team: TeamWorkRef): Promise<TeamItem[]> {
    return structuredClone(this.teams.get(keyOf(team)) ?? []);
  }

  subscribe(team: TeamWorkRef, onChange: () => void): () => void {
    const key = keyOf(team);
    if (!this.listeners.has(key)) this.listeners.set(key, new Set());
    this.listeners.get(key)!.add(onChange);
    return () => this.listeners.get(key)?.delete(onChange);
  }

  subscriberCount(team: TeamWorkRef): number {
    return this.listeners.get(keyOf(team))?.size ?? 0;
  }

  async release(team: TeamWorkRef, uid: number): Promise<void> {
    this.update(team, uid, (item, at) => {
      item.handler = null;
      if (item.status === 'in-progress') item.status = 'new';
      item.history.push({ action: 'released', by: this.me, at });
    });
  }

  async reassign(team: TeamWorkRef, uid: number, from: string | null, to: string): Promise<void> {
    this.update(team, uid, (item, at) => {
      // Like the server's claim change: refused when the handler is no longer the one seen.
      if ((item.handler?.memberId ?? null) !== from) throw new ServiceError('TEAM_ITEM_TAKEN', 'taken meanwhile');
      item.handler = { memberId: to, since: at };
      item.history.push({ action: 'reassigned', by: this.me, to, at });
    });
  }

  private update(team: TeamWorkRef, uid: number, change: (item: TeamItem, at: number) => void): void {
    const item = this.teams.get(keyOf(team))?.find((i) => i.uid === uid);
    if (!item) throw new Error(`no item ${uid}`);
    change(item, Date.now());
    this.changed(team);
  }

  private changed(team: TeamWorkRef): void {
    for (const listener of this.listeners.get(keyOf(team)) ?? []) listener();
  }
}

/**
 * The team lead's board as a service: asks the team-work source for a team's items, computes
 * the board (shared/team-board.ts) with the policy's first-response limit, and keeps watching the
 * teams whose boards are open so the renderer is told (`team-changed`) when anything changes.
 * (The claims service announces its own watched teams the same way; a board's renderer coalesces
 * the two into one extra read at most.)
 */
import type { MailEvent } from '../../../shared/domain.js';
import { computeTeamBoard, type TeamBoard } from '../../../shared/team-board.js';
import { WorkingDayCalendar } from '../../../shared/working-days.js';
import { handOver, type HandoverResult } from './handover.js';
import type { TeamWorkActions, TeamWorkRef, TeamWorkSource } from './team-work-source.js';

/** Boards watched at once; the least recently asked for stops being watched beyond this. */
const MAX_WATCHED = 8;

export interface TeamBoardServiceDeps {
  source: TeamWorkSource & TeamWorkActions;
  /** The effective policy's teamWork.firstResponseWorkingDays. */
  limitWorkingDays: () => number;
  emit: (event: MailEvent) => void;
  now?: () => number;
}

const keyOf = (team: TeamWorkRef) => `${team.accountId}\u0000${team.team}`;

export class TeamBoardService {
  private readonly calendar = new WorkingDayCalendar();
  private readonly watched = new Map<string, () => void>();

  constructor(private readonly deps: TeamBoardServiceDeps) {}

  async board(team: TeamWorkRef): Promise<TeamBoard> {
    const items = await this.deps.source.items(team);
    this.watch(this.deps.source, team);
    return computeTeamBoard(items, { now: (this.deps.now ?? Date.now)(), limitWorkingDays: this.deps.limitWorkingDays(), calendar: this.calendar });
  }

  /** Moves everything one member has open (handover.ts). */
  handOver(team: TeamWorkRef, from: string, to: readonly string[]): Promise<HandoverResult> {
    return handOver(this.deps.source, team, from, to);
  }

  /** The board was closed: stop watching its team. */
  unwatch(team: TeamWorkRef): void {
    const key = keyOf(team);
    this.watched.get(key)?.();
    this.watched.delete(key);
  }

  close(): void {
    for (const unsubscribe of this.watched.values()) unsubscribe();
    this.watched.clear();
  }

  private watch(source: TeamWorkSource, team: TeamWorkRef): void {
    const key = keyOf(team);
    const existing = this.watched.get(key);
    if (existing) {
      // Most recently asked for last.
      this.watched.delete(key);
      this.watched.set(key, existing);
      return;
    }
    const ref = { accountId: team.accountId, team: team.team };
    this.watched.set(
      key,
      source.subscribe(ref, () => this.deps.emit({ type: 'team-changed', ...ref })),
    );
    while (this.watched.size > MAX_WATCHED) {
      const [oldestKey, unsubscribe] = this.watched.entries().next().value as [string, () => void];
      this.watched.delete(oldestKey);
      unsubscribe();
    }
  }
}

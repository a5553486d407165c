/**
 * The team lead's board: what is waiting in one team mailbox, computed from the handling state of
 * its messages (`TeamItem`, shared/team-work-schema.ts) in one pass. Pure, so the service, the
 * benchmark and the tests compute the same thing. The board names messages by UID and time only:
 * no subject, sender or content ever reaches it.
 *
 * Definitions (the issue leaves them to us; README "Team handling" says the same):
 * - open: not done; a member's open items are the open items they handle;
 * - unhandled: open and handled by nobody (new, or released back to the queue);
 * - responded: answered (`\Answered`), waiting for the client, or done — claiming is not a response;
 * - past the limit: not responded and older than the policy's first-response limit in working
 *   days (Helsinki time, Finnish holidays), i.e. today is after its due day.
 */
import { z } from 'zod';
import { teamItemStatusSchema, teamMemberIdSchema, type TeamItem, type TeamItemStatus } from './team-work-schema.js';
import { isoDate, WorkingDayCalendar } from './working-days.js';

/** At most this many items are listed per member and past the limit (counts are always complete). */
export const BOARD_LIST_LIMIT = 200;

export const boardItemSchema = z.object({
  uid: z.number().int().positive(),
  receivedAt: z.number(),
  status: teamItemStatusSchema,
  handler: teamMemberIdSchema.nullable(),
  /** Working days since it arrived (the arrival day not counted). */
  workingDays: z.number().int().nonnegative(),
  /** The last day a first response is on time (Helsinki date, YYYY-MM-DD). */
  dueDate: z.string(),
  overdue: z.boolean(),
});
export type BoardItem = z.infer<typeof boardItemSchema>;

export const boardMemberSchema = z.object({
  memberId: teamMemberIdSchema,
  displayName: z.string().optional(),
  open: z.number().int().nonnegative(),
  overdue: z.number().int().nonnegative(),
  /** Oldest first, at most BOARD_LIST_LIMIT. */
  items: z.array(boardItemSchema),
});
export type BoardMember = z.infer<typeof boardMemberSchema>;

export const teamBoardSchema = z.object({
  total: z.number().int().nonnegative(),
  counts: z.object({ new: z.number().int(), 'in-progress': z.number().int(), waiting: z.number().int(), done: z.number().int() }),
  answered: z.number().int().nonnegative(),
  unhandled: z.number().int().nonnegative(),
  oldestUnhandled: boardItemSchema.nullable(),
  /** Members with open items, the most loaded first. */
  members: z.array(boardMemberSchema),
  overdueTotal: z.number().int().nonnegative(),
  /** Past the limit, oldest first, at most BOARD_LIST_LIMIT. */
  overdue: z.array(boardItemSchema),
  limitWorkingDays: z.number().int().positive(),
  computedAt: z.number(),
});
export type TeamBoard = z.infer<typeof teamBoardSchema>;

export interface BoardOptions {
  now: number;
  /** The policy's first-response limit (teamWork.firstResponseWorkingDays). */
  limitWorkingDays: number;
  /** Reused across computations so its holiday and hour caches stay warm. */
  calendar?: WorkingDayCalendar;
}

const responded = (item: TeamItem) => item.answered || item.status === 'waiting' || item.status === 'done';

export function computeTeamBoard(items: readonly TeamItem[], options: BoardOptions): TeamBoard {
  const calendar = options.calendar ?? new WorkingDayCalendar();
  const limit = options.limitWorkingDays;
  const today = calendar.helsinkiDay(options.now);
  const counts: Record<TeamItemStatus, number> = { new: 0, 'in-progress': 0, waiting: 0, done: 0 };
  const members = new Map<string, { displayName?: string; open: number; overdue: number; items: TeamItem[] }>();
  const overdueItems: TeamItem[] = [];
  let answered = 0;
  let unhandled = 0;
  let oldestUnhandled: TeamItem | null = null;
  const dueDay = new Map<number, number>();
  const dueOf = (item: TeamItem): number => {
    // Due days depend only on the arrival day: computed once per distinct day.
    const arrived = calendar.helsinkiDay(item.receivedAt);
    let due = dueDay.get(arrived);
    if (due === undefined) {
      due = calendar.dueDay(item.receivedAt, limit);
      dueDay.set(arrived, due);
    }
    return due;
  };
  const isOverdue = (item: TeamItem) => !responded(item) && today > dueOf(item);

  for (const item of items) {
    counts[item.status]++;
    if (item.answered) answered++;
    if (item.status === 'done') continue;
    const overdue = isOverdue(item);
    if (overdue) overdueItems.push(item);
    if (item.handler === null) {
      unhandled++;
      if (!oldestUnhandled || item.receivedAt < oldestUnhandled.receivedAt) oldestUnhandled = item;
      continue;
    }
    let member = members.get(item.handler.memberId);
    if (!member) {
      member = { open: 0, overdue: 0, items: [] };
      members.set(item.handler.memberId, member);
    }
    if (item.handler.displayName) member.displayName = item.handler.displayName;
    member.open++;
    if (overdue) member.overdue++;
    member.items.push(item);
  }

  const view = (item: TeamItem): BoardItem => ({
    uid: item.uid,
    receivedAt: item.receivedAt,
    status: item.status,
    handler: item.handler?.memberId ?? null,
    workingDays: calendar.workingDaysAfter(calendar.helsinkiDay(item.receivedAt), today),
    dueDate: isoDate(dueOf(item)),
    overdue: isOverdue(item),
  });
  const oldestFirst = (list: TeamItem[]) => oldest(list, BOARD_LIST_LIMIT).map(view);

  return {
    total: items.length,
    counts,
    answered,
    unhandled,
    oldestUnhandled: oldestUnhandled ? view(oldestUnhandled) : null,
    members: [...members.entries()]
      .map(([memberId, m]) => ({
        memberId,
        ...(m.displayName ? { displayName: m.displayName } : {}),
        open: m.open,
        overdue: m.overdue,
        items: oldestFirst(m.items),
      }))
      .sort((a, b) => b.open - a.open || a.memberId.localeCompare(b.memberId)),
    overdueTotal: overdueItems.length,
    overdue: oldestFirst(overdueItems),
    limitWorkingDays: limit,
    computedAt: options.now,
  };
}

/** The `count` oldest items, oldest first (a full sort only when the list is short). */
function oldest(list: TeamItem[], count: number): TeamItem[] {
  const byAge = (a: TeamItem, b: TeamItem) => a.receivedAt - b.receivedAt || a.uid - b.uid;
  if (list.length <= count * 4) return [...list].sort(byAge).slice(0, count);
  // Long lists (a 50,000-message backlog): keep a bounded sorted window instead of sorting everything.
  const kept: TeamItem[] = [];
  for (const item of list) {
    if (kept.length === count && byAge(item, kept[count - 1]!) >= 0) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byAge(kept[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, item);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

import { describe, expect, it } from 'vitest';
import { BOARD_LIST_LIMIT, computeTeamBoard } from '../../../shared/team-board.js';
import type { TeamItem } from '../../../shared/team-work-schema.js';

const at = (iso: string) => Date.parse(iso);

function item(uid: number, receivedAt: string, fields: Partial<Omit<TeamItem, 'uid' | 'receivedAt'>> & { by?: string } = {}): TeamItem {
  const { by, ...rest } = fields;
  return {
    uid,
    receivedAt: at(receivedAt),
    status: by ? 'in-progress' : 'new',
    handler: by ? { memberId: by, since: at(receivedAt) + 60_000 } : null,
    answered: false,
    history: [],
    ...rest,
  };
}

describe('the team board', () => {
  // Easter 2026: Good Friday 3.4., Easter Monday 6.4.
  const items: TeamItem[] = [
    item(1, '2026-04-02T10:00:00+03:00'), // Thursday before Easter, nobody's
    item(2, '2026-04-01T09:00:00+03:00', { by: 'anna@kunta.example' }),
    item(3, '2026-04-01T09:30:00+03:00', { by: 'anna@kunta.example', answered: true }),
    item(4, '2026-03-30T12:00:00+03:00', { by: 'ville@kunta.example', status: 'waiting' }),
    item(5, '2026-03-20T12:00:00+02:00', { by: 'ville@kunta.example', status: 'done', answered: true }),
    item(6, '2026-04-07T08:00:00+03:00'),
  ];

  it('counts by status, answered and unhandled, and finds the oldest unhandled message with its age in working days', () => {
    const board = computeTeamBoard(items, { now: at('2026-04-08T12:00:00+03:00'), limitWorkingDays: 1 });
    expect(board.total).toBe(6);
    expect(board.counts).toEqual({ new: 2, 'in-progress': 2, waiting: 1, done: 1 });
    expect(board.answered).toBe(2);
    expect(board.unhandled).toBe(2);
    // 2.4. Thursday: 7.4. and 8.4. are the working days since (Good Friday and Easter Monday are not).
    expect(board.oldestUnhandled).toMatchObject({ uid: 1, workingDays: 2, dueDate: '2026-04-07', overdue: true });
  });

  it("lists each member's open items (done excluded), the most loaded first, with their overdue count", () => {
    const board = computeTeamBoard(items, { now: at('2026-04-08T12:00:00+03:00'), limitWorkingDays: 1 });
    expect(board.members.map((m) => [m.memberId, m.open, m.overdue, m.items.map((i) => i.uid)])).toEqual([
      ['anna@kunta.example', 2, 1, [2, 3]],
      ['ville@kunta.example', 1, 0, [4]],
    ]);
  });

  it('highlights only messages without a response past the limit, counted in working days over Easter', () => {
    const onTuesday = computeTeamBoard(items, { now: at('2026-04-07T16:00:00+03:00'), limitWorkingDays: 1 });
    // 1 (2.4.) is due on Tuesday 7.4.: still on time. 2 (1.4.) was due on 2.4.; 3 is answered, 4 waits for the client.
    expect(onTuesday.overdue.map((i) => i.uid)).toEqual([2]);
    const onWednesday = computeTeamBoard(items, { now: at('2026-04-08T08:00:00+03:00'), limitWorkingDays: 1 });
    expect(onWednesday.overdue.map((i) => i.uid)).toEqual([2, 1]);
    expect(onWednesday.overdueTotal).toBe(2);
    const withThreeDays = computeTeamBoard(items, { now: at('2026-04-08T08:00:00+03:00'), limitWorkingDays: 3 });
    // 1.4. + 3 working days: 2.4., 7.4., 8.4. — due today, so on time.
    expect(withThreeDays.overdue).toEqual([]);
    expect(withThreeDays.limitWorkingDays).toBe(3);
  });

  it('is empty but well-formed for an empty mailbox', () => {
    const board = computeTeamBoard([], { now: at('2026-04-08T08:00:00+03:00'), limitWorkingDays: 1 });
    expect(board).toMatchObject({ total: 0, unhandled: 0, oldestUnhandled: null, members: [], overdue: [], overdueTotal: 0 });
  });

  it('lists at most the oldest BOARD_LIST_LIMIT items past the limit, and counts them all', () => {
    const many = Array.from({ length: 1000 }, (_, i) => item(1000 - i, new Date(at('2026-01-05T10:00:00+02:00') + i * 3_600_000).toISOString()));
    const board = computeTeamBoard(many, { now: at('2026-06-01T10:00:00+03:00'), limitWorkingDays: 1 });
    expect(board.overdueTotal).toBe(1000);
    expect(board.overdue).toHaveLength(BOARD_LIST_LIMIT);
    expect(board.overdue[0]!.uid).toBe(1000);
    expect(board.overdue.map((i) => i.uid)).toEqual(Array.from({ length: BOARD_LIST_LIMIT }, (_, i) => 1000 - i));
  });
});

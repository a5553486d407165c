/**
 * The team lead's board (issue 11) for a 50,000-message team mailbox: the computation over
 * `TeamItem[]` that `team:board:get` runs on every change, with a fresh calendar (a cold start:
 * holiday years and the Helsinki date of each hour computed anew) and with a warm one (the
 * service keeps one calendar). Target: under 500 ms at 50,000 messages.
 *
 * The mailbox is a realistic backlog: two years of mail, a third of it open, spread over twelve
 * members, about a tenth nobody's and a share answered or waiting for the client.
 */
import { performance } from 'node:perf_hooks';
import { computeTeamBoard } from '../shared/team-board.js';
import type { TeamItem, TeamItemStatus } from '../shared/team-work-schema.js';
import { WorkingDayCalendar } from '../shared/working-days.js';
import { median } from './stats.js';

const NOW = Date.parse('2026-12-03T12:00:00+02:00');
const YEARS_MS = 2 * 365 * 86_400_000;

function backlog(count: number): TeamItem[] {
  let seed = 11;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const statuses: TeamItemStatus[] = ['new', 'in-progress', 'waiting', 'done'];
  return Array.from({ length: count }, (_, i) => {
    const receivedAt = NOW - Math.floor(random() * YEARS_MS);
    const status = random() < 0.66 ? 'done' : statuses[Math.floor(random() * 3)]!;
    const handled = status !== 'new' || random() < 0.3;
    const member = `tyontekija${Math.floor(random() * 12)}@kunta.example`;
    return {
      uid: i + 1,
      receivedAt,
      status,
      handler: handled ? { memberId: member, displayName: member.split('@')[0]!, since: receivedAt + 3_600_000 } : null,
      answered: status === 'done' || random() < 0.2,
      history: handled ? [{ action: 'claimed', by: member, at: receivedAt + 3_600_000 }] : [],
    };
  });
}

for (const count of [10_000, 50_000]) {
  const items = backlog(count);
  const cold: number[] = [];
  const warm: number[] = [];
  const calendar = new WorkingDayCalendar();
  let board = computeTeamBoard(items, { now: NOW, limitWorkingDays: 1, calendar });
  for (let run = 0; run < 15; run++) {
    let start = performance.now();
    board = computeTeamBoard(items, { now: NOW, limitWorkingDays: 1 });
    cold.push(performance.now() - start);
    start = performance.now();
    board = computeTeamBoard(items, { now: NOW, limitWorkingDays: 1, calendar });
    warm.push(performance.now() - start);
  }
  console.log(
    `team board, ${count.toLocaleString('en')} messages: cold calendar ${median(cold).toFixed(1)} ms (max ${Math.max(...cold).toFixed(1)}), ` +
      `warm ${median(warm).toFixed(1)} ms (max ${Math.max(...warm).toFixed(1)}); ` +
      `${board.overdueTotal} past the limit, ${board.unhandled} unhandled, ${board.members.length} members`,
  );
}

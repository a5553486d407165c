/**
 * `team:board:get` through the real dispatcher over a fake team-work source: the board is
 * computed with the policy's first-response limit, watched teams report changes as
 * `team-changed` events until closed, and the real claims service answers when no fake is given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TeamItem } from '../../../shared/team-work-schema.js';
import { FakeTeamWorkSource } from '../../support/fake-team-work-source.js';
import { createTestServices } from '../../support/services-harness.js';

const team = { accountId: 'acc', team: 'perhepalvelut' };
const day = 86_400_000;

function items(now: number): TeamItem[] {
  return [
    // Three weeks old, nobody's: past any limit up to about ten working days.
    { uid: 1, receivedAt: now - 21 * day, status: 'new', handler: null, answered: false, history: [] },
    { uid: 2, receivedAt: now - 2 * day, status: 'in-progress', handler: { memberId: 'anna@kunta.example', since: now - day }, answered: false, history: [] },
    { uid: 3, receivedAt: now - 30 * day, status: 'done', handler: { memberId: 'anna@kunta.example', since: now - 29 * day }, answered: true, history: [] },
  ];
}

describe('team:board over the contract', () => {
  it('computes the board from the source with the policy limit, and reports changes until the board is closed', async () => {
    const source = new FakeTeamWorkSource();
    source.set(team, items(Date.now()));
    const t = await createTestServices({ teamWorkSource: source });
    try {
      const board = await t.value('team:board:get', team);
      expect(board).toMatchObject({ total: 3, counts: { new: 1, 'in-progress': 1, waiting: 0, done: 1 }, unhandled: 1, limitWorkingDays: 1 });
      expect(board.oldestUnhandled?.uid).toBe(1);
      expect(board.overdue.map((i) => i.uid)).toContain(1);
      expect(board.members).toMatchObject([{ memberId: 'anna@kunta.example', open: 1 }]);

      source.set(team, [...items(Date.now()), { uid: 4, receivedAt: Date.now(), status: 'new', handler: null, answered: false, history: [] }]);
      expect(t.events).toContainEqual({ type: 'team-changed', accountId: 'acc', team: 'perhepalvelut' });
      expect((await t.value('team:board:get', team)).counts.new).toBe(2);
      expect(source.subscriberCount(team)).toBe(1); // asked twice, watched once

      await t.value('team:board:close', team);
      expect(source.subscriberCount(team)).toBe(0);
      const before = t.events.length;
      source.set(team, items(Date.now()));
      expect(t.events.length).toBe(before);
    } finally {
      await t.close();
    }
  });

  it('takes the first-response limit from the managed policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-board-policy-'));
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ version: 1, teamWork: { firstResponseWorkingDays: 30 } }));
    const source = new FakeTeamWorkSource();
    source.set(team, items(Date.now()));
    const t = await createTestServices({ teamWorkSource: source, managedPolicyPath: policyFile });
    try {
      const board = await t.value('team:board:get', team);
      expect(board.limitWorkingDays).toBe(30);
      expect(board.overdueTotal).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('asks the claims service when no fake is given (no such team here), and refuses malformed teams', async () => {
    const t = await createTestServices();
    try {
      expect(await t.call('team:board:get', team)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await t.call('team:board:get', { accountId: 'acc', team: 'a/b' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.call('team:board:get', { ...team, extra: 1 } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      await t.close();
    }
  });
});

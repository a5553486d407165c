/** `team:handover` through the real dispatcher over the fake source: one action moves all of one member's open items. */
import { describe, expect, it } from 'vitest';
import type { TeamItem } from '../../../shared/team-work-schema.js';
import { FakeTeamWorkSource } from '../../support/fake-team-work-source.js';
import { createTestServices } from '../../support/services-harness.js';

const team = { accountId: 'acc', team: 'perhepalvelut' };
const anna = 'anna@kunta.example';
const by = (memberId: string, since = 1) => ({ memberId, since });
const items: TeamItem[] = [
  { uid: 1, receivedAt: 3_000, status: 'in-progress', handler: by(anna), answered: false, history: [] },
  { uid: 2, receivedAt: 1_000, status: 'waiting', handler: by(anna), answered: true, history: [] },
  { uid: 3, receivedAt: 2_000, status: 'in-progress', handler: by(anna), answered: false, history: [] },
  { uid: 4, receivedAt: 500, status: 'done', handler: by(anna), answered: true, history: [] },
  { uid: 5, receivedAt: 900, status: 'in-progress', handler: by('ville@kunta.example'), answered: false, history: [] },
];

describe('team:handover', () => {
  it("shares one member's open items out in turn, oldest first, and leaves done items and others' items alone", async () => {
    const source = new FakeTeamWorkSource();
    source.set(team, items);
    const t = await createTestServices({ teamWorkSource: source });
    try {
      expect(await t.value('team:handover', { ...team, from: anna, to: ['ville@kunta.example', 'pekka@kunta.example'] })).toEqual({ moved: 3, failed: [] });
      const after = new Map((await source.items(team)).map((i) => [i.uid, i.handler?.memberId ?? null]));
      // Oldest first: 2 (1000) → ville, 3 (2000) → pekka, 1 (3000) → ville.
      expect(Object.fromEntries(after)).toEqual({
        1: 'ville@kunta.example',
        2: 'ville@kunta.example',
        3: 'pekka@kunta.example',
        4: anna,
        5: 'ville@kunta.example',
      });
      expect((await source.items(team)).find((i) => i.uid === 2)?.history.at(-1)).toMatchObject({ action: 'reassigned', to: 'ville@kunta.example' });
      // The board says so: Anna has nothing open any more.
      expect((await t.value('team:board:get', team)).members.map((m) => m.memberId)).not.toContain(anna);
    } finally {
      await t.close();
    }
  });

  it('releases everything to the queue when nobody is named, and refuses handing over to the same member', async () => {
    const source = new FakeTeamWorkSource();
    source.set(team, items);
    const t = await createTestServices({ teamWorkSource: source });
    try {
      expect(await t.call('team:handover', { ...team, from: anna, to: [anna] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.value('team:handover', { ...team, from: anna, to: [] })).toEqual({ moved: 3, failed: [] });
      const released = (await source.items(team)).filter((i) => [1, 2, 3].includes(i.uid));
      expect(released.every((i) => i.handler === null)).toBe(true);
      expect(await t.call('team:handover', { ...team, from: 'not an address', to: [] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      await t.close();
    }
  });
});

/**
 * Claims against a real Dovecot, on both server profiles: Dovecot as it is (CONDSTORE + custom
 * keywords: the keyword mechanism) and the Exchange-like proxy (no CONDSTORE, custom keywords
 * refused with BAD: the journal mechanism). Every round, 2 or 5 members' clients race to claim the
 * same message: exactly one wins, and every client agrees on who. A change is seen by another
 * client through IDLE; take-over and reassignment are visible to all; a claim survives the crash
 * of the client that made it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClaimsEnv, type ClaimsEnv, type Member, MEMBERS, type Profile } from '../support/team-claims-env.js';

let env: ClaimsEnv;
beforeAll(async () => {
  env = await startClaimsEnv();
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

const ROUNDS = 100;

async function race(members: Member[], uid: number): Promise<void> {
  const outcomes = await Promise.all(members.map((m) => m.backend.change(m.team, uid, { action: 'claim', by: m.id })));
  const winners = members.filter((_, i) => outcomes[i]!.applied);
  expect(winners, `message ${uid}`).toHaveLength(1);
  // Everyone, winner and losers, reads the same handler: the winner.
  for (const o of outcomes) expect(o.item.handler?.memberId).toBe(winners[0]!.id);
}

describe.each<Profile>(['dovecot', 'exchange-like'])('claims on the %s profile', (profile) => {
  const mechanism = profile === 'dovecot' ? 'keywords' : 'journal';
  let members: Member[] = [];
  beforeAll(() => {
    members = MEMBERS.map((name) => env.member(name, profile));
  });
  afterAll(async () => {
    await Promise.all(members.map((m) => m.backend.close()));
  });

  it(`chooses the ${mechanism} mechanism from the server's capabilities`, async () => {
    expect(await members[0]!.backend.mechanism(members[0]!.team)).toBe(mechanism);
  });

  it.each([2, 5])(
    '%i clients race for the same message, round after round: exactly one winner every time',
    async (n) => {
      const uids = await env.seed(ROUNDS);
      const racers = members.slice(0, n);
      for (const uid of uids) await race(racers, uid);
      if (profile === 'exchange-like') expect(env.proxy.refused()).toBe(0); // the journal never tries a custom keyword
    },
    240_000,
  );

  it('shows a claim to another client through IDLE, and take-over (with a sealed reason) and reassignment to all', async () => {
    const [uid] = await env.seed(1);
    const [anna, ben, cecilia] = members as [Member, Member, Member];
    let seen = 0;
    const stop = ben.backend.watch(ben.team, () => {
      seen += 1;
    });
    try {
      // Let the watcher select its folder before the change (a change before that is not "through IDLE").
      await new Promise((r) => setTimeout(r, 300));
      await anna.backend.change(anna.team, uid!, { action: 'claim', by: anna.id });
      await vi.waitFor(() => expect(seen).toBeGreaterThan(0), { timeout: 10_000, interval: 25 });
      const [asBen] = await ben.backend.items(ben.team, [uid!]);
      expect(asBen?.handler?.memberId).toBe(anna.id);

      const taken = await ben.backend.change(
        ben.team,
        uid!,
        { action: 'take-over', by: ben.id, from: anna.id },
        '-----BEGIN PGP MESSAGE-----\r\nx\r\n-----END PGP MESSAGE-----',
      );
      expect(taken.applied).toBe(true);
      // A take-over from someone who is no longer the handler does not apply.
      const stale = await cecilia.backend.change(cecilia.team, uid!, { action: 'take-over', by: cecilia.id, from: anna.id });
      expect(stale.applied).toBe(false);
      const reassigned = await anna.backend.change(anna.team, uid!, { action: 'reassign', by: anna.id, from: ben.id, to: cecilia.id });
      expect(reassigned.applied).toBe(true);
      for (const m of members) {
        const [item] = await m.backend.items(m.team, [uid!]);
        expect(item?.handler?.memberId).toBe(cecilia.id);
        expect(item?.history.map((h) => [h.action, h.by, h.to])).toEqual([
          ['claimed', anna.id, undefined],
          ['taken-over', ben.id, ben.id],
          ['reassigned', anna.id, cecilia.id],
        ]);
      }
      expect((await anna.backend.sealedNotes(anna.team, uid!)).map((n) => n.by)).toEqual([ben.id]);

      // Status and release: only the handler's count.
      expect((await ben.backend.change(ben.team, uid!, { action: 'status', by: ben.id, status: 'done' })).applied).toBe(false);
      expect((await cecilia.backend.change(cecilia.team, uid!, { action: 'status', by: cecilia.id, status: 'waiting' })).item.status).toBe('waiting');
      const released = await cecilia.backend.change(cecilia.team, uid!, { action: 'release', by: cecilia.id });
      expect(released.item.handler).toBeNull();
    } finally {
      await stop();
    }
  }, 60_000);

  it('keeps the claim of a client that crashed right after claiming', async () => {
    const [uid] = await env.seed(1);
    const crashing = env.member('daniel', profile);
    const outcome = await crashing.backend.change(crashing.team, uid!, { action: 'claim', by: crashing.id });
    expect(outcome.applied).toBe(true);
    // The workstation dies: its connection goes without a LOGOUT, its memory with it.
    const sockets = (crashing.backend as unknown as { connections: Map<string, Promise<{ close(): void }>> }).connections;
    for (const pending of sockets.values()) (await pending).close();
    const restarted = env.member('daniel', profile);
    const other = env.member('eeva', profile);
    try {
      for (const m of [restarted, other]) {
        const [item] = await m.backend.items(m.team, [uid!]);
        expect(item?.handler?.memberId).toBe(crashing.id);
      }
      expect((await other.backend.change(other.team, uid!, { action: 'claim', by: other.id })).applied).toBe(false);
    } finally {
      await Promise.all([restarted.backend.close(), other.backend.close()]);
    }
  }, 60_000);
});

describe('a server where neither mechanism works', () => {
  it('says so clearly instead of pretending to claim', async () => {
    // The proxy's server without the journal folder, for a member who may not create it.
    const member = env.member('eeva', 'exchange-like');
    const team = { ...member.team, inboxPath: 'shared/perhepalvelut/Trash' };
    try {
      await expect(member.backend.mechanism(team)).rejects.toMatchObject({ code: 'TEAM_STATE_UNSUPPORTED' });
    } finally {
      await member.backend.close();
    }
  });
});

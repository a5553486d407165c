/**
 * The handling rules every client applies to the server's order of changes: of two claims the
 * first wins, a release or status change counts only from the handler, a take-over or
 * reassignment applies only while the handler it names still is. Journal records and keywords
 * round-trip the identifiers and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { buildJournalRecord, flagsWithState, parseJournalRecord, stateFromKeywords } from '../../../main/services/mail/team-state-format.js';
import { replayJournal, type StoredChange } from '../../../main/services/team/team-state.js';

const A = 'anna@kunta.example';
const B = 'ben@kunta.example';
const C = 'cecilia@kunta.example';
let order = 0;
const rec = (change: Omit<StoredChange, 'order' | 'at' | 'target'>): StoredChange => ({ target: 7, order: ++order, at: order * 1000, ...change });

describe('team handling rules', () => {
  it('lets the first claim in server order win and ignores what the state does not allow', () => {
    const state = replayJournal([
      rec({ action: 'claim', by: B }),
      rec({ action: 'claim', by: A }), // lost the race
      rec({ action: 'release', by: A }), // not the handler
      rec({ action: 'status', by: A, status: 'done' }), // not the handler
      rec({ action: 'take-over', by: C, from: A }), // A never handled it
      rec({ action: 'status', by: B, status: 'waiting' }),
      rec({ action: 'reassign', by: A, from: B, to: C }),
    ]).get(7)!;
    expect(state.state).toMatchObject({ handler: C, status: 'waiting' });
    expect(state.history.map((h) => [h.action, h.by, h.to ?? null])).toEqual([
      ['claimed', B, null],
      ['status', B, null],
      ['reassigned', A, C],
    ]);
  });

  it('round-trips a journal record with identifiers only, and refuses one for another UIDVALIDITY', () => {
    const raw = buildJournalRecord(
      { uidValidity: 42n, uid: 7 },
      { action: 'take-over', by: B, from: A },
      '-----BEGIN PGP MESSAGE-----\r\nx\r\n-----END PGP MESSAGE-----',
    );
    const headers = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(headers).not.toMatch(/PGP MESSAGE/); // the sealed note is the body, never a header
    expect(parseJournalRecord(headers, { order: 3, at: 5 }, 42n)).toEqual({
      target: 7,
      order: 3,
      at: 5,
      action: 'take-over',
      by: B,
      from: A,
      sealedNote: true,
    });
    expect(parseJournalRecord(headers, { order: 3, at: 5 }, 43n)).toBeNull();
    expect(() => buildJournalRecord({ uidValidity: 1n, uid: 1 }, { action: 'claim', by: 'Anna\r\nX-Evil: 1' })).toThrow();
  });

  it('keeps the other flags and replaces only the team keywords', () => {
    const flags = flagsWithState(['\\Seen', '\\Answered', '$Forwarded', '$SinettiH_old@x.fi'], { handler: 'Ä+b@x.fi', since: null, status: 'done' });
    expect(flags.filter((f) => !f.startsWith('$Sinetti'))).toEqual(['\\Seen', '\\Answered', '$Forwarded']);
    expect(stateFromKeywords(flags)).toEqual({ handler: 'ä+b@x.fi', since: null, status: 'done' });
  });
});

/** A grant filed in the team's keys folder carries a Message-ID under the lead's own domain, never `.invalid`. */
import { describe, expect, it } from 'vitest';
import { buildGrantMessage } from '../../../main/services/crypto/team-grant-message.js';

const input = {
  team: 'perhepalvelut',
  teamLabel: 'Perhepalvelut',
  generation: 1,
  memberFingerprint: 'AB'.repeat(20),
  memberUserId: 'Anna <anna@kunta.example>',
  grant: 'GRANT',
  roster: 'ROSTER',
};
const messageId = (raw: Buffer) => /^Message-ID: <([^>]+)>\r?$/m.exec(raw.toString('utf8'))?.[1] ?? '';

describe('buildGrantMessage', () => {
  it('mints the Message-ID under the lead address domain', () => {
    const raw = buildGrantMessage({ ...input, leadAddress: 'Leena Vastaava <leena@kunta.example>' });
    expect(messageId(raw)).toMatch(/^team-key-grant\.[0-9a-f]{24}@kunta\.example$/);
    expect(raw.toString('utf8')).not.toContain('.invalid');
  });

  it('falls back to localhost for a lead key without an address', () => {
    expect(messageId(buildGrantMessage({ ...input, leadAddress: 'Sinetti' }))).toMatch(/@localhost$/);
  });
});

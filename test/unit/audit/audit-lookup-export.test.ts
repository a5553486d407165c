/**
 * Looking a client up: every access to messages naming the client's identity code (or address)
 * in the period, nobody else's; the lookup is itself recorded; CSV and PDF exports carry the rows
 * in the chosen language with the code masked, never in the clear.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditService } from '../../../main/services/audit/audit-service.js';
import { AuditTrail } from '../../../main/services/audit/audit-trail.js';
import { auditChannels } from '../../../main/services/audit/audit-channels.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';

const CODE = '131052-308T';
const OTHER = '311275-0621';
let dir: string;
let audit: AuditService;
let channels: ReturnType<typeof auditChannels>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-lookup-'));
  const secrets = new SecretStore(new MemoryKeychain(), dir);
  audit = new AuditService({
    trail: new AuditTrail({ dir: join(dir, 'audit'), secrets }),
    secrets,
    version: '1',
    accountIdentity: (id) => `${id}@imap.example`,
    organisationKey: () => Buffer.alloc(32, 9).toString('base64'),
    workstation: 'ws',
  });
  channels = auditChannels(audit, () => ['lead@imap.example']);
  await audit.record({ action: 'message.opened', outcome: 'ok', accountId: 'anna', mailbox: 'shared/perhepalvelut', uid: 1, identityCodes: [CODE] });
  await audit.record({ action: 'message.opened', outcome: 'ok', accountId: 'ville', mailbox: 'shared/aikuissosiaalityo', uid: 2, identityCodes: [OTHER] });
  await audit.record({
    action: 'send.stored',
    outcome: 'ok',
    accountId: 'ville',
    mailbox: 'shared/perhepalvelut',
    addresses: ['liisa@example.fi'],
    identityCodes: [CODE],
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const period = { from: 0, to: Date.now() + 60_000 };

describe('audit lookup', () => {
  it("finds every access to the client's data and nobody else's, and records the lookup", async () => {
    const result = await channels['audit:lookup']({ term: ' 131052-308t ', ...period });
    expect(result.kind).toBe('identity-code');
    expect(result.rows.map((r) => [r.person, r.action, r.mailbox])).toEqual([
      ['anna@imap.example', 'message.opened', 'shared/perhepalvelut'],
      ['ville@imap.example', 'send.stored', 'shared/perhepalvelut'],
    ]);
    expect(result.olderThanTwoYears).toBe(0);
    expect(result.localKey).toBe(false);
    // By address too; and the lookup itself is on the trail (but never listed as an access).
    expect((await channels['audit:lookup']({ term: 'Liisa@Example.fi', ...period })).rows).toHaveLength(1);
    const actions = [];
    for await (const r of audit.trail.records()) actions.push(r.body.action);
    expect(actions.filter((a) => a === 'audit.looked-up')).toHaveLength(2);
    expect((await channels['audit:lookup']({ term: CODE, ...period })).rows).toHaveLength(2);
  });

  it('keeps to the period', async () => {
    expect((await channels['audit:lookup']({ term: CODE, from: 0, to: 1000 })).rows).toEqual([]);
  });

  it('refuses a term that is neither an identity code nor an address', async () => {
    await expect(channels['audit:lookup']({ term: '131052-308X', ...period })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('exports CSV in Swedish with the code masked', async () => {
    const file = await channels['audit:export']({ term: CODE, ...period, format: 'csv', locale: 'sv-FI' });
    const text = Buffer.from(file.contentBase64, 'base64').toString('utf8');
    expect(file.filename).toMatch(/\.csv$/);
    expect(text).toContain('Tid;Behandlare;Åtgärd;Postlåda;Resultat;Arbetsstation');
    expect(text).toContain('131052-****');
    expect(text).toContain('meddelande öppnat');
    expect(text).not.toContain(CODE);
  });

  it('exports a PDF in Finnish that lists the accesses', async () => {
    const file = await channels['audit:export']({ term: CODE, ...period, format: 'pdf', locale: 'fi' });
    const bytes = new Uint8Array(Buffer.from(file.contentBase64, 'base64'));
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain('Käsittelytiedot');
    expect(text).toContain('131052-****');
    expect(text).toContain('anna@imap.example');
    expect(text).toContain('viesti avattu');
    expect(text).not.toContain(CODE);
  });
});

/**
 * Opening a message is recorded before its content leaves main: the record names the person,
 * mailbox and UID, holds the identity codes and addresses only as keyed hashes, and when it cannot
 * be written the content is withheld with AUDIT_UNAVAILABLE.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../../shared/channels.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { MessageView } from '../../../shared/domain.js';
import { createDispatcher } from '../../../main/services/api/dispatcher.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { AuditService } from '../../../main/services/audit/audit-service.js';
import { AuditTrail } from '../../../main/services/audit/audit-trail.js';
import { auditHandlers } from '../../../main/services/audit/audited-handlers.js';
import { Pseudonymizer } from '../../../main/services/audit/pseudonyms.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { DomainEventBus } from '../../../main/services/events/domain-events.js';

const ORG_KEY = Buffer.alloc(32, 3).toString('base64');
const CODE = '131052-308T';
const OTHER = '311275-0621';
const mailbox = { accountId: 'acc-1', path: 'shared/perhepalvelut' };
const view: MessageView = {
  mailbox,
  uid: 42,
  subject: `Asiakas ${CODE}`,
  from: { name: 'Liisa Mäkinen', address: 'liisa.makinen@example.fi' },
  to: [{ name: 'Perhepalvelut', address: 'perhepalvelut@sinetti.test' }],
  cc: [],
  date: 0,
  flags: { seen: false, flagged: false, answered: false, draft: false, forwarded: false } as MessageView['flags'],
  text: `Henkilötunnus ${OTHER}, lapsen tunnus ${CODE}.`,
  attachments: [],
  encrypted: false,
  signed: false,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setUp(keychain: MemoryKeychain) {
  const secrets = new SecretStore(keychain, dir);
  const trail = new AuditTrail({ dir: join(dir, 'audit'), secrets });
  const audit = new AuditService({
    trail,
    secrets,
    version: '9.9.9',
    accountIdentity: (id) => (id === 'acc-1' ? 'demo.tyontekija@imap.sinetti.test' : null),
    organisationKey: () => ORG_KEY,
    workstation: 'ws-7',
  });
  const open = vi.fn(async () => view);
  const all = Object.fromEntries(REQUEST_CHANNELS.map((c) => [c, vi.fn(async () => ({}))])) as unknown as ServiceHandlers;
  const dispatcher = createDispatcher(auditHandlers({ ...all, 'mail:message:open': open }, audit), createLogger('t', { sink: () => undefined }));
  return { audit, trail, dispatcher, open };
}

describe('recording an open', () => {
  it('is written before the content is returned, with hashed identifiers only', async () => {
    const { dispatcher, trail } = setUp(new MemoryKeychain());
    const result = await dispatcher.dispatch('mail:message:open', { mailbox, uid: 42 });
    expect(result.ok).toBe(true);
    const records = [];
    for await (const r of trail.records()) records.push(r);
    expect(records).toHaveLength(1);
    const hasher = new Pseudonymizer(Buffer.from(ORG_KEY, 'base64'), 'org');
    expect(records[0]).toMatchObject({
      seq: 1,
      body: {
        action: 'message.opened',
        outcome: 'ok',
        person: 'demo.tyontekija@imap.sinetti.test',
        workstation: 'ws-7',
        app: '9.9.9',
        mailbox: mailbox.path,
        uid: 42,
      },
    });
    expect(records[0]!.subjects.sort()).toEqual(
      [hasher.identityCode(CODE), hasher.identityCode(OTHER), hasher.address('liisa.makinen@example.fi'), hasher.address('perhepalvelut@sinetti.test')].sort(),
    );
    // Nothing readable on disk: no code, no subject, no address, not even the mailbox.
    for (const file of readdirSync(join(dir, 'audit'))) {
      const text = readFileSync(join(dir, 'audit', file), 'utf8');
      for (const secret of [CODE, OTHER, '131052', 'Asiakas', 'liisa', 'perhepalvelut', 'demo.tyontekija']) expect(text).not.toContain(secret);
    }
  });

  it('withholds the content with AUDIT_UNAVAILABLE when the record cannot be written', async () => {
    const keychain = new MemoryKeychain();
    keychain.locked = true;
    const { dispatcher, open } = setUp(keychain);
    const result = await dispatcher.dispatch('mail:message:open', { mailbox, uid: 42 });
    expect(open).toHaveBeenCalled();
    expect(result).toEqual({ ok: false, error: { code: 'AUDIT_UNAVAILABLE', message: expect.any(String) } });
    expect(JSON.stringify(result)).not.toContain(CODE);
  });
});

describe('the internal event channel', () => {
  it('never turns a finished action into an error when a listener fails', async () => {
    const failures: string[] = [];
    const bus = new DomainEventBus((type) => failures.push(type));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    bus.subscribe(async () => Promise.reject(new Error('async listener broke')));
    bus.subscribe((e) => seen.push(e.type));
    expect(() => bus.emit({ type: 'message.accepted', accountId: 'a', messageId: 'm@x', at: 1 })).not.toThrow();
    expect(seen).toEqual(['message.accepted']);
    await vi.waitFor(() => expect(failures).toEqual(['message.accepted', 'message.accepted']));
  });
});

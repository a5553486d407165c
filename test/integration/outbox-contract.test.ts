/**
 * The outbox as the app uses it, through createServices and the contract: a damaged entry on disk
 * does not stop the app from starting (it is quarantined and reported), and `message.sent` is a
 * record of a message the outbox really stored — when storing fails there is no event, a clear
 * error, and the approval is still good for the same message.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import type { DomainEvent } from '../../main/services/events/domain-events.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../main/services/secrets/secret-store.js';
import { Outbox } from '../../main/services/send/outbox.js';
import { createTestServices } from '../support/services-harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('outbox through the app', () => {
  it('starts with a damaged outbox entry: the services come up, the entry is quarantined on disk and reported through the contract', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sinetti-outbox-app-'));
    const keychain = new MemoryKeychain();
    // What an earlier run left queued, sealed under the same vault key.
    const earlier = await Outbox.open({
      dir: join(dataDir, 'outbox'),
      secrets: new SecretStore(keychain, dataDir),
      transportFor: async () => ({ send: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })) }),
      backoffMs: () => 60_000,
    });
    const [item] = await earlier.enqueue('acc', `${randomBytes(4).toString('hex')}@sinetti.test`, [
      { route: 'plain', from: 'a@sinetti.test', to: ['b@example.net'], raw: Buffer.from('Subject: x\r\n\r\nSisältö\r\n') },
    ]);
    await earlier.flush();
    earlier.stop();
    const metaPath = join(dataDir, 'outbox', `${item!.id}.meta`);
    const damagedBytes = Buffer.from(readFileSync(metaPath).map((b, i) => (i === 20 ? b ^ 0xff : b)));
    writeFileSync(metaPath, damagedBytes);

    const t = await createTestServices({ dataDir, keychain });
    cleanup.push(() => t.close());
    expect(await t.value('send:outbox:list', {})).toEqual([
      { id: item!.id, to: [], state: 'damaged', attempts: 0, lastError: { code: 'SECRET_CORRUPT', message: expect.stringContaining('set aside') } },
    ]);
    // Kept, byte for byte, where support can find it.
    expect(readFileSync(join(dataDir, 'outbox', 'quarantine', `${item!.id}.meta`))).toEqual(damagedBytes);
    // The rest of the app works.
    expect((await t.call('accounts:list', {})).ok).toBe(true);
  });

  it('emits message.sent only once the outbox stored the message; a failed store is a clear error with no event, and the approval stays good', async () => {
    const smtp: SmtpTestServer = await startSmtpTestServer({
      mode: 'starttls',
      dovecotConfigPath: env.configPath,
      users: { [env.person.username]: env.person.password },
      lmtpPort: env.lmtpPort,
      deliverDomain: 'sinetti.test',
    });
    cleanup.push(() => smtp.close());
    const t = await createTestServices({ caCertPem: env.caCertPem });
    cleanup.push(() => t.close());
    const events: DomainEvent[] = [];
    t.services.domainEvents.subscribe((e) => events.push(e));
    const accountId = (
      await t.value('accounts:add', {
        displayName: 'Oma',
        host: '127.0.0.1',
        port: env.imapPort,
        security: 'starttls',
        username: env.person.username,
        password: env.person.password,
        address: `${env.person.username}@sinetti.test`,
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls' },
      })
    ).id;
    const message = {
      accountId,
      to: [`${env.colleague.username}@sinetti.test`],
      subject: 'Kahvihuone',
      text: 'Kahvinkeitin on korjattu.',
      draftId: randomUUID(),
    };
    const { token } = await t.value('send:evaluate', { message });

    // The outbox cannot store anything: its directory is gone and a file stands in its place.
    const outboxDir = join(t.dataDir, 'outbox');
    rmSync(outboxDir, { recursive: true, force: true });
    writeFileSync(outboxDir, 'ei hakemisto');
    const failed = await t.call('send:submit', { message, approval: { token } });
    expect(failed).toMatchObject({ ok: false, error: { code: 'OUTBOX_FAILED', message: expect.stringContaining('not sent') } });
    expect(events.filter((e) => e.type === 'message.sent')).toEqual([]);
    expect(await t.value('send:outbox:list', {})).toEqual([]);

    // Storage back: the same approval sends the same message, and only now is it "sent".
    rmSync(outboxDir, { force: true });
    mkdirSync(outboxDir, { mode: 0o700 });
    const submitted = await t.value('send:submit', { message, approval: { token } });
    expect(submitted).toMatchObject({ queued: 1, messageId: expect.stringMatching(/@sinetti\.test$/) });
    expect(events.filter((e) => e.type === 'message.sent')).toMatchObject([{ messageId: submitted.messageId }]);
    await vi.waitFor(() => expect(smtp.received.filter((r) => r.raw.toString().includes(submitted.messageId))).toHaveLength(1), { timeout: 10_000 });
  });
});

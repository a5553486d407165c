/**
 * Parse bombs delivered to a real Dovecot and opened, replied to and forwarded through the
 * contract: 1,000 levels of MIME nesting and 100,000 parts. Each ends in bounded work and a
 * clear answer — MESSAGE_TOO_COMPLEX when the message cannot be shown safely, never "the
 * message no longer exists", never minutes of downloading one part at a time.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { deeplyNestedMessage, manyPartsMessage } from '../support/fixtures/bombs.js';
import { MAX_QUOTED_PARTS } from '../../main/services/mail/quote-original.js';

const env = inject('mailEnv');
let t: TestServices;
let accountId: string;
const inbox = () => ({ accountId, path: 'INBOX' });

async function deliver(raw: Buffer, subject: string): Promise<number> {
  await deliverLmtp(env.lmtpPort, env.person.username, raw.toString('latin1').replace(/^Subject: .*$/m, `Subject: ${subject}`));
  let uid = 0;
  await vi.waitFor(
    async () => {
      const page = await t.value('mail:messages:page', { mailbox: inbox(), offset: 0, limit: 200, sort: 'date-desc' });
      uid = page.rows.find((r) => r?.subject === subject)?.uid ?? 0;
      expect(uid).toBeGreaterThan(0);
    },
    { timeout: 30_000 },
  );
  return uid;
}

beforeAll(async () => {
  t = await createTestServices({ caCertPem: env.caCertPem });
  accountId = (
    await t.value('accounts:add', {
      displayName: 'Anna',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
      address: `${env.person.username}@sinetti.test`,
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('MIME bombs in the mailbox', () => {
  it('a message nested 1,000 levels deep is "too complex to open safely", when opened and when answered', async () => {
    const uid = await deliver(deeplyNestedMessage(1000), `Syva ${randomBytes(4).toString('hex')}`);
    const opened = await t.call('mail:message:open', { mailbox: inbox(), uid });
    expect(opened).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_COMPLEX' } });
    const reply = await t.call('mail:message:compose-context', { mailbox: inbox(), uid, mode: 'reply' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_COMPLEX' } });
  }, 120_000);

  it('a message of 100,000 parts is too complex to open or answer (it used to take minutes, one download per part)', async () => {
    const uid = await deliver(manyPartsMessage(100_000), `Osat ${randomBytes(4).toString('hex')}`);
    const reply = await t.call('mail:message:compose-context', { mailbox: inbox(), uid, mode: 'reply' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_COMPLEX' } });
    const opened = await t.call('mail:message:open', { mailbox: inbox(), uid });
    expect(opened).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_COMPLEX' } });
  }, 120_000);

  it('a reply to a message of 500 text parts (within the limits) quotes only the first parts', async () => {
    const uid = await deliver(manyPartsMessage(500), `Puolituhatta ${randomBytes(4).toString('hex')}`);
    const reply = await t.value('mail:message:compose-context', { mailbox: inbox(), uid, mode: 'reply' });
    expect(reply.quoted).toContain('> osa 0');
    expect(reply.quoted).toContain(`> osa ${MAX_QUOTED_PARTS - 1}`);
    expect(reply.quoted).not.toContain(`> osa ${MAX_QUOTED_PARTS}\n`);
  }, 120_000);
});

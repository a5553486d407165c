/**
 * Shared set-up for the reading attack corpus: real services against the real Dovecot, the
 * person's own Sinetti key, and gpg keys for a partner (known to Sinetti: imported, still
 * passphrase-locked) and a stranger (unknown). Messages are delivered over LMTP and opened
 * through the contract, exactly as the UI opens them.
 */
import { expect, inject, vi } from 'vitest';
import type { MessageView } from '../../shared/domain.js';
import { createGpg, type Gpg } from './gpg.js';
import { deliverLmtp } from './lmtp-deliver.js';
import './mail-test-env.js';
import { createTestServices, type TestServices } from './services-harness.js';

export const GPG_PASS = 'hyokkays-salalause';

export interface ReadingWorld {
  t: TestServices;
  gpg: Gpg;
  accountId: string;
  personAddress: string;
  personFpr: string;
  partnerFpr: string;
  strangerFpr: string;
  deliverAndOpen(raw: string | Buffer, subject: string): Promise<MessageView & { uid: number }>;
  /** What a reply to the message starts with (the composer's text comes from here). */
  replyText(uid: number): Promise<string>;
  encrypt(plain: string, recipient: string, options?: { signer?: string; extra?: string[] }): Promise<string>;
  newGpgKey(uid: string, extra?: string[]): Promise<string>;
}

export async function createReadingWorld(): Promise<ReadingWorld> {
  const env = inject('mailEnv');
  const gpg = createGpg();
  const t = await createTestServices({ caCertPem: env.caCertPem });
  const personAddress = `${env.person.username}@sinetti.test`;
  const accountId = (
    await t.value('accounts:add', {
      displayName: 'Oma',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: env.person.username,
      password: env.person.password,
    })
  ).id;
  const personFpr = (await t.value('crypto:keys:generate', { name: 'Anna Virtanen', email: personAddress, algorithm: 'curve25519' })).fingerprint;
  await gpg.run(['--import'], (await t.value('crypto:keys:public:export', { fingerprint: personFpr })).armored);

  const newGpgKey = async (uid: string, extra: string[] = []) => {
    await gpg.run(['--passphrase', GPG_PASS, ...extra, '--quick-gen-key', uid, 'ed25519', 'sign,cert', '1y']);
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', uid])).stdout.toString())![1]!;
    await gpg.run(['--passphrase', GPG_PASS, ...extra, '--quick-add-key', fpr, 'cv25519', 'encr', '1y']);
    return fpr;
  };
  const partnerFpr = await newGpgKey('Kumppani <kumppani@kela.example>');
  const strangerFpr = await newGpgKey('Vieras <vieras@example.net>');
  await t.value('crypto:keys:import', {
    armored: (await gpg.run(['--passphrase', GPG_PASS, '--armor', '--export-secret-keys', partnerFpr])).stdout.toString(),
  });

  const ref = { accountId, path: 'INBOX' };
  return {
    t,
    gpg,
    accountId,
    personAddress,
    personFpr,
    partnerFpr,
    strangerFpr,
    newGpgKey,
    async encrypt(plain, recipient, options = {}) {
      const args = [
        '--passphrase',
        GPG_PASS,
        '--armor',
        ...(options.extra ?? []),
        '--encrypt',
        '--recipient',
        recipient,
        ...(options.signer ? ['--sign', '--local-user', options.signer] : []),
      ];
      return (await gpg.run(args, plain)).stdout.toString();
    },
    async replyText(uid) {
      return (await t.value('mail:message:compose-context', { mailbox: ref, uid, mode: 'reply' })).quoted;
    },
    async deliverAndOpen(raw, subject) {
      await deliverLmtp(env.lmtpPort, env.person.username, raw);
      let uid: number | undefined;
      await vi.waitFor(
        async () => {
          const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-desc' });
          uid = page.rows.find((r) => r?.subject === subject)?.uid;
          expect(uid).toBeDefined();
        },
        { timeout: 15_000 },
      );
      return { ...(await t.value('mail:message:open', { mailbox: ref, uid: uid! })), uid: uid! };
    },
  };
}

let sequence = 0;
/** A unique subject per message, so each test finds its own message in the shared INBOX. */
export const subject = (label: string) => `${label} [${Date.now().toString(36)}-${++sequence}]`;

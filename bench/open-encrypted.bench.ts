/**
 * What encryption adds when a message is opened (issue 3 target: under 100 ms over a plain
 * message of the same size). Both kinds are opened through the same contract call the UI makes
 * (`mail:message:open` through the dispatcher) against a real Dovecot, median of several opens;
 * the renderer's work is the same for both, so the difference is the cost of decryption.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKey, readKey } from 'openpgp';
import { buildPgpMimeMessage, type OutgoingMessage } from '../main/services/crypto/pgp-mime-writer.js';
import { startDovecot } from '../test/support/dovecot.js';
import { createTestServices } from '../test/support/services-harness.js';
import { median } from './stats.js';

const user = { name: 'bench.reader', password: 'bench-password' };
const RUNS = 15;

function body(size: number): string {
  const line = 'Asiakkaan tilanne on käyty läpi ja jatkotoimista sovittu.\n';
  return line.repeat(Math.ceil(size / Buffer.byteLength(line))).slice(0, size);
}

function plainMessage(message: OutgoingMessage): string {
  return [
    `From: ${message.from.address}`,
    `To: ${message.to[0]!.address}`,
    `Subject: ${message.subject}`,
    `Date: ${message.date.toUTCString()}`,
    `Message-ID: <${message.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    message.text,
  ].join('\r\n');
}

async function main(): Promise<void> {
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-open-'));
  const dovecot = await startDovecot({ baseDir, users: [user], teams: [] });
  const t = await createTestServices();
  try {
    const account = await t.value('accounts:add', {
      displayName: 'Bench',
      host: '127.0.0.1',
      port: dovecot.imapPort,
      security: 'plain',
      username: user.name,
      password: user.password,
    });
    const own = await t.value('crypto:keys:generate', { name: 'Lukija', email: 'bench.reader@sinetti.test', algorithm: 'curve25519' });
    const ownPublic = await readKey({ armoredKey: (await t.value('crypto:keys:public:export', { fingerprint: own.fingerprint })).armored });
    const { privateKey: sender } = await generateKey({
      userIDs: [{ name: 'Kumppani', email: 'kumppani@kela.example' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    // Known to the reader, so the signature is checked (not skipped as unknown).
    await t.value('crypto:keys:import', { armored: sender.armor() });

    const sizes = [
      ['1 KiB', 1024],
      ['100 KiB', 100 * 1024],
      ['1 MiB', 1024 * 1024],
    ] as const;
    const messages: { raw: Buffer; internalDate: Date }[] = [];
    for (const [, size] of sizes) {
      const message: OutgoingMessage = {
        from: { address: 'kumppani@kela.example' },
        to: [{ address: 'bench.reader@sinetti.test' }],
        subject: `Koko ${size}`,
        text: body(size),
        messageId: `${size}@kela.example`,
        date: new Date(),
      };
      messages.push({ raw: Buffer.from(plainMessage(message)), internalDate: new Date() });
      messages.push({ raw: await buildPgpMimeMessage(message, { encryptionKeys: [ownPublic], signingKey: sender }), internalDate: new Date() });
    }
    await dovecot.appendMaildir(user.name, 'INBOX', messages);
    const ref = { accountId: account.id, path: 'INBOX' };
    const page = await t.value('mail:messages:page', { mailbox: ref, offset: 0, limit: 50, sort: 'date-asc' });
    const uids = page.rows.map((r) => r!.uid);

    console.log(`\nOpening a message through the contract (Dovecot on loopback), median of ${RUNS}: plain vs PGP/MIME encrypted+signed`);
    for (const [index, [label]] of sizes.entries()) {
      const [plainUid, encryptedUid] = [uids[index * 2]!, uids[index * 2 + 1]!];
      const timeOpen = async (uid: number) => {
        const samples: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          const view = await t.value('mail:message:open', { mailbox: ref, uid });
          samples.push(performance.now() - start);
          if (uid === encryptedUid && view.crypto?.decryption !== 'decrypted') throw new Error('the encrypted message did not decrypt');
        }
        return median(samples);
      };
      const plain = await timeOpen(plainUid);
      const encrypted = await timeOpen(encryptedUid);
      console.log(
        `${label.padEnd(8)} plain ${plain.toFixed(1).padStart(7)} ms  encrypted ${encrypted.toFixed(1).padStart(7)} ms  added ${(encrypted - plain).toFixed(1).padStart(7)} ms  ratio ${(encrypted / plain).toFixed(2)}`,
      );
    }
    console.log('target: opening an encrypted message adds < 100 ms over a plain one of the same size');
  } finally {
    await t.close();
    await dovecot.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

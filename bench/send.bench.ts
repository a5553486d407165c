/**
 * Sending (issue 5 target): from "send" to SMTP acceptance for a 2 KB text message and a message
 * with a 10 MB attachment, through the send gate (decision incl. attachment scan) + OpenPGP
 * encryption + SMTP over STARTTLS on loopback, against nodemailer sending the same content
 * unencrypted without the gate, in the same run. Median of several sends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKey } from 'openpgp';
import type { OutgoingMessage } from '../main/services/crypto/pgp-mime-writer.js';
import { PolicyService } from '../main/services/policy/policy-service.js';
import { SendGate, buildPlainMessage } from '../main/services/send/send-gate.js';
import { SmtpTransport } from '../main/services/send/smtp-transport.js';
import { fixedCredential } from '../main/services/accounts/credentials.js';
import { SettingsStore } from '../main/services/settings/settings-store.js';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpTestServer } from '../test/support/smtp-test-server.js';
import { median } from './stats.js';

const RUNS = Number(process.env.SINETTI_BENCH_RUNS ?? 7);

async function main(): Promise<void> {
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-bench-send-'));
  // Dovecot only lends its throwaway CA and certificate to the SMTP server here.
  const dovecot = await startDovecot({ baseDir, users: [{ name: 'bench.sender', password: 'x' }], teams: [] });
  const smtp = await startSmtpTestServer({ mode: 'starttls', dovecotConfigPath: dovecot.configPath, users: { 'anna@kunta.example': 'bench-smtp' } });
  const transport = new SmtpTransport(
    {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      username: 'anna@kunta.example',
      credential: fixedCredential({ method: 'password', user: 'anna@kunta.example', password: 'bench-smtp' }),
    },
    { extraCaPem: dovecot.caCertPem },
  );
  try {
    const { privateKey: sender } = await generateKey({ userIDs: [{ email: 'anna@kunta.example' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const { privateKey: partner } = await generateKey({
      userIDs: [{ email: 'kumppani@kela.example' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const policyFile = join(baseDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ version: 1 }));
    let doc: Record<string, unknown> = {};
    const settings = new SettingsStore({ read: () => doc, write: (d) => void (doc = structuredClone(d) as Record<string, unknown>) });
    const gate = new SendGate({
      policy: new PolicyService({ managedPolicyPath: policyFile, settings }),
      keys: {
        recipientKey: async () => partner.toPublic(),
        identityKeys: async () => ({ signWith: sender, signing: 'ready', encryptToSelf: [sender.toPublic()] }),
      },
      transport,
    });

    const text = 'Hei,\nhenkilötunnus 131052-308T, päätös toimeentulotuesta liitteenä.\n'.repeat(30).slice(0, 2048);
    const cases: [string, OutgoingMessage['attachments']][] = [
      ['2 KB text', []],
      ['10 MB attachment', [{ filename: 'skannaus.pdf', contentType: 'application/pdf', content: randomBytes(10 * 1024 * 1024) }]],
    ];
    console.log(`\nSending: "send" → SMTP acceptance on loopback (STARTTLS), median of ${RUNS}`);
    for (const [label, attachments] of cases) {
      const message = (i: number): OutgoingMessage => ({
        from: { address: 'anna@kunta.example' },
        to: [{ address: 'kumppani@kela.example' }],
        subject: 'Asia',
        text,
        attachments,
        messageId: `${label.replace(/\W/g, '')}-${i}@kunta.example`,
        date: new Date(),
      });
      const gated: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let start = performance.now();
        const m = message(i);
        const { token, decision } = await gate.evaluate(m);
        if (decision.route !== 'openpgp') throw new Error(`expected the OpenPGP route, got ${decision.route}`);
        await gate.submit(m, { token });
        gated.push(performance.now() - start);

        start = performance.now();
        const raw = await buildPlainMessage(message(1000 + i));
        await transport.send({ route: 'plain', from: 'anna@kunta.example', to: ['kumppani@kela.example'], raw });
        baseline.push(performance.now() - start);
      }
      const g = median(gated);
      const b = median(baseline);
      console.log(
        `${label.padEnd(17)} gate+OpenPGP+SMTP ${g.toFixed(1).padStart(8)} ms   plain nodemailer ${b.toFixed(1).padStart(8)} ms   ratio ${(g / b).toFixed(2)}`,
      );
    }
    console.log('targets: 2 KB < 150 ms; 10 MB < 1,500 ms and within 3× the unencrypted baseline');
  } finally {
    transport.close();
    await smtp.close();
    await dovecot.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

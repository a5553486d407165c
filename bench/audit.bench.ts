/**
 * Audit trail figures (issue 13): what recording adds to opening a message (the identity-code
 * scan of a typical message, hashing, sealing, the durable append; median and p99 over 2,000
 * opens), verifying a trail of 1,000,000 records with a checkpoint per 1,000, and a lookup by
 * identity code over 1,000,000 records. Targets: < 2 ms p99 on the open path, < 10 s to verify,
 * < 2 s per lookup. The trail lives in $TMPDIR (use a real disk for the datasync figure).
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditService } from '../main/services/audit/audit-service.js';
import { AuditTrail } from '../main/services/audit/audit-trail.js';
import { findAccesses } from '../main/services/audit/audit-lookup.js';
import { verifyTrail } from '../main/services/audit/audit-verify.js';
import { GENESIS_HASH, signCheckpoint, trailLine } from '../main/services/audit/audit-chain.js';
import { identityCodesIn } from '../main/services/audit/pseudonyms.js';
import { hetuCheckCharacter } from '../main/services/policy/detectors/hetu.js';
import { SecretStore } from '../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../main/services/secrets/memory-keychain.js';
import { median } from './stats.js';

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const code = (n: number) => {
  const first10 = `${String((n % 28) + 1).padStart(2, '0')}${String((n % 12) + 1).padStart(2, '0')}${String(n % 100).padStart(2, '0')}-${String(2 + (n % 897)).padStart(3, '0')}`;
  return first10 + hetuCheckCharacter(first10);
};

const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
try {
  const keychain = new MemoryKeychain();
  const secrets = new SecretStore(keychain, dir);
  const ORG = Buffer.alloc(32, 4).toString('base64');

  // 1. The open path: scan a 3 KB message for codes, hash, seal, append (datasync).
  {
    const trail = new AuditTrail({ dir: join(dir, 'open'), secrets });
    const audit = new AuditService({ trail, secrets, version: 'bench', accountIdentity: () => 'p@h', organisationKey: () => ORG, workstation: 'ws' });
    const text = `Hei,\n\n${'Kiitos viestistä, palaan asiaan pian. '.repeat(60)}\nHenkilötunnus ${code(7)}, lapsen ${code(8)}.\n`;
    const times: number[] = [];
    for (let i = 0; i < 2200; i++) {
      const started = performance.now();
      await audit.record({
        action: 'message.opened',
        outcome: 'ok',
        accountId: 'a',
        mailbox: 'shared/perhepalvelut',
        uid: i + 1,
        identityCodes: identityCodesIn(['Asiakas', text]),
        addresses: ['liisa@example.fi', 'perhepalvelut@sinetti.test'],
      });
      if (i >= 200) times.push(performance.now() - started);
    }
    await trail.close();
    console.log(`audit: recording on the open path: median ${median(times).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms (target p99 < 2 ms)`);
  }

  // A 1,000,000-record trail written directly (real chain, real sealed bodies, signed checkpoints).
  const big = join(dir, 'big');
  const trail = new AuditTrail({ dir: big, secrets, checkpointEvery: 1000 });
  const audit = new AuditService({ trail, secrets, version: 'bench', accountIdentity: () => 'p@h', organisationKey: () => ORG, workstation: 'ws' });
  const key = await trail.workstationKey();
  const hasher = await audit.pseudonymizer();
  const N = 1_000_000;
  const target = code(424242);
  {
    const started = performance.now();
    const fd = openSync(trail.trailFile, 'w');
    const cp = openSync(trail.checkpointFile, 'w');
    let previous = GENESIS_HASH;
    let chunk: string[] = [];
    for (let s = 1; s <= N; s++) {
      // One record in 100,000 is about the client looked up; the rest about 5,000 others.
      const subject = s % 100_000 === 0 ? hasher.identityCode(target) : hasher.identityCode(code(s % 5000));
      const body = { v: 1, action: 'message.opened', outcome: 'ok', person: 'p@h', workstation: 'ws', app: 'bench', mailbox: 'shared/perhepalvelut', uid: s };
      const sealed = await secrets.seal(`audit:${s}`, Buffer.from(JSON.stringify(body)));
      const { line, hash } = trailLine(previous, { s, t: 1_700_000_000_000 + s * 1000, p: [subject], b: sealed.toString('base64') });
      previous = hash;
      chunk.push(line);
      if (s % 1000 === 0) {
        writeSync(fd, chunk.join(''));
        chunk = [];
        writeSync(cp, JSON.stringify(signCheckpoint(key.privateKey, key.publicKey, { s, h: hash, t: Date.now(), why: 'count' })) + '\n');
      }
    }
    closeSync(fd);
    closeSync(cp);
    console.log(`audit: wrote a 1,000,000-record trail in ${((performance.now() - started) / 1000).toFixed(1)} s (set-up, not a figure)`);
  }

  // 2. Verify. CPU time beside wall time: on a shared, loaded machine the wall time is mostly waiting.
  const cpu = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return ((used.user + used.system) / 1e6).toFixed(2);
  };
  {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const result = await verifyTrail({ trailFile: trail.trailFile, checkpointFile: trail.checkpointFile, publicKey: key.publicKey, checkpointEvery: 1000 });
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok || result.records !== N) throw new Error(`the bench trail did not verify: ${JSON.stringify(result.problems.slice(0, 3))}`);
    console.log(`audit: verified 1,000,000 records and 1,000 checkpoints in ${seconds.toFixed(2)} s, ${cpu(cpuStart)} s CPU (target < 10 s)`);
  }

  // 3. Lookup by identity code.
  {
    const times: number[] = [];
    const cpuStart = process.cpuUsage();
    let found = 0;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      found = (await findAccesses(audit, target, 0, Number.MAX_SAFE_INTEGER)).rows.length;
      times.push((performance.now() - started) / 1000);
    }
    if (found !== 10) throw new Error(`the lookup found ${found} rows, expected 10`);
    console.log(
      `audit: lookup by identity code over 1,000,000 records: median ${median(times).toFixed(2)} s of 3, ${(Number(cpu(cpuStart)) / 3).toFixed(2)} s CPU each (${found} rows; target < 2 s)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Tampering with the local trail is detected and located: an edited, deleted or reordered record,
 * a truncated trail, a whole file replaced, a forged checkpoint. Each test writes a real trail
 * (sealed under a real SecretStore), changes the file as an attacker with disk access would, and
 * runs the verifier the app and the `verify` command use.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../main/services/audit/audit-trail.js';
import { verifyTrail } from '../../../main/services/audit/audit-verify.js';
import { signCheckpoint, trailLine, GENESIS_HASH, parseCheckpoint } from '../../../main/services/audit/audit-chain.js';
import type { AuditBody } from '../../../main/services/audit/audit-record.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';

let dir: string;
let trail: AuditTrail;
let keychain: MemoryKeychain;

const body = (uid: number): AuditBody => ({
  v: 1,
  action: 'message.opened',
  outcome: 'ok',
  person: 'demo.tyontekija@127.0.0.1',
  workstation: 'ws-1',
  app: 'test',
  mailbox: 'shared/perhepalvelut',
  uid,
});

async function writeRecords(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await trail.append({ subjects: [`s${i}`], body: body(i) });
}

const lines = () => readFileSync(trail.trailFile, 'utf8').split('\n').filter(Boolean);
const rewrite = (l: string[]) => writeFileSync(trail.trailFile, l.map((x) => x + '\n').join(''));

async function verify() {
  const key = await trail.workstationKey();
  return verifyTrail({ trailFile: trail.trailFile, checkpointFile: trail.checkpointFile, publicKey: key.publicKey, checkpointEvery: trail.checkpointEvery });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-'));
  keychain = new MemoryKeychain();
  trail = new AuditTrail({ dir: join(dir, 'audit'), secrets: new SecretStore(keychain, dir), checkpointEvery: 10 });
});
afterEach(async () => {
  await trail.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit trail tampering', () => {
  it('an untouched trail verifies, with its checkpoints', async () => {
    await writeRecords(25);
    const result = await verify();
    expect(result.ok).toBe(true);
    expect(result).toMatchObject({ records: 25, firstSeq: 1, lastSeq: 25, checkpoints: 2, unsignedTail: 5 });
  });

  it('an edited record is found at its sequence number', async () => {
    await writeRecords(25);
    const l = lines();
    // Change the record's time (a clear field) without being able to recompute the hash honestly.
    l[6] = l[6]!.replace(/"t":(\d+)/, (_m, t: string) => `"t":${Number(t) - 3600_000}`);
    rewrite(l);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'edited', seq: 7, line: 7 }));
  });

  it('a deleted record is found as missing', async () => {
    await writeRecords(25);
    const l = lines();
    l.splice(13, 1);
    rewrite(l);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'missing', seq: 14, count: 1 }));
  });

  it('reordered records are found as out of order', async () => {
    await writeRecords(25);
    const l = lines();
    [l[3], l[4]] = [l[4]!, l[3]!];
    rewrite(l);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'out-of-order', seq: 4, line: 5 }));
    expect(result.problems.some((p) => p.kind === 'missing')).toBe(false);
  });

  it('a trail cut short before a signed checkpoint is found as truncated', async () => {
    await writeRecords(25);
    rewrite(lines().slice(0, 15));
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'truncated', seq: 16 }));
  });

  it('a whole file replaced by a fresh, self-consistent chain is found', async () => {
    await writeRecords(25);
    // The attacker writes a valid chain of their own (they cannot sign checkpoints).
    let previous = GENESIS_HASH;
    const forged: string[] = [];
    for (let s = 1; s <= 25; s++) {
      const { line, hash } = trailLine(previous, { s, t: Date.now(), p: [], b: 'AAAA' });
      forged.push(line.trimEnd());
      previous = hash;
    }
    rewrite(forged);
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-mismatch', seq: 10 }));
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'replaced' }));
  });

  it('a forged checkpoint (signed with another key) is found and located', async () => {
    await writeRecords(25);
    const other = generateKeyPairSync('ed25519');
    // Rewrite record 25 honestly chained and sign a checkpoint for it with a key of the attacker's own.
    const checkpoints = readFileSync(trail.checkpointFile, 'utf8').split('\n').filter(Boolean);
    const real = parseCheckpoint(checkpoints[1]!)!;
    const fake = signCheckpoint(other.privateKey, other.publicKey, { s: 25, h: real.h, t: Date.now(), why: 'count' });
    writeFileSync(trail.checkpointFile, [...checkpoints, JSON.stringify(fake)].join('\n') + '\n');
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'forged-checkpoint', seq: 25, line: 3 }));
  });

  it('removed checkpoints show as more unsigned records than the interval allows', async () => {
    await writeRecords(25);
    writeFileSync(trail.checkpointFile, '');
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'unsigned-tail', seq: 1, count: 25 }));
  });

  it('a line torn by a crash is cut at the next start, and the cut is recorded', async () => {
    await writeRecords(3);
    await trail.close();
    writeFileSync(trail.trailFile, readFileSync(trail.trailFile, 'utf8') + '{"s":4,"t":1,"p":[],"b":"AA');
    trail = new AuditTrail({ dir: join(dir, 'audit'), secrets: new SecretStore(keychain, dir), checkpointEvery: 10 });
    await trail.append({ subjects: [], body: body(4) });
    const records = [];
    for await (const r of trail.records()) records.push(r);
    expect(records.map((r) => [r.seq, r.body.action])).toEqual([
      [1, 'message.opened'],
      [2, 'message.opened'],
      [3, 'message.opened'],
      [4, 'trail.tail-discarded'],
      [5, 'message.opened'],
    ]);
    expect((await verify()).ok).toBe(true);
  });
});

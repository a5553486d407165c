/** The `audit verify` command: whole trail → 0; a changed one → 5 with the record and line; bad usage → 2. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/audit.js';
import { AuditTrail } from '../../../main/services/audit/audit-trail.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';

let dir: string;
let auditDir: string;

function capture() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream, text: () => text };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  auditDir = join(dir, 'audit');
  const trail = new AuditTrail({ dir: auditDir, secrets: new SecretStore(new MemoryKeychain(), dir), checkpointEvery: 5 });
  for (let uid = 1; uid <= 12; uid++)
    await trail.append({ subjects: [], body: { v: 1, action: 'message.opened', outcome: 'ok', person: 'p@h', workstation: 'w', app: 't', uid } });
  await trail.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('audit verify command', () => {
  it('says whole and exits 0 for an untouched trail', async () => {
    const out = capture();
    expect(await main(['verify', auditDir, '--public-key', join(auditDir, 'workstation.pub')], out.stream, capture().stream)).toBe(0);
    expect(out.text()).toContain('trail:       whole');
    expect(out.text()).toContain('records:     12 (1–12)');
  });

  it('exits 5 and locates a deleted record', async () => {
    const lines = readFileSync(join(auditDir, 'trail.jsonl'), 'utf8').split('\n').filter(Boolean);
    lines.splice(7, 1);
    writeFileSync(join(auditDir, 'trail.jsonl'), lines.join('\n') + '\n');
    const out = capture();
    expect(await main(['verify', auditDir, '--json'], out.stream, capture().stream)).toBe(5);
    const result = JSON.parse(out.text()) as { problems: { kind: string; seq: number }[]; keyBesideTrail: boolean };
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'missing', seq: 8 }));
    expect(result.keyBesideTrail).toBe(true);
  });

  it("exits 5 when the checkpoints are not signed by the organisation's copy of the key", async () => {
    const other = join(dir, 'other.pub');
    writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const out = capture();
    expect(await main(['verify', auditDir, '--public-key', other], out.stream, capture().stream)).toBe(5);
    expect(out.text()).toMatch(/forged-checkpoint\s+Checkpoint line 1 \(record 5\)/);
  });

  it('exits 2 on bad usage', async () => {
    const err = capture();
    expect(await main(['verify'], capture().stream, err.stream)).toBe(2);
    expect(err.text()).toContain('usage: audit verify');
  });
});

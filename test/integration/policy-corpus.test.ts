/**
 * The message corpus (test/support/fixtures/policy-corpus.ts) through both doors the rules have:
 * the built `sinetti-policy` command IT runs on message files, and the send gate the app sends
 * through. Each message must reach its expected route under the built-in default and under the
 * example managed policy, with the expected findings; ordinary mail must leave as it is.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../main/services/crypto/pgp-mime-writer.js';
import { PolicyService } from '../../main/services/policy/policy-service.js';
import { SendGate } from '../../main/services/send/send-gate.js';
import { SettingsStore } from '../../main/services/settings/settings-store.js';
import { ORDINARY_CORPUS, SENSITIVE_CORPUS, type CorpusMessage } from '../support/fixtures/policy-corpus.js';

const root = resolve(import.meta.dirname, '..', '..');
const examplePolicy = join(root, 'resources/policy/example-managed-policy.json');
const dir = mkdtempSync(join(tmpdir(), 'sinetti-policy-corpus-'));
const corpus = [...SENSITIVE_CORPUS, ...ORDINARY_CORPUS];
const raw = new Map<string, Buffer>();
const fileOf = (m: CorpusMessage) => join(dir, `${m.name}.eml`);

interface CliDecision {
  file: string;
  decision: 'allow' | 'secure';
  route: string;
  findings: { detector: string; where: { part: string } }[];
  notScanned: { filename: string }[];
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      join(root, 'node_modules/.bin/node'),
      [join(root, 'dist/cli/sinetti-policy.mjs'), ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

function expectFindings(
  m: CorpusMessage,
  route: string,
  findings: { detector: string; where: { part: string } }[],
  notScanned: { filename: string }[],
  policy: 'builtin' | 'managed',
) {
  expect(route, `${m.name} (${policy})`).toBe(m[policy]);
  for (const f of m.finds)
    expect(
      findings.some((x) => x.detector === f.detector && x.where.part === f.where),
      `${m.name}: ${f.detector} in ${f.where}`,
    ).toBe(true);
  if (m.finds.length === 0) expect(findings, `${m.name} has no findings`).toEqual([]);
  expect(notScanned.map((n) => n.filename).sort(), `${m.name} not scanned`).toEqual([...(m.notScanned ?? [])].sort());
}

beforeAll(async () => {
  expect(existsSync(join(root, 'dist/cli/sinetti-policy.mjs')), 'build first (scripts/build.mjs)').toBe(true);
  for (const m of corpus) {
    const bytes = await m.eml();
    raw.set(m.name, bytes);
    writeFileSync(fileOf(m), bytes);
  }
});

describe('policy corpus through sinetti-policy', () => {
  for (const policy of ['builtin', 'managed'] as const) {
    it(`every message gets its decision (${policy === 'builtin' ? 'built-in default' : 'example managed policy'})`, async () => {
      const result = await cli(['check', ...corpus.map(fileOf), '--json', ...(policy === 'managed' ? ['--policy', examplePolicy] : [])]);
      expect(result.stderr).toBe('');
      // Several files: the exit code is the worst of them.
      expect(result.code).toBe(3);
      const decisions = JSON.parse(result.stdout) as CliDecision[];
      expect(decisions).toHaveLength(corpus.length);
      for (const [i, m] of corpus.entries()) {
        const d = decisions[i]!;
        expect(d.file).toBe(fileOf(m));
        expect(d.decision, m.name).toBe(m[policy] === 'plain' ? 'allow' : 'secure');
        expectFindings(m, d.route, d.findings, d.notScanned, policy);
      }
    });
  }

  it('exits 0 for the ordinary set alone, and 3 for any single sensitive message', async () => {
    expect((await cli(['check', ...ORDINARY_CORPUS.map(fileOf)])).code).toBe(0);
    expect((await cli(['check', ...ORDINARY_CORPUS.map(fileOf), '--policy', examplePolicy])).code).toBe(0);
    expect((await cli(['check', fileOf(SENSITIVE_CORPUS[0]!)])).code).toBe(3);
  });
});

describe('policy corpus through the send gate', () => {
  async function outgoing(m: CorpusMessage): Promise<OutgoingMessage> {
    const email = await PostalMime.parse(raw.get(m.name)!, { attachmentEncoding: 'arraybuffer' });
    const list = (a: typeof email.to) => (a ?? []).map((x) => ({ address: (x as { address: string }).address }));
    return {
      from: { name: email.from?.name ?? '', address: email.from?.address ?? '' },
      to: list(email.to),
      cc: list(email.cc),
      subject: email.subject ?? '',
      text: email.text ?? '',
      ...(email.html ? { html: email.html } : {}),
      attachments: email.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.mimeType, content: Buffer.from(a.content as ArrayBuffer) })),
      messageId: `${m.name}@kunta.example`,
      date: new Date(),
    };
  }

  for (const policy of ['builtin', 'managed'] as const) {
    it(`decides every message as the command does (${policy === 'builtin' ? 'built-in default' : 'example managed policy'})`, async () => {
      let doc: Record<string, unknown> = {};
      const settings = new SettingsStore({ read: () => doc, write: (d) => void (doc = structuredClone(d) as Record<string, unknown>) });
      const gate = new SendGate({
        policy: new PolicyService({ managedPolicyPath: policy === 'managed' ? examplePolicy : null, settings }),
        // Nobody has a key here, as in the command: the routes are those for recipients without keys.
        keys: { recipientKey: async () => null, identityKeys: async () => Promise.reject(new Error('no signing in this test')) },
        transport: { send: async () => Promise.reject(new Error('nothing is sent in this test')) },
      });
      for (const m of corpus) {
        const { decision } = await gate.evaluate(await outgoing(m));
        expectFindings(m, decision.route, decision.findings, decision.notScanned, policy);
      }
    });
  }
});

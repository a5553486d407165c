/**
 * The audit trail's pseudonym key (an HMAC key: whoever holds it can test identity codes against
 * the trail) is IT's secret. The policy state the renderer asks for says the key is set, never
 * what it is, on every channel that returns the state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../../main/services/policy/policy-state-for-renderer.js';
import { createTestServices, type TestServices } from '../../support/services-harness.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
let harness: TestServices | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('the audit pseudonym key', () => {
  it('never reaches the renderer through policy:state:get, policy:reload or policy:preferences:set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-key-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ version: 1, audit: { pseudonymKey: KEY } }));
    harness = await createTestServices({ managedPolicyPath: path });
    const states = [
      await harness.value('policy:state:get', {}),
      await harness.value('policy:reload', {}),
      await harness.value('policy:preferences:set', { layer: { version: 1 } }),
    ];
    for (const state of states) {
      expect(JSON.stringify(state)).not.toContain(KEY);
      expect(state.effective?.policy.audit.pseudonymKey).toBe(REDACTED);
    }
  });
});

/**
 * "This finding is wrong": the report reaches the audit trail with identifiers only (detector,
 * vocabulary label, confidence, where) and never text; a report that tries to carry text is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../support/services-harness.js';

let harness: TestServices | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('false-positive reports', () => {
  it('are recorded in the trail as identifiers, and unblock nothing', async () => {
    harness = await createTestServices();
    await harness.value('policy:false-positive:report', {
      findings: [
        { detector: 'sensitive-term', label: 'document-type/memo', confidence: 'medium', part: 'subject' },
        { detector: 'identity-code', label: 'identity-code/near-valid', confidence: 'medium', part: 'body' },
      ],
    });
    const trail = await harness.value('audit:own', { from: 0, to: Date.now() + 60_000 });
    expect(trail).toContainEqual(expect.objectContaining({ action: 'policy.false-positive', outcome: 'ok' }));
  });

  it('refuses text where an identifier belongs (a code or a sentence in the label)', async () => {
    harness = await createTestServices();
    const refused = await harness.call('policy:false-positive:report', {
      findings: [{ detector: 'identity-code', label: 'hetu 131052-308T', confidence: 'high', part: 'body' }],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

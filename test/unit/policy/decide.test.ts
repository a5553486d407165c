/** The decision for a draft: route per recipient, the strictest action, upgrades never downgrades, and reasons. */
import { describe, expect, it } from 'vitest';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import { decide, type DraftForDecision } from '../../../main/services/policy/decide.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';
import type { PolicyLayer } from '../../../shared/policy-schema.js';
import { docx } from '../../support/fixtures/documents.js';

const detectors = textDetectors(loadBuiltinVocabulary());
const managed: PolicyLayer = {
  version: 1,
  domains: { internal: ['kunta.example'], partner: ['kela.example'] },
  actions: { sensitive: { internal: 'allow', partner: 'gateway', external: 'gateway' } },
  gateway: { enabled: true },
};
const withKeys =
  (...addresses: string[]) =>
  async (address: string) =>
    addresses.includes(address);
const draft = (overrides: Partial<DraftForDecision>): DraftForDecision => ({
  subject: 'Tapaaminen',
  bodyTexts: ['Hei, nähdään tiistaina.'],
  attachments: [],
  recipients: ['asiakas@example.net'],
  ...overrides,
});
const run = (d: DraftForDecision, layer?: PolicyLayer, keys = withKeys()) =>
  decide(d, { policy: resolvePolicy({ managed: layer }).policy, detectors, hasAcceptedKey: keys });

describe('decide (built-in default policy)', () => {
  it('lets ordinary mail go as it is', async () => {
    expect(await run(draft({}))).toMatchObject({ route: 'plain', sensitive: false, findings: [], blocked: [] });
  });

  it('requires OpenPGP for an identity code, and refuses a recipient without a key, saying which', async () => {
    const d = draft({ bodyTexts: ['Asiakkaan henkilötunnus on 131052-308T.'] });
    const refused = await run(d);
    expect(refused.route).toBe('blocked');
    expect(refused.findings).toEqual([
      expect.objectContaining({ detector: 'identity-code', masked: '131052-****', confidence: 'high', where: { part: 'body', index: 0 } }),
    ]);
    expect(refused.blocked).toEqual([{ code: 'recipient-unreachable', addresses: ['asiakas@example.net'] }]);
    expect(refused.recipients[0]).toMatchObject({ class: 'external', action: 'encrypt', route: 'blocked', reason: 'no-key' });
    expect(await run(d, undefined, withKeys('asiakas@example.net'))).toMatchObject({ route: 'openpgp', blocked: [] });
  });

  it('refuses a finding in a subject that travels visibly, and lets it through when every copy protects the subject (OpenPGP)', async () => {
    const subject = 'Päätös 131052-308T';
    // OpenPGP: the subject travels inside the encryption, "..." outside.
    const encrypted = await run(draft({ subject, bodyTexts: ['Liitteenä.'] }), undefined, withKeys('asiakas@example.net'));
    expect(encrypted).toMatchObject({ route: 'openpgp', blocked: [] });
    expect(encrypted.findings).toContainEqual(expect.objectContaining({ masked: '131052-****', where: { part: 'subject' } }));
    // One recipient without a key: that copy cannot carry the subject safely, so the subject must change.
    const mixed = await run(
      draft({ subject, bodyTexts: ['Liitteenä.'], recipients: ['asiakas@example.net', 'toinen@example.net'] }),
      undefined,
      withKeys('asiakas@example.net'),
    );
    expect(mixed.route).toBe('blocked');
    expect(mixed.blocked[0]).toMatchObject({
      code: 'subject-finding',
      findings: expect.arrayContaining([expect.objectContaining({ masked: '131052-****', where: { part: 'subject' } })]),
    });
    // Plain mail inside the organisation: the subject is visible.
    const internal = await run(draft({ subject: 'Lastensuojeluilmoitus', bodyTexts: ['Hei'], recipients: ['kollega@kunta.example'] }), managed);
    expect(internal.blocked.map((b) => b.code)).toContain('subject-finding');
  });

  it('reads attachments (Finnish inflection in a DOCX) and counts unreadable ones as sensitive outside the organisation', async () => {
    const report = await run(
      draft({ attachments: [{ filename: 'ilmoitus.docx', contentType: 'application/octet-stream', content: docx(['Teimme lastensuojeluilmoituksen.']) }] }),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({
        detector: 'sensitive-term',
        label: 'social-services/child-protection',
        where: { part: 'attachment', filename: 'ilmoitus.docx' },
      }),
    ]);
    const image = { filename: 'skannaus.png', contentType: 'image/png', content: Buffer.from('89504e470d0a1a0a', 'hex') };
    const outside = await run(draft({ attachments: [image] }));
    expect(outside).toMatchObject({ sensitive: true, notScanned: [{ filename: 'skannaus.png', reason: 'image' }], route: 'blocked' });
    const inside = await run(draft({ attachments: [image], recipients: ['kollega@kunta.example'] }), managed);
    expect(inside).toMatchObject({ sensitive: false, route: 'plain' });
  });

  it('refuses attachments over the size limit', async () => {
    const big = { filename: 'iso.txt', contentType: 'text/plain', content: Buffer.alloc(26 * 1024 * 1024, 0x61) };
    expect((await run(draft({ attachments: [big] }))).blocked).toContainEqual({ code: 'attachment-too-large', filenames: ['iso.txt'], maxSizeMb: 25 });
  });
});

describe('decide (managed policy with a gateway)', () => {
  it('routes recipients without keys through the gateway and those with keys by OpenPGP: a split, never a downgrade', async () => {
    const d = draft({ bodyTexts: ['Toimeentulotukipäätös liitteenä.'], recipients: ['asiakas@example.net', 'kumppani@kela.example', 'kollega@kunta.example'] });
    const decision = await run(d, managed, withKeys('kumppani@kela.example'));
    expect(decision.route).toBe('split');
    expect(decision.recipients.map((r) => [r.address, r.route, r.reason])).toEqual([
      ['asiakas@example.net', 'gateway', 'no-key-gateway'],
      ['kumppani@kela.example', 'openpgp', 'has-key'],
      // Internal mail may be plain by this policy, but the message goes protected anyway: upgraded.
      ['kollega@kunta.example', 'gateway', 'upgraded'],
    ]);
  });

  it('keeps a reply to a secure message secure even when the reply itself has nothing sensitive', async () => {
    const decision = await run(draft({ inReplyToSecure: true }), managed);
    expect(decision.recipients[0]).toMatchObject({ route: 'gateway', reason: 'secure-reply' });
  });

  it('asks for a written reason where the policy says justify', async () => {
    const decision = await run(draft({}), { ...managed, actions: { notSensitive: { external: 'justify' } } });
    expect(decision).toMatchObject({ route: 'plain', justificationRequired: true });
  });

  it('blocks where the policy says block', async () => {
    const decision = await run(
      draft({ bodyTexts: ['Henkilötunnus 131052-308T'] }),
      { ...managed, actions: { sensitive: { external: 'block' } } },
      withKeys('asiakas@example.net'),
    );
    expect(decision.recipients[0]).toMatchObject({ route: 'blocked', reason: 'policy-block' });
  });
});

describe('source-routed addresses (% and !) are never internal', () => {
  // `x%evil.example@kunta.example` and `evil.example!x@kunta.example` are delivered onwards to
  // evil.example by a relay that still honours the old source-routing syntax.
  it.each(['x%evil.example@kunta.example', 'evil.example!x@kunta.example', 'x%evil.example@kela.example', 'a!b%c@sub.kunta.example'])(
    '%s is external',
    async (address) => {
      const decision = await run(draft({ bodyTexts: ['Henkilötunnus 131052-308T'], recipients: [address] }), managed);
      expect(decision.recipients[0]).toMatchObject({ class: 'external', route: 'gateway' });
    },
  );

  it('while the plain address of the same domain stays internal', async () => {
    const decision = await run(draft({ bodyTexts: ['Henkilötunnus 131052-308T'], recipients: ['x.evil@kunta.example'] }), managed);
    expect(decision.recipients[0]).toMatchObject({ class: 'internal', route: 'plain' });
  });
});

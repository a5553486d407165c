/**
 * The attack: the person's own preferences ("stricter only") used to loosen the policy — removing
 * an internal domain moved sensitive mail from encrypt-or-block to the plaintext gateway.
 *
 * The property, over EVERY field of the policy schema (enumerated from the zod schema itself, so
 * a new field without a tightening rule fails here): for several managed policies, a preference
 * change to each field in each direction never makes the decision for a corpus of messages less
 * strict than under the managed policy alone. Fields the decision does not read (crypto, Sender
 * header, justification length, mobile number) are held to what "stricter" means for them below.
 * Pairs of changes are checked too (a seeded sample, weighted towards a domain change with an
 * action or attachment change), because the domain rule depends on the actions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loadBuiltinVocabulary, textDetectors } from '../../../main/services/policy/detectors/builtin-vocabulary.js';
import type { TextDetectors } from '../../../main/services/policy/detectors/scan-text.js';
import { decide, type Decision, type DraftForDecision } from '../../../main/services/policy/decide.js';
import { TIGHTENING_RULES, resolvePolicy } from '../../../main/services/policy/policy-layers.js';
import { BUILTIN_POLICY, policyLayerSchema, policySchema, type Policy, type PolicyLayer, type VocabularyCategory } from '../../../shared/policy-schema.js';

// --- The schema's leaves, from the zod definitions (not from the rule table) -----------------

type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; options?: AnySchema[]; element?: AnySchema }; shape?: Record<string, AnySchema> };

function schemaLeaves(schema: AnySchema, prefix = ''): { path: string; schema: AnySchema }[] {
  if (schema.def.type === 'optional') return schemaLeaves(schema.def.innerType!, prefix);
  if (schema.def.type === 'object') {
    return Object.entries(schema.shape!)
      .filter(([key]) => !(prefix === '' && (key === 'version' || key === '$schema')))
      .flatMap(([key, inner]) => schemaLeaves(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [{ path: prefix, schema }];
}
const LEAVES = schemaLeaves(policySchema as unknown as AnySchema);

const get = (policy: unknown, path: string): unknown => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], policy);
function layerWith(path: string, value: unknown): PolicyLayer {
  const layer: Record<string, unknown> = { version: 1 };
  const keys = path.split('.');
  let node = layer;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return layer as PolicyLayer;
}

// --- Candidate values in both directions, generated from each field's type -------------------

const extraCategory: VocabularyCategory = {
  id: 'health',
  // A longer form starting where a built-in one starts: must not hide the built-in finding.
  terms: [{ id: 'long', fi: ['lastensuojeluilmoituksen käsittely*'], sv: [], en: ['medical certificate of'], compound: false }],
};
const OTHER_DOMAINS = ['gmail.com', 'example.net', 'sote.kunta.example', 'kela.example', 'kunta.example', 'hyvinvointialue.example'];

function candidates(path: string, schema: AnySchema, current: unknown): unknown[] {
  const type = schema.def.type;
  if (type === 'boolean') return [true, false];
  if (type === 'enum') return (schema as unknown as { options: string[] }).options;
  if (type === 'number') {
    const { minValue, maxValue } = schema as unknown as { minValue: number; maxValue: number };
    return [minValue, maxValue, (current as number) - 1, (current as number) + 1].filter((n) => n >= minValue && n <= maxValue);
  }
  if (type === 'union') return [false, 'https://keys.example.org', current];
  // The last: a key (audit.pseudonymKey is base64 of 32 bytes or more).
  if (type === 'string') return ['Toinen', 'x', '.x', 'X-Other', '[x]', Buffer.alloc(32, 7).toString('base64')];
  if (type === 'array') {
    const list = current as unknown[];
    if (path === 'vocabularies.add') return [[], [extraCategory]];
    const additions = path.startsWith('domains.') ? OTHER_DOMAINS : ['extra', 'health', 'social-services'];
    return [[], ...list.map((_, i) => list.filter((__, j) => j !== i)), ...additions.map((a) => [...list.filter((x) => x !== a), a])];
  }
  throw new Error(`no candidate values for ${path} (${type}): add them here`);
}

/** Every single-field preference change that the layer schema accepts, for a base policy. */
function singleChanges(base: Policy): { path: string; value: unknown }[] {
  return LEAVES.flatMap(({ path, schema }) =>
    candidates(path, schema, get(base, path))
      .filter((value) => JSON.stringify(value) !== JSON.stringify(get(base, path)))
      .filter((value) => policyLayerSchema.safeParse(layerWith(path, value)).success)
      .map((value) => ({ path, value })),
  );
}

// --- Bases: what IT might have configured ------------------------------------------------------

const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/policy/example-managed-policy.json'), 'utf8')) as PolicyLayer;
const BASES: Record<string, PolicyLayer | null> = {
  builtin: null,
  example,
  'internal plain, partner encrypt': {
    version: 1,
    domains: { internal: ['kunta.example', 'hyvinvointialue.example'], partner: ['kela.example'] },
    actions: { sensitive: { internal: 'allow', partner: 'encrypt', external: 'gateway' }, notSensitive: { external: 'justify' } },
    gateway: { enabled: true },
  },
  'internal encrypt, external gateway, unreadable never sensitive': {
    version: 1,
    domains: { internal: ['kunta.example'], partner: ['kela.example', 'sote.kunta.example'] },
    actions: { sensitive: { internal: 'encrypt', partner: 'justify', external: 'gateway' } },
    attachments: { notScanned: 'not-sensitive' },
    detectors: { businessId: { enabled: true }, icd10: { minConfidence: 'low' } },
    gateway: { enabled: true },
  },
  'lax everywhere': {
    version: 1,
    domains: { internal: ['kunta.example', 'hyvinvointialue.example'], partner: ['kela.example'] },
    detectors: {
      identityCode: { enabled: false, minConfidence: 'high' },
      iban: { enabled: false, minConfidence: 'high' },
      icd10: { enabled: false, minConfidence: 'high' },
      sensitiveTerms: { enabled: false, minConfidence: 'high', categories: ['health'] },
    },
    actions: { sensitive: { internal: 'allow', partner: 'allow', external: 'justify' } },
    attachments: { notScanned: 'not-sensitive', maxSizeMb: 100 },
    justification: { minLength: 10 },
    gateway: { enabled: true, mobileNumber: 'off' },
    sending: { senderHeader: false },
    crypto: { keyserver: 'https://keys.example.org', unlockMinutes: 600 },
    teamWork: { firstResponseWorkingDays: 10, notificationDetails: 'sender-and-subject' },
  },
  'strict everywhere': {
    version: 1,
    domains: { internal: ['kunta.example'], partner: ['kela.example'] },
    actions: {
      sensitive: { internal: 'encrypt', partner: 'encrypt', external: 'block' },
      notSensitive: { internal: 'justify', partner: 'gateway', external: 'encrypt' },
    },
    attachments: { notScanned: 'sensitive' },
    crypto: { passphraseRequired: true, wkd: false, unlockMinutes: 5 },
    gateway: { enabled: true, mobileNumber: 'required' },
  },
  'no gateway, internal justify': {
    version: 1,
    domains: { internal: ['kunta.example'], partner: [] },
    actions: { sensitive: { internal: 'justify', partner: 'encrypt', external: 'block' }, notSensitive: { internal: 'allow', external: 'justify' } },
  },
};

// --- The corpus: sensitive and ordinary messages to every kind of recipient --------------------

const png = { filename: 'skannaus.png', contentType: 'image/png', content: Buffer.from('89504e470d0a1a0a', 'hex') };
const BODIES: Omit<DraftForDecision, 'recipients'>[] = [
  { subject: 'Asiakas', bodyTexts: ['Asiakkaan henkilötunnus on 131052-308T.'], attachments: [] },
  { subject: 'Lausunto', bodyTexts: ['Diagnoosi F32.1 lääkärinlausunnon mukaan.'], attachments: [] },
  { subject: 'Koodi', bodyTexts: ['Koodi J45 mainittu.'], attachments: [] },
  { subject: 'Ilmoitus', bodyTexts: ['Teimme lastensuojeluilmoituksen käsittelyn eilen.'], attachments: [] },
  { subject: 'Maksu', bodyTexts: ['Tilille FI21 1234 5600 0007 85, Y-tunnus 0112038-9.'], attachments: [] },
  { subject: 'Skannaus', bodyTexts: ['Liitteenä.'], attachments: [png] },
  { subject: 'Kokous', bodyTexts: ['Nähdään tiistaina klo 10.'], attachments: [] },
  { subject: 'Re: Kokous', bodyTexts: ['Kiitos.'], attachments: [], inReplyToSecure: true },
];
const RECIPIENTS = [
  'a@kunta.example',
  'b@sote.kunta.example',
  'c@kela.example',
  'd@example.net',
  'e@gmail.com',
  'f@hyvinvointialue.example',
  'x%evil.example@kunta.example',
];
const HAS_KEY = new Set(['c@kela.example', 'f@hyvinvointialue.example']);
// Several recipients too: one going protected upgrades the plain ones (and with a gateway, those without a key).
const MIXED = [
  ['a@kunta.example', 'd@example.net', 'c@kela.example'],
  ['a@kunta.example', 'c@kela.example'],
  ['b@sote.kunta.example', 'f@hyvinvointialue.example'],
];
const draftsOf = (bodies: typeof BODIES) =>
  bodies.flatMap((body) => [...RECIPIENTS, ...MIXED].map((r) => ({ ...body, recipients: typeof r === 'string' ? [r] : r })));
const DRAFTS: DraftForDecision[] = draftsOf(BODIES);
/** For the many pairs: an identity code, an unreadable attachment, ordinary mail and a secure reply. */
const PAIR_DRAFTS: DraftForDecision[] = draftsOf([BODIES[0]!, BODIES[5]!, BODIES[6]!, BODIES[7]!]);

/** How strictly a recipient is handled: blocked > OpenPGP > gateway > plain with a reason > plain. */
function levels(decision: Decision): number[] {
  // A refusal only because the subject would travel visibly is the route's own level: the person
  // changes the subject and the message leaves by that route (and an OpenPGP route, which protects
  // the subject, is stricter than the plain route that made the subject a problem).
  const onlySubject = decision.blocked.every((b) => b.code === 'subject-finding');
  if (decision.route === 'blocked' && !onlySubject) return decision.recipients.map(() => 4);
  return decision.recipients.map((r) => ({ blocked: 4, openpgp: 3, gateway: 2, plain: r.action === 'justify' ? 1 : 0 })[r.route]);
}

const detectorCache = new Map<string, TextDetectors>();
function detectorsFor(policy: Policy): TextDetectors {
  const key = JSON.stringify(policy.vocabularies.add);
  if (!detectorCache.has(key)) detectorCache.set(key, textDetectors(loadBuiltinVocabulary(), policy.vocabularies.add));
  return detectorCache.get(key)!;
}
async function decisions(policy: Policy, drafts: DraftForDecision[]): Promise<number[][]> {
  const context = { policy, detectors: detectorsFor(policy), hasAcceptedKey: async (a: string) => HAS_KEY.has(a) };
  return Promise.all(drafts.map(async (draft) => levels(await decide(draft, context))));
}

/** What "stricter" means for the fields the decision does not read, said in terms of their effect. */
const NOT_LOOSER_OFF_DECISION: Record<string, (before: never, after: never) => boolean> = {
  'justification.minLength': (b: number, a: number) => a >= b,
  'gateway.mobileNumber': (b: string, a: string) => ['off', 'optional', 'required'].indexOf(a) >= ['off', 'optional', 'required'].indexOf(b),
  'sending.senderHeader': (b: boolean, a: boolean) => a || !b,
  'crypto.passphraseRequired': (b: boolean, a: boolean) => a || !b,
  'crypto.unlockMinutes': (b: number, a: number) => a <= b,
  // No lookup leaks less than a lookup: only off, never on or a different keyserver.
  'crypto.wkd': (b: boolean, a: boolean) => !a || b,
  'crypto.keyserver': (b: string | false, a: string | false) => a === false || a === b,
  'teamWork.notificationDetails': (b: string, a: string) =>
    ['sender-and-subject', 'sender', 'none'].indexOf(a) >= ['sender-and-subject', 'sender', 'none'].indexOf(b),
};

async function assertNotLooser(
  baseLayer: PolicyLayer | null,
  user: PolicyLayer,
  label: string,
  baseline: number[][],
  drafts = DRAFTS,
): Promise<{ ignored: string[] }> {
  const base = resolvePolicy({ managed: baseLayer }).policy;
  const { policy, ignored } = resolvePolicy({ managed: baseLayer, user });
  const after = await decisions(policy, drafts);
  after.forEach((levelsAfter, i) => {
    const before = baseline[i]!;
    levelsAfter.forEach((level, r) => {
      if (level < before[r]!) throw new Error(`${label}: ${drafts[i]!.subject} to ${drafts[i]!.recipients[r]} went from level ${before[r]} to ${level}`);
    });
  });
  for (const [path, notLooser] of Object.entries(NOT_LOOSER_OFF_DECISION)) {
    if (!notLooser(get(base, path) as never, get(policy, path) as never))
      throw new Error(`${label}: ${path} loosened from ${String(get(base, path))} to ${String(get(policy, path))}`);
  }
  // IT's set-up (names, gateway addressing) never changes by preference.
  for (const [path, rule] of Object.entries(TIGHTENING_RULES)) {
    if (rule.kind === 'managed-only') expect(get(policy, path), `${label}: ${path}`).toEqual(get(base, path));
  }
  return { ignored: ignored.map((i) => i.path) };
}

describe('preferences only tighten (every field of the policy schema)', () => {
  it('has a tightening rule for every field of the schema, and no rule for a field that does not exist', () => {
    expect(LEAVES.map((l) => l.path).sort()).toEqual(Object.keys(TIGHTENING_RULES).sort());
    expect(LEAVES.length).toBeGreaterThan(30);
  });

  it('never makes a decision less strict: each field, each direction, each base policy', async () => {
    const refusedSomewhere = new Set<string>();
    const appliedSomewhere = new Set<string>();
    for (const [name, baseLayer] of Object.entries(BASES)) {
      const base = resolvePolicy({ managed: baseLayer }).policy;
      const baseline = await decisions(base, DRAFTS);
      for (const { path, value } of singleChanges(base)) {
        const { ignored } = await assertNotLooser(baseLayer, layerWith(path, value), `${name} / ${path} = ${JSON.stringify(value)}`, baseline);
        (ignored.includes(path) ? refusedSomewhere : appliedSomewhere).add(path);
      }
    }
    // Every field was exercised in both directions: some change was refused (so the rule is no
    // blanket "yes"), except adding vocabulary, which can only find more.
    const fields = LEAVES.map((l) => l.path);
    expect(fields.filter((p) => p !== 'vocabularies.add' && !refusedSomewhere.has(p))).toEqual([]);
    // And the tightening direction is applied where one exists (IT's own set-up aside).
    const tightenable = fields.filter((p) => TIGHTENING_RULES[p as keyof typeof TIGHTENING_RULES].kind !== 'managed-only');
    expect(tightenable.filter((p) => !appliedSomewhere.has(p))).toEqual([]);
  }, 120_000);

  it('never makes a decision less strict for pairs of changes (a seeded sample, mostly domains with actions)', async () => {
    let seed = 20261203;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [name, baseLayer] of Object.entries(BASES)) {
      const base = resolvePolicy({ managed: baseLayer }).policy;
      const baseline = await decisions(base, PAIR_DRAFTS);
      const changes = singleChanges(base);
      const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
      const domainChanges = changes.filter((c) => c.path.startsWith('domains.'));
      const interacting = changes.filter((c) => c.path.startsWith('actions.') || c.path === 'attachments.notScanned' || c.path.startsWith('domains.'));
      const pairs: (readonly [(typeof changes)[number], (typeof changes)[number]])[] = [];
      for (let i = 0; i < 80; i++) pairs.push([pick(domainChanges), pick(interacting)]);
      for (let i = 0; i < 40; i++) pairs.push([pick(changes), pick(changes)]);
      for (const [a, b] of pairs) {
        if (a.path === b.path) continue;
        const layer = structuredClone(layerWith(a.path, a.value)) as Record<string, unknown>;
        const second = layerWith(b.path, b.value) as Record<string, unknown>;
        const merged = mergeLayers(layer, second) as PolicyLayer;
        await assertNotLooser(
          baseLayer,
          merged,
          `${name} / ${a.path} = ${JSON.stringify(a.value)} + ${b.path} = ${JSON.stringify(b.value)}`,
          baseline,
          PAIR_DRAFTS,
        );
      }
    }
  }, 120_000);

  it('refuses the reported loosening: removing an internal domain whose sensitive mail was encrypted sends it by the gateway', async () => {
    const { policy, ignored } = resolvePolicy({ managed: example, user: { version: 1, domains: { internal: ['kunta.example'] } } });
    expect(policy.domains.internal).toEqual(['hyvinvointialue.example', 'kunta.example']);
    expect(ignored).toEqual([{ path: 'domains.internal', reason: 'looser' }]);
    // Under the built-in default every class encrypts: the same removal changes nothing and applies.
    expect(
      resolvePolicy({ managed: { version: 1, domains: { internal: ['a.example', 'b.example'] } }, user: { version: 1, domains: { internal: ['b.example'] } } })
        .policy.domains.internal,
    ).toEqual(['b.example']);
  });

  it('keeps the built-in default itself inside the rules (a sanity check of the generator)', () => {
    expect(singleChanges(BUILTIN_POLICY).length).toBeGreaterThan(80);
  });
});

function mergeLayers(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && out[key] && typeof out[key] === 'object'
        ? mergeLayers(out[key] as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

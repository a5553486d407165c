/**
 * The effective policy from its layers: the built-in default, then the machine-wide managed
 * policy (IT's word: it may set anything), then the person's preferences, which count only where
 * they make the policy stricter. Every value remembers which layer set it, and every preference
 * that was ignored says why, for the settings view.
 *
 * "Stricter" is defined per field in TIGHTENING_RULES, one entry for every leaf of the policy
 * schema (the type makes a new field without a rule a compile error, and a property test over
 * every field checks that no preference ever makes a decision less strict). The recipient
 * domains are the subtle part: removing an internal domain makes mail to it "external", which is
 * stricter or looser depending on the actions, so a domain change is judged by what it does to
 * every recipient class it moves, never by the list alone.
 */
import { ACTIONS, BUILTIN_POLICY, CONFIDENCES, type Policy, type PolicyLayer } from '../../../shared/policy-schema.js';
import { CONTENT_KINDS, classAction, classify } from './decide.js';

export type PolicyLayerName = 'builtin' | 'managed' | 'user';

export interface EffectivePolicy {
  policy: Policy;
  /** Dotted path of every leaf value → the layer it came from. */
  sources: Record<string, PolicyLayerName>;
  /** Preferences that would have loosened the policy, and so were not applied. */
  ignored: { path: string; reason: 'looser' | 'managed-only' }[];
}

type Leaf = string | number | boolean | string[] | unknown[];

/** Every leaf of the policy (arrays are leaves) as a dotted path: `detectors.iban.enabled`. */
type LeafPaths<T, P extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[] | string | number | boolean ? `${P}${K}` : LeafPaths<NonNullable<T[K]>, `${P}${K}.`>;
}[keyof T & string];
export type PolicyLeafPath = Exclude<LeafPaths<Policy>, 'version' | '$schema'>;

/**
 * How a preference may change a field:
 *  - order: a value later in the list is stricter (booleans too: [false, true] means "on is stricter");
 *  - at-most / at-least: a number only down / up;
 *  - superset: a list may only gain entries; append: the preference adds to the list (vocabulary);
 *  - only: the one stricter value (or the current one);
 *  - recipient-classes: the domain lists, judged by the classes they move recipients between;
 *  - managed-only: IT's configuration (names, gateway set-up); a preference never applies.
 */
export type TighteningRule =
  | { kind: 'order'; order: readonly (string | boolean)[] }
  | { kind: 'at-most' }
  | { kind: 'at-least' }
  | { kind: 'superset' }
  | { kind: 'append' }
  | { kind: 'only'; value: string | boolean }
  | { kind: 'recipient-classes' }
  | { kind: 'managed-only' };

const on: TighteningRule = { kind: 'order', order: [false, true] };
const confidence: TighteningRule = { kind: 'order', order: [...CONFIDENCES].reverse() };
const action: TighteningRule = { kind: 'order', order: ACTIONS };
const managedOnly: TighteningRule = { kind: 'managed-only' };

export const TIGHTENING_RULES = {
  'organisation.name': managedOnly,
  'domains.internal': { kind: 'recipient-classes' },
  'domains.partner': { kind: 'recipient-classes' },
  'detectors.identityCode.enabled': on,
  'detectors.identityCode.minConfidence': confidence,
  'detectors.businessId.enabled': on,
  'detectors.businessId.minConfidence': confidence,
  'detectors.iban.enabled': on,
  'detectors.iban.minConfidence': confidence,
  'detectors.icd10.enabled': on,
  'detectors.icd10.minConfidence': confidence,
  'detectors.sensitiveTerms.enabled': on,
  'detectors.sensitiveTerms.minConfidence': confidence,
  'detectors.sensitiveTerms.categories': { kind: 'superset' },
  // More terms only ever find more; a preference's categories are counted wherever they are used.
  'vocabularies.add': { kind: 'append' },
  'attachments.notScanned': { kind: 'order', order: ['not-sensitive', 'sensitive-outside', 'sensitive'] },
  'attachments.maxSizeMb': { kind: 'at-most' },
  'actions.sensitive.internal': action,
  'actions.sensitive.partner': action,
  'actions.sensitive.external': action,
  'actions.notSensitive.internal': action,
  'actions.notSensitive.partner': action,
  'actions.notSensitive.external': action,
  // Turning the gateway off is not stricter: plain recipients are upgraded to the gateway when a
  // message goes protected anyway, and without it they would stay plain. IT's set-up, like the rest.
  'gateway.enabled': managedOnly,
  'gateway.method': managedOnly,
  'gateway.suffix': managedOnly,
  'gateway.subjectTag': managedOnly,
  'gateway.header.name': managedOnly,
  'gateway.header.value': managedOnly,
  'gateway.mobileNumber': { kind: 'order', order: ['off', 'optional', 'required'] },
  'gateway.mobileHeader': managedOnly,
  'justification.minLength': { kind: 'at-least' },
  // Recording who sent as a team is the stricter setting.
  'sending.senderHeader': on,
  'crypto.passphraseRequired': on,
  'crypto.unlockMinutes': { kind: 'at-most' },
  // A lookup tells the correspondent's domain (WKD) or a third party (keyserver) whom the person writes to.
  'crypto.wkd': { kind: 'order', order: [true, false] },
  'crypto.keyserver': { kind: 'only', value: false },
  // The organisation's service promise, not a person's choice.
  'teamWork.firstResponseWorkingDays': managedOnly,
  // Showing less of a message on the desktop is stricter.
  'teamWork.notificationDetails': { kind: 'order', order: ['sender-and-subject', 'sender', 'none'] },
  // The audit trail is the organisation's: keys and destinations are IT's; a person may only sign more often.
  'audit.pseudonymKey': managedOnly,
  'audit.checkpointEvery': { kind: 'at-most' },
  'audit.checkpointMinutes': { kind: 'at-most' },
  'audit.retentionDays': managedOnly,
  'audit.syslog.host': managedOnly,
  'audit.syslog.port': managedOnly,
  'audit.syslog.caPem': managedOnly,
} as const satisfies Record<PolicyLeafPath, TighteningRule>;

function ruleFor(path: string): TighteningRule {
  // A path without a rule (cannot happen for a valid layer: the table covers the schema) is IT's alone.
  return (TIGHTENING_RULES as Record<string, TighteningRule>)[path] ?? managedOnly;
}

/** Is `next` at least as strict as `current` by this field's own rule? null: only IT may set it. */
function notLooser(rule: TighteningRule, current: Leaf, next: Leaf): boolean | null {
  switch (rule.kind) {
    case 'order':
      return rule.order.indexOf(next as string | boolean) >= rule.order.indexOf(current as string | boolean);
    case 'at-most':
      return (next as number) <= (current as number);
    case 'at-least':
      return (next as number) >= (current as number);
    case 'superset':
      return (current as string[]).every((c) => (next as string[]).includes(c));
    case 'append':
      return true;
    case 'only':
      return next === rule.value || next === current;
    case 'recipient-classes':
    case 'managed-only':
      return null;
  }
}

/**
 * Does moving from the domain lists of `base` to those of `candidate` leave every recipient at
 * least as strictly handled? Every domain either policy lists is checked (a domain that neither
 * lists nor sits under a listed one is external in both; one under a listed domain is classed as
 * the most specific listed domain above it), for every kind of content.
 */
export function domainsNotLooser(base: Policy, candidate: Policy): boolean {
  const listed = new Set([...base.domains.internal, ...base.domains.partner, ...candidate.domains.internal, ...candidate.domains.partner]);
  for (const domain of listed) {
    const address = `x@${domain}`;
    const before = classify(address, base);
    const after = classify(address, candidate);
    for (const content of CONTENT_KINDS) {
      if (ACTIONS.indexOf(classAction(candidate, after, content)) < ACTIONS.indexOf(classAction(base, before, content))) return false;
    }
  }
  return true;
}

function leaves(value: unknown, prefix = ''): [string, Leaf][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== '$schema' && !(prefix === '' && key === 'version'))
      .flatMap(([key, inner]) => leaves(inner, prefix ? `${prefix}.${key}` : key));
  }
  return value === undefined ? [] : [[prefix, value as Leaf]];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

function getPath(target: unknown, path: string): Leaf {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], target) as Leaf;
}

export function resolvePolicy(layers: { managed?: PolicyLayer | null; user?: PolicyLayer | null }): EffectivePolicy {
  const policy = structuredClone(BUILTIN_POLICY) as Policy & Record<string, unknown>;
  const sources: Record<string, PolicyLayerName> = Object.fromEntries(leaves(BUILTIN_POLICY).map(([path]) => [path, 'builtin' as const]));
  const ignored: EffectivePolicy['ignored'] = [];

  for (const [path, value] of leaves(layers.managed ?? {})) {
    setPath(policy, path, structuredClone(value));
    sources[path] = 'managed';
  }
  const base = structuredClone(policy) as Policy;
  const userLeaves = leaves(layers.user ?? {});

  for (const [path, value] of userLeaves) {
    const rule = ruleFor(path);
    if (rule.kind === 'recipient-classes') continue;
    const current = getPath(policy, path);
    const verdict = notLooser(rule, current, value);
    if (verdict === null) {
      if (JSON.stringify(current) !== JSON.stringify(value)) ignored.push({ path, reason: 'managed-only' });
      continue;
    }
    if (!verdict) {
      ignored.push({ path, reason: 'looser' });
      continue;
    }
    // Added vocabulary extends what is already there; everything else replaces.
    setPath(policy, path, rule.kind === 'append' ? [...(current as unknown[]), ...(value as unknown[])] : structuredClone(value));
    sources[path] = 'user';
  }

  // The domain lists last, against the actions as they now stand: together if that is not looser
  // than the base policy, else each list on its own (on top of what was accepted) where that is not.
  const domainChanges = userLeaves.filter(([path]) => ruleFor(path).kind === 'recipient-classes');
  const withChanges = (changes: [string, Leaf][]) => {
    const candidate = structuredClone(policy) as Policy & Record<string, unknown>;
    for (const [path, value] of changes) setPath(candidate, path, structuredClone(value));
    return candidate;
  };
  let accepted: [string, Leaf][] = domainsNotLooser(base, withChanges(domainChanges)) ? domainChanges : [];
  if (!accepted.length) for (const change of domainChanges) if (domainsNotLooser(base, withChanges([...accepted, change]))) accepted = [...accepted, change];
  for (const change of domainChanges) {
    const [path, value] = change;
    if (!accepted.includes(change)) {
      if (JSON.stringify(getPath(policy, path)) !== JSON.stringify(value)) ignored.push({ path, reason: 'looser' });
      continue;
    }
    setPath(policy, path, structuredClone(value));
    sources[path] = 'user';
  }
  return { policy, sources, ignored };
}

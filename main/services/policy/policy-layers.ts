/**
 * The effective policy from its layers: the built-in default, then the machine-wide managed
 * policy (IT's word: it may set anything), then the person's preferences, which count only where
 * they make the policy stricter. Every value remembers which layer set it, and every preference
 * that was ignored says why, for the settings view.
 */
import { ACTIONS, BUILTIN_POLICY, CONFIDENCES, type Policy, type PolicyLayer } from '../../../shared/policy-schema.js';

export type PolicyLayerName = 'builtin' | 'managed' | 'user';

export interface EffectivePolicy {
  policy: Policy;
  /** Dotted path of every leaf value → the layer it came from. */
  sources: Record<string, PolicyLayerName>;
  /** Preferences that would have loosened the policy, and so were not applied. */
  ignored: { path: string; reason: 'looser' | 'managed-only' }[];
}

type Leaf = string | number | boolean | string[] | unknown[];

/** Is `next` at least as strict as `current` for this path? null: only IT may set it. */
function notLooser(path: string, current: Leaf, next: Leaf): boolean | null {
  const rank = (list: readonly string[], v: unknown) => list.indexOf(String(v));
  if (/^actions\./.test(path)) return rank(ACTIONS, next) >= rank(ACTIONS, current);
  if (/\.minConfidence$/.test(path)) return rank(CONFIDENCES, next) <= rank(CONFIDENCES, current);
  if (/^detectors\.\w+\.enabled$/.test(path)) return next === true || current === false;
  if (path === 'detectors.sensitiveTerms.categories') return (current as string[]).every((c) => (next as string[]).includes(c));
  if (/^domains\./.test(path)) return (next as string[]).every((d) => (current as string[]).includes(d));
  if (path === 'vocabularies.add') return true;
  if (path === 'attachments.notScanned') return rank(['not-sensitive', 'sensitive-outside', 'sensitive'], next) >= rank(['not-sensitive', 'sensitive-outside', 'sensitive'], current);
  if (path === 'attachments.maxSizeMb' || path === 'crypto.unlockMinutes') return (next as number) <= (current as number);
  if (path === 'justification.minLength') return (next as number) >= (current as number);
  if (path === 'gateway.mobileNumber') return rank(['off', 'optional', 'required'], next) >= rank(['off', 'optional', 'required'], current);
  if (path === 'crypto.passphraseRequired' || path === 'crypto.wkd') return path === 'crypto.wkd' ? next === false || current === true : next === true || current === false;
  if (path === 'crypto.keyserver') return next === false || next === current;
  // Recording who sent as a team is the stricter setting.
  if (path === 'sending.senderHeader') return next === true || current === false;
  return null;
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
  for (const [path, value] of leaves(layers.user ?? {})) {
    const current = getPath(policy, path);
    const verdict = notLooser(path, current, value);
    if (verdict === null) {
      if (JSON.stringify(current) !== JSON.stringify(value)) ignored.push({ path, reason: 'managed-only' });
      continue;
    }
    if (!verdict) {
      ignored.push({ path, reason: 'looser' });
      continue;
    }
    // Added vocabulary extends what is already there; everything else replaces.
    setPath(policy, path, path === 'vocabularies.add' ? [...(current as unknown[]), ...(value as unknown[])] : structuredClone(value));
    sources[path] = 'user';
  }
  return { policy, sources, ignored };
}

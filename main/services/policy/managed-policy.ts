/**
 * The machine-wide managed policy: where IT puts it on each platform, and reading it so that a
 * mistake is never a silent loosening. A file that does not parse, does not match the schema, or
 * could be edited by ordinary users is `invalid`, and an invalid managed policy stops sending
 * with the exact problem until IT fixes it.
 */
import { readFileSync, statSync } from 'node:fs';
import { describeIssues, policyLayerSchema, type PolicyLayer } from '../../../shared/policy-schema.js';
import { posixProtectionProblem, windowsProtectionProblem } from './managed-policy-protection.js';

export type ManagedPolicyState =
  { status: 'absent'; path: string } | { status: 'ok'; path: string; layer: PolicyLayer } | { status: 'invalid'; path: string; problems: string[] };

/** Why ordinary users could change the file at this path, or null when they cannot. */
export type ProtectionCheck = (path: string) => string | null;

export const platformProtectionCheck = (platform: NodeJS.Platform = process.platform): ProtectionCheck =>
  platform === 'win32' ? windowsProtectionProblem : posixProtectionProblem;

export function readPolicyLayer(text: string): { layer: PolicyLayer } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = policyLayerSchema.safeParse(json);
  return parsed.success ? { layer: parsed.data } : { problems: describeIssues(parsed.error) };
}

export function loadManagedPolicy(path: string, options: { requireProtectedFile?: boolean; protection?: ProtectionCheck } = {}): ManagedPolicyState {
  let text: string;
  try {
    statSync(path);
    if (options.requireProtectedFile) {
      // Checked before reading, on every platform: a file any user could edit could loosen anything.
      const problem = (options.protection ?? platformProtectionCheck())(path);
      if (problem)
        return {
          status: 'invalid',
          path,
          problems: [`refused because ordinary users could change it: ${problem} (it and every folder above it must be writable only by administrators)`],
        };
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent', path };
    return { status: 'invalid', path, problems: [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
  }
  const result = readPolicyLayer(text);
  return 'layer' in result ? { status: 'ok', path, layer: result.layer } : { status: 'invalid', path, problems: result.problems };
}

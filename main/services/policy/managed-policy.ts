/**
 * The machine-wide managed policy: where IT puts it on each platform, and reading it so that a
 * mistake is never a silent loosening. A file that does not parse, does not match the schema, or
 * could be edited by ordinary users is `invalid`, and an invalid managed policy stops sending
 * with the exact problem until IT fixes it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues, policyLayerSchema, type PolicyLayer } from '../../../shared/policy-schema.js';

export type ManagedPolicyState = { status: 'absent'; path: string } | { status: 'ok'; path: string; layer: PolicyLayer } | { status: 'invalid'; path: string; problems: string[] };

/** Where IT installs the policy. Not configurable by the user: the host passes this path. */
export function managedPolicyPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Sinetti', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Sinetti/policy.json';
  return '/etc/sinetti/policy.json';
}

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

export function loadManagedPolicy(path: string, options: { requireProtectedFile?: boolean } = {}): ManagedPolicyState {
  let text: string;
  try {
    if (options.requireProtectedFile && process.platform !== 'win32') {
      const stat = statSync(path);
      // Writable by group or others, or owned by someone other than root: any user could loosen it.
      if ((stat.mode & 0o022) !== 0 || stat.uid !== 0) return { status: 'invalid', path, problems: ['the file can be changed by ordinary users (it must be owned by root and writable only by root)'] };
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent', path };
    return { status: 'invalid', path, problems: [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
  }
  const result = readPolicyLayer(text);
  return 'layer' in result ? { status: 'ok', path, layer: result.layer } : { status: 'invalid', path, problems: result.problems };
}

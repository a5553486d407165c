/**
 * Launch settings for development, the demo and end-to-end tests, read from the environment the
 * same way the browser host reads them (SINETTI_DATA_DIR, SINETTI_EXTRA_CA_FILE,
 * SINETTI_PROVISION_FILE, SINETTI_MANAGED_POLICY). Invariant: a PACKAGED app ignores them all, so
 * nothing that can set a user's environment can move the app's data, add a trusted CA for mail
 * servers, add an account, or swap IT's managed policy for another in an installed Sinetti.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Dispatcher } from '../services/api/dispatcher.js';
import type { Logger } from '../services/logging/logger.js';

export interface LaunchOverrides {
  dataDir?: string;
  extraCaPem?: string;
  provisionAccount?: Record<string, unknown>;
  /** A managed policy file instead of the machine-wide one (demo and tests). */
  managedPolicyPath?: string;
}

export function readLaunchOverrides(
  env: NodeJS.ProcessEnv,
  isPackaged: boolean,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): LaunchOverrides {
  if (isPackaged) return {};
  const overrides: LaunchOverrides = {};
  if (env.SINETTI_DATA_DIR) overrides.dataDir = resolve(env.SINETTI_DATA_DIR);
  if (env.SINETTI_EXTRA_CA_FILE) overrides.extraCaPem = readFile(absolute(env.SINETTI_EXTRA_CA_FILE));
  if (env.SINETTI_MANAGED_POLICY) overrides.managedPolicyPath = absolute(env.SINETTI_MANAGED_POLICY);
  if (env.SINETTI_PROVISION_FILE) {
    const parsed = JSON.parse(readFile(absolute(env.SINETTI_PROVISION_FILE))) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('SINETTI_PROVISION_FILE must hold a JSON object');
    overrides.provisionAccount = parsed as Record<string, unknown>;
  }
  return overrides;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}

/** Adds the account through the normal, validated add-account path unless it already exists. */
export async function provisionAccount(dispatcher: Dispatcher, account: Record<string, unknown>, log: Logger): Promise<void> {
  const existing = await dispatcher.dispatch('accounts:list', {});
  const known =
    existing.ok && (existing.value as { username?: unknown; host?: unknown }[]).some((a) => a.username === account.username && a.host === account.host);
  if (known) return;
  const added = await dispatcher.dispatch('accounts:add', account);
  if (!added.ok) log.error('provisioned account could not be added', { code: added.error.code });
}

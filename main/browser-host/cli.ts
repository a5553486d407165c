/**
 * Starts Sinetti's services in plain Node and serves the renderer on loopback: how the app runs
 * where no Electron binary exists, and how end-to-end tests drive the real UI.
 *
 * Environment:
 *   SINETTI_DATA_DIR        settings and encrypted secrets (default: ~/.local/share/sinetti)
 *   SINETTI_PORT            port on 127.0.0.1 (default: a free one)
 *   SINETTI_EXTRA_CA_FILE   PEM file of extra trusted CAs for mail servers (e.g. the demo server's)
 *   SINETTI_URL_FILE        where to write the launch URL (for scripts and tests); rewritten with the
 *                           next single-use URL each time one was used
 *   SINETTI_PROVISION_FILE  JSON account to add at start-up through the normal add-account path (demo)
 *   SINETTI_MANAGED_POLICY  a managed policy file instead of the platform's (tests and demos only: the
 *                           desktop app reads only the machine-wide file IT installs)
 *   SINETTI_MANAGED_CONFIG  a managed-configuration document (`{ "enforced": …, "defaults": … }`) instead of
 *                           the platform's, watched like it (tests and demos only; not protection-checked)
 *   SINETTI_KEY_LOOKUP_TEST_FILE  tests only: JSON `{ "hosts": { "<name>": "127.0.0.1:<port>" }, "caPem": "…" }`
 *                           sends key lookups (WKD, keyserver) for those names to local servers, whose CA
 *                           is trusted in addition; certificates are still verified for the names
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileSource } from '../services/managed-config/file-source.js';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../services/create-services.js';
import { createLogger } from '../services/logging/logger.js';
import { KeytarKeychain } from '../services/secrets/keytar-keychain.js';
import { ConfSettingsBackend } from '../services/settings/conf-settings-backend.js';
import { startBrowserHost } from './browser-host-server.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const log = createLogger('browser-host');
  const dataDir = resolve(process.env.SINETTI_DATA_DIR ?? join(homedir(), '.local', 'share', 'sinetti'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staticDir = resolve(process.env.SINETTI_STATIC_DIR ?? join(here, '..', 'renderer'));
  const lookupTest = process.env.SINETTI_KEY_LOOKUP_TEST_FILE
    ? (JSON.parse(readFileSync(process.env.SINETTI_KEY_LOOKUP_TEST_FILE, 'utf8')) as { hosts: Record<string, string>; caPem?: string })
    : null;
  const extraCaPem =
    [process.env.SINETTI_EXTRA_CA_FILE ? readFileSync(process.env.SINETTI_EXTRA_CA_FILE, 'utf8') : '', lookupTest?.caPem ?? ''].filter(Boolean).join('\n') ||
    undefined;

  const services = await createServices({
    host: 'browser',
    version: process.env.npm_package_version ?? '0.1.0',
    dataDir,
    settingsBackend: new ConfSettingsBackend(dataDir),
    keychain: new KeytarKeychain(),
    extraCaPem,
    ...(process.env.SINETTI_MANAGED_CONFIG
      ? { managedConfigSource: fileSource({ path: resolve(process.env.SINETTI_MANAGED_CONFIG), protection: null }), managedConfigPollMs: 2_000 }
      : {}),
    ...(process.env.SINETTI_MANAGED_POLICY ? { managedPolicyPath: resolve(process.env.SINETTI_MANAGED_POLICY), requireProtectedPolicyFile: false } : {}),
    ...(lookupTest ? { keyLookupConnectTo: (name: string) => mappedHost(lookupTest.hosts, name) } : {}),
    logger: log,
  });

  if (process.env.SINETTI_PROVISION_FILE) {
    const account = JSON.parse(readFileSync(process.env.SINETTI_PROVISION_FILE, 'utf8')) as Record<string, unknown>;
    const existing = await services.dispatcher.dispatch('accounts:list', {});
    const known =
      existing.ok && (existing.value as { username: string; host: string }[]).some((a) => a.username === account.username && a.host === account.host);
    if (!known) {
      const added = await services.dispatcher.dispatch('accounts:add', account);
      if (!added.ok) log.error('demo account could not be added', { code: added.error.code });
    }
  }

  const host = await startBrowserHost({
    services,
    staticDir,
    port: process.env.SINETTI_PORT ? Number(process.env.SINETTI_PORT) : 0,
    logger: log,
    // Each address opens one window once; the next one goes only to this terminal and the URL file.
    onLaunchUrlUsed: (next) => {
      if (process.env.SINETTI_URL_FILE) writeUrlFile(process.env.SINETTI_URL_FILE, next);
      process.stdout.write(`\nSinetti was opened; that address no longer works. To open it again (e.g. after reloading the page):\n\n  ${next}\n\n`);
    },
  });
  if (process.env.SINETTI_URL_FILE) writeUrlFile(process.env.SINETTI_URL_FILE, host.url);
  process.stdout.write(`\nSinetti is running. Open this one-time address in a browser on this computer:\n\n  ${host.url}\n\n(Ctrl+C stops it.)\n`);

  const stop = async () => {
    await host.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Whole or not at all: a reader never sees a half-written address. */
function writeUrlFile(file: string, url: string): void {
  writeFileSync(`${file}.tmp`, url, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function mappedHost(hosts: Record<string, string>, name: string): { host: string; port: number } | null {
  const target = hosts[name];
  if (!target) return null;
  const [host, port] = target.split(':');
  return { host: host!, port: Number(port) };
}

main().catch((error: unknown) => {
  process.stderr.write(`Sinetti could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

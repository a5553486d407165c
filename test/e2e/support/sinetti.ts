/**
 * Fixtures for driving Sinetti through the browser host: each test gets its own browser-host
 * process (fresh data directory, the demo server's CA trusted), optionally with the demo person's
 * account already added, and a page opened at the per-launch token URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import type { DemoInfo } from '../../../scripts/demo/start-demo-env.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

export type E2EDemo = DemoInfo & { work: string };

export function demoInfo(): E2EDemo {
  const file = process.env.SINETTI_E2E_DEMO_FILE;
  if (!file) throw new Error('SINETTI_E2E_DEMO_FILE is not set: the global set-up did not run');
  return JSON.parse(readFileSync(file, 'utf8')) as E2EDemo;
}

export interface SinettiHost {
  /** The single-use launch URL (token in the fragment); the fixture's page has already used it. */
  url: string;
  dataDir: string;
  /** The next single-use launch URL the host offered after `url` was used (e.g. to open the app again). */
  nextLaunchUrl(): Promise<string>;
  /** The host process is still running (nothing the page sent ended it). */
  running(): boolean;
}

/** Who the provisioned account belongs to (by default the demo person). */
export interface HostUser {
  username: string;
  password: string;
  displayName: string;
}

async function startHost(
  demo: E2EDemo,
  provisioned: boolean,
  managedPolicy: unknown,
  hostEnv: Record<string, string> = {},
  user?: HostUser,
): Promise<{ host: SinettiHost; process: ChildProcess; output: () => string }> {
  const dir = mkdtempSync(join(demo.work, 'host-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, demo.caCertPem);
  const urlFile = join(dir, 'url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SINETTI_DATA_DIR: join(dir, 'data'),
    SINETTI_EXTRA_CA_FILE: caFile,
    SINETTI_URL_FILE: urlFile,
    ...hostEnv,
  };
  if (managedPolicy !== null) {
    // A managed policy file for this host (the desktop app reads only the machine-wide one).
    const policyFile = join(dir, 'managed-policy.json');
    writeFileSync(policyFile, typeof managedPolicy === 'string' ? managedPolicy : JSON.stringify(managedPolicy));
    env.SINETTI_MANAGED_POLICY = policyFile;
  }
  if (provisioned) {
    const provision = join(dir, 'account.json');
    writeFileSync(
      provision,
      JSON.stringify({
        displayName: user?.displayName ?? 'Demo Työntekijä',
        host: demo.host,
        port: demo.imapPort,
        security: 'starttls',
        username: user?.username ?? demo.person.username,
        password: user?.password ?? demo.person.password,
        address: `${user?.username ?? demo.person.username}@sinetti.test`,
        smtp: { host: demo.host, port: demo.smtpPort, security: 'starttls' },
      }),
      { mode: 0o600 },
    );
    env.SINETTI_PROVISION_FILE = provision;
  }
  const child = spawn(process.execPath, [join(root, 'dist', 'browser-host', 'cli.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const readUrl = () => (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : '');
  const deadline = Date.now() + 20_000;
  while (!readUrl().startsWith('http://')) {
    if (child.exitCode !== null) throw new Error(`browser host exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) throw new Error(`browser host did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = readUrl();
  const nextLaunchUrl = async () => {
    // The host writes the next URL into the same file once `url` opened a session.
    const until = Date.now() + 10_000;
    while (readUrl() === url || !readUrl().startsWith('http://')) {
      if (Date.now() > until) throw new Error('the host offered no next launch URL');
      await new Promise((r) => setTimeout(r, 50));
    }
    return readUrl();
  };
  return {
    host: { url, dataDir: join(dir, 'data'), nextLaunchUrl, running: () => child.exitCode === null && child.signalCode === null },
    process: child,
    output: () => output,
  };
}

export const test = base.extend<{ provisioned: boolean; managedPolicy: unknown; hostEnv: Record<string, string>; demo: E2EDemo; sinetti: SinettiHost }>({
  provisioned: [true, { option: true }],
  /** A managed policy (object, or raw text for a broken file) for the host; null: none. */
  managedPolicy: [null, { option: true }],
  /** Extra environment for the host process (e.g. SINETTI_KEY_LOOKUP_TEST_FILE). */
  hostEnv: [{}, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  demo: async ({}, use) => {
    await use(demoInfo());
  },
  sinetti: async ({ demo, provisioned, managedPolicy, hostEnv, page }, use, testInfo) => {
    const started = await startHost(demo, provisioned, managedPolicy, hostEnv);
    try {
      await page.goto(started.host.url);
      await use(started.host);
    } finally {
      // The host's own log (no message content is ever logged) explains a failed test.
      if (testInfo.status !== testInfo.expectedStatus) {
        const log = testInfo.outputPath('browser-host-output.txt');
        mkdirSync(testInfo.outputPath(), { recursive: true });
        writeFileSync(log, started.output());
        await testInfo.attach('browser-host output', { path: log, contentType: 'text/plain' });
      }
      started.process.kill('SIGTERM');
      await new Promise((r) => (started.process.exitCode !== null ? r(null) : started.process.once('exit', r)));
    }
  },
});

export { expect };

/**
 * A second browser host with another person's account (e.g. the team lead), for tests with two
 * people; open `url` in a page of its own browser context. Stop it when done.
 */
export async function startHostAs(demo: E2EDemo, user: HostUser): Promise<{ host: SinettiHost; stop: () => Promise<void> }> {
  const started = await startHost(demo, true, null, {}, user);
  return {
    host: started.host,
    stop: async () => {
      started.process.kill('SIGTERM');
      await new Promise((r) => (started.process.exitCode !== null ? r(null) : started.process.once('exit', r)));
    },
  };
}

/** No serious or critical WCAG 2.1 A/AA violation in the current view. */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  // Legacy mode runs axe inside each frame itself instead of opening a helper page, which Debian's
  // Chromium refuses from Playwright (Target.createTarget); the sandboxed message frame is
  // still checked.
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode(true).analyze();
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  expect(severe, `accessibility violations in ${view}`).toEqual([]);
}

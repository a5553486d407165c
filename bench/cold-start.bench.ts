/**
 * `npm run bench`: cold start of the browser host to a usable window. A real Dovecot holds a
 * 50,000-message INBOX (SINETTI_BENCH_COLD_SIZE); each run starts `dist/browser-host/cli.mjs` as a
 * new process (services started, account configured in its data directory) and opens the launch
 * address in Chromium, until the first message rows of that mailbox are on screen. Prints, per
 * run: process start → services ready (launch address written), → first rows rendered. The first
 * start (which adds the account) is not counted. Run inside a keyring session (bench.sh does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDovecot } from '../test/support/dovecot.js';
import { generatedMessage } from '../test/support/fixtures/demo-messages.js';

const SIZE = Number(process.env.SINETTI_BENCH_COLD_SIZE ?? 50_000);
const RUNS = Number(process.env.SINETTI_BENCH_COLD_RUNS ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const user = { name: 'cold.start', password: 'cold-start-password' };

async function until<T>(read: () => T | null, what: string, child: ChildProcess): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = read();
    if (value !== null) return value;
    if (child.exitCode !== null) throw new Error(`browser host exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within 60 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist/browser-host/cli.mjs')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
    throw new Error('build first: node scripts/build.mjs');
  }
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-cold-'));
  const dovecot = await startDovecot({ baseDir, users: [user], teams: [] });
  const browser = await chromium.launch({
    executablePath: process.env.SINETTI_CHROMIUM ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
  });
  try {
    process.stdout.write(`\nCold start: seeding ${SIZE} messages into INBOX… `);
    await dovecot.appendMaildir(
      user.name,
      'INBOX',
      Array.from({ length: SIZE }, (_, i) => ({ raw: generatedMessage(i), internalDate: new Date(Date.UTC(2025, 0, 1) + i * 60_000) })),
    );
    process.stdout.write('done\n');
    const hostDir = join(baseDir, 'host');
    const caFile = join(baseDir, 'ca.pem');
    writeFileSync(caFile, dovecot.caCertPem);
    const provision = join(baseDir, 'account.json');
    writeFileSync(
      provision,
      JSON.stringify({
        displayName: 'Cold Start',
        host: dovecot.host,
        port: dovecot.imapPort,
        security: 'starttls',
        username: user.name,
        password: user.password,
        address: `${user.name}@sinetti.test`,
      }),
      { mode: 0o600 },
    );

    const startOnce = async () => {
      const urlFile = join(baseDir, `url-${Math.random().toString(36).slice(2)}`);
      const started = performance.now();
      const child = spawn(process.execPath, [join(root, 'dist/browser-host/cli.mjs')], {
        env: {
          ...process.env,
          SINETTI_DATA_DIR: join(hostDir, 'data'),
          SINETTI_EXTRA_CA_FILE: caFile,
          SINETTI_URL_FILE: urlFile,
          SINETTI_PROVISION_FILE: provision,
        },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      try {
        const url = await until(
          () => (existsSync(urlFile) && readFileSync(urlFile, 'utf8').startsWith('http://') ? readFileSync(urlFile, 'utf8').trim() : null),
          'launch address',
          child,
        );
        const ready = performance.now();
        const page = await browser.newPage();
        await page.goto(url);
        await page.locator('[data-testid="message-row"]').first().waitFor({ state: 'visible', timeout: 60_000 });
        const rows = performance.now();
        await page.close();
        return { ready: ready - started, rows: rows - started };
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      }
    };

    await startOnce(); // adds the account and lets Dovecot build its index: not counted
    const runs: { ready: number; rows: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await startOnce());
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    process.stdout.write(`Cold start of the browser host, ${SIZE}-message INBOX (${RUNS} runs, ms):\n`);
    for (const [i, r] of runs.entries())
      process.stdout.write(`  run ${i + 1}: services ready ${r.ready.toFixed(0)}, first rows rendered ${r.rows.toFixed(0)}\n`);
    process.stdout.write(
      `  median: services ready ${median(runs.map((r) => r.ready)).toFixed(0)}, first rows rendered ${median(runs.map((r) => r.rows)).toFixed(0)} (target < 2000)\n`,
    );
  } finally {
    await browser.close();
    await dovecot.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-start bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

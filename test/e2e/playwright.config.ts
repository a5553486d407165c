/**
 * End-to-end tests: the real renderer and services through the browser host, driven in Debian's
 * Chromium (/usr/bin/chromium; Playwright's own browser download is unreachable here), against
 * the demo Dovecot started in global set-up.
 */
import { defineConfig } from '@playwright/test';

const chromium = process.env.SINETTI_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './support/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: '../../.tmp/e2e-output',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    locale: 'fi-FI',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      // Root in CI containers cannot use Chromium's sandbox; without the other flags Chromium
      // floods the closed network with background requests.
      chromiumSandbox: false,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
    },
  },
});

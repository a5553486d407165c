/**
 * The Electron smoke test: the built app (dist/electron, dist/renderer) in a real Electron
 * binary, driven by Playwright's _electron. Run through scripts/electron-smoke.sh, which skips
 * with a clear reason where no Electron binary exists.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: '../../test-results/e2e-electron',
});

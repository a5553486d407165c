/**
 * Smoke test of the real desktop app: the built bundles in a real Electron binary. Checks the
 * security posture from inside (sandboxed, isolated, no Node, no network, no popups, only the
 * window.sinetti API), and opens the demo team mailbox Perhepalvelut and a message in it with
 * the demo person's account provisioned at launch.
 * Skips with a visible reason where no Electron binary can be found.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { startDemoEnvironment, type DemoEnvironment } from '../../scripts/demo/start-demo-env.js';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary.js';

const root = resolve(import.meta.dirname, '..', '..');
const binary = findElectronBinary(root);
if (!binary) process.stdout.write(`${ELECTRON_SKIP_REASON}\n`);

test.describe('Sinetti desktop (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let page: Page;
  let demo: DemoEnvironment | undefined;
  let work: string;

  test.beforeAll(async () => {
    for (const built of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    work = mkdtempSync(join(tmpdir(), 'sinetti-electron-smoke-'));
    const env: Record<string, string> = { ...(process.env as Record<string, string>), SINETTI_DATA_DIR: join(work, 'app-data') };
    delete env.ELECTRON_RUN_AS_NODE;
    demo = await startDemoEnvironment(join(work, 'demo'));
    const caFile = join(work, 'demo-ca.pem');
    writeFileSync(caFile, demo.info.caCertPem);
    env.SINETTI_EXTRA_CA_FILE = caFile;
    const provisionFile = join(work, 'demo-account.json');
    const { host, imapPort, person } = demo.info;
    writeFileSync(
      provisionFile,
      JSON.stringify({ displayName: 'Demo', host, port: imapPort, security: 'starttls', username: person.username, password: person.password }),
      { mode: 0o600 },
    );
    env.SINETTI_PROVISION_FILE = provisionFile;
    // As root (CI containers) Chromium refuses to start without --no-sandbox; the renderer
    // sandbox flag (webPreferences.sandbox) still applies to what the page can reach.
    const args = [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
    app = await electron.launch({ executablePath: binary!, args, env, cwd: root });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close().catch(() => undefined);
    await demo?.stop().catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('serves the renderer from app://sinetti in a sandboxed renderer process', async () => {
    expect(page.url()).toBe('app://sinetti/index.html');
    const main = await app.evaluate(({ app: electronApp, webContents }) => ({
      urls: webContents.getAllWebContents().map((contents) => contents.getURL()),
      // `sandboxed` is reported on macOS and Windows; Linux leaves it undefined.
      sandboxed: electronApp
        .getAppMetrics()
        .filter((metric) => metric.type === 'Tab')
        .map((metric) => metric.sandboxed),
    }));
    expect(main.urls).toEqual(['app://sinetti/index.html']);
    for (const sandboxed of main.sandboxed) expect(sandboxed).not.toBe(false);
  });

  test('exposes only the sinetti API to the page, and no Node', async () => {
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {
        require: typeof w.require,
        process: typeof w.process,
        ipcRenderer: typeof w.ipcRenderer,
        api: Object.keys((w.sinetti as object) ?? {}).sort(),
      };
    });
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.ipcRenderer).toBe('undefined');
    expect(seen.api).toContain('onMailEvent');
    expect(seen.api).toContain('mail:message:open');
    const info = await page.evaluate(() => (window as unknown as { sinetti: { 'app:info:get'(r: object): Promise<unknown> } }).sinetti['app:info:get']({}));
    expect(info).toMatchObject({ ok: true, value: { host: 'electron' } });
  });

  test('blocks popups, foreign navigation and network from the renderer', async () => {
    const popup = await page.evaluate(() => window.open('https://example.org/') === null);
    expect(popup).toBe(true);
    const network = await page.evaluate(() =>
      fetch('https://example.org/').then(
        () => 'reached',
        () => 'blocked',
      ),
    );
    expect(network).toBe('blocked');
    await page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://sinetti/index.html');
  });

  test('opens the demo team mailbox Perhepalvelut and a message in it', async () => {
    // The demo person's account was provisioned at launch (SINETTI_PROVISION_FILE, development only).
    const team = page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"]');
    await expect(team).toBeVisible({ timeout: 60_000 });
    await team.getByTestId('mailbox-item').first().click();
    const row = page.getByTestId('message-row').filter({ hasText: 'Kysymys lapsen päivähoitopaikasta' });
    await expect(row).toBeVisible();
    await row.click();
    await expect(page.getByTestId('message-subject')).toHaveText('Kysymys lapsen päivähoitopaikasta');
    await expect(page.getByTestId('message-text')).toContainText('päivähoitopaikkaa');
  });
});

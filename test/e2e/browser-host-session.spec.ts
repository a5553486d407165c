/**
 * Attacks on the browser host's session, in the real browser: a page served by any other local
 * process on 127.0.0.1 (browsers do not scope cookies by port) must learn nothing usable; the
 * launch URL works once (its token rides in the fragment and leaves the address bar at once);
 * Chromium's profile keeps none of the text typed in the composer; and three 20 MB attachments
 * travel in pieces, the host survives and the draft keeps them whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { expect, startHostAs, test } from './support/sinetti.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');
const SESSION_ENDED = /ei ole enää yhteydessä Sinettiin/;

async function appReady(page: Page): Promise<void> {
  // Mailboxes come only over the authenticated bridge.
  await expect(page.getByTestId('mailbox-item').first()).toBeVisible({ timeout: 20_000 });
}

/** What a local process outside the browser gets when it presents a launch token itself. */
function presentToken(url: string, token: string): Promise<number | 'accepted'> {
  const origin = new URL(url).origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace('http:', 'ws:')}/bridge`, { headers: { Origin: origin } });
    ws.on('open', () => ws.send(JSON.stringify({ auth: { launch: token } })));
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { auth?: string }).auth === 'ok') {
        resolve('accepted');
        ws.close();
      }
    });
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

test('a page on another 127.0.0.1 port gets no credential, and the launch URL does not work again', async ({ page, sinetti, browser }) => {
  await appReady(page);
  // The token left the address bar (and this history entry) as soon as the page read it.
  expect(page.url()).not.toContain('token');
  expect(page.url()).not.toContain(tokenOf(sinetti.url));
  expect(await page.context().cookies()).toEqual([]);

  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>muu palvelu</title><img src="/pixel">');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  try {
    const port = (other.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/page`);
    await page.evaluate(() => fetch('/with-credentials', { credentials: 'include' }).then((r) => r.text()));
    expect(seen.map((r) => r.url)).toEqual(expect.arrayContaining(['/page', '/with-credentials']));
    for (const request of seen) {
      expect(request.headers.cookie).toBeUndefined();
      // Its own page may name itself; nothing names the app's address.
      expect(request.headers.referer ?? '').not.toContain(new URL(sinetti.url).host);
      expect(JSON.stringify(request)).not.toContain(tokenOf(sinetti.url));
    }
  } finally {
    other.close();
  }

  // The launch token itself, replayed from outside the browser with a forged Origin: spent.
  expect(await presentToken(sinetti.url, tokenOf(sinetti.url))).toBe(4401);
  // Replayed in a browser (history, another window): the app says the session ended.
  const context = await browser.newContext();
  const replay = await context.newPage();
  await replay.goto(sinetti.url);
  await expect(replay.getByText(SESSION_ENDED).first()).toBeVisible();
  await expect(replay.getByTestId('mailbox-item')).toHaveCount(0);
  await context.close();
});

test('a reloaded page has no credential; the next single-use address the host printed opens the app again', async ({ page, sinetti }) => {
  await appReady(page);
  await page.reload();
  await expect(page.getByText(SESSION_ENDED).first()).toBeVisible();
  const next = await sinetti.nextLaunchUrl();
  expect(tokenOf(next)).not.toBe(tokenOf(sinetti.url));
  await page.goto('about:blank');
  await page.goto(next);
  await appReady(page);
});

test("Chromium's profile keeps none of the text typed in the composer", async ({ demo }) => {
  test.setTimeout(120_000);
  const marker = `MERKKI${randomBytes(4).toString('hex')}`;
  const identityCode = '131052-308T';
  const host = await startHostAs(demo, { username: demo.person.username, password: demo.person.password, displayName: 'Demo Työntekijä' });
  const profile = join(host.host.dataDir, '..', 'chromium-profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SINETTI_CHROMIUM ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    locale: 'fi-FI',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.host.url);
    await appReady(page);
    await page.getByTestId('compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await dialog.getByLabel('Vastaanottajat').fill('asiakas@example.net');
    await dialog.getByLabel('Aihe').fill(`Asia ${marker}`);
    await dialog.getByLabel('Viesti', { exact: true }).fill(`Asiakkaan henkilötunnus ${identityCode}, ${marker}.`);
    await expect(dialog.getByTestId('findings')).toContainText('131052-****');
    // Long enough for Chromium to sync the page state it keeps for session restore.
    await page.waitForTimeout(3000);
    await page.goto('about:blank');
    await page.waitForTimeout(1000);
  } finally {
    await context.close();
    await host.stop();
  }
  const needles = [marker, identityCode].flatMap((s) => [Buffer.from(s, 'utf8'), Buffer.from(s, 'utf16le')]);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory()) walk(path);
      else if (info.isFile() && info.size < 200 * 1024 * 1024) {
        const bytes = readFileSync(path);
        if (needles.some((n) => bytes.includes(n))) found.push(path.slice(profile.length));
      }
    }
  };
  walk(profile);
  expect(found).toEqual([]);
});

const SIZE_MB = 20;

test.describe('three 20 MB attachments', () => {
  test('travel in pieces through the real composer; the host survives and the draft keeps them whole', async ({ page, sinetti, demo }) => {
    // Generous: on a loaded 2-core machine Chromium read and encoded about 1 MB a second here.
    test.setTimeout(600_000);
    await appReady(page);
    const subject = `Isot liitteet ${randomBytes(3).toString('hex')}`;
    mkdirSync(test.info().outputPath(), { recursive: true });
    const files = [1, 2, 3].map((n) => ({ name: `aineisto-${n}.bin`, path: test.info().outputPath(`aineisto-${n}.bin`) }));
    for (const file of files) writeFileSync(file.path, randomBytes(SIZE_MB * 1024 * 1024));

    await page.getByTestId('compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await dialog.getByLabel('Vastaanottajat').fill(`${demo.person.username}@sinetti.test`);
    await dialog.getByLabel('Aihe').fill(subject);
    await dialog.getByLabel('Viesti', { exact: true }).fill('Aineistot liitteinä.');
    await dialog.getByTestId('compose-file-input').setInputFiles(files.map((f) => f.path));
    await expect(dialog.getByTestId('compose-attachment')).toHaveCount(3, { timeout: 240_000 });
    await expect(dialog.getByTestId('attachment-uploading')).toHaveCount(0);
    for (const item of await dialog.getByTestId('compose-attachment').all()) await expect(item).toContainText(`${SIZE_MB}.0 MB`);
    // The draft with all three (named by id; the main process holds the 60 MB) is saved.
    await expect(dialog.getByTestId('draft-status')).toHaveAttribute('data-server', /.+/, { timeout: 240_000 });
    await expect(dialog.getByTestId('draft-status')).not.toContainText('ei voitu', { timeout: 240_000 });
    expect(sinetti.running()).toBe(true);
    await dialog.getByRole('button', { name: 'Peruuta' }).click();
    await expect(dialog).toBeHidden({ timeout: 120_000 });

    // Reopened: the main process holds the files again and the composer lists them whole.
    await page.getByTestId('open-drafts').click();
    const drafts = page.getByTestId('drafts-dialog');
    await drafts.getByTestId('draft-item').filter({ hasText: subject }).getByTestId('draft-open').click({ timeout: 60_000 });
    const reopened = page.getByTestId('compose-dialog');
    await expect(reopened.getByTestId('compose-attachment')).toHaveCount(3, { timeout: 120_000 });
    for (const file of files) await expect(reopened.getByTestId('compose-attachment').filter({ hasText: file.name })).toContainText(`${SIZE_MB}.0 MB`);
    expect(sinetti.running()).toBe(true);
  });
});

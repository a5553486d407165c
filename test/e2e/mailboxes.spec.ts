/**
 * The foundation's main path in the real UI: see the team mailboxes, open a Finnish client
 * message, watch a new one arrive live, and see remote content blocked in an HTML newsletter,
 * with an accessibility check on each view.
 */
import { DEMO } from '../support/fixtures/demo-messages.js';
import { deliverDemoMessage } from '../../scripts/demo/deliver-demo-message.js';
import { expect, expectAccessible, test } from './support/sinetti.js';
import type { Page } from '@playwright/test';

async function openTeamInbox(page: Page, label: string): Promise<void> {
  const group = page.locator(`[data-testid="mailbox-group"][data-label="${label}"]`);
  await expect(group).toBeVisible();
  await group.getByTestId('mailbox-item').first().click();
  await expect(page.getByTestId('message-row').first()).toBeVisible();
}

test('shows each team mailbox the server shares with the person', async ({ page, sinetti }) => {
  void sinetti;
  for (const team of DEMO.teams) {
    await expect(page.locator(`[data-testid="mailbox-group"][data-label="${team.label}"]`)).toBeVisible();
  }
  await openTeamInbox(page, 'Perhepalvelut');
  await expect(page.getByRole('grid')).toBeVisible();
  await expectAccessible(page, 'team mailbox message list');
});

test('opens a Finnish client message as text', async ({ page, sinetti }) => {
  void sinetti;
  await openTeamInbox(page, 'Perhepalvelut');
  await page.getByTestId('message-row').filter({ hasText: DEMO.finnishSubject }).click();
  const view = page.getByTestId('message-view');
  await expect(view.getByTestId('message-subject')).toHaveText(DEMO.finnishSubject);
  await expect(view.getByTestId('message-text')).toContainText('päivähoitopaikkaa elokuusta alkaen');
  await expect(view).toContainText('Liisa Mäkinen');
  await expectAccessible(page, 'opened message');
});

test('a message delivered to the team mailbox appears without a refresh', async ({ page, sinetti, demo }) => {
  void sinetti;
  await openTeamInbox(page, 'Perhepalvelut');
  const rows = page.getByTestId('message-row');
  await expect(rows.first()).toBeVisible();
  const delivered = await deliverDemoMessage(demo, 'perhepalvelut');
  await expect(rows.filter({ hasText: delivered.subject })).toBeVisible({ timeout: 15_000 });
  // Newest first: the new message is at the top.
  await expect(rows.first()).toContainText(delivered.subject);
});

test('an HTML newsletter shows the remote-content-blocked bar and loads nothing remote', async ({ page, sinetti }) => {
  void sinetti;
  const remoteRequests: string[] = [];
  page.on('request', (request) => {
    if (
      !request.url().startsWith('http://127.0.0.1') &&
      !request.url().startsWith('ws://127.0.0.1') &&
      !request.url().startsWith('data:') &&
      !request.url().startsWith('about:')
    ) {
      remoteRequests.push(request.url());
    }
  });
  await openTeamInbox(page, 'Perhepalvelut');
  await page.getByTestId('message-row').filter({ hasText: DEMO.newsletterSubject }).click();
  await expect(page.getByTestId('remote-content-blocked')).toBeVisible();
  const frame = page.frameLocator('[data-testid="message-html-frame"]');
  await expect(frame.getByRole('heading', { name: 'Perhepalveluiden uutiskirje' })).toBeVisible();
  const iframe = page.getByTestId('message-html-frame');
  await expect(iframe).toHaveAttribute('sandbox', 'allow-same-origin');
  expect(await frame.locator('img[src^="http"], script, [onerror]').count()).toBe(0);
  expect(await frame.locator('a[href^="javascript:"]').count()).toBe(0);
  expect(remoteRequests).toEqual([]);
  await expectAccessible(page, 'HTML message with blocked remote content');

  // A link opens only after confirmation.
  await frame.getByRole('link', { name: 'Katso aikataulut' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('https://kunta.example/perhekahvilat');
});

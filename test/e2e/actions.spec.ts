/**
 * Acting on a team message from the UI: read/unread, flag, move within the team mailbox and
 * delete to the team's own Trash. Uses Aikuissosiaalityö, which the other specs only look at.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/sinetti.js';

const TEAM = 'Aikuissosiaalityö';

async function openFolder(page: Page, path: string) {
  await page.locator(`[data-testid="mailbox-group"][data-label="${TEAM}"] [data-testid="mailbox-item"][data-path="${path}"]`).click();
}

test('marks, flags, moves and deletes a team message', async ({ page, sinetti }) => {
  void sinetti;
  await openFolder(page, 'shared/aikuissosiaalityo');
  const rows = page.getByTestId('message-row');
  const subject = 'Kuntouttava työtoiminta';
  const row = rows.filter({ hasText: subject });
  await row.click();
  await expect(page.getByTestId('message-subject')).toHaveText(subject);
  // Opening marks it read; the list follows.
  await expect(row).not.toHaveAttribute('data-unread', 'true');

  await page.getByTestId('toggle-seen').click();
  await expect(row).toHaveAttribute('data-unread', 'true');
  await page.getByTestId('toggle-flagged').click();
  await expect(page.getByTestId('toggle-flagged')).toHaveText('Poista merkintä');

  // Move within the team mailbox only: no personal folder is offered.
  await page.getByTestId('move-menu').click();
  const targets = page.getByTestId('move-target');
  await expect(targets.first()).toBeVisible();
  for (const path of await targets.evaluateAll((items) => items.map((i) => i.getAttribute('data-path')))) {
    expect(path).toMatch(/^shared\/aikuissosiaalityo\//);
  }
  await page.locator('[data-testid="move-target"][data-path="shared/aikuissosiaalityo/Archive"]').click();
  await expect(row).toHaveCount(0);
  await openFolder(page, 'shared/aikuissosiaalityo/Archive');
  await expect(rows.filter({ hasText: subject })).toBeVisible();

  // Delete goes to the team's own Trash.
  await rows.filter({ hasText: subject }).click();
  await page.getByTestId('delete-message').click();
  await expect(page.getByTestId('notice-bar')).toBeVisible();
  await expect(rows.filter({ hasText: subject })).toHaveCount(0);
  await openFolder(page, 'shared/aikuissosiaalityo/Trash');
  await expect(rows.filter({ hasText: subject })).toBeVisible();
});

/**
 * Idle lock in the real UI: after the idle time the app hides every piece of client data (list,
 * message, open composer) behind the lock screen, the services refuse data while locked, and
 * unlocking (the OS keychain check, against the run's real gnome-keyring) brings back the
 * composer exactly as it was. Time is moved with Playwright's clock, never waited for.
 */
import { expect, test as base } from './support/sinetti.js';

// The clock must be installed before the app's page loads (the sinetti fixture opens it).
const test = base.extend({
  page: async ({ page }, use) => {
    await page.clock.install();
    await use(page);
  },
});

test('locks after the idle time, hides client data, and unlocks with the composer intact', async ({ page, sinetti }) => {
  void sinetti;
  await expect(page.getByTestId('message-row').first()).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByLabel('Vastaanottajat').fill('asiakas@example.net');
  await dialog.getByLabel('Aihe').fill('Kesken jäänyt vastaus');
  await dialog.getByLabel('Viesti', { exact: true }).fill('Hei, tämä teksti ei saa kadota lukituksessa.');

  // The managed default: 15 minutes without activity.
  await page.clock.fastForward('16:00');
  const lockScreen = page.getByTestId('lock-screen');
  await expect(lockScreen).toBeVisible({ timeout: 10_000 });
  await expect(lockScreen).toHaveAttribute('data-reason', 'idle');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('message-row').first()).toBeHidden();
  await expect(page.locator('#root')).toBeHidden();

  await lockScreen.getByTestId('lock-unlock').click();
  await expect(lockScreen).toBeHidden({ timeout: 10_000 });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Aihe')).toHaveValue('Kesken jäänyt vastaus');
  await expect(dialog.getByLabel('Viesti', { exact: true })).toHaveValue('Hei, tämä teksti ei saa kadota lukituksessa.');
  await expect(dialog.getByText('asiakas@example.net').first()).toBeVisible();
  // The list is back (asked again after unlocking).
  await expect(page.getByTestId('message-row').first()).toBeVisible({ timeout: 20_000 });
});

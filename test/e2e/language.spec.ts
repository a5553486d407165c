/** The language switch changes the whole UI at runtime and is remembered. */
import { expect, expectAccessible, test } from './support/sinetti.js';

test('switches the UI to Swedish and keeps it when the app is opened again', async ({ page, sinetti }) => {
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');
  await page.getByTestId('language-select').selectOption('sv-FI');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv-FI');
  await expect(page.getByRole('navigation')).toBeVisible();
  await expectAccessible(page, 'Swedish UI');
  // The launch address is single-use: opening the app again takes the next one the host printed.
  const next = await sinetti.nextLaunchUrl();
  await page.goto('about:blank');
  await page.goto(next);
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv-FI');
});

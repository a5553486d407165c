/** The language switch changes the whole UI at runtime and is remembered. */
import { expect, expectAccessible, test } from './support/sinetti.js';

test('switches the UI to Swedish and keeps it after a reload', async ({ page, sinetti }) => {
  void sinetti;
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');
  await page.getByTestId('language-select').selectOption('sv-FI');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv-FI');
  await expect(page.getByRole('navigation')).toBeVisible();
  await expectAccessible(page, 'Swedish UI');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv-FI');
});

/**
 * Search from the list of one mailbox finds messages in others: a plain message by words in its
 * body (server-side IMAP SEARCH) and an encrypted one by words inside its encryption (the local
 * sealed index, filled in the background once the team key is held). A hit opens in the mailbox
 * it lives in. Ctrl+F and "/" reach the field; Esc closes the search.
 */
import { readFileSync } from 'node:fs';
import { DEMO } from '../support/fixtures/demo-messages.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

test('search finds plain and encrypted messages by body text from another mailbox, and opens them where they live', async ({ page, sinetti, demo }) => {
  void sinetti;
  // The team key first, so the encrypted message can be read when its mailbox is synced.
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByLabel(/Liitä avain/).fill(readFileSync(demo.teamKeyFile, 'utf8'));
  await dialog.getByTestId('key-import').click();
  await expect(dialog).toContainText('perhepalvelut@sinetti.test');
  await dialog.getByRole('button', { name: 'Sulje' }).last().click();

  // Opening Perhepalvelut syncs it; its encrypted message is indexed in the background.
  await page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"] [data-testid="mailbox-item"]').first().click();
  await expect(page.getByTestId('message-row').first()).toBeVisible();
  // Back to the person's own inbox: the search starts from another mailbox's list.
  await page.locator('[data-testid="mailbox-group"]').first().locator('[data-testid="mailbox-item"]').first().click();
  await expect(page.getByTestId('message-list')).toBeVisible();

  // Ctrl+F reaches the search field from the list.
  await page.getByTestId('message-list').focus();
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await page.getByTestId('search-scope').selectOption('all');
  await page.getByTestId('search-field').selectOption('body');

  // Inside the encryption: only the local index can know these words.
  const results = page.getByTestId('search-results');
  await expect(async () => {
    await input.fill('neuvolan terveystiedot');
    await page.getByTestId('search-submit').click();
    await expect(results.getByTestId('search-result').first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const encryptedHit = results.getByTestId('search-result').filter({ hasText: DEMO.encryptedSubject });
  await expect(encryptedHit).toHaveAttribute('data-via', 'encrypted-index');
  await expect(encryptedHit).toContainText('Perhepalvelut');
  await expectAccessible(page, 'search results');
  await encryptedHit.getByRole('button').click();
  await expect(page.getByTestId('message-subject')).toHaveText(DEMO.encryptedSubject);
  await expect(page.getByTestId('message-text')).toContainText('neuvolan terveystiedot');
  // It opened where it lives: Perhepalvelut is the selected mailbox.
  await expect(page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"] [aria-current="true"]').first()).toBeVisible();

  // A plain message in a team mailbox, by words in its body (server-side search).
  await input.fill('kauanko odotus kestää');
  await page.getByTestId('search-submit').click();
  const plainHit = results.getByTestId('search-result').first();
  await expect(plainHit).toHaveAttribute('data-via', 'server');
  await expect(plainHit).toContainText('Kysymys tukihenkilöstä');
  await plainHit.getByRole('button').click();
  await expect(page.getByTestId('message-text')).toContainText('kauanko odotus kestää');

  // Esc in the field closes the search and the list comes back.
  await input.focus();
  await page.keyboard.press('Escape');
  await expect(results).toHaveCount(0);
  await expect(page.getByTestId('message-list')).toBeVisible();
  // "/" from the list focuses the field again.
  await page.getByTestId('message-list').focus();
  await page.keyboard.press('/');
  await expect(input).toBeFocused();
});

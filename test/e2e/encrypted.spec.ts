/**
 * An encrypted, signed client message in the demo team mailbox: unreadable until the team key is
 * granted (imported), then shown decrypted with the protected subject and the signature verdict
 * in the app's own status bar.
 */
import { readFileSync } from 'node:fs';
import { DEMO } from '../support/fixtures/demo-messages.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

test('a team message is unreadable without the team key and opens decrypted once it is granted', async ({ page, sinetti, demo }) => {
  void sinetti;
  await page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"] [data-testid="mailbox-item"]').first().click();
  const encryptedRow = page.getByTestId('message-row').filter({ hasText: '...' }).filter({ hasText: 'Liisa Mäkinen' }).first();
  await encryptedRow.click();
  const status = page.getByTestId('crypto-status');
  await expect(status).toHaveAttribute('data-decryption', 'no-key');
  await expect(status).toContainText('Viestiä ei voi avata');
  // Which key it needs, and who can grant it: this team's lead.
  await expect(status).toContainText('Tiimin Perhepalvelut avaimen myöntää tiimin esihenkilö');
  await expect(page.getByTestId('message-text')).toHaveCount(0);
  await expect(page.getByTestId('message-view')).not.toContainText('neuvolan terveystiedot');
  await expectAccessible(page, 'encrypted message without the key');

  // The team lead's grant, imported by the member.
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByLabel(/Liitä avain/).fill(readFileSync(demo.teamKeyFile, 'utf8'));
  await dialog.getByTestId('key-import').click();
  await expect(dialog).toContainText(`perhepalvelut@sinetti.test`);
  await dialog.getByRole('button', { name: 'Sulje' }).last().click();

  await page.getByTestId('message-row').filter({ hasText: 'Kysymys lapsen päivähoitopaikasta' }).click();
  await encryptedRow.click();
  await expect(status).toHaveAttribute('data-decryption', 'decrypted');
  await expect(page.getByTestId('message-subject')).toHaveText(DEMO.encryptedSubject);
  await expect(page.getByTestId('message-text')).toContainText('neuvolan terveystiedot');
  // The client's key is not in the person's keyring: said plainly, never shown as valid.
  await expect(status).toHaveAttribute('data-signature', 'unknown-key');
  await expectAccessible(page, 'decrypted message with signature status');
});

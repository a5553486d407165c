/** Adding the IMAP account through the form, as a new user would: errors are explained, success shows the teams. */
import { expect, expectAccessible, test } from './support/sinetti.js';

test.use({ provisioned: false });

test('adds an IMAP account through the form and shows its team mailboxes', async ({ page, sinetti, demo }) => {
  void sinetti;
  const form = page.getByTestId('account-form');
  await expect(form).toBeVisible();
  await expectAccessible(page, 'welcome view with the account form');

  await form.getByLabel('Näyttönimi').fill('Oma työposti');
  await form.getByLabel(/^Palvelin/).fill(demo.host);
  await form.getByLabel(/^Yhteyden suojaus/).selectOption('starttls');
  await form.getByLabel(/^Portti/).fill(String(demo.imapPort));
  await form.getByLabel('Käyttäjätunnus').fill(demo.person.username);
  await form.getByLabel(/^Salasana/).fill('väärä-salasana');
  await form.getByRole('button', { name: 'Testaa yhteys' }).click();
  await expect(form.getByRole('alert').or(form.locator('[role="status"]'))).toContainText(/salasana|tunnus/i);

  await form.getByLabel(/^Salasana/).fill(demo.person.password);
  await form.getByRole('button', { name: 'Tallenna' }).click();
  await expect(page.getByTestId('mailbox-group').filter({ hasText: 'Perhepalvelut' })).toBeVisible();
  await expect(page.getByTestId('mailbox-group').filter({ hasText: 'Oma työposti' })).toBeVisible();
});

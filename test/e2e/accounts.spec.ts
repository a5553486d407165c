/**
 * Accounts after adding (issue 12): edit the sending address and SMTP server, change the password
 * (a wrong one is refused by the server and changes nothing), and remove with what happens to
 * local data said plainly. Mail keeps working after each step; axe checks every view.
 */
import { expect, expectAccessible, test } from './support/sinetti.js';

test('edits an account, changes its password and removes it', async ({ page, sinetti, demo }) => {
  void sinetti;
  await expect(page.getByTestId('mailbox-group').filter({ hasText: 'Perhepalvelut' })).toBeVisible();
  await page.getByTestId('open-accounts').click();
  const dialog = page.getByTestId('accounts-dialog');
  await expect(dialog.getByTestId('account-item')).toHaveCount(1);
  await expectAccessible(page, 'accounts list');

  // Edit: the form holds the stored settings, including the sending address and SMTP server.
  await dialog.getByTestId('account-edit').click();
  const form = dialog.getByTestId('account-form');
  await expect(form.getByLabel('Sähköpostiosoite')).toHaveValue(`${demo.person.username}@sinetti.test`);
  await expect(form.getByLabel('SMTP-palvelin')).toHaveValue(demo.host);
  await expect(form.getByLabel('SMTP-portti')).toHaveValue(String(demo.smtpPort));
  await expectAccessible(page, 'account edit form');
  await form.getByLabel('Näyttönimi').fill('Työposti muokattu');
  await form.getByRole('button', { name: 'Tallenna' }).click();
  await expect(page.getByText('Tilin asetukset tallennettu.')).toBeVisible();
  await expect(page.getByTestId('mailbox-group').filter({ hasText: 'Perhepalvelut' })).toBeVisible();

  // Change the password: a wrong one is tried at the server and refused, nothing is stored.
  await page.getByTestId('open-accounts').click();
  await dialog.getByTestId('account-password').click();
  const passwordForm = dialog.getByTestId('password-form');
  await passwordForm.getByLabel('Uusi salasana').fill('ei-tämä-salasana');
  await passwordForm.getByRole('button', { name: 'Tallenna uusi salasana' }).click();
  await expect(passwordForm.getByRole('alert')).toContainText('Käyttäjätunnus tai salasana ei kelpaa.');
  await expectAccessible(page, 'change password form with an error');
  await passwordForm.getByLabel('Uusi salasana').fill(demo.person.password);
  await passwordForm.getByRole('button', { name: 'Tallenna uusi salasana' }).click();
  await expect(page.getByText('Uusi salasana on käytössä.')).toBeVisible();

  // Remove: what stays on the server and what goes from this computer is said before anything happens.
  await page.getByTestId('open-accounts').click();
  await dialog.getByTestId('account-remove').click();
  const confirm = dialog.getByTestId('remove-confirm');
  await expect(confirm).toContainText('Postisi säilyy postipalvelimella');
  await expect(confirm).toContainText('luonnokset säilyvät');
  await expectAccessible(page, 'remove account confirmation');
  await confirm.getByRole('button', { name: 'Poista tili' }).click();
  await expect(page.getByText('Tili poistettu. Sen posti on yhä palvelimella.')).toBeVisible();
  await expect(page.getByTestId('account-form')).toBeVisible();
});

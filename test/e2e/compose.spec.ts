/**
 * Writing a message in the real UI: the policy hint appears as the person types (identity code
 * found and masked, the route per recipient, a subject that must not carry it), and a message the
 * rules allow goes through the send gate, the outbox and the demo SMTP server into Dovecot.
 */
import { randomBytes } from 'node:crypto';
import { DEMO } from '../support/fixtures/demo-messages.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

test('shows the policy hint while typing and refuses what the rules do not allow', async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByLabel('Vastaanottajat').fill('asiakas@example.net');
  await dialog.getByLabel('Aihe').fill('Asiasi');
  await dialog.getByLabel('Viesti', { exact: true }).fill('Hei, henkilötunnuksesi 131052-308T on kirjattu.');

  const hints = dialog.getByTestId('decision-hints');
  // The built-in default: sensitive mail needs OpenPGP, and this client has no key.
  await expect(hints).toHaveAttribute('data-route', 'blocked');
  await expect(dialog.getByTestId('findings')).toContainText('131052-****');
  await expect(dialog.getByTestId('findings')).toContainText('henkilötunnus');
  await expect(dialog.getByTestId('findings')).not.toContainText('308T');
  await expect(dialog.getByTestId('highlighted-body').locator('mark')).toHaveText('131052-308T');
  await expect(dialog.locator('[data-testid="recipient-route"][data-address="asiakas@example.net"]')).toHaveAttribute('data-route', 'blocked');
  await expect(dialog.getByTestId('blocked-recipient-unreachable')).toBeVisible();
  await expect(dialog.getByTestId('compose-send')).toBeDisabled();
  await expectAccessible(page, 'composer with a policy hint');
  // "This finding is wrong" is recorded for IT and unblocks nothing.
  await dialog.getByTestId('report-false-positive').click();
  await expect(dialog.getByTestId('false-positive-reported')).toBeVisible();
  await expect(dialog.getByTestId('compose-send')).toBeDisabled();

  await dialog.getByLabel('Viesti', { exact: true }).fill('Hei, asiasi on käsittelyssä.');
  await dialog.getByLabel('Aihe').fill('Asiakas 131052-308T');
  await expect(dialog.getByTestId('blocked-subject-finding')).toContainText('131052-****');
  await expect(dialog.getByTestId('compose-send')).toBeDisabled();
  // The reason and a one-click neutral subject sit next to Send.
  await expect(dialog.getByTestId('send-blocked-subject')).toBeVisible();
  await dialog.getByTestId('use-neutral-subject').click();
  await expect(dialog.getByLabel('Aihe')).toHaveValue('Yhteydenotto');
  await expect(dialog.getByTestId('blocked-subject-finding')).toHaveCount(0);
  await expect(dialog.getByTestId('decision-hints')).not.toHaveAttribute('data-route', 'blocked');
});

test('sends a message the rules allow, and it arrives', async ({ page, sinetti, demo }) => {
  void sinetti;
  const subject = `Kokousaika ${randomBytes(3).toString('hex')}`;
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByLabel('Vastaanottajat').fill(`${demo.person.username}@sinetti.test`);
  await dialog.getByLabel('Aihe').fill(subject);
  await dialog.getByLabel('Viesti', { exact: true }).fill('Tiimipalaveri siirtyy torstaille kello 10.');
  await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
  await dialog.getByTestId('compose-send').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('notice-bar')).toContainText('lähtevien jonossa');

  // Own INBOX: the personal group's first mailbox.
  await page.locator('[data-testid="mailbox-item"][data-path="INBOX"]').first().click();
  await expect(page.getByTestId('message-row').filter({ hasText: subject })).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('open-outbox').click();
  await expect(page.getByTestId('outbox-empty')).toBeVisible();
  await expectAccessible(page, 'outbox');
});

test('a reply starts with the sender, subject and quote, and is checked like any message', async ({ page, sinetti }) => {
  void sinetti;
  const group = page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"]');
  await group.getByTestId('mailbox-item').first().click();
  await page.getByTestId('message-row').filter({ hasText: DEMO.finnishSubject }).click();
  await page.getByTestId('reply').click();
  const dialog = page.getByTestId('compose-dialog');
  await expect(dialog.getByLabel('Aihe')).toHaveValue(`Re: ${DEMO.finnishSubject}`);
  // The sender comes from the main process as a recipient chip (the team's own address is not answered).
  await expect(dialog.getByTestId('recipient-chip')).toHaveCount(1);
  await expect(dialog.getByTestId('recipient-chip')).toHaveAttribute('data-valid', 'true');
  await dialog.getByLabel('Viesti', { exact: true }).fill('Kiitos, palaamme asiaan.');
  // A plain original and a harmless reply: it may go as it is (a reply to secured mail may not — see the contract test).
  await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
  await expect(dialog.getByTestId('recipient-route')).toHaveAttribute('data-route', 'plain');
  await expectAccessible(page, 'reply');
});

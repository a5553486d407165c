/**
 * Drafts in the real UI: typing in the composer autosaves the draft (encrypted to the person's own
 * key on the demo server's Drafts folder, or on this computer only when there is no key — and the
 * status line says which); closing and reopening it from the drafts list brings back recipients,
 * subject, text and attachments; discarding removes it.
 */
import { randomBytes } from 'node:crypto';
import { expect, expectAccessible, test, type SinettiHost } from './support/sinetti.js';
import type { Page } from '@playwright/test';

async function write(page: Page, subject: string) {
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByLabel('Vastaanottajat').fill('asiakas@example.net');
  await dialog.getByLabel('Aihe').fill(subject);
  await dialog.getByLabel('Viesti', { exact: true }).fill('Hei,\nasiasi on käsittelyssä.');
  await dialog.getByTestId('compose-file-input').setInputFiles({ name: 'muistio.txt', mimeType: 'text/plain', buffer: Buffer.from('Muistion sisältö') });
  await expect(dialog.getByRole('button', { name: /muistio\.txt/ })).toBeVisible();
  return dialog;
}

async function createOwnKey(page: Page) {
  await page.getByTestId('open-keys').click();
  const keys = page.getByTestId('keys-dialog');
  await keys.getByLabel('Nimi').fill('Demo Työntekijä');
  await keys.getByLabel('Sähköpostiosoite').fill('demo.tyontekija@sinetti.test');
  await keys.getByTestId('key-generate').click();
  await expect(keys.getByTestId('key-item')).toHaveCount(1, { timeout: 20_000 });
  await keys.getByRole('button', { name: 'Sulje', exact: true }).click();
}

test('autosaves the draft encrypted to the server and reopens it with everything in it', async ({ page, sinetti }) => {
  void (sinetti satisfies SinettiHost);
  await createOwnKey(page);

  const subject = `Kotikäynti ${randomBytes(3).toString('hex')}`;
  const dialog = await write(page, subject);
  const status = dialog.getByTestId('draft-status');
  await expect(status).toHaveAttribute('data-server', 'saved', { timeout: 15_000 });
  await expect(status).toContainText('Luonnos tallennettu klo');
  await expectAccessible(page, 'composer with a saved draft');
  await dialog.getByRole('button', { name: 'Peruuta' }).click();
  await expect(dialog).toBeHidden();

  await page.getByTestId('open-drafts').click();
  const drafts = page.getByTestId('drafts-dialog');
  const item = drafts.getByTestId('draft-item').filter({ hasText: subject });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText('asiakas@example.net');
  await expect(item.getByTestId('draft-where')).toHaveText('Palvelimella salattuna');
  await expectAccessible(page, 'drafts list');
  await item.getByTestId('draft-open').click();

  const reopened = page.getByTestId('compose-dialog');
  // Recipients come back as the composer's chips.
  await expect(reopened.getByTestId('recipient-chip')).toHaveAttribute('data-address', 'asiakas@example.net');
  await expect(reopened.getByLabel('Aihe')).toHaveValue(subject);
  await expect(reopened.getByLabel('Viesti', { exact: true })).toHaveValue('Hei,\nasiasi on käsittelyssä.');
  await expect(reopened.getByRole('button', { name: /muistio\.txt/ })).toBeVisible();
  // Editing the reopened draft saves over the same draft, not a new one.
  await reopened.getByLabel('Viesti', { exact: true }).fill('Hei,\nasiasi on ratkaistu.');
  await expect(reopened.getByTestId('draft-status')).toHaveAttribute('data-server', 'saved', { timeout: 15_000 });
  await reopened.getByRole('button', { name: 'Peruuta' }).click();
  await page.getByTestId('open-drafts').click();
  await expect(page.getByTestId('draft-item').filter({ hasText: subject })).toHaveCount(1);

  await page.getByTestId('draft-item').filter({ hasText: subject }).getByTestId('draft-discard').click();
  await expect(page.getByTestId('draft-item').filter({ hasText: subject })).toHaveCount(0);
});

test('without an own key the draft stays on this computer, and the composer says why', async ({ page, sinetti }) => {
  void sinetti;
  const subject = `Päätös ${randomBytes(3).toString('hex')}`;
  const dialog = await write(page, subject);
  const status = dialog.getByTestId('draft-status');
  await expect(status).toHaveAttribute('data-server', 'no-key', { timeout: 15_000 });
  await expect(status).toContainText('vain tälle koneelle');
  await expect(status).toContainText('oma salausavain');
  await dialog.getByRole('button', { name: 'Peruuta' }).click();

  await page.getByTestId('open-drafts').click();
  const item = page.getByTestId('draft-item').filter({ hasText: subject });
  await expect(item.getByTestId('draft-where')).toHaveText('Vain tällä koneella');
  await item.getByTestId('draft-open').click();
  await expect(page.getByTestId('compose-dialog').getByLabel('Aihe')).toHaveValue(subject);
});

test('sending the message removes its draft', async ({ page, sinetti, demo }) => {
  void sinetti;
  await createOwnKey(page);
  const subject = `Palaveri ${randomBytes(3).toString('hex')}`;
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByLabel('Vastaanottajat').fill(`${demo.person.username}@sinetti.test`);
  await dialog.getByLabel('Aihe').fill(subject);
  await dialog.getByLabel('Viesti', { exact: true }).fill('Tiimipalaveri siirtyy torstaille.');
  await expect(dialog.getByTestId('draft-status')).toHaveAttribute('data-server', 'saved', { timeout: 15_000 });
  await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
  await dialog.getByTestId('compose-send').click();
  await expect(dialog).toBeHidden();

  // Removed once the server accepted the message: look again until then.
  await expect(async () => {
    await page.getByTestId('open-drafts').click();
    const drafts = page.getByTestId('drafts-dialog');
    await expect(drafts.getByTestId('drafts-empty').or(drafts.getByTestId('draft-item').first())).toBeVisible();
    const empty = await drafts.getByTestId('drafts-empty').isVisible();
    if (!empty) await drafts.getByRole('button', { name: 'Sulje', exact: true }).click();
    expect(empty).toBe(true);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('draft-item').filter({ hasText: subject })).toHaveCount(0);
});

/**
 * Correspondents' keys from the UI: a pasted public key comes in unverified, the person verifies
 * it after comparing the fingerprint, and the composer then has the key for that recipient (a
 * sensitive message goes encrypted instead of being blocked). A message carrying its sender's
 * Autocrypt key offers "import the sender's key" above the content, and imports only on request.
 */
import { randomBytes } from 'node:crypto';
import { generateKey } from 'openpgp';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

test("imports and verifies a correspondent's key, and the composer then has it for that recipient", async ({ page, sinetti }) => {
  void sinetti;
  const { publicKey } = await generateKey({
    userIDs: [{ name: 'Asiakas Aalto', email: 'asiakas.aalto@example.net' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'armored',
  });
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByTestId('keys-tab-contacts').click();
  await expect(dialog.getByTestId('contacts-none')).toBeVisible();
  await expectAccessible(page, 'correspondents tab');

  await dialog.getByTestId('contacts-import-text').fill(publicKey);
  await dialog.getByTestId('contacts-import').click();
  await expect(dialog.getByTestId('contact-key')).toHaveCount(1);
  const fingerprint = await dialog.getByTestId('contact-key').getAttribute('data-fingerprint');
  const item = dialog.locator(`[data-testid="contact-key"][data-fingerprint="${fingerprint}"]`);
  await expect(item).toHaveAttribute('data-state', 'unverified');
  await expect(item).toContainText('asiakas.aalto@example.net');
  await expect(item.getByTestId('contact-fingerprint')).toHaveText(/^([0-9A-F]{4} ){4}[0-9A-F]{4} {2}([0-9A-F]{4} ){4}[0-9A-F]{4}$/);
  // Verification needs the comparison confirmed first.
  await expect(item.getByTestId('contact-verify')).toBeDisabled();
  await item.getByTestId('contact-compared').click();
  await item.getByTestId('contact-verify').click();
  await expect(item).toHaveAttribute('data-state', 'verified');
  await expect(item.getByTestId('contact-state')).toHaveText('Tarkistettu sormenjäljestä');

  // A different key for the same address: it waits, undecided, and the verified key stays.
  const { publicKey: another } = await generateKey({
    userIDs: [{ name: 'Asiakas Aalto', email: 'asiakas.aalto@example.net' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'armored',
  });
  await dialog.getByTestId('contacts-import-text').fill(another);
  await dialog.getByTestId('contacts-import').click();
  await expect(dialog.getByTestId('notice-bar')).toContainText('odottamaan päätöstäsi');
  await expect(dialog.getByTestId('contact-key')).toHaveCount(2);
  const waiting = dialog.locator('[data-testid="contact-key"][data-state="undecided"]');
  await expect(waiting.getByTestId('contact-conflict')).toBeVisible();
  await expect(item).toHaveAttribute('data-state', 'verified');
  await expectAccessible(page, 'correspondents tab with a verified and an undecided key');
  await dialog.getByRole('button', { name: 'Sulje', exact: true }).click();

  await page.getByTestId('compose').click();
  const compose = page.getByTestId('compose-dialog');
  await compose.getByLabel('Vastaanottajat').fill('asiakas.aalto@example.net');
  await compose.getByLabel('Aihe').fill('Asiasi');
  await compose.getByLabel('Viesti', { exact: true }).fill('Hei, henkilötunnuksesi 131052-308T on kirjattu.');
  const route = compose.locator('[data-testid="recipient-route"][data-address="asiakas.aalto@example.net"]');
  // Sensitive and the client has an accepted key: encrypted, not blocked.
  await expect(route).toHaveAttribute('data-has-key', 'true');
  await expect(route).toHaveAttribute('data-route', 'openpgp');
  await expect(route).toContainText('avain hyväksytty');
  await expect(compose.getByTestId('decision-hints')).toHaveAttribute('data-route', 'openpgp');
  await expectAccessible(page, 'composer with a recipient key');
});

test("offers the sender's Autocrypt key in the message view and imports it only when asked", async ({ page, sinetti, demo }) => {
  void sinetti;
  const sender = `kirjoittaja.${randomBytes(3).toString('hex')}@example.net`;
  const { publicKey } = await generateKey({ userIDs: [{ email: sender }], type: 'ecc', curve: 'curve25519Legacy', format: 'binary' });
  const keydata = Buffer.from(publicKey)
    .toString('base64')
    .replace(/(.{72})/g, '$1\r\n ');
  const subject = `Avaimeni ${randomBytes(3).toString('hex')}`;
  const raw = [
    `From: ${sender}`,
    `To: ${demo.person.username}@sinetti.test`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(6).toString('hex')}@example.net>`,
    `Autocrypt: addr=${sender}; prefer-encrypt=mutual; keydata=\r\n ${keydata}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hei, tässä viestini.',
    '',
  ].join('\r\n');
  await deliverLmtp(demo.lmtpPort, demo.person.username, raw);

  await page.locator('[data-testid="mailbox-item"][data-path="INBOX"]').first().click();
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  const offer = page.getByTestId('key-offer');
  await expect(offer).toHaveAttribute('data-source', 'autocrypt');
  await expectAccessible(page, 'message view offering a key');

  // Offered is not imported.
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByTestId('keys-tab-contacts').click();
  await expect(dialog.getByTestId('contacts-none')).toBeVisible();
  await dialog.getByRole('button', { name: 'Sulje', exact: true }).click();

  await offer.getByTestId('key-offer-import').click();
  await expect(page.getByTestId('key-offer-done')).toContainText('Avain tuotiin');
  await page.getByTestId('open-keys').click();
  await dialog.getByTestId('keys-tab-contacts').click();
  const item = dialog.getByTestId('contact-key');
  await expect(item).toHaveAttribute('data-state', 'unverified');
  await expect(item).toContainText(sender);
  await expect(item).toContainText('Viestin Autocrypt-otsake');
});

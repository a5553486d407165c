/**
 * The reading attacks as the person meets them in the real UI (browser host, real Dovecot, gpg):
 * a "Re: What's up Johnny" message that embeds the person's old team ciphertext — nothing of it
 * is decrypted, the trusted status names the unopened parts, and Reply quotes none of it; and a
 * genuinely signed part wrapped in attacker MIME — "only part 2 is signed", never valid.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { CRLF, encryptedEntity, mailHeaders, message, multipart, signedEntity, textEntity } from '../support/fixtures/pgp-attack-mail.js';
import { createGpg } from '../support/gpg.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

const SECRET = 'neuvolan salaiset terveystiedot 2026';

async function openOwnInbox(page: Page): Promise<void> {
  const group = page.locator('[data-testid="mailbox-group"][data-kind="personal"]');
  await group.locator('[data-testid="mailbox-item"][data-path="INBOX"]').click();
}

async function importKey(page: Page, armored: string, address: string): Promise<void> {
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByLabel(/Liitä avain/).fill(armored);
  await dialog.getByTestId('key-import').click();
  await expect(dialog).toContainText(address);
  await dialog.getByRole('button', { name: 'Sulje' }).last().click();
  await expect(dialog).toBeHidden();
}

// Keys are imported after the accessibility checks: closing the Keys dialog currently leaves
// aria-hidden on the app root (reported separately; not part of what these tests prove).
test('a reply to a message embedding old ciphertext quotes none of it; the unopened parts are named', async ({ page, sinetti, demo }) => {
  void sinetti;
  const teamKey = readFileSync(demo.teamKeyFile, 'utf8');
  const gpg = createGpg();
  await gpg.run(['--import'], teamKey);
  const encrypt = async (plain: string) => (await gpg.run(['--armor', '--encrypt', '--recipient', 'perhepalvelut@sinetti.test'], plain)).stdout.toString();
  const subject = `Re: Mitä kuuluu? ${Date.now()}`;
  const raw = message(
    mailHeaders('Hyökkääjä <attacker@example.net>', `${demo.person.username}@sinetti.test`, subject),
    multipart('mixed', [
      textEntity(`Hei! Vastaatko pian?${CRLF}${CRLF}${(await encrypt(SECRET)).replace(/\n/g, CRLF)}`),
      encryptedEntity(await encrypt(textEntity(SECRET))),
    ]),
  );
  await deliverLmtp(demo.lmtpPort, demo.person.username, raw);

  await openOwnInbox(page);
  const row = page.getByTestId('message-row').filter({ hasText: subject });
  await row.click();
  const view = page.getByTestId('message-view');
  await expect(view.getByTestId('unopened-parts')).toContainText('osa 2 (salattu osa)');
  await expect(view.getByTestId('unopened-parts')).toContainText('osa 1 (salattu tekstilohko)');
  await expectAccessible(page, 'message with unopened encrypted parts');

  // The person holds the key the old ciphertext was made for: still nothing is decrypted.
  await importKey(page, teamKey, 'perhepalvelut@sinetti.test');
  // Open another message and come back, so the message is read again with the new key.
  await page.getByTestId('message-row').filter({ hasNotText: subject }).first().click();
  await expect(page.getByTestId('message-view')).not.toContainText(subject);
  await row.click();
  await expect(view.getByTestId('unopened-parts')).toContainText('osa 2 (salattu osa)');
  await expect(view.getByTestId('crypto-status')).toHaveCount(0);
  await expect(view).not.toContainText(SECRET);

  await page.getByTestId('reply').click();
  const body = page.getByTestId('compose-dialog').getByLabel('Viesti', { exact: true });
  await expect(body).toHaveValue(/> Hei! Vastaatko pian\?/);
  await expect(body).toHaveValue(/\[salattua sisältöä ei lainattu\]/);
  expect(await body.inputValue()).not.toContain(SECRET);
  expect(await body.inputValue()).not.toContain('BEGIN PGP');
});

test('a signed part wrapped in attacker MIME shows "only part 2 is signed", never a valid signature; the display-name trick is said', async ({
  page,
  sinetti,
  demo,
}) => {
  void sinetti;
  const gpg = createGpg();
  await gpg.run(['--passphrase', 'x', '--quick-gen-key', 'Kumppani <kumppani@kela.example>', 'ed25519', 'sign', '1y']);
  const subject = `Kääritty allekirjoitus ${Date.now()}`;
  const genuine = await signedEntity(gpg, 'kumppani@kela.example', 'x', textEntity('Aito, allekirjoitettu osa.'));
  const raw = message(
    mailHeaders('"kumppani@kela.example" <evil@x.example>', `${demo.person.username}@sinetti.test`, subject),
    multipart('mixed', [textEntity('Maksa lasku tilille FI00 1234.'), genuine]),
  );
  await deliverLmtp(demo.lmtpPort, demo.person.username, raw);

  await openOwnInbox(page);
  const row = page.getByTestId('message-row').filter({ hasText: subject });
  await row.click();
  const status = page.getByTestId('crypto-status');
  // Before the signer's key is known: unknown key, and still only for part 2.
  await expect(status).toHaveAttribute('data-signature', 'unknown-key');
  await expect(status).toHaveAttribute('data-covered-part', '2');
  await expect(status).toContainText('Tämä koskee vain viestin osaa 2.');
  await expect(page.getByTestId('display-name-address')).toContainText(
    'Lähettäjän nimessä on osoite kumppani@kela.example, mutta viesti tulee osoitteesta evil@x.example.',
  );
  await expect(page.locator('[data-testid="body-segment"][data-signed="true"]')).toContainText('Osa, jonka allekirjoitusta ei voitu vahvistaa (osa 2.1)');
  await expect(page.locator('[data-testid="body-segment"][data-signed="true"]')).toContainText('Aito, allekirjoitettu osa.');
  await expectAccessible(page, 'wrapped signature shown part by part, display-name trick');

  // The partner's key known to Sinetti (imported, as a team key would be): partial, never valid.
  await importKey(
    page,
    (await gpg.run(['--passphrase', 'x', '--armor', '--export-secret-keys', 'kumppani@kela.example'])).stdout.toString(),
    'kumppani@kela.example',
  );
  // Open another message and come back, so the message is read again with the new key.
  await page.getByTestId('message-row').filter({ hasNotText: subject }).first().click();
  await expect(page.getByTestId('message-view')).not.toContainText(subject);
  await row.click();
  await expect(status).toHaveAttribute('data-signature', 'partial');
  await expect(status).toHaveAttribute('data-covered-part', '2');
  await expect(status).toContainText('Vain osa viestistä on allekirjoitettu');
  await expect(status).toContainText('Osan 2 on allekirjoittanut Kumppani <kumppani@kela.example>');
  await expect(page.locator('[data-testid="body-segment"][data-signed="true"]')).toContainText('Aito, allekirjoitettu osa.');
  await expect(page.locator('[data-testid="body-segment"][data-signed="true"]')).toContainText(
    'Allekirjoitettu osa (osa 2.1), allekirjoittaja Kumppani <kumppani@kela.example>',
  );
  await expect(page.locator('[data-testid="body-segment"][data-signed="false"]')).toContainText('Maksa lasku tilille FI00 1234.');
});

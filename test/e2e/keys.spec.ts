/** The person's own OpenPGP keys from the UI: create, read the fingerprint, export the public key, import. */
import { readFileSync } from 'node:fs';
import { generateKey } from 'openpgp';
import { expect, expectAccessible, test } from './support/sinetti.js';

test('creates a personal key, shows its fingerprint, exports the public key and imports another', async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await expect(dialog).toContainText('Sinulla ei vielä ole omaa avainta');
  await expectAccessible(page, 'keys dialog');

  await dialog.getByLabel('Nimi').fill('Demo Työntekijä');
  await dialog.getByLabel('Sähköpostiosoite').fill('demo.tyontekija@sinetti.test');
  await dialog.getByTestId('key-generate').click();
  const item = dialog.getByTestId('key-item');
  await expect(item).toHaveCount(1, { timeout: 20_000 });
  await expect(item).toContainText('Demo Työntekijä <demo.tyontekija@sinetti.test>');
  const fingerprint = await item.getAttribute('data-fingerprint');
  expect(fingerprint).toMatch(/^[0-9A-F]{40}$/);
  // Grouped in fours for reading aloud.
  await expect(item.getByTestId('key-fingerprint')).toHaveText(/^([0-9A-F]{4} ){4}[0-9A-F]{4} {2}([0-9A-F]{4} ){4}[0-9A-F]{4}$/);

  const download = page.waitForEvent('download');
  await item.getByTestId('key-export').click();
  const file = await (await download).path();
  const exported = readFileSync(file!, 'utf8');
  expect(exported).toContain('BEGIN PGP PUBLIC KEY BLOCK');
  expect(exported).not.toContain('PRIVATE');

  const { privateKey } = await generateKey({
    userIDs: [{ name: 'Tiimi', email: 'perhepalvelut@sinetti.test' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'armored',
  });
  await dialog.getByLabel(/Liitä avain/).fill(privateKey);
  await dialog.getByTestId('key-import').click();
  await expect(dialog.getByTestId('key-item')).toHaveCount(2);
  await expect(dialog).toContainText('perhepalvelut@sinetti.test');
  await expectAccessible(page, 'keys dialog with keys');
});

test('a passphrase key is locked until unlocked for the session, and can be revoked', async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByLabel('Nimi').fill('Demo Työntekijä');
  await dialog.getByLabel('Sähköpostiosoite').fill('demo.tyontekija@sinetti.test');
  await dialog.getByLabel(/Salalause/).fill('pitkä salalause 2026');
  await dialog.getByTestId('key-generate').click();
  const item = dialog.getByTestId('key-item');
  await expect(item).toHaveAttribute('data-locked', 'true', { timeout: 20_000 });
  await expect(item.getByTestId('key-lock-state')).toHaveText('Lukittu');

  await item.getByLabel('Avaimen salalause').fill('väärä salalause');
  await item.getByTestId('key-unlock').click();
  await expect(dialog.getByRole('alert')).toContainText('Salalause on väärä');
  await expect(item).toHaveAttribute('data-locked', 'true');

  await item.getByLabel('Avaimen salalause').fill('pitkä salalause 2026');
  await item.getByTestId('key-unlock').click();
  await expect(item).toHaveAttribute('data-locked', 'false');
  await expect(item.getByTestId('key-lock-state')).toContainText('Avattu');
  await expectAccessible(page, 'keys dialog with an unlocked key');

  const download = page.waitForEvent('download');
  await item.getByTestId('key-revocation-export').click();
  expect(readFileSync((await (await download).path())!, 'utf8')).toContain('BEGIN PGP PUBLIC KEY BLOCK');

  await item.getByTestId('key-lock').click();
  await expect(item).toHaveAttribute('data-locked', 'true');

  // Revoking a locked key uses the certificate kept since creation.
  await item.getByTestId('key-revoke-start').click();
  await expectAccessible(page, 'revoke form');
  await item.getByLabel('Syy').selectOption('compromised');
  await item.getByTestId('key-revoke-confirm').click();
  await expect(item).toHaveAttribute('data-revoked', 'true');
  await expect(item.getByTestId('key-revoked')).toHaveText('Mitätöity');
});

test.describe('when the organisation requires a passphrase', () => {
  test.use({ managedPolicy: { version: 1, crypto: { passphraseRequired: true } } });

  test('a key without one is refused with the reason, and one with a passphrase is created locked', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('open-keys').click();
    const dialog = page.getByTestId('keys-dialog');
    await expect(dialog.getByLabel('Salalause (organisaatiosi edellyttää)')).toBeVisible();
    await dialog.getByLabel('Nimi').fill('Demo Työntekijä');
    await dialog.getByLabel('Sähköpostiosoite').fill('demo.tyontekija@sinetti.test');
    await dialog.getByTestId('key-generate').click();
    await expect(dialog.getByTestId('error-bar')).toContainText('requires a passphrase');
    await expect(dialog.getByTestId('key-item')).toHaveCount(0);
    await dialog.getByLabel(/Salalause/).fill('pitkä salalause 2026');
    await dialog.getByTestId('key-generate').click();
    await expect(dialog.getByTestId('key-item')).toHaveCount(1, { timeout: 20_000 });
    await expect(dialog.getByTestId('key-lock-state')).toHaveText('Lukittu');
  });
});

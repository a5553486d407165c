/**
 * The composer end to end in the real UI (browser host, demo Dovecot + SMTP): reply-all from a
 * team mailbox by keyboard, forwarding inline and as an attachment, recipient chips with
 * suggestions, validation and IDN, attachments dropped on the composer against the policy's size
 * limit, signatures and saved replies, and sending with Ctrl+Enter.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DEMO } from '../support/fixtures/demo-messages.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

const own = `${DEMO.person.username}@${DEMO.domain}`;

async function openTeamMessage(page: Page, subject: string = DEMO.finnishSubject) {
  const group = page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"]');
  await group.getByTestId('mailbox-item').first().click();
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  await expect(page.getByTestId('message-view')).toContainText(subject);
}

async function dropFile(page: Page, target: ReturnType<Page['getByTestId']>, name: string, bytes: number) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, bytes }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes).fill(65)], name, { type: 'text/plain' }));
      return transfer;
    },
    { name, bytes },
  );
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

test('reply to all by keyboard from a team mailbox: sent as the team, the sender as a chip with its route, the quote from main', async ({ page, sinetti }) => {
  void sinetti;
  await openTeamMessage(page);
  await expect(page.getByTestId('reply-all')).toHaveAttribute('aria-keyshortcuts', 'Shift+R A');
  await expect(page.getByTestId('reply')).toHaveAttribute('aria-keyshortcuts', 'R');
  await expect(page.getByTestId('forward')).toHaveAttribute('aria-keyshortcuts', 'F');
  await page.getByTestId('message-view').click();
  await page.keyboard.press('Shift+R');
  const dialog = page.getByTestId('compose-dialog');
  await expect(dialog.getByRole('heading', { name: 'Vastaus kaikille' })).toBeVisible();
  await expect(dialog.getByLabel('Aihe')).toHaveValue(`Re: ${DEMO.finnishSubject}`);
  // The team mailbox the message arrived in publishes an address: the reply goes out as the team.
  await expect(dialog.getByTestId('compose-from')).toHaveValue(/:shared:perhepalvelut$/);
  await expect(dialog.getByTestId('compose-from').locator('option:checked')).toContainText('perhepalvelut@sinetti.test');
  // Reply-all leaves out the team's own address: only the client remains.
  const chip = dialog.getByTestId('recipient-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAttribute('data-address', 'liisa.makinen@example.fi');
  // The quote carries the client's case (a sensitive term): with no key and no gateway (built-in
  // policy) there is no route to this client, and the chip says so.
  await expect(chip).toHaveAttribute('data-route', 'blocked');
  await expect(chip).toHaveAttribute('data-has-key', 'false');
  await expect(chip).toContainText('ei reittiä · ei avainta');
  const text = dialog.getByTestId('compose-text');
  await expect(text).toHaveValue(/Liisa Mäkinen <liisa\.makinen@example\.fi> kirjoitti:\n> Hei,\n>\n> haimme tyttärellemme päivähoitopaikkaa/);
  await expectAccessible(page, 'reply to all');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test.describe('with the own domain internal, where sensitive mail may go after a written justification', () => {
  test.use({ managedPolicy: { version: 1, domains: { internal: ['sinetti.test'] }, actions: { sensitive: { internal: 'justify' } } } });

  test('forward inline (F), pick a recipient from suggestions by keyboard, send with Ctrl+Enter, and it arrives', async ({ page, sinetti }) => {
    void sinetti;
    await openTeamMessage(page);
    await page.getByTestId('message-view').click();
    await page.keyboard.press('f');
    const dialog = page.getByTestId('compose-dialog');
    await expect(dialog.getByRole('heading', { name: 'Välitä viesti' })).toBeVisible();
    const subject = `Fwd: ${DEMO.finnishSubject}`;
    await expect(dialog.getByLabel('Aihe')).toHaveValue(subject);
    await expect(dialog.getByTestId('compose-text')).toHaveValue(
      /---------- Välitetty viesti ----------\nLähettäjä: Liisa Mäkinen <liisa\.makinen@example\.fi>/,
    );
    await expect(dialog.getByTestId('recipient-chip')).toHaveCount(0);

    // Suggestions come from headers already synced: the client who wrote to the team.
    const to = dialog.getByTestId('compose-to-input');
    await to.fill('liisa');
    await expect(dialog.getByTestId('recipient-suggestion').first()).toContainText('liisa.makinen@example.fi');
    await expect(to).toHaveAttribute('aria-expanded', 'true');
    await to.press('ArrowDown');
    await expect(to).toHaveAttribute('aria-activedescendant', /.+/);
    await expectAccessible(page, 'recipient suggestions');
    await to.press('Enter');
    await expect(dialog.getByTestId('recipient-chip')).toHaveAttribute('data-address', 'liisa.makinen@example.fi');
    // Backspace in the empty box takes the last chip back out; then the person's own address instead.
    await to.press('Backspace');
    await expect(dialog.getByTestId('recipient-chip')).toHaveCount(0);
    await to.fill(`${own},`);
    await expect(dialog.getByTestId('recipient-chip')).toHaveAttribute('data-address', own);
    await dialog.getByLabel('Aihe').fill(`${subject} ${randomBytes(2).toString('hex')}`);
    const sentSubject = await dialog.getByLabel('Aihe').inputValue();
    // The forwarded text is a client's case: plain only with a written reason, or securely.
    await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
    await expect(dialog.getByTestId('route-chooser')).toContainText('kirjallisella perustelulla');
    await expect(dialog.getByTestId('compose-send')).toBeDisabled();
    // Choosing the secure route instead: judged as a secure conversation, and with no key or gateway
    // for this address there is none — so back to plain with a reason.
    await dialog.getByTestId('route-secure').check();
    await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'blocked');
    await expectAccessible(page, 'route chooser');
    await dialog.getByTestId('route-allowed').check();
    await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
    await dialog.getByTestId('justification').fill('Välitetään omaan postilaatikkoon käsittelyä varten.');
    await expect(dialog.getByTestId('compose-send')).toBeEnabled();
    await expect(dialog.getByTestId('compose-send')).toHaveAttribute('aria-keyshortcuts', 'Control+Enter');
    await dialog.getByTestId('compose-text').press('Control+Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('notice-bar')).toContainText('lähtevien jonossa');
    await page.locator('[data-testid="mailbox-item"][data-path="INBOX"]').first().click();
    await page.getByTestId('message-row').filter({ hasText: sentSubject }).click({ timeout: 20_000 });
    await expect(page.getByTestId('message-text')).toContainText('haimme tyttärellemme päivähoitopaikkaa');
  });

  test('forward as attachment: the original is attached by the main process, scanned with the message, and the forward arrives', async ({ page, sinetti }) => {
    void sinetti;
    await openTeamMessage(page);
    await page.getByTestId('forward-attachment').click();
    const dialog = page.getByTestId('compose-dialog');
    await expect(dialog.getByRole('heading', { name: 'Välitä viesti liitteenä' })).toBeVisible();
    await expect(dialog.getByTestId('forwarded-original')).toContainText(DEMO.finnishSubject);
    // No inline copy of the text: the original itself goes along.
    await expect(dialog.getByTestId('compose-text')).not.toHaveValue(/Välitetty viesti/);
    const subject = `Liitteenä ${randomBytes(3).toString('hex')}`;
    await dialog.getByLabel('Aihe').fill(subject);
    await dialog.getByTestId('compose-to-input').fill(own);
    await dialog.getByTestId('compose-text').fill('Tiedoksi.');
    // The attached original is scanned too (the client's case in it needs a reason for plain mail).
    await expect(dialog.getByTestId('findings')).toContainText('liitteessä');
    await dialog.getByTestId('justification').fill('Välitetään omaan postilaatikkoon käsittelyä varten.');
    await expectAccessible(page, 'forward as attachment');
    await dialog.getByTestId('compose-send').click();
    await expect(dialog).toBeHidden();
    await page.locator('[data-testid="mailbox-item"][data-path="INBOX"]').first().click();
    // Arrived as the team (the original was in the team mailbox). That the original's bytes are
    // attached as message/rfc822 is checked on the wire in test/integration/composer-send.test.ts:
    // the message view does not list attached messages yet (reading side).
    await page.getByTestId('message-row').filter({ hasText: subject }).click({ timeout: 20_000 });
    await expect(page.getByTestId('message-view')).toContainText('Perhepalvelut <perhepalvelut@sinetti.test>');
    await expect(page.getByTestId('message-text')).toContainText('Tiedoksi.');
  });
});

test('recipient chips: refuses quoted local parts and comments, shows IDN in Unicode and routes it in punycode', async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  const to = dialog.getByTestId('compose-to-input');
  await to.fill('"anna virtanen"@kunta.example; pekka@äänekoski.fi, matti@kunta.example (Matti);');
  const chips = dialog.getByTestId('recipient-chip');
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(0)).toHaveAttribute('data-valid', 'false');
  await expect(chips.nth(0)).toContainText('lainausmerkit');
  await expect(chips.nth(1)).toHaveAttribute('data-address', 'pekka@xn--nekoski-4waa.fi');
  await expect(chips.nth(1)).toContainText('pekka@äänekoski.fi');
  await expect(chips.nth(1)).toHaveAttribute('data-route', 'plain');
  await expect(chips.nth(2)).toHaveAttribute('data-valid', 'false');
  await expect(chips.nth(2)).toContainText('kommentit');
  await expect(dialog.getByTestId('invalid-recipients')).toBeVisible();
  await dialog.getByLabel('Aihe').fill('Aukioloajat');
  await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
  await expect(dialog.getByTestId('compose-send')).toBeDisabled();
  await expectAccessible(page, 'recipient chips');
  // Removing the bad chips by keyboard makes the message sendable.
  await dialog.getByRole('button', { name: 'Poista "anna virtanen"@kunta.example' }).press('Enter');
  await dialog.getByRole('button', { name: /Poista matti@kunta\.example/ }).press('Enter');
  await expect(chips).toHaveCount(1);
  await expect(dialog.getByTestId('compose-send')).toBeEnabled();
});

test.describe('with a 1 MB attachment limit', () => {
  test.use({ managedPolicy: { version: 1, attachments: { maxSizeMb: 1 } } });

  test('drops files on the composer, shows the limit and refuses an oversized file before sending', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await expect(dialog.getByTestId('attachment-limit')).toContainText('enintään 1 Mt');
    await dialog.getByTestId('compose-to-input').fill(own);
    await dialog.getByLabel('Aihe').fill('Liitteet');
    await dropFile(page, dialog.getByTestId('compose-text'), 'muistio.txt', 2048);
    await expect(dialog.getByTestId('compose-attachment')).toHaveCount(1);
    await expect(dialog.getByTestId('compose-attachment')).toContainText('muistio.txt (2 kB)');
    await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'plain');
    await expect(dialog.getByTestId('compose-send')).toBeEnabled();
    await dropFile(page, dialog.getByTestId('attachment-drop-zone'), 'iso.txt', 1536 * 1024);
    const big = dialog.getByTestId('compose-attachment').filter({ hasText: 'iso.txt' });
    await expect(big).toHaveAttribute('data-too-large', 'true');
    await expect(big).toContainText('liian suuri, enintään 1 Mt');
    await expect(dialog.getByTestId('compose-send')).toBeDisabled();
    await expect(dialog.getByTestId('blocked-attachment-too-large')).toBeVisible();
    await expectAccessible(page, 'attachments over the limit');
    await dialog.getByRole('button', { name: 'Poista liite iso.txt' }).click();
    await expect(dialog.getByTestId('compose-send')).toBeEnabled();
  });
});

test('signatures and saved replies: edited in settings, inserted in the composer', async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('compose').click();
  const dialog = page.getByTestId('compose-dialog');
  await dialog.getByTestId('insert-menu').click();
  await page.getByTestId('manage-compose-settings').click();
  const settings = page.getByTestId('compose-settings-dialog');
  await settings.getByTestId('signature-locale').selectOption('sv-FI');
  await settings.getByTestId('signature-text').fill('Med vänliga hälsningar\nDemo');
  await settings.getByTestId('add-template').click();
  await settings.getByTestId('template-name').fill('Kiitos yhteydenotosta');
  await settings.getByTestId('template-text').fill('Kiitos viestistäsi, palaamme asiaan pian.');
  await expectAccessible(page, 'signatures and saved replies');
  await settings.getByTestId('save-compose-settings').click();
  await expect(settings).toBeHidden();

  await dialog.getByTestId('insert-menu').click();
  await page.getByTestId('insert-template').click();
  await expect(dialog.getByTestId('compose-text')).toHaveValue('Kiitos viestistäsi, palaamme asiaan pian.');
  await dialog.getByTestId('insert-menu').click();
  await page.locator('[data-testid="insert-signature"][data-locale="sv-FI"]').click();
  await expect(dialog.getByTestId('compose-text')).toHaveValue('Kiitos viestistäsi, palaamme asiaan pian.\n\n-- \nMed vänliga hälsningar\nDemo');

  // Stored by the main process: a new composer starts with the (only) signature of this sender.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByTestId('compose').click();
  await expect(page.getByTestId('compose-dialog').getByTestId('compose-text')).toHaveValue('\n\n-- \nMed vänliga hälsningar\nDemo');
});

test.describe('with the secure-mail gateway and a required mobile number', () => {
  test.use({
    managedPolicy: {
      version: 1,
      actions: { sensitive: { external: 'gateway' } },
      gateway: { enabled: true, method: 'suffix', suffix: '.s', mobileNumber: 'required' },
    },
  });

  test('an identity code to a client without a key goes through the gateway, and asks for the mobile number for the SMS PIN', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await dialog.getByTestId('compose-to-input').fill('asiakas@example.net,');
    await dialog.getByLabel('Aihe').fill('Asiasi');
    await dialog.getByTestId('compose-text').fill('Hei, henkilötunnuksesi 131052-308T on kirjattu.');
    await expect(dialog.getByTestId('decision-hints')).toHaveAttribute('data-route', 'gateway');
    const chip = dialog.getByTestId('recipient-chip');
    await expect(chip).toHaveAttribute('data-route', 'gateway');
    await expect(chip).toContainText('turvaposti · ei avainta');
    await expect(dialog.getByTestId('route-summary')).toContainText('Turvapostin kautta: asiakas@example.net');
    // Already the secure route: nothing looser to choose.
    await expect(dialog.getByTestId('route-secure')).toHaveCount(0);
    const mobile = dialog.getByTestId('mobile-number');
    await expect(mobile).toHaveAttribute('required', '');
    await expect(dialog.getByTestId('compose-send')).toBeDisabled();
    await expectAccessible(page, 'gateway route with a mobile number');
    await mobile.fill('+358 40 123 4567');
    await expect(dialog.getByTestId('compose-send')).toBeEnabled();
    await dialog.getByTestId('compose-send').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('notice-bar')).toContainText('lähtevien jonossa');
  });
});

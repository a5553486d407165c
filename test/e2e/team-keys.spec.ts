/**
 * Team keys between two people, each in their own Sinetti (browser host) and browser context: the
 * team lead (the server's administer right on Perhepalvelut) creates the team key and grants it to
 * the member's public key; the member, who could not open a team message encrypted to that key,
 * finds the grant in the team's keys folder, compares the lead's fingerprint, imports it, and
 * opens the message decrypted.
 */
import { readFileSync } from 'node:fs';
import { createMessage, encrypt, readKey } from 'openpgp';
import type { Page } from '@playwright/test';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { expect, expectAccessible, startHostAs, test } from './support/sinetti.js';

async function createPersonalKey(page: Page, name: string, email: string): Promise<{ fingerprint: string; grouped: string }> {
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByLabel('Nimi').fill(name);
  await dialog.getByLabel('Sähköpostiosoite').fill(email);
  await dialog.getByTestId('key-generate').click();
  const item = dialog.getByTestId('key-item');
  await expect(item).toHaveCount(1, { timeout: 20_000 });
  return { fingerprint: (await item.getAttribute('data-fingerprint'))!, grouped: await item.getByTestId('key-fingerprint').innerText() };
}

async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
  const download = page.waitForEvent('download');
  await click();
  return readFileSync((await (await download).path())!, 'utf8');
}

test('a team-key grant from the team lead lets the member open a team message that was unreadable before', async ({ page, sinetti, demo, browser }) => {
  void sinetti;
  test.setTimeout(120_000);

  // The member: a personal key, whose public half goes to the lead (as a file).
  const { fingerprint: memberFingerprint } = await createPersonalKey(page, 'Demo Työntekijä', 'demo.tyontekija@sinetti.test');
  const memberDialog = page.getByTestId('keys-dialog');
  const memberPublicKey = await downloadText(page, () => memberDialog.getByTestId('key-item').getByTestId('key-export').click());
  await memberDialog.getByTestId('keys-tab-team').click();
  const memberTeam = memberDialog.locator('[data-testid="team-key-item"][data-team="perhepalvelut"]');
  await expect(memberTeam).toHaveAttribute('data-lead', 'false');
  await expect(memberTeam).toContainText('Sinulla ei ole tämän tiimin avainta');
  await expect(memberTeam.getByTestId('team-key-create-form')).toHaveCount(0);
  await memberDialog.getByRole('button', { name: 'Sulje' }).last().click();
  await expect(memberDialog).toHaveCount(0);

  // The lead, in a Sinetti of their own.
  const leadHost = await startHostAs(demo, { username: demo.teamLead.username, password: demo.teamLead.password, displayName: 'Mikko Korhonen' });
  const leadContext = await browser.newContext({ locale: 'fi-FI' });
  try {
    const lead = await leadContext.newPage();
    await lead.goto(leadHost.host.url);
    const leadKey = await createPersonalKey(lead, 'Mikko Korhonen', `${demo.teamLead.username}@sinetti.test`);
    const leadDialog = lead.getByTestId('keys-dialog');
    await leadDialog.getByTestId('keys-tab-team').click();
    const leadTeam = leadDialog.locator('[data-testid="team-key-item"][data-team="perhepalvelut"]');
    await expect(leadTeam).toHaveAttribute('data-lead', 'true');
    await leadTeam.getByLabel('Tiimin sähköpostiosoite').fill('perhepalvelut@sinetti.test');
    await leadTeam.getByTestId('team-key-create').click();
    await expect(leadTeam.getByTestId('team-key-generation')).toHaveCount(1, { timeout: 20_000 });
    await expectAccessible(lead, 'team keys tab as the team lead');
    const teamPublicKey = await downloadText(lead, () => leadTeam.getByTestId('team-key-export').click());
    expect(teamPublicKey).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(teamPublicKey).not.toContain('PRIVATE');

    // A client writes to the team, encrypted to the team key.
    const subject = `Salattu viesti tiimille ${Date.now()}`;
    const ciphertext = (await encrypt({
      message: await createMessage({ text: 'Content-Type: text/plain; charset=utf-8\r\n\r\nHei, tässä pyytämänne lausunto kotikäynnistä.\r\n' }),
      encryptionKeys: await readKey({ armoredKey: teamPublicKey }),
      format: 'armored',
    })) as string;
    await deliverLmtp(
      demo.lmtpPort,
      'perhepalvelut',
      pgpMimeEnvelope(
        [
          `From: Asiakas <asiakas@example.fi>`,
          'To: perhepalvelut@sinetti.test',
          `Subject: ${subject}`,
          `Date: ${new Date().toUTCString()}`,
          `Message-ID: <e2e-${Date.now()}@example.fi>`,
        ],
        ciphertext,
      ),
    );

    // Before the grant: the member cannot open it.
    await page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"] [data-testid="mailbox-item"]').first().click();
    const row = page.getByTestId('message-row').filter({ hasText: subject });
    await row.click();
    const status = page.getByTestId('crypto-status');
    await expect(status).toHaveAttribute('data-decryption', 'no-key');
    await expect(page.getByTestId('message-view')).not.toContainText('lausunto kotikäynnistä');

    // The lead grants the team key to the member's public key (pasted).
    await leadTeam.getByLabel('Jäsenen julkinen avain (liitä)').fill(memberPublicKey);
    await leadTeam.getByTestId('team-grant').click();
    await expect(leadDialog.getByTestId('notice-bar')).toContainText('Käyttöoikeus annettu');
    await expect(leadTeam.locator(`[data-testid="team-member"][data-fingerprint="${memberFingerprint}"]`)).toBeVisible();
    await expect(leadTeam.getByTestId('team-grant-save')).toBeVisible();

    // The member finds the grant, compares the lead's fingerprint, and imports it.
    await page.getByTestId('open-keys').click();
    await memberDialog.getByTestId('keys-tab-team').click();
    const pending = memberTeam.getByTestId('pending-grant');
    await expect(pending).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
    // What the member reads aloud to the lead is what the lead sees on their own key.
    await expect(pending.getByTestId('grant-lead-fingerprint')).toHaveText(leadKey.grouped);
    expect((await pending.getByTestId('grant-lead-fingerprint').innerText()).replace(/\s/g, '')).toBe(leadKey.fingerprint);
    await expect(pending.getByTestId('grant-import')).toBeDisabled();
    await expectAccessible(page, 'pending team-key grant');
    await pending.getByTestId('grant-confirm-lead').click();
    await pending.getByTestId('grant-import').click();
    await expect(memberDialog.getByTestId('notice-bar')).toContainText('Tiimin Perhepalvelut avain tuotu');
    await expect(memberTeam.getByTestId('team-key-generation')).toHaveCount(1);
    await expect(memberTeam.getByTestId('pending-grant')).toHaveCount(0);
    await memberDialog.getByRole('button', { name: 'Sulje' }).last().click();
    await expect(memberDialog).toHaveCount(0);

    // Now the message opens.
    await page.getByTestId('message-row').filter({ hasNotText: subject }).first().click();
    await row.click();
    await expect(status).toHaveAttribute('data-decryption', 'decrypted');
    await expect(page.getByTestId('message-text')).toContainText('lausunto kotikäynnistä');
    await expectAccessible(page, 'team message decrypted after the grant');
  } finally {
    await leadContext.close();
    await leadHost.stop();
  }
});

test('a grant saved as a file imports after checking it; removing the member rotates the team key', async ({ page, sinetti, demo, browser }) => {
  void sinetti;
  test.setTimeout(120_000);
  await createPersonalKey(page, 'Demo Työntekijä', 'demo.tyontekija@sinetti.test');
  const memberDialog = page.getByTestId('keys-dialog');
  const memberPublicKey = await downloadText(page, () => memberDialog.getByTestId('key-item').getByTestId('key-export').click());

  const leadHost = await startHostAs(demo, { username: demo.teamLead.username, password: demo.teamLead.password, displayName: 'Mikko Korhonen' });
  const leadContext = await browser.newContext({ locale: 'fi-FI' });
  try {
    const lead = await leadContext.newPage();
    await lead.goto(leadHost.host.url);
    const leadKey = await createPersonalKey(lead, 'Mikko Korhonen', `${demo.teamLead.username}@sinetti.test`);
    const leadDialog = lead.getByTestId('keys-dialog');
    await leadDialog.getByTestId('keys-tab-team').click();
    const leadTeam = leadDialog.locator('[data-testid="team-key-item"][data-team="perhepalvelut"]');
    await leadTeam.getByLabel('Tiimin sähköpostiosoite').fill('perhepalvelut@sinetti.test');
    await leadTeam.getByTestId('team-key-create').click();
    await expect(leadTeam.getByTestId('team-key-generation')).toHaveCount(1, { timeout: 20_000 });
    const firstFingerprint = await leadTeam.getByTestId('team-key-fingerprint').innerText();

    // The member's key arrives as a file this time.
    await leadTeam.getByTestId('team-grant-file').setInputFiles({ name: 'demo.asc', mimeType: 'application/pgp-keys', buffer: Buffer.from(memberPublicKey) });
    await expect(leadTeam.getByLabel('Jäsenen julkinen avain (liitä)')).toHaveValue(/BEGIN PGP PUBLIC KEY BLOCK/);
    await leadTeam.getByTestId('team-grant').click();
    await expect(leadTeam.getByTestId('team-member')).toHaveCount(1);
    const grantFile = await downloadText(lead, () => leadTeam.getByTestId('team-grant-save').click());
    expect(grantFile).toContain('BEGIN PGP MESSAGE');
    expect(grantFile).not.toContain('PRIVATE KEY');

    // The member imports the saved grant from the file, after checking it.
    await memberDialog.getByTestId('keys-tab-team').click();
    await memberDialog.getByTestId('team-grant-file-input').setInputFiles({ name: 'grant.asc', mimeType: 'text/plain', buffer: Buffer.from(grantFile) });
    await memberDialog.getByTestId('team-grant-preview').click();
    const preview = memberDialog.getByTestId('team-keys-panel').getByTestId('grant-preview').getByTestId('pending-grant');
    await expect(preview).toHaveAttribute('data-state', 'ready');
    await expect(preview.getByTestId('grant-lead-fingerprint')).toHaveText(leadKey.grouped);
    await preview.getByTestId('grant-confirm-lead').click();
    await preview.getByTestId('grant-import').click();
    const memberTeam = memberDialog.locator('[data-testid="team-key-item"][data-team="perhepalvelut"]');
    await expect(memberTeam.getByTestId('team-key-fingerprint')).toHaveText(firstFingerprint);
    await expectAccessible(page, 'team key imported from a file');

    // The lead removes the member: a second generation, sealed to nobody else here.
    await leadTeam.getByTestId('team-member-remove').click();
    await expect(leadTeam).toContainText('luo tiimille uuden avaimen');
    await leadTeam.getByTestId('team-member-remove-confirm').click();
    await expect(leadDialog.getByTestId('notice-bar')).toContainText('sukupolvi 2');
    await expect(leadTeam.getByTestId('team-key-generation')).toHaveCount(2);
    await expect(leadTeam.locator('[data-testid="team-key-generation"][data-current="true"]')).toHaveAttribute('data-generation', '2');
    await expect(leadTeam.getByTestId('team-member')).toHaveCount(0);
    await expectAccessible(lead, 'team key rotated after removing a member');

    // The removed member keeps the first generation for old mail and gets nothing new.
    await memberDialog.getByTestId('team-keys-refresh').click();
    await expect(memberTeam.getByTestId('team-key-generation')).toHaveCount(1);
    await expect(memberTeam.getByTestId('pending-grant')).toHaveCount(0);
  } finally {
    await leadContext.close();
    await leadHost.stop();
  }
});

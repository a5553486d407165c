/**
 * The audit trail end to end: a client message naming the client's identity code is opened in the
 * demo team mailbox; then the client's identity code is looked up and the access is listed (who,
 * which action, which mailbox), and the answer is exported as a PDF.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hetuCheckCharacter } from '../../main/services/policy/detectors/hetu.js';
import { deliverLmtp } from '../support/lmtp-deliver.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

// The organisation's pseudonym key, as IT would set it in the managed policy (a test key).
test.use({ managedPolicy: { version: 1, audit: { pseudonymKey: Buffer.alloc(32, 5).toString('base64') } } });

test('an opened client message is found by the identity code, and the answer exports as a PDF', async ({ page, sinetti, demo }) => {
  void sinetti;
  // A temporary-range code (individual number 900–999), unique to this run.
  const first10 = `0${1 + (randomBytes(1)[0]! % 8)}0690-9${String(randomBytes(1)[0]! % 100).padStart(2, '0')}`;
  const code = first10 + hetuCheckCharacter(first10);
  const subject = `Asiakkaan yhteydenotto ${randomBytes(3).toString('hex')}`;
  const raw = [
    'From: Asiakas <asiakas@example.fi>',
    'To: perhepalvelut@sinetti.test',
    `Subject: ${subject}`,
    `Message-ID: <${randomBytes(6).toString('hex')}@example.fi>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hei, henkilötunnukseni on ${code}. Voinko varata ajan?`,
    '',
  ].join('\r\n');
  await deliverLmtp(demo.lmtpPort, 'perhepalvelut', raw);

  await page.locator('[data-testid="mailbox-group"][data-label="Perhepalvelut"] [data-testid="mailbox-item"]').first().click();
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  await expect(page.getByTestId('message-text')).toContainText('Voinko varata ajan');

  await page.getByTestId('open-audit').click();
  const dialog = page.getByTestId('audit-dialog');
  await dialog.getByTestId('audit-term').fill(code);
  await dialog.getByTestId('audit-search').click();
  const rows = dialog.getByTestId('audit-rows').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-action', 'message.opened');
  await expect(rows.first()).toContainText(demo.person.username);
  await expect(rows.first()).toContainText('perhepalvelut');
  // The results never repeat the code typed.
  await expect(dialog.getByTestId('audit-result')).not.toContainText(code);
  await expectAccessible(page, 'audit lookup with results');

  const download = page.waitForEvent('download');
  await dialog.getByTestId('audit-export-pdf').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^sinetti-lokitiedot-.*\.pdf$/);
  const bytes = readFileSync((await file.path())!);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(bytes.includes(Buffer.from(code))).toBe(false);

  // The trail on this workstation is whole.
  await dialog.getByTestId('audit-tab-verify').click();
  await dialog.getByTestId('audit-verify').click();
  await expect(dialog.getByTestId('audit-verification')).toHaveAttribute('data-ok', 'true');
  await expectAccessible(page, 'audit verification');
});

/** The secure-send policy in the settings view: the organisation's values with their source, and a broken policy named exactly. */
import { expect, expectAccessible, test } from './support/sinetti.js';

test.describe('with a managed policy', () => {
  test.use({
    managedPolicy: {
      version: 1,
      organisation: { name: 'Esimerkin hyvinvointialue' },
      domains: { internal: ['sinetti.test'] },
      gateway: { enabled: true, suffix: '.s' },
    },
  });

  test('shows each value with the layer that set it', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('open-policy').click();
    const dialog = page.getByTestId('policy-dialog');
    await expect(dialog.getByTestId('policy-managed-state')).toHaveAttribute('data-status', 'ok');
    await expect(dialog.getByTestId('policy-managed-state')).toContainText('Organisaatiosi käytäntö on voimassa');
    const row = (path: string) => dialog.locator(`tr[data-path="${path}"]`);
    await expect(row('domains.internal')).toHaveAttribute('data-source', 'managed');
    await expect(row('domains.internal')).toContainText('sinetti.test');
    await expect(row('domains.internal')).toContainText('Organisaatio');
    await expect(row('gateway.enabled')).toContainText('true');
    await expect(row('actions.sensitive.external')).toHaveAttribute('data-source', 'builtin');
    await expect(row('actions.sensitive.external')).toContainText('encrypt');
    await expectAccessible(page, 'policy dialog');

    // Own preferences tighten; a looser one is kept but not applied.
    await dialog.getByTestId('policy-action-notSensitive-external').selectOption('justify');
    await expect(row('actions.notSensitive.external')).toHaveAttribute('data-source', 'user');
    await expect(row('actions.notSensitive.external')).toContainText('justify');
    await dialog.getByTestId('policy-action-sensitive-external').selectOption('allow');
    await expect(dialog.getByTestId('policy-ignored')).toContainText('actions.sensitive.external');
    await expect(row('actions.sensitive.external')).toContainText('encrypt');
  });
});

test.describe('with a broken managed policy', () => {
  test.use({ managedPolicy: { version: 1, gateway: { enabld: true } } });

  test('says the policy is invalid and names the field', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('open-policy').click();
    const dialog = page.getByTestId('policy-dialog');
    await expect(dialog.getByTestId('policy-managed-state')).toHaveAttribute('data-status', 'invalid');
    await expect(dialog.getByTestId('policy-problems')).toHaveText('gateway: unknown field "enabld"');
    await expect(dialog.getByTestId('policy-values')).toHaveCount(0);
    await expectAccessible(page, 'policy dialog with an invalid policy');
  });
});

test.describe('with a broken managed policy, in the composer', () => {
  test.use({ managedPolicy: { version: 1, actions: { sensitive: { externall: 'allow' } } } });

  test('nothing can be sent, and the composer names the problem', async ({ page, sinetti }) => {
    void sinetti;
    await page.getByTestId('compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await dialog.getByLabel('Vastaanottajat').fill('asiakas@example.net');
    await dialog.getByLabel('Viesti', { exact: true }).fill('Hei');
    const error = dialog.getByTestId('error-bar');
    await expect(error).toHaveAttribute('data-code', 'POLICY_INVALID');
    await expect(error).toContainText('actions.sensitive: unknown field "externall"');
    await expect(dialog.getByTestId('compose-send')).toBeDisabled();
  });
});

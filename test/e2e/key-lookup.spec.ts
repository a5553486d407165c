/**
 * Looking a correspondent's key up from the Keys dialog: the browser host's WKD lookup goes to a
 * real HTTPS server this test starts (its throwaway CA trusted, the host name mapped to loopback
 * through SINETTI_KEY_LOOKUP_TEST_FILE — TLS still checks the name). The answer is a candidate
 * with its fingerprint; the key comes in, unverified, only when the person imports it.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from 'openpgp';
import { wkdUrls } from '../../main/services/crypto/wkd.js';
import { makeTestCertificates } from '../support/test-ca.js';
import { expect, expectAccessible, test } from './support/sinetti.js';

const work = mkdtempSync(join(tmpdir(), 'sinetti-e2e-lookup-'));
const lookupFile = join(work, 'lookup.json');
const address = 'sosiaalityo@kunta.example';
let server: Server;

test.use({ hostEnv: { SINETTI_KEY_LOOKUP_TEST_FILE: lookupFile } });

test.beforeAll(async () => {
  const certs = await makeTestCertificates(join(work, 'tls'), { dns: ['openpgpkey.kunta.example'] });
  const { publicKey } = await generateKey({ userIDs: [{ name: 'Sosiaalityö', email: address }], type: 'ecc', curve: 'curve25519Legacy', format: 'binary' });
  const { advanced } = wkdUrls(address);
  server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    if (req.headers.host === 'openpgpkey.kunta.example' && req.url?.split('?')[0] === advanced.pathname)
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(publicKey));
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  writeFileSync(
    lookupFile,
    JSON.stringify({ hosts: { 'openpgpkey.kunta.example': `127.0.0.1:${(server.address() as AddressInfo).port}` }, caPem: certs.caCertPem }),
  );
});

test.afterAll(() => {
  server?.closeAllConnections();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

test("looks a correspondent's key up by WKD and imports the candidate only when asked", async ({ page, sinetti }) => {
  void sinetti;
  await page.getByTestId('open-keys').click();
  const dialog = page.getByTestId('keys-dialog');
  await dialog.getByTestId('keys-tab-contacts').click();
  await dialog.getByTestId('contacts-lookup-address').fill(address);
  await dialog.getByTestId('contacts-lookup').click();
  const result = dialog.getByTestId('contacts-lookup-result');
  await expect(result).toContainText('Verkkoavainhakemisto (WKD) – avain löytyi');
  const candidate = result.getByTestId('lookup-candidate');
  await expect(candidate).toHaveCount(1);
  await expect(candidate).toContainText(address);
  await expect(candidate).toContainText(/([0-9A-F]{4} ){4}[0-9A-F]{4} {2}([0-9A-F]{4} ){4}[0-9A-F]{4}/);
  // Found is not imported.
  await expect(dialog.getByTestId('contacts-none')).toBeVisible();
  await expectAccessible(page, 'key lookup result');

  const fingerprint = await candidate.getAttribute('data-fingerprint');
  await candidate.getByTestId('lookup-candidate-import').click();
  const item = dialog.getByTestId('contact-key');
  await expect(item).toHaveAttribute('data-fingerprint', fingerprint!);
  await expect(item).toHaveAttribute('data-state', 'unverified');
  await expect(item).toContainText('Verkkoavainhakemisto (WKD)');
});

/**
 * Looking correspondents' keys up against real local HTTPS servers started here: Web Key
 * Directory by the advanced method, by the direct method (when the openpgpkey subdomain does not
 * exist), and a VKS keyserver (keys.openpgp.org protocol), all through the contract. TLS is real:
 * a throwaway CA signs certificates for the WKD and keyserver host names, the services trust it
 * as their extra CA, and an untrusted or mismatched certificate fails.
 *
 * Why `keyLookupConnectTo`: WKD needs the real host names in the URL (openpgpkey.<domain>, the
 * domain itself) and port 443. The services build exactly those URLs; the test only decides where
 * the socket goes (127.0.0.1:<port>) and which names do not exist (DNS failure). TLS still checks
 * the certificate against the *name*, so the production code path is exercised end to end.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchKeyData } from '../../main/services/crypto/https-key-fetch.js';
import { OPENPGP_CONFIG } from '../../main/services/crypto/openpgp-policy.js';
import { wkdUrls } from '../../main/services/crypto/wkd.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { makeTestCertificates, type TestCertificates } from '../support/test-ca.js';

const NAMES = ['openpgpkey.kunta.example', 'kunta.example', 'pieni.example', 'openpgpkey.muu.example', 'muu.example', 'keys.vks.example', 'slow.vks.example'];

interface Served {
  status: number;
  body: Buffer | string;
  contentType?: string;
  delayMs?: number;
}

let certs: TestCertificates;
let server: Server;
let port: number;
/** host + path → answer; everything else 404. */
const routes = new Map<string, Served>();
const requests: { host: string; path: string }[] = [];
let t: TestServices;

const connectTo = (hostname: string) => {
  // pieni.example has no openpgpkey subdomain: DNS says so, and the direct method is used.
  if (!NAMES.includes(hostname) || hostname === 'openpgpkey.pieni.example')
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return { host: '127.0.0.1', port };
};

async function key(email: string, options: { rsaBits?: number; binary?: boolean } = {}) {
  const base = { userIDs: [{ name: 'Kirjeenvaihtaja', email }], config: options.rsaBits ? { minRSABits: options.rsaBits } : OPENPGP_CONFIG };
  const typed = options.rsaBits
    ? { ...base, type: 'rsa' as const, rsaBits: options.rsaBits }
    : { ...base, type: 'ecc' as const, curve: 'curve25519Legacy' as const };
  if (options.binary) return Buffer.from((await generateKey({ ...typed, format: 'binary' })).publicKey);
  return (await generateKey({ ...typed, format: 'armored' })).publicKey;
}

function serve(url: URL, answer: Served) {
  routes.set(`${url.hostname}${url.pathname}`, answer);
}

beforeAll(async () => {
  certs = await makeTestCertificates(mkdtempSync(join(tmpdir(), 'sinetti-wkd-tls-')), { dns: NAMES });
  server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    requests.push({ host, path });
    const answer = routes.get(`${host}${path.split('?')[0]}`);
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/octet-stream' });
      res.end(answer.body);
    }, answer.delayMs ?? 0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-lookup-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ version: 1, crypto: { wkd: true, keyserver: 'https://keys.vks.example' } }));
  t = await createTestServices({ caCertPem: certs.caCertPem, managedPolicyPath: policyFile, keyLookupConnectTo: connectTo });
}, 60_000);

afterAll(async () => {
  await t?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('key lookup over HTTPS', () => {
  it('finds a key by WKD (advanced method), offers only keys carrying the address, and imports it only when asked', async () => {
    const anna = await key('anna.asiakas@kunta.example', { binary: true });
    const other = await key('joku.muu@kunta.example', { binary: true });
    const { advanced } = wkdUrls('Anna.Asiakas@kunta.example');
    serve(advanced, { status: 200, body: Buffer.concat([anna as Buffer, other as Buffer]) });
    requests.length = 0;

    const result = await t.value('crypto:contacts:lookup', { address: 'Anna.Asiakas@kunta.example' });
    expect(result.tried).toEqual([{ method: 'wkd', outcome: 'found' }]);
    expect(result.candidates).toEqual([expect.objectContaining({ source: 'wkd', addresses: ['anna.asiakas@kunta.example'], alreadyKnown: false })]);
    // The advanced URL exactly: openpgpkey.<domain>, the domain in the path, the hash, the local part as given.
    expect(requests).toEqual([
      { host: 'openpgpkey.kunta.example', path: '/.well-known/openpgpkey/kunta.example/hu/' + advanced.pathname.split('/').pop() + '?l=Anna.Asiakas' },
    ]);
    // WKD found it: the keyserver (a third party) was not asked.
    expect(requests.some((r) => r.host === 'keys.vks.example')).toBe(false);
    // A lookup alone changes nothing.
    expect(await t.value('crypto:contacts:list', {})).toEqual([]);

    const imported = await t.value('crypto:contacts:import', { candidateId: result.candidates[0]!.candidateId });
    expect(imported).toEqual([expect.objectContaining({ source: 'wkd', state: 'unverified', fingerprint: result.candidates[0]!.fingerprint })]);
    // A candidate is used once.
    expect(await t.call('crypto:contacts:import', { candidateId: result.candidates[0]!.candidateId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const again = await t.value('crypto:contacts:lookup', { address: 'anna.asiakas@kunta.example' });
    expect(again.candidates[0]).toMatchObject({ alreadyKnown: true });
  });

  it('uses the direct method when the openpgpkey subdomain does not exist', async () => {
    const { direct } = wkdUrls('pekka@pieni.example');
    serve(direct, { status: 200, body: (await key('pekka@pieni.example', { binary: true })) as Buffer });
    requests.length = 0;
    const result = await t.value('crypto:contacts:lookup', { address: 'pekka@pieni.example' });
    expect(result.tried).toEqual([{ method: 'wkd', outcome: 'found' }]);
    expect(result.candidates).toEqual([expect.objectContaining({ source: 'wkd', addresses: ['pekka@pieni.example'] })]);
    expect(requests).toEqual([{ host: 'pieni.example', path: `/.well-known/openpgpkey/hu/${direct.pathname.split('/').pop()}?l=pekka` }]);
  });

  it('asks the VKS keyserver when WKD has no key (an existing subdomain answering 404 is not retried directly)', async () => {
    serve(new URL('https://keys.vks.example/vks/v1/by-email/bob%2Btiimi%40muu.example'), {
      status: 200,
      body: (await key('bob+tiimi@muu.example')) as string,
      contentType: 'application/pgp-keys',
    });
    requests.length = 0;
    const result = await t.value('crypto:contacts:lookup', { address: 'bob+tiimi@muu.example' });
    expect(result.tried).toEqual([
      { method: 'wkd', outcome: 'none' },
      { method: 'vks', outcome: 'found' },
    ]);
    expect(result.candidates).toEqual([expect.objectContaining({ source: 'vks', addresses: ['bob+tiimi@muu.example'] })]);
    expect(requests.map((r) => r.host)).toEqual(['openpgpkey.muu.example', 'keys.vks.example']);
    expect(requests[1]!.path).toBe('/vks/v1/by-email/bob%2Btiimi%40muu.example');
    const [imported] = await t.value('crypto:contacts:import', { candidateId: result.candidates[0]!.candidateId });
    expect(imported).toMatchObject({ source: 'vks', state: 'unverified' });
  });

  it('refuses a weak key a directory serves, with the reason, and offers nothing', async () => {
    const { advanced } = wkdUrls('vanha@kunta.example');
    serve(advanced, { status: 200, body: (await key('vanha@kunta.example', { rsaBits: 1024, binary: true })) as Buffer });
    const result = await t.value('crypto:contacts:lookup', { address: 'vanha@kunta.example' });
    expect(result.candidates).toEqual([]);
    expect(result.tried[0]).toEqual({ method: 'wkd', outcome: 'refused', detail: expect.stringMatching(/RSA 1024/) });
  });

  it('does not follow redirects and reports a server error', async () => {
    const { advanced } = wkdUrls('ohjaus@kunta.example');
    serve(advanced, { status: 302, body: '' });
    const result = await t.value('crypto:contacts:lookup', { address: 'ohjaus@kunta.example' });
    expect(result.tried[0]).toEqual({ method: 'wkd', outcome: 'failed', detail: 'SERVER' });
  });
});

describe('the HTTPS fetch underneath', () => {
  it('fails on a certificate from an untrusted CA and on a name the certificate does not carry', async () => {
    const url = new URL('https://keys.vks.example/vks/v1/by-email/x%40y.example');
    const stranger = await makeTestCertificates(mkdtempSync(join(tmpdir(), 'sinetti-wkd-other-ca-')), { dns: ['keys.vks.example'] });
    await expect(fetchKeyData(url, 'application/pgp-keys', { extraCaPem: stranger.caCertPem, connectTo })).rejects.toMatchObject({ code: 'TLS_CERTIFICATE' });
    // Without the test CA at all: the system roots do not know it either.
    await expect(fetchKeyData(url, 'application/pgp-keys', { connectTo })).rejects.toMatchObject({ code: 'TLS_CERTIFICATE' });
    await expect(
      fetchKeyData(new URL('https://wrong.example/x'), 'application/pgp-keys', { extraCaPem: certs.caCertPem, connectTo: () => ({ host: '127.0.0.1', port }) }),
    ).rejects.toMatchObject({ code: 'TLS_CERTIFICATE' });
    await expect(fetchKeyData(new URL('http://keys.vks.example/x'), 'application/pgp-keys', { extraCaPem: certs.caCertPem, connectTo })).rejects.toMatchObject({
      code: 'UNSAFE_URL',
    });
  });

  it('cuts off an answer over the size limit and gives up after the deadline', async () => {
    const big = new URL('https://keys.vks.example/vks/v1/by-email/big%40y.example');
    serve(big, { status: 200, body: Buffer.alloc(300 * 1024, 0x41) });
    await expect(fetchKeyData(big, 'application/pgp-keys', { extraCaPem: certs.caCertPem, connectTo })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const slow = new URL('https://slow.vks.example/vks/v1/by-email/slow%40y.example');
    serve(slow, { status: 200, body: 'x', delayMs: 5_000 });
    const started = Date.now();
    await expect(fetchKeyData(slow, 'application/pgp-keys', { extraCaPem: certs.caCertPem, connectTo, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

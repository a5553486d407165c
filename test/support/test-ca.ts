/**
 * A throwaway CA and one server certificate signed by it, made with openssl: for every local TLS
 * server the tests start (Dovecot, the WKD and keyserver stand-ins). Writes `ca.pem`, `server.pem`
 * and `server.key` into `dir`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

export async function makeTestCertificates(dir: string, san: { dns: string[]; ips?: string[] }): Promise<TestCertificates> {
  mkdirSync(dir, { recursive: true });
  const ca = join(dir, 'ca');
  const server = join(dir, 'server');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '30',
    '-subj',
    '/CN=Sinetti Test CA',
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.pem`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${san.dns[0] ?? 'localhost'}`,
    '-keyout',
    `${server}.key`,
    '-out',
    `${server}.csr`,
  ]);
  const ext = join(dir, 'server.ext');
  const names = [...san.dns.map((d) => `DNS:${d}`), ...(san.ips ?? []).map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(ext, `subjectAltName=${names}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    `${server}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    ext,
    '-out',
    `${server}.pem`,
  ]);
  return {
    caCertPem: readFileSync(`${ca}.pem`, 'utf8'),
    certPem: readFileSync(`${server}.pem`, 'utf8'),
    keyPem: readFileSync(`${server}.key`, 'utf8'),
    certPath: `${server}.pem`,
    keyPath: `${server}.key`,
  };
}

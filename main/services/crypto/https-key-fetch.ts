/**
 * Trust boundary: the only network reads of the keyring (WKD, VKS). Invariants: https only with
 * the certificate verified against the system roots (plus the host's extra CA for test servers)
 * and TLS 1.2 or later; no redirects followed; a deadline for the whole request; the body is
 * cut off past a size limit; nothing but the URL's host ever sees the request.
 */
import { request } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ServiceError } from '../../../shared/result.js';

export interface KeyFetchOptions {
  /** Extra trusted CA (PEM), added to the system roots: the host's test CA. */
  extraCaPem?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Where to open the socket for a host name (default: DNS and port 443). Tests point names such
   * as openpgpkey.example.org at a local server; TLS still verifies the certificate for the name.
   */
  connectTo?: (hostname: string) => { host: string; port: number } | null;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_FETCH_MAX_BYTES = 256 * 1024;

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ALTNAME|HOSTNAME_MISMATCH/;

/** GET a URL; the body on 200, null on 404 or 410 (no key there), a ServiceError otherwise. */
export function fetchKeyData(url: URL, accept: string, options: KeyFetchOptions = {}): Promise<Buffer | null> {
  if (url.protocol !== 'https:') return Promise.reject(new ServiceError('UNSAFE_URL', 'Keys are looked up over https only.'));
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let target: { host: string; port: number };
  try {
    target = options.connectTo?.(hostname) ?? { host: hostname, port: url.port ? Number(url.port) : 443 };
  } catch (error) {
    return Promise.reject(classify(error));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: ServiceError | null, value?: Buffer | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(value ?? null);
    };
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, accept, 'user-agent': 'Sinetti' },
        ...(isIP(hostname) ? {} : { servername: hostname }),
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(options.extraCaPem ? { ca: [...rootCertificates, options.extraCaPem] } : {}),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 404 || status === 410) {
          res.resume();
          return finish(null, null);
        }
        if (status !== 200) {
          res.resume();
          return finish(
            new ServiceError('SERVER', `The key server answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}.`),
          );
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          req.destroy();
          return finish(new ServiceError('TOO_LARGE', `The key server's answer is larger than ${maxBytes} bytes.`));
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            req.destroy();
            return finish(new ServiceError('TOO_LARGE', `The key server's answer is larger than ${maxBytes} bytes.`));
          }
          chunks.push(chunk);
        });
        res.on('end', () => finish(null, Buffer.concat(chunks)));
        res.on('error', (error) => finish(classify(error)));
      },
    );
    const deadline = setTimeout(() => {
      finish(new ServiceError('TIMEOUT', 'The key server did not answer in time.'));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish(classify(error)));
    req.end();
  });
}

function classify(error: unknown): ServiceError {
  const code = String((error as { code?: string }).code ?? '');
  const message = (error as Error).message ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ServiceError('DNS', "The key server's name could not be found (DNS).", { cause: error });
  if (code === 'ECONNREFUSED') return new ServiceError('CONNECTION_REFUSED', 'The key server refused the connection.', { cause: error });
  if (CERT_CODES.test(code) || /certificate/i.test(message))
    return new ServiceError('TLS_CERTIFICATE', "The key server's TLS certificate is not trusted or does not match its name.", { cause: error });
  if (/EPROTO|ERR_SSL|ERR_TLS/.test(code))
    return new ServiceError('TLS_FAILED', 'A secure (TLS) connection to the key server could not be set up.', { cause: error });
  if (code === 'ETIMEDOUT') return new ServiceError('TIMEOUT', 'The key server did not answer in time.', { cause: error });
  return new ServiceError('CONNECTION_LOST', 'The connection to the key server was lost.', { cause: error });
}

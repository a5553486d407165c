/**
 * Web Key Directory addresses (draft-koch-openpgp-webkey-service): the local part, lower-cased,
 * hashed with SHA-1 and written in z-base-32; the advanced method on the openpgpkey subdomain,
 * the direct method on the domain itself.
 */
import { createHash } from 'node:crypto';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

export interface WkdUrls {
  advanced: URL;
  direct: URL;
}

/** Both WKD URLs for an address; the `l` parameter carries the local part as given. */
export function wkdUrls(address: string): WkdUrls {
  const at = address.lastIndexOf('@');
  if (at < 1) throw new Error('not an e-mail address');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const hash = zbase32(createHash('sha1').update(local.toLowerCase(), 'utf8').digest());
  const l = encodeURIComponent(local);
  return {
    advanced: new URL(`https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hash}?l=${l}`),
    direct: new URL(`https://${domain}/.well-known/openpgpkey/hu/${hash}?l=${l}`),
  };
}

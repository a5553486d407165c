/**
 * The Autocrypt header (Autocrypt Level 1, section 2.1): `addr=…; [prefer-encrypt=mutual;]
 * keydata=<base64>`. A header with an unknown critical attribute (one not starting with `_`) is
 * ignored, as are messages with more than one Autocrypt header or whose addr is not the single
 * From address — so a message cannot offer a key for someone other than its own sender.
 */

export interface AutocryptHeader {
  addr: string;
  keydata: Uint8Array;
  preferEncrypt: 'mutual' | 'nopreference';
}

const KNOWN = new Set(['addr', 'keydata', 'prefer-encrypt']);

export function parseAutocryptHeader(value: string): AutocryptHeader | null {
  const attributes = new Map<string, string>();
  for (const part of value.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) return null;
    const name = trimmed.slice(0, eq).trim().toLowerCase();
    if (attributes.has(name)) return null;
    if (!KNOWN.has(name) && !name.startsWith('_')) return null;
    attributes.set(name, trimmed.slice(eq + 1).trim());
  }
  const addr = attributes.get('addr')?.toLowerCase();
  const keydata = attributes.get('keydata')?.replace(/\s+/g, '');
  if (!addr || !/^[^\s@]+@[^\s@]+$/.test(addr) || !keydata || !/^[A-Za-z0-9+/]+=*$/.test(keydata)) return null;
  return {
    addr,
    keydata: new Uint8Array(Buffer.from(keydata, 'base64')),
    preferEncrypt: attributes.get('prefer-encrypt') === 'mutual' ? 'mutual' : 'nopreference',
  };
}

/** The raw header block (as IMAP returns it for HEADER.FIELDS) → the one valid Autocrypt header for `from`, or null. */
export function autocryptFor(rawHeaders: string, from: string): AutocryptHeader | null {
  const unfolded = rawHeaders.replace(/\r?\n[ \t]+/g, ' ');
  const values = unfolded
    .split(/\r?\n/)
    .filter((line) => /^autocrypt\s*:/i.test(line))
    .map((line) => line.slice(line.indexOf(':') + 1));
  if (values.length !== 1 || !from) return null;
  const header = parseAutocryptHeader(values[0]!);
  return header && header.addr === from.toLowerCase() ? header : null;
}

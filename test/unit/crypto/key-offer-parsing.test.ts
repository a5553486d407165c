/**
 * Where correspondents' keys are found: the WKD address (the draft's own test vector), the
 * Autocrypt header (only for the message's own single sender, unknown critical attributes
 * refused), and the contract's strict shapes for the keyring channels.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { autocryptFor, parseAutocryptHeader } from '../../../main/services/crypto/autocrypt-header.js';
import { OPENPGP_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { wkdUrls, zbase32 } from '../../../main/services/crypto/wkd.js';
import { describeKeyOffer } from '../../../main/services/mail/key-offer.js';
import { createTestServices } from '../../support/services-harness.js';

async function keydata(email: string) {
  const { publicKey } = await generateKey({ userIDs: [{ email }], type: 'ecc', curve: 'curve25519Legacy', format: 'binary', config: OPENPGP_CONFIG });
  return Buffer.from(publicKey as Uint8Array).toString('base64');
}

describe('WKD addresses', () => {
  it('hashes the lower-cased local part (draft-koch test vector) for the advanced and direct methods', () => {
    const { advanced, direct } = wkdUrls('Joe.Doe@Example.ORG');
    expect(advanced.href).toBe('https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
    expect(direct.href).toBe('https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
    // 11110|000(00): the last group is padded with zero bits.
    expect(zbase32(new Uint8Array([0xf0]))).toBe('6y');
  });
});

describe('Autocrypt header', () => {
  it('reads addr, prefer-encrypt and folded keydata', async () => {
    const data = await keydata('anna@example.net');
    const folded = data.replace(/(.{60})/g, '$1\r\n ');
    const raw = `Autocrypt: addr=Anna@Example.net; prefer-encrypt=mutual; keydata=\r\n ${folded}\r\n\r\n`;
    const header = autocryptFor(raw, 'anna@example.net');
    expect(header).toMatchObject({ addr: 'anna@example.net', preferEncrypt: 'mutual' });
    expect(Buffer.from(header!.keydata).toString('base64')).toBe(data);
  });

  it('ignores a header for another address, two headers, and unknown critical attributes', async () => {
    const data = await keydata('anna@example.net');
    expect(autocryptFor(`Autocrypt: addr=anna@example.net; keydata=${data}\r\n`, 'mallory@example.net')).toBeNull();
    expect(
      autocryptFor(`Autocrypt: addr=anna@example.net; keydata=${data}\r\nAutocrypt: addr=anna@example.net; keydata=${data}\r\n`, 'anna@example.net'),
    ).toBeNull();
    expect(parseAutocryptHeader(`addr=anna@example.net; type=1; keydata=${data}`)).toBeNull();
    expect(parseAutocryptHeader(`addr=anna@example.net; _extra=1; keydata=${data}`)).not.toBeNull();
    expect(parseAutocryptHeader('addr=anna@example.net')).toBeNull();
  });

  it("offers only a key that carries the sender's address; attachments are offered by type", async () => {
    const own = await keydata('anna@example.net');
    const someoneElse = await keydata('mallory@example.net');
    const offer = await describeKeyOffer(`Autocrypt: addr=anna@example.net; keydata=${own}\r\n`, 'anna@example.net', []);
    expect(offer).toMatchObject({ source: 'autocrypt', known: false, fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/) });
    // The header says anna, the key inside is mallory's: no offer.
    expect(await describeKeyOffer(`Autocrypt: addr=anna@example.net; keydata=${someoneElse}\r\n`, 'anna@example.net', [])).toBeNull();
    expect(await describeKeyOffer('', 'anna@example.net', [{ partId: '2', filename: 'anna.asc', mimeType: 'application/pgp-keys', size: 900 }])).toEqual({
      source: 'attachment',
      known: false,
    });
    expect(await describeKeyOffer('', 'anna@example.net', [{ partId: '2', filename: 'lasku.pdf', mimeType: 'application/pdf', size: 900 }])).toBeNull();
  });
});

describe('crypto:contacts over the contract', () => {
  it('refuses malformed requests and a verification without the fingerprint comparison', async () => {
    const t = await createTestServices();
    try {
      const { publicKey } = await generateKey({
        userIDs: [{ email: 'anna@example.net' }],
        type: 'ecc',
        curve: 'curve25519Legacy',
        format: 'armored',
        config: OPENPGP_CONFIG,
      });
      const [key] = await t.value('crypto:contacts:import', { armored: publicKey });
      expect(JSON.stringify(key)).not.toContain('BEGIN PGP');
      // A binary key file (.gpg) as the file picker sends it.
      const { publicKey: binary } = await generateKey({
        userIDs: [{ email: 'bin@example.net' }],
        type: 'ecc',
        curve: 'curve25519Legacy',
        format: 'binary',
        config: OPENPGP_CONFIG,
      });
      expect(await t.value('crypto:contacts:import', { binaryBase64: Buffer.from(binary).toString('base64') })).toEqual([
        expect.objectContaining({ addresses: ['bin@example.net'], source: 'file' }),
      ]);
      expect(await t.call('crypto:contacts:import', { binaryBase64: 'not base64!' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.call('crypto:contacts:accept', { fingerprint: key!.fingerprint, state: 'verified' } as never)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.call('crypto:contacts:accept', { fingerprint: key!.fingerprint, state: 'verified', fingerprintCompared: false } as never)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.call('crypto:contacts:accept', { fingerprint: key!.fingerprint, state: 'undecided' } as never)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.value('crypto:contacts:accept', { fingerprint: key!.fingerprint, state: 'verified', fingerprintCompared: true })).toMatchObject({
        state: 'verified',
      });
      expect(await t.call('crypto:contacts:import', { armored: publicKey, candidateId: '00000000-0000-4000-8000-000000000000' } as never)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await t.call('crypto:contacts:import', { candidateId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      expect(await t.call('crypto:contacts:remove', { fingerprint: '../x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.call('crypto:contacts:lookup', { address: 'not an address' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(
        await t.call('crypto:contacts:import-from-message', { mailbox: { accountId: 'a', path: 'INBOX' }, uid: 1, armored: publicKey } as never),
      ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await t.value('crypto:contacts:list', {})).toEqual([
        expect.objectContaining({ addresses: ['anna@example.net'], state: 'verified' }),
        expect.objectContaining({ addresses: ['bin@example.net'] }),
      ]);
    } finally {
      await t.close();
    }
  });

  it('looks nothing up where the managed policy turns both methods off', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sinetti-lookup-policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 1, crypto: { wkd: false, keyserver: false } }));
    const t = await createTestServices({ managedPolicyPath: file });
    try {
      expect(await t.value('crypto:contacts:lookup', { address: 'anna@example.net' })).toEqual({
        candidates: [],
        tried: [
          { method: 'wkd', outcome: 'disabled' },
          { method: 'vks', outcome: 'disabled' },
        ],
      });
    } finally {
      await t.close();
    }
  });
});

/**
 * The reading-interoperability rules of issue 9 as pure functions (the same cases run end to end
 * with gpg and Dovecot in test/integration/pgp-reading-interop.test.ts): which root is the
 * message's own encryption layer (a signed envelope, never deeper), the signature time against
 * the Date header, and armor whitespace that mail programs add.
 */
import { describe, expect, it } from 'vitest';
import { normalizeArmorWhitespace, wholeBodyBlock } from '../../../main/services/crypto/inline-pgp.js';
import { encryptedRootOf } from '../../../main/services/crypto/pgp-mime-reader.js';
import { SIGNATURE_DATE_TOLERANCE_MS, withDateCheck, type SignatureStatus } from '../../../main/services/crypto/signature-verdict.js';
import type { BodyStructureNode } from '../../../main/services/mail/message-row.js';

const encrypted = (part: string): BodyStructureNode => ({
  part,
  type: 'multipart/encrypted',
  parameters: { protocol: 'application/pgp-encrypted' },
  childNodes: [
    { part: `${part ? `${part}.` : ''}1`, type: 'application/pgp-encrypted' },
    { part: `${part ? `${part}.` : ''}2`, type: 'application/octet-stream' },
  ],
});
const signedAround = (inner: BodyStructureNode, protocol: string, signatureType = protocol): BodyStructureNode => ({
  type: 'multipart/signed',
  parameters: { protocol },
  childNodes: [inner, { part: '2', type: signatureType }],
});

describe("the message's own encryption layer", () => {
  it('an encrypted root, or one wrapped in an OpenPGP or S/MIME signature at the root', () => {
    expect(encryptedRootOf(encrypted(''))).toEqual({ ciphertextPart: '2' });
    expect(encryptedRootOf(signedAround(encrypted('1'), 'application/pgp-signature'))).toEqual({ ciphertextPart: '1.2', outer: 'openpgp' });
    expect(encryptedRootOf(signedAround(encrypted('1'), 'application/pkcs7-signature'))).toEqual({ ciphertextPart: '1.2', outer: 'smime' });
    expect(encryptedRootOf(signedAround(encrypted('1'), 'application/x-pkcs7-signature'))).toEqual({ ciphertextPart: '1.2', outer: 'smime' });
  });

  it('never deeper: a multipart/mixed in between, an unknown protocol, or a signature part of another type', () => {
    const mixed: BodyStructureNode = { part: '1', type: 'multipart/mixed', childNodes: [{ part: '1.1', type: 'text/plain' }, encrypted('1.2')] };
    expect(encryptedRootOf(signedAround(mixed, 'application/pgp-signature'))).toBeNull();
    expect(encryptedRootOf(signedAround(encrypted('1'), 'application/x-unknown'))).toBeNull();
    expect(encryptedRootOf(signedAround(encrypted('1'), 'application/pgp-signature', 'text/plain'))).toBeNull();
    expect(encryptedRootOf({ type: 'multipart/mixed', childNodes: [encrypted('1')] })).toBeNull();
  });
});

describe('signature time against the Date header', () => {
  const signedAt = Date.UTC(2020, 9, 14, 18, 21, 6);
  const good: SignatureStatus = { status: 'good', signerUserIds: ['Bob <bob@openpgp.example>'], signedAt };

  it('more than an hour apart: a good signature becomes date-mismatch, with both times', () => {
    const headerDate = Date.UTC(2019, 9, 14, 18, 21, 6);
    expect(withDateCheck(good, headerDate)).toMatchObject({ status: 'date-mismatch', dateMismatch: { signedAt, headerDate } });
    expect(withDateCheck(good, signedAt + SIGNATURE_DATE_TOLERANCE_MS + 1000).status).toBe('date-mismatch');
  });

  it('within the hour, without a Date header or without a signature time: unchanged', () => {
    expect(withDateCheck(good, signedAt - SIGNATURE_DATE_TOLERANCE_MS)).toBe(good);
    expect(withDateCheck(good, undefined)).toBe(good);
    expect(withDateCheck(good, NaN)).toBe(good);
    const noTime: SignatureStatus = { status: 'good', signerUserIds: [] };
    expect(withDateCheck(noTime, 0)).toBe(noTime);
  });

  it('another verdict keeps its status and gains the fact', () => {
    const mismatch: SignatureStatus = { ...good, status: 'mismatch' };
    expect(withDateCheck(mismatch, signedAt - 400 * 24 * 3600 * 1000)).toMatchObject({ status: 'mismatch', dateMismatch: { signedAt } });
  });
});

describe('armor whitespace from mail programs (U+00A0)', () => {
  const nbsp = '\u00a0';

  it('an encrypted block with NBSP on its armor lines is a whole-body block and is tidied', () => {
    const text = `-----BEGIN PGP MESSAGE-----${nbsp}\n${nbsp}\nhQEMA1234\n=abcd\n-----END PGP MESSAGE-----${nbsp}`;
    expect(wholeBodyBlock(text)).toBe('inline-encrypted');
    expect(normalizeArmorWhitespace(text, 'inline-encrypted')).toBe('-----BEGIN PGP MESSAGE-----\n\nhQEMA1234\n=abcd\n-----END PGP MESSAGE-----');
  });

  it('a cleartext signature: header and signature block tidied, the signed text left byte for byte', () => {
    const signedText = `Maksa${nbsp}100 €${nbsp}\n${nbsp}\nTerveisin `;
    const text = `-----BEGIN PGP SIGNED MESSAGE-----${nbsp}\nHash: SHA256${nbsp}\n${nbsp}\n${signedText}\n-----BEGIN PGP SIGNATURE-----${nbsp}\n${nbsp}\niQEz\n-----END PGP SIGNATURE-----`;
    expect(wholeBodyBlock(text)).toBe('inline-signed');
    expect(normalizeArmorWhitespace(text, 'inline-signed')).toBe(
      `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${signedText}\n-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----`,
    );
  });
});

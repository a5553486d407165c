/**
 * The reading rules as pure functions (fast; the same cases run end to end with gpg and Dovecot
 * in test/integration/pgp-*-attacks.test.ts): exact signed bytes from MIME, the identity rules
 * of the signature verdict, inline whole-body detection, sender identity facts, reply quoting.
 */
import { generateKey, readKey, revokeKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { wholeBodyBlock, inlineBlocksIn } from '../../../main/services/crypto/inline-pgp.js';
import { OPENPGP_CONFIG } from '../../../main/services/crypto/openpgp-policy.js';
import { canonicalCrlf } from '../../../main/services/crypto/pgp-signed-reader.js';
import { signatureVerdict } from '../../../main/services/crypto/signature-verdict.js';
import { senderIdentity, singleFrom } from '../../../main/services/mail/message-security.js';
import { findEntity, parseMimeTree } from '../../../main/services/mail/mime-tree.js';
import { quoteForReply, withoutArmoredBlocks } from '../../../main/services/mail/quote-original.js';

describe('MIME tree: the exact bytes a multipart/signed signature covers', () => {
  const signedPart = 'Content-Type: text/plain\r\n\r\nHei,\r\nrivi kaksi\r\n';
  const raw = [
    'From: a@b.example',
    'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="xyz"',
    '',
    'preamble --xyz not a boundary',
    '--xyz',
    signedPart,
    '--xyz',
    'Content-Type: application/pgp-signature',
    '',
    'SIG',
    '--xyz--',
    'epilogue',
  ].join('\r\n');

  it('splits at delimiter lines only, and the CRLF before a delimiter belongs to it', () => {
    const tree = parseMimeTree(Buffer.from(raw, 'latin1'));
    expect(tree.childNodes!.map((c) => c.part)).toEqual(['1', '2']);
    expect(tree.childNodes![0]!.raw.toString('latin1')).toBe(signedPart);
    expect(findEntity(tree, '2')!.body.toString('latin1')).toBe('SIG');
  });

  it('a message stored with LF line ends yields the same canonical bytes', () => {
    const tree = parseMimeTree(Buffer.from(raw.replace(/\r\n/g, '\n'), 'latin1'));
    expect(canonicalCrlf(tree.childNodes![0]!.raw).toString('latin1')).toBe(signedPart);
  });

  it('numbers nested parts like IMAP BODYSTRUCTURE and refuses absurd nesting', () => {
    const nested =
      'Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nx\r\n--a\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ny\r\n--b--\r\n--a--\r\n';
    expect(findEntity(parseMimeTree(Buffer.from(nested)), '2.1')!.body.toString()).toBe('y');
    let deep = 'Content-Type: text/plain\r\n\r\nz';
    for (let i = 0; i < 20; i++) deep = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${deep}\r\n--d${i}--\r\n`;
    expect(() => parseMimeTree(Buffer.from(deep))).toThrow(/nested too deeply/);
  });
});

describe('MIME tree on hostile input', () => {
  it('malformed MIME either parses or fails as MESSAGE_PARSE, never with another error', () => {
    const seed =
      'Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\nContent-Type: multipart/signed; boundary="b"\r\n\r\n--b\r\nx\r\n--b\r\ny\r\n--b--\r\n--a--\r\n';
    let state = 7;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      const chars = [...seed];
      for (let j = 0; j < 4; j++)
        chars.splice(Math.floor(random() * chars.length), Math.floor(random() * 3), ['-', '"', '\r\n', ';', '=', ''][Math.floor(random() * 6)]!);
      try {
        parseMimeTree(Buffer.from(chars.join(''), 'latin1'));
      } catch (error) {
        expect((error as { code?: string }).code).toBe('MESSAGE_PARSE');
      }
    }
  });
});

describe('signature verdict: identity rules', () => {
  let partner: Awaited<ReturnType<typeof readKey>>;
  let keyId: string;
  beforeAll(async () => {
    const { publicKey } = await generateKey({
      userIDs: [{ name: 'Kumppani', email: 'kumppani@kela.example' }],
      type: 'curve25519',
      format: 'armored',
      config: OPENPGP_CONFIG,
    });
    partner = await readKey({ armoredKey: publicKey });
    keyId = partner.getKeyID().toHex().toUpperCase();
  });
  const valid = () => [{ keyId, valid: true }];

  it('good only for a signature over the whole message by a key carrying the single From address', async () => {
    expect((await signatureVerdict(valid(), [partner], 'kumppani@kela.example', { coversMessage: true })).status).toBe('good');
    expect((await signatureVerdict(valid(), [partner], 'KUMPPANI@kela.example', { coversMessage: true })).status).toBe('good');
    expect((await signatureVerdict(valid(), [partner], 'johtaja@kunta.example', { coversMessage: true })).status).toBe('mismatch');
    // '' = no From, or several: nothing can be good.
    expect((await signatureVerdict(valid(), [partner], '', { coversMessage: true })).status).toBe('mismatch');
  });

  it('a signed part that is not the whole message is partial, naming the part, even from the From address', async () => {
    expect(await signatureVerdict(valid(), [partner], 'kumppani@kela.example', { coversMessage: false, part: '2' })).toMatchObject({
      status: 'partial',
      coveredPart: '2',
      signerUserIds: ['Kumppani <kumppani@kela.example>'],
    });
  });

  it('invalid is bad, an unknown key is unknown-key, a revoked key never counts', async () => {
    expect((await signatureVerdict([{ keyId, valid: false }], [partner], 'kumppani@kela.example', { coversMessage: true })).status).toBe('bad');
    expect(await signatureVerdict([{ keyId: '0123456789ABCDEF', valid: true }], [partner], 'kumppani@kela.example', { coversMessage: true })).toMatchObject({
      status: 'unknown-key',
      keyId: '0123456789ABCDEF',
    });
    const { privateKey } = await generateKey({ userIDs: [{ email: 'r@kela.example' }], type: 'curve25519', format: 'object', config: OPENPGP_CONFIG });
    const revoked = (await revokeKey({ key: privateKey, format: 'object', config: OPENPGP_CONFIG })).publicKey;
    const rid = revoked.getKeyID().toHex().toUpperCase();
    expect(await signatureVerdict([{ keyId: rid, valid: true }], [revoked], 'r@kela.example', { coversMessage: true })).toMatchObject({
      status: 'bad',
      keyProblem: 'revoked',
    });
  });
});

describe('inline PGP: only a whole-body block is the message', () => {
  const block = '-----BEGIN PGP MESSAGE-----\n\nhQEMA...\n=abcd\n-----END PGP MESSAGE-----';
  const signed = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHei\n-----BEGIN PGP SIGNATURE-----\n\niQ...\n-----END PGP SIGNATURE-----';
  it('whole body, whitespace aside', () => {
    expect(wholeBodyBlock(`\n  ${block}\n\n`)).toBe('inline-encrypted');
    expect(wholeBodyBlock(signed)).toBe('inline-signed');
  });
  it('text before or after, or two blocks, is not the message', () => {
    expect(wholeBodyBlock(`Hei!\n${block}`)).toBeNull();
    expect(wholeBodyBlock(`${block}\nLisätty teksti`)).toBeNull();
    expect(wholeBodyBlock(`${block}\n${block}`)).toBeNull();
    expect(wholeBodyBlock(`${signed}\n${signed}`)).toBeNull();
    expect(inlineBlocksIn(`Hei!\n${block}`)).toEqual(['inline-encrypted']);
    expect(inlineBlocksIn('mentions -----BEGIN PGP MESSAGE----- mid-line')).toEqual([]);
  });
});

describe('sender identity facts', () => {
  it('an address in the display name, a differing Sender, several From addresses', () => {
    expect(senderIdentity('From: "boss@org.fi" <evil@x.com>\r\nSender: relay@x.com\r\n')).toEqual({
      fromAddresses: ['evil@x.com'],
      displayNameAddress: 'boss@org.fi',
      sender: 'relay@x.com',
    });
    expect(senderIdentity('From: =?utf-8?Q?boss=40org.fi?= <evil@x.com>\r\n').displayNameAddress).toBe('boss@org.fi');
    const two = senderIdentity('From: a@x.com, b@y.com\r\n');
    expect(two.fromAddresses).toEqual(['a@x.com', 'b@y.com']);
    expect(singleFrom(two)).toBe('');
    expect(senderIdentity('From: Anna <anna@kunta.example>\r\nSender: ANNA@kunta.example\r\n')).toEqual({ fromAddresses: ['anna@kunta.example'] });
    expect(senderIdentity('Subject: none\r\n')).toEqual({ fromAddresses: [] });
  });
});

describe('reply quoting', () => {
  it('quotes the text under an attribution, never an armored block (a reply is not a decryption oracle)', () => {
    const original = { from: { name: 'A', address: 'a@b.example' }, date: Date.UTC(2026, 11, 1, 8) };
    expect(quoteForReply(withoutArmoredBlocks('Hei\nrivi', 'fi'), original, 'fi')).toMatch(/kirjoitti:\n> Hei\n> rivi$/);
    const embedded = 'Hei\n-----BEGIN PGP MESSAGE-----\n\nhQ\n-----END PGP MESSAGE-----\nloppu';
    expect(withoutArmoredBlocks(embedded, 'fi')).toBe('Hei\n[salattua sisältöä ei lainattu]\nloppu');
    expect(withoutArmoredBlocks(embedded, 'en')).toBe('Hei\n[encrypted content not quoted]\nloppu');
    // An unterminated block is cut to the end, not quoted.
    expect(withoutArmoredBlocks('x\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nsalainen', 'sv-FI')).toBe('x\n[krypterat innehåll citeras inte]');
    expect(quoteForReply('', original, 'fi')).toBe('');
  });
});

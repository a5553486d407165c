/**
 * Reading interoperability found by the public attack corpora (issue 9), with real gpg output
 * delivered into the real Dovecot and opened through the contract as the UI opens it:
 *  - an encrypted root wrapped in an outer signature (RFC 9787 cryptographic envelope, PGP or
 *    S/MIME outside) is opened, and the outer signature is reported beside the verdict only;
 *  - a signature whose time disagrees with the (unsigned) Date header is never good;
 *  - a part labelled encrypted that holds no ciphertext is "not encrypted", not "integrity failed";
 *  - a message to a hidden recipient (gpg --throw-keyids) is tried against the held keys;
 *  - protected headers (RFC 9788) in the signed part of signed+encrypted mail give the subject;
 *  - inline armor with non-breaking spaces in its blank and header lines is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boundary,
  CRLF,
  encryptedEntity,
  mailHeaders,
  message,
  multipart,
  signedEntity,
  textEntity,
  truncateArmored,
} from '../support/fixtures/pgp-attack-mail.js';
import { createReadingWorld, GPG_PASS, subject, type ReadingWorld } from '../support/reading-harness.js';

let w: ReadingWorld;
const PARTNER = 'Kumppani <kumppani@kela.example>';
const INBOX = () => ({ accountId: w.accountId, path: 'INBOX' });

beforeAll(async () => {
  w = await createReadingWorld();
}, 120_000);
afterAll(async () => w?.t.close());

const signedBy = (signer: string, content: string) => signedEntity(w.gpg, signer, GPG_PASS, content);
const crlf = (text: string) => text.replace(/\r?\n/g, CRLF);
/** Headers whose Date header says `ms` (the signature itself is made now). */
const datedHeaders = (from: string, s: string, ms: number) =>
  mailHeaders(from, w.personAddress, s).map((h) => (h.startsWith('Date:') ? `Date: ${new Date(ms).toUTCString()}` : h));
const A_YEAR = 365 * 24 * 60 * 60 * 1000;

/** multipart/signed (S/MIME protocol) around `content`, with a signature part Sinetti never reads. */
function smimeSigned(content: string): string {
  const b = boundary('smime');
  return [
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${b}"`,
    '',
    `--${b}`,
    content,
    `--${b}`,
    'Content-Type: application/pkcs7-signature; name=smime.p7s',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename=smime.p7s',
    '',
    Buffer.from('not a real CMS signature').toString('base64'),
    `--${b}--`,
    '',
  ].join(CRLF);
}

describe('cryptographic envelope: multipart/signed around multipart/encrypted at the root', () => {
  it('an OpenPGP-signed envelope is decrypted; the outer signature is reported beside the verdict and never counts as it', async () => {
    const s = subject('Kuori');
    const inner = multipart('mixed', [
      textEntity('Kuoren sisällä oleva päätös.'),
      ['Content-Type: text/plain; name="liite.txt"', 'Content-Disposition: attachment; filename="liite.txt"', '', 'liitteen sisältö'].join(CRLF),
    ]);
    // RFC 3156: what is signed is the canonical (CRLF) entity, armor lines included.
    const envelope = await signedBy(w.partnerFpr, encryptedEntity(crlf(await w.encrypt(inner, w.personFpr))));
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), envelope), s);
    expect(view.crypto).toMatchObject({
      decryption: 'decrypted',
      signature: { status: 'none' },
      outerSignature: { protocol: 'openpgp', status: 'good', fingerprint: w.partnerFpr, signerUserIds: [PARTNER] },
    });
    expect(view.encrypted).toBe(true);
    expect(view.text).toContain('Kuoren sisällä oleva päätös.');
    // The list marks it encrypted too, and a reply to it must stay secure (the send side's own check).
    const page = await w.t.value('mail:messages:page', { mailbox: INBOX(), offset: 0, limit: 50, sort: 'date-desc' });
    expect(page.rows.find((r) => r?.uid === view.uid)).toMatchObject({ encrypted: true });
    expect(await w.t.services.mail.replyContext(INBOX(), view.uid, 'X-Sinetti-Gateway')).toMatchObject({ secure: true });
    // Attachments inside the envelope's encryption are listed and download decrypted.
    expect(view.attachments).toEqual([expect.objectContaining({ partId: '2.2', filename: 'liite.txt', decrypted: true })]);
    const file = await w.t.value('mail:attachment:get', { mailbox: INBOX(), uid: view.uid, partId: '2.2' });
    expect(Buffer.from(file.contentBase64, 'base64').toString('utf8')).toContain('liitteen sisältö');
  });

  it('the outer signature of someone else is reported as such; the message verdict is the one from inside', async () => {
    const s = subject('Kuori vieras');
    const inner = await signedBy(w.partnerFpr, textEntity('Sisältä allekirjoitettu.'));
    const envelope = await signedBy(w.strangerFpr, encryptedEntity(crlf(await w.encrypt(inner, w.personFpr))));
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), envelope), s);
    expect(view.crypto).toMatchObject({
      decryption: 'decrypted',
      signature: { status: 'good', fingerprint: w.partnerFpr },
      outerSignature: { protocol: 'openpgp', status: 'unknown-key' },
    });
    expect(view.crypto!.outerSignature!.keyId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('an S/MIME-signed envelope is decrypted and its outer signature said to be unchecked', async () => {
    const s = subject('S/MIME-kuori');
    const view = await w.deliverAndOpen(
      message(mailHeaders(PARTNER, w.personAddress, s), smimeSigned(encryptedEntity(await w.encrypt(textEntity('S/MIME-kuoren sisältö.'), w.personFpr)))),
      s,
    );
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'none' }, outerSignature: { protocol: 'smime', status: 'not-checked' } });
    expect(view.text).toContain('S/MIME-kuoren sisältö.');
  });

  it('a multipart/mixed between the signature and the encryption is not an envelope: nothing is decrypted', async () => {
    const s = subject('Kuori ja sekoitus');
    const mixed = multipart('mixed', [textEntity('Hyökkääjän teksti.'), encryptedEntity(await w.encrypt(textEntity('Ei saa avautua.'), w.personFpr))]);
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), await signedBy(w.partnerFpr, mixed)), s);
    expect(view.crypto?.decryption).not.toBe('decrypted');
    expect(view.crypto?.outerSignature).toBeUndefined();
    expect(`${view.text ?? ''}${view.html ?? ''}`).not.toContain('Ei saa avautua.');
    expect(view.unopened).toEqual([{ partId: '1.2', kind: 'pgp-mime-encrypted' }]);
  });
});

describe('signature time against the Date header', () => {
  it('a signed message whose Date header was moved a year back is date-mismatch, never good, with both times', async () => {
    const s = subject('Vanha päivä');
    const headerDate = Date.now() - A_YEAR;
    const view = await w.deliverAndOpen(message(datedHeaders(PARTNER, s, headerDate), await signedBy(w.partnerFpr, textEntity('Päätös on tehty.'))), s);
    expect(view.crypto?.signature).toMatchObject({
      status: 'date-mismatch',
      fingerprint: w.partnerFpr,
      dateMismatch: { headerDate: Math.floor(headerDate / 1000) * 1000 },
    });
    const { signedAt, headerDate: shown } = view.crypto!.signature.dateMismatch!;
    expect(signedAt - shown).toBeGreaterThan(A_YEAR - 60_000);
  });

  it('inside the encryption too: signed+encrypted with a back-dated Date header is not good', async () => {
    const s = subject('Vanha päivä salattu');
    const raw = message(
      datedHeaders(PARTNER, s, Date.now() - A_YEAR),
      encryptedEntity(await w.encrypt(textEntity('Salattu päätös.'), w.personFpr, { signer: w.partnerFpr })),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'date-mismatch', fingerprint: w.partnerFpr } });
  });

  it('a Date header within the hour of the signature stays good', async () => {
    const s = subject('Lähes sama päivä');
    const view = await w.deliverAndOpen(message(datedHeaders(PARTNER, s, Date.now() - 20 * 60 * 1000), await signedBy(w.partnerFpr, textEntity('Hei.'))), s);
    expect(view.crypto?.signature.status).toBe('good');
    expect(view.crypto?.signature.dateMismatch).toBeUndefined();
  });
});

describe('labelled encrypted, but no ciphertext inside', () => {
  it('a cleartext-signed text in the encrypted part is "not-ciphertext": not encrypted, not "integrity failed", nothing shown', async () => {
    const s = subject('Ei salattu');
    const clearsigned = (await w.gpg.run(['--passphrase', GPG_PASS, '--clearsign', '--local-user', w.partnerFpr], 'Olet irtisanottu.')).stdout.toString();
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), encryptedEntity(crlf(clearsigned))), s);
    expect(view.crypto).toMatchObject({ decryption: 'not-ciphertext', signature: { status: 'none' } });
    expect(view.encrypted).toBe(false);
    expect(`${view.text ?? ''}${view.html ?? ''}`).not.toContain('irtisanottu');
  });

  it('damaged real ciphertext is still "failed" (encrypted, nothing shown)', async () => {
    const s = subject('Vioittunut salattu');
    const armored = await w.encrypt(textEntity('Vioittunut.'), w.personFpr);
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), encryptedEntity(truncateArmored(armored, 60))), s);
    expect(view.crypto?.decryption).toBe('failed');
    expect(view.encrypted).toBe(true);
  });
});

describe('hidden recipients (wildcard key ID)', () => {
  it("mail to a hidden recipient is tried against the person's keys and opens", async () => {
    const s = subject('Piilotettu vastaanottaja');
    const raw = message(
      mailHeaders(PARTNER, w.personAddress, s),
      encryptedEntity(await w.encrypt(textEntity('Piilotetulle vastaanottajalle.'), w.personFpr, { signer: w.partnerFpr, extra: ['--throw-keyids'] })),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'good', fingerprint: w.partnerFpr } });
    expect(view.text).toContain('Piilotetulle vastaanottajalle.');
  });

  it('mail to a hidden recipient that none of the held keys opens is "no key", not damage', async () => {
    const s = subject('Piilotettu muille');
    const raw = message(
      mailHeaders(PARTNER, w.personAddress, s),
      encryptedEntity(await w.encrypt(textEntity('Ei sinulle.'), w.strangerFpr, { extra: ['--throw-keyids'] })),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toMatchObject({ decryption: 'no-key', recipientKeyIds: ['0000000000000000'] });
    expect(view.text ?? '').not.toContain('Ei sinulle.');
  });
});

describe('protected headers in the signed part of signed, then encrypted mail (RFC 9788)', () => {
  it('the subject comes from the signed part inside the encryption, in the view and in a reply', async () => {
    const s = subject('...');
    const payload = [
      'Content-Type: text/plain; charset=utf-8; protected-headers="v1"',
      'Subject: Päätös 2026/77',
      `From: ${PARTNER}`,
      'Content-Transfer-Encoding: 8bit',
      '',
      'Päätös on liitteenä.',
    ].join(CRLF);
    const raw = message(mailHeaders(PARTNER, w.personAddress, s), encryptedEntity(await w.encrypt(await signedBy(w.partnerFpr, payload), w.personFpr)));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', protectedSubject: true, signature: { status: 'good' } });
    expect(view.subject).toBe('Päätös 2026/77');
    expect((await w.t.value('mail:message:compose-context', { mailbox: INBOX(), uid: view.uid, mode: 'reply' })).subject).toBe('Re: Päätös 2026/77');
  });
});

describe('inline armor with non-breaking spaces (U+00A0, as quoted-printable =C2=A0)', () => {
  /**
   * Quoted-printable text/plain in which the armor line captured by `lineBeforeBlank` ends in a
   * NBSP and the blank line after it holds one, as some mail programs write them.
   */
  const nbspEntity = (armored: string, lineBeforeBlank: RegExp) => {
    const qp = armored
      .trim()
      .replace(/=/g, '=3D')
      .replace(/\u00a0/g, '=C2=A0')
      .replace(lineBeforeBlank, '$1=C2=A0\n=C2=A0\n');
    return ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', crlf(qp)].join(CRLF);
  };

  it('an encrypted inline block is decrypted', async () => {
    const s = subject('NBSP salattu');
    const armored = await w.encrypt('NBSP-rivien takana.', w.personFpr, { signer: w.partnerFpr });
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), nbspEntity(armored, /^(-----BEGIN PGP MESSAGE-----)\n\n/m)), s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', inline: true, signature: { status: 'good' } });
    expect(view.text).toBe('NBSP-rivien takana.');
  });

  it('a cleartext-signed block verifies (the signed text itself is left as it is)', async () => {
    const s = subject('NBSP allekirjoitettu');
    const signed = (
      await w.gpg.run(['--passphrase', GPG_PASS, '--clearsign', '--digest-algo', 'SHA256', '--local-user', w.partnerFpr], 'Allekirjoitettu\u00a0teksti.')
    ).stdout.toString();
    const view = await w.deliverAndOpen(
      message(
        mailHeaders(PARTNER, w.personAddress, s),
        nbspEntity(signed.replace(/^(-----BEGIN PGP SIGNED MESSAGE-----)\n/m, '$1\u00a0\n'), /^(Hash: SHA256)\n\n/m),
      ),
      s,
    );
    expect(view.crypto).toMatchObject({ decryption: 'not-encrypted', inline: true, signature: { status: 'good', fingerprint: w.partnerFpr } });
    expect(view.text).toContain('Allekirjoitettu\u00a0teksti.');
  });
});

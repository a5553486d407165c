/**
 * Signature attacks modelled on "Johnny, you are fired" (Müller et al., USENIX Security 2019),
 * built with real gpg signatures, delivered into the real Dovecot and opened through the
 * services: identity spoofing (signer ≠ From), MIME wrapping, partial signing, several From
 * addresses, display-name tricks, From vs Sender, and UI spoofing in HTML. Each asserts the
 * verdict the person must see in the trusted status bar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRLF, encryptedEntity, mailHeaders, message, multipart, signedEntity, textEntity } from '../support/fixtures/pgp-attack-mail.js';
import { createReadingWorld, GPG_PASS, subject, type ReadingWorld } from '../support/reading-harness.js';

let w: ReadingWorld;
const PARTNER = 'Kumppani <kumppani@kela.example>';

beforeAll(async () => {
  w = await createReadingWorld();
}, 120_000);
afterAll(async () => w?.t.close());

const signedBy = (signer: string, content: string) => signedEntity(w.gpg, signer, GPG_PASS, content);

describe('PGP/MIME signed-only mail (RFC 3156 multipart/signed)', () => {
  it('a signature by the single From address over the root is good; the signature part is not an attachment', async () => {
    const s = subject('Allekirjoitettu');
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), await signedBy(w.partnerFpr, textEntity('Päätös on tehty.'))), s);
    expect(view.crypto).toMatchObject({
      decryption: 'not-encrypted',
      signature: { status: 'good', fingerprint: w.partnerFpr, signerUserIds: [PARTNER], acceptance: 'own' },
    });
    expect(view.crypto!.signature.coveredPart).toBeUndefined();
    expect(view.segments).toBeUndefined();
    expect(view.signed).toBe(true);
    expect(view.text).toContain('Päätös on tehty.');
    expect(view.attachments).toEqual([]);
  });

  it('identity spoofing: a valid signature by a key for another address is mismatch, never good', async () => {
    const s = subject('Pankki');
    const view = await w.deliverAndOpen(
      message(mailHeaders('Pankki <tuki@pankki.example>', w.personAddress, s), await signedBy(w.partnerFpr, textEntity('Vaihda salasanasi.'))),
      s,
    );
    expect(view.crypto?.signature).toMatchObject({ status: 'mismatch', signerUserIds: [PARTNER] });
  });

  it('a signature by a key Sinetti does not hold is unknown-key with its key ID', async () => {
    const s = subject('Vieras');
    const view = await w.deliverAndOpen(
      message(mailHeaders('Vieras <vieras@example.net>', w.personAddress, s), await signedBy(w.strangerFpr, textEntity('Hei.'))),
      s,
    );
    expect(view.crypto?.signature.status).toBe('unknown-key');
    expect(view.crypto?.signature.keyId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('content changed after signing is bad', async () => {
    const s = subject('Muutettu');
    const signed = (await signedBy(w.partnerFpr, textEntity('Maksa 10 euroa.'))).replace('Maksa 10 euroa.', 'Maksa 9000 euroa.');
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), signed), s);
    expect(view.crypto?.signature.status).toBe('bad');
  });

  it('MIME wrapping: a genuinely signed part inside an unsigned multipart/mixed with attacker text is partial, naming the part', async () => {
    const s = subject('Kääritty');
    const genuine = await signedBy(w.partnerFpr, textEntity('Alkuperäinen, allekirjoitettu viesti.'));
    const raw = message(mailHeaders(PARTNER, w.personAddress, s), multipart('mixed', [textEntity('Hyökkääjän teksti: maksa tilille FI00 1234.'), genuine]));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto?.signature).toMatchObject({ status: 'partial', coveredPart: '2', fingerprint: w.partnerFpr, signerUserIds: [PARTNER] });
    expect(view.crypto?.signature.status).not.toBe('good');
    // Shown part by part: the person sees which text the signature covers.
    expect(view.segments).toEqual([
      { partId: '1', signed: false, text: expect.stringContaining('Hyökkääjän teksti') },
      { partId: '2.1', signed: true, text: expect.stringContaining('Alkuperäinen, allekirjoitettu viesti.') },
    ]);
  });

  it('partial signing: a signed first part followed by unsigned attacker content is partial, never good', async () => {
    const s = subject('Osittain');
    const genuine = await signedBy(w.partnerFpr, textEntity('Sovitaan tapaaminen.'));
    const raw = message(
      mailHeaders(PARTNER, w.personAddress, s),
      multipart('mixed', [genuine, textEntity('<p>Lisätty: soita numeroon 0700</p>', 'text/html')]),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto?.signature).toMatchObject({ status: 'partial', coveredPart: '1' });
    expect(view.segments).toEqual([
      { partId: '1.1', signed: true, text: expect.stringContaining('Sovitaan tapaaminen.') },
      { partId: '2', signed: false, html: expect.stringContaining('soita numeroon 0700') },
    ]);
  });

  it('signed, then encrypted (inner multipart/signed): the whole body under the encryption counts, good', async () => {
    const s = subject('Salattu ja allekirjoitettu');
    const inner = await signedBy(w.partnerFpr, textEntity('Luottamuksellinen päätös.'));
    const raw = message(mailHeaders(PARTNER, w.personAddress, s), encryptedEntity(await w.encrypt(inner, w.personFpr)));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'good', fingerprint: w.partnerFpr } });
    expect(view.text).toContain('Luottamuksellinen päätös.');
  });

  it('encrypted, with a signed part wrapped among unsigned parts inside: partial (part 2.2), never good', async () => {
    const s = subject('Salattu kääre');
    const inner = multipart('mixed', [textEntity('Hyökkääjän lisäys.'), await signedBy(w.partnerFpr, textEntity('Aito osa.'))]);
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), encryptedEntity(await w.encrypt(inner, w.personFpr))), s);
    expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'partial', coveredPart: '2.2' } });
    expect(view.segments?.map((x) => [x.partId, x.signed])).toEqual([
      ['2.1', false],
      ['2.2.1', true],
    ]);
  });
});

describe('identity rules and display-name tricks', () => {
  it('two From headers: no signature can be good, and both addresses are shown', async () => {
    const s = subject('Kaksi lähettäjää');
    const raw = message(mailHeaders([PARTNER, 'Hyökkääjä <attacker@example.net>'], w.personAddress, s), await signedBy(w.partnerFpr, textEntity('Hei.')));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.identity?.fromAddresses).toEqual(['kumppani@kela.example', 'attacker@example.net']);
    expect(view.crypto?.signature.status).toBe('mismatch');
  });

  it('an address inside the display name is reported plainly; the signature is judged by the real address', async () => {
    const s = subject('Nimitemppu');
    const raw = message(mailHeaders('"kumppani@kela.example" <evil@x.example>', w.personAddress, s), await signedBy(w.partnerFpr, textEntity('Luota minuun.')));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.identity).toMatchObject({ fromAddresses: ['evil@x.example'], displayNameAddress: 'kumppani@kela.example' });
    expect(view.crypto?.signature.status).toBe('mismatch');
  });

  it('a Sender that differs from From is reported', async () => {
    const s = subject('Sender');
    const raw = message(mailHeaders(PARTNER, w.personAddress, s, ['Sender: lahettaja@elsewhere.example']), textEntity('Hei.'));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.identity).toMatchObject({ fromAddresses: ['kumppani@kela.example'], sender: 'lahettaja@elsewhere.example' });
    expect(view.identity?.displayNameAddress).toBeUndefined();
  });

  it('UI spoofing in HTML: a body that draws its own green "signature valid" box leaves the trusted status at none', async () => {
    const s = subject('Väärä merkki');
    const fake =
      '<div style="background:#dff6dd;border:1px solid #107c10;padding:8px">✔ Allekirjoitus kelvollinen: kumppani@kela.example (sormenjälki ABCD 1234)</div><p>Maksa lasku.</p>';
    const raw = message(mailHeaders(PARTNER, w.personAddress, s), textEntity(fake, 'text/html'));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.html).toContain('Allekirjoitus kelvollinen');
    expect(view.crypto?.signature.status ?? 'none').toBe('none');
    expect(view.signed).toBe(false);
    expect(view.identity).toEqual({ fromAddresses: ['kumppani@kela.example'] });
  });

  it('an armored signature pasted into an HTML body is not a signature', async () => {
    const s = subject('Liitetty allekirjoitus');
    const sig = (await w.gpg.run(['--passphrase', GPG_PASS, '--armor', '--detach-sign', '--local-user', w.partnerFpr], 'Hei')).stdout.toString();
    const raw = message(mailHeaders(PARTNER, w.personAddress, s), textEntity(`<p>Hei</p><pre>${sig}</pre>`.replace(/\n/g, CRLF), 'text/html'));
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto?.signature.status ?? 'none').toBe('none');
  });
});

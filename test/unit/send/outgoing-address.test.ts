import { describe, expect, it } from 'vitest';
import { outgoingMessageSchema } from '../../../shared/send-schema.js';
import { checkOutgoingAddress, displayAddress, splitRecipients, toAsciiAddress } from '../../../shared/outgoing-address.js';

describe('outgoing recipient addresses (nodemailer parser, strict subset)', () => {
  it('accepts ordinary addresses, with or without a display name, lower-cased', () => {
    expect(checkOutgoingAddress('Matti.Virtanen@Kunta.FI')).toEqual({
      ok: true,
      address: { ascii: 'matti.virtanen@kunta.fi', display: 'matti.virtanen@kunta.fi', name: '' },
    });
    expect(checkOutgoingAddress('Matti Virtanen <matti@kunta.fi>')).toMatchObject({ ok: true, address: { ascii: 'matti@kunta.fi', name: 'Matti Virtanen' } });
    expect(checkOutgoingAddress('"Virtanen, Matti" <matti@kunta.fi>')).toMatchObject({
      ok: true,
      address: { ascii: 'matti@kunta.fi', name: 'Virtanen, Matti' },
    });
    expect(checkOutgoingAddress("o'brien+tag@example.com")).toMatchObject({ ok: true });
  });

  it('refuses quoted local parts and comments, where parsers disagree about the recipient', () => {
    expect(checkOutgoingAddress('"anna virtanen"@kunta.fi')).toMatchObject({ ok: false, problem: 'quoted-local-part' });
    expect(checkOutgoingAddress('"a@evil.example"@kunta.fi')).toMatchObject({ ok: false });
    expect(checkOutgoingAddress('matti@kunta.fi (Matti)')).toMatchObject({ ok: false, problem: 'comment' });
    expect(checkOutgoingAddress('matti(comment)@kunta.fi')).toMatchObject({ ok: false, problem: 'comment' });
    // A parenthesis inside a quoted display name is a name, not a comment.
    expect(checkOutgoingAddress('"Matti (sijainen)" <matti@kunta.fi>')).toMatchObject({ ok: true, address: { ascii: 'matti@kunta.fi' } });
  });

  it('refuses what is not one mail address', () => {
    for (const bad of [
      '',
      'matti',
      'matti@',
      '@kunta.fi',
      'matti@kunta',
      'matti@10.0.0.1',
      'matti@-kunta.fi',
      'a..b@kunta.fi',
      'a@b.fi, c@d.fi',
      'ä@kunta.fi',
      `${'a'.repeat(65)}@kunta.fi`,
    ]) {
      expect(checkOutgoingAddress(bad).ok, bad).toBe(false);
    }
    expect(checkOutgoingAddress('ä@kunta.fi')).toMatchObject({ problem: 'invalid-local-part' });
  });

  it('handles IDN: Unicode domains go to SMTP as punycode and are shown in Unicode, either way round', () => {
    expect(checkOutgoingAddress('pekka@äänekoski.fi')).toEqual({
      ok: true,
      address: { ascii: 'pekka@xn--nekoski-4waa.fi', display: 'pekka@äänekoski.fi', name: '' },
    });
    expect(checkOutgoingAddress('pekka@XN--NEKOSKI-4WAA.fi')).toMatchObject({
      ok: true,
      address: { ascii: 'pekka@xn--nekoski-4waa.fi', display: 'pekka@äänekoski.fi' },
    });
    expect(checkOutgoingAddress('Pekka <pekka@ÄÄNEKOSKI.FI>')).toMatchObject({ ok: true, address: { ascii: 'pekka@xn--nekoski-4waa.fi' } });
    expect(toAsciiAddress('info@sjötorp.ax')).toBe('info@xn--sjtorp-xxa.ax');
    expect(displayAddress('info@xn--sjtorp-xxa.ax')).toBe('info@sjötorp.ax');
    expect(displayAddress('anna@kunta.fi')).toBe('anna@kunta.fi');
  });

  it("splits pasted lists on the parser's separators, keeping a quoted comma in one name", () => {
    const checks = splitRecipients('a@kunta.fi; "Virtanen, Matti" <m@kunta.fi>,\npekka@äänekoski.fi, "x y"@kunta.fi');
    expect(checks.map((c) => (c.ok ? c.address.ascii : c.problem))).toEqual(['a@kunta.fi', 'm@kunta.fi', 'pekka@xn--nekoski-4waa.fi', 'quoted-local-part']);
  });

  it('is what the contract validates in the main process too: IDN passes, quoted local parts and comments do not', () => {
    const base = { accountId: 'a', subject: '', text: '', draftId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' };
    expect(outgoingMessageSchema.safeParse({ ...base, to: ['pekka@äänekoski.fi'], cc: ['a@xn--nekoski-4waa.fi'] }).success).toBe(true);
    expect(outgoingMessageSchema.safeParse({ ...base, to: ['"a b"@kunta.fi'] }).success).toBe(false);
    expect(outgoingMessageSchema.safeParse({ ...base, to: ['a@kunta.fi (x)'] }).success).toBe(false);
    expect(outgoingMessageSchema.safeParse({ ...base, to: ['a@kunta.fi'], cc: ['a@kunta.fi, b@kunta.fi'] }).success).toBe(false);
  });
});

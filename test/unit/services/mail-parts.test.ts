import { describe, expect, it } from 'vitest';
import { buildImapOptions, isLoopbackHost } from '../../../main/services/mail/imap-client-factory.js';
import { classifyImapError } from '../../../main/services/mail/imap-errors.js';
import { MailboxState } from '../../../main/services/mail/mailbox-state.js';
import { assembleMessage, parseMime, planParts } from '../../../main/services/mail/message-loader.js';
import { hasAttachments, securityOf, toMessageRow, type BodyStructureNode } from '../../../main/services/mail/message-row.js';
import { expandUidSet, toUidRange } from '../../../main/services/mail/uid-ranges.js';
import { createLogger } from '../../../main/services/logging/logger.js';

const logger = createLogger('test', { sink: () => undefined });
const endpoint = { host: 'imap.kunta.fi', port: 143, credential: { method: 'password' as const, user: 'u', password: 'p' } };

describe('IMAP connection options fail closed', () => {
  it('requires STARTTLS (never opportunistic) with certificate checks', () => {
    const options = buildImapOptions({ ...endpoint, security: 'starttls' }, { logger });
    expect(options.doSTARTTLS).toBe(true);
    expect(options.secure).toBe(false);
    expect(options.tls).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    expect(options.logRaw).toBe(false);
  });

  it('uses implicit TLS for tls', () => {
    const options = buildImapOptions({ ...endpoint, port: 993, security: 'tls' }, { logger });
    expect(options.secure).toBe(true);
    expect(options.tls).toMatchObject({ rejectUnauthorized: true });
  });

  it('refuses plain connections except to loopback', () => {
    expect(() => buildImapOptions({ ...endpoint, security: 'plain' }, { logger })).toThrow(expect.objectContaining({ code: 'INSECURE_NOT_ALLOWED' }));
    expect(() => buildImapOptions({ ...endpoint, host: '127.0.0.1.evil.example', security: 'plain' }, { logger })).toThrow();
    expect(buildImapOptions({ ...endpoint, host: '127.0.0.1', security: 'plain' }, { logger }).doSTARTTLS).toBe(false);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('IMAP error classification', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'DNS'],
    [{ code: 'ECONNREFUSED' }, 'CONNECTION_REFUSED'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'TLS_CERTIFICATE'],
    [{ authenticationFailed: true, message: 'Command failed' }, 'AUTH_FAILED'],
    [{ tlsFailed: true, message: 'Server does not support STARTTLS' }, 'STARTTLS_REQUIRED'],
    [{ tlsFailed: true, message: 'STARTTLS is not possible after a PREAUTH greeting' }, 'PREAUTH_REFUSED'],
    [{ code: 'CONNECT_TIMEOUT', message: 'Failed to establish connection in required time' }, 'TIMEOUT'],
  ])('%o → %s', (error, code) => {
    expect(classifyImapError(Object.assign(new Error('message' in error ? error.message : 'x'), error)).code).toBe(code);
  });
});

describe('UID ranges and mailbox state', () => {
  it('compacts UID sets', () => {
    expect(toUidRange([5, 1, 2, 3, 7, 9, 10, 11])).toBe('1:3,5,7,9:11');
    expect(toUidRange([4])).toBe('4');
  });

  it('expands a server UID set (ESEARCH ALL) safely', () => {
    expect(expandUidSet('1:3,7,10:9', 100)).toEqual([1, 2, 3, 7, 9, 10]);
    expect(expandUidSet('5,5,2:3', 100)).toEqual([2, 3, 5]);
    // Garbage and '*' (not valid in a server's UID set) are skipped, never looped on.
    expect(expandUidSet('x,0,*,4:*,6', 100)).toEqual([6]);
    // A hostile range stops at the mailbox size.
    expect(expandUidSet('1:4294967295', 3)).toEqual([1, 2, 3]);
    expect(expandUidSet('', 10)).toEqual([]);
  });

  it('orders by arrival until complete, then by date; rows are unique by UID', () => {
    const state = new MailboxState(1n);
    state.setUids([1, 2, 3]);
    expect(state.slice('date-desc', 0, 2)).toEqual([3, 2]);
    const row = (uid: number, date: number) => ({
      uid,
      date,
      from: { name: '', address: '' },
      subject: '',
      size: 1,
      flags: { seen: false, answered: false, flagged: false },
      hasAttachments: false,
      encrypted: false,
      signed: false,
    });
    state.putRow(row(1, 300));
    state.putRow(row(2, 100));
    state.putRow(row(3, 200));
    state.putRow(row(3, 200));
    expect(state.rows.size).toBe(3);
    expect(state.complete).toBe(true);
    expect(state.slice('date-desc', 0, 3)).toEqual([1, 3, 2]);
    expect(state.slice('date-asc', 1, 5)).toEqual([3, 1]);
    expect(state.removeUid(3)).toBe(true);
    expect(state.slice('date-asc', 0, 5)).toEqual([2, 1]);
    state.putRow(row(3, 1)); // arrives after its expunge: ignored
    expect(state.rows.has(3)).toBe(false);
  });
});

const structure = {
  type: 'multipart/mixed',
  childNodes: [
    {
      part: '1',
      type: 'multipart/alternative',
      childNodes: [
        { part: '1.1', type: 'text/plain', size: 10 },
        { part: '1.2', type: 'text/html', size: 20 },
      ],
    },
    { part: '2', type: 'application/pdf', disposition: 'attachment', dispositionParameters: { filename: 'päätös.pdf' }, size: 5000 },
  ],
};

describe('message structure', () => {
  it('plans to fetch only the text bodies and lists attachments', () => {
    const plan = planParts(structure);
    expect(plan.bodies).toEqual([
      { part: '1.1', type: 'text/plain' },
      { part: '1.2', type: 'text/html' },
    ]);
    expect(plan.attachments).toEqual([{ partId: '2', filename: 'päätös.pdf', mimeType: 'application/pdf', size: 5000 }]);
    expect(hasAttachments(structure)).toBe(true);
    expect(hasAttachments({ type: 'text/plain' })).toBe(false);
  });

  it('shows no attachment mark for a signature part or the ciphertext of an encrypted message', () => {
    const signed: BodyStructureNode = {
      type: 'multipart/signed',
      childNodes: [
        { part: '1', type: 'text/plain' },
        { part: '2', type: 'application/pgp-signature', disposition: 'attachment', dispositionParameters: { filename: 'signature.asc' } },
      ],
    };
    const encrypted: BodyStructureNode = {
      type: 'multipart/encrypted',
      childNodes: [
        { part: '1', type: 'application/pgp-encrypted' },
        { part: '2', type: 'application/octet-stream', disposition: 'inline', dispositionParameters: { filename: 'encrypted.asc' } },
      ],
    };
    const envelope: BodyStructureNode = { type: 'multipart/signed', childNodes: [encrypted, { part: '2', type: 'application/pgp-signature' }] };
    const smime: BodyStructureNode = {
      type: 'multipart/signed',
      childNodes: [
        { part: '1', type: 'text/plain' },
        { part: '2', type: 'application/pkcs7-signature', disposition: 'attachment' },
      ],
    };
    for (const s of [signed, encrypted, envelope, smime]) expect(hasAttachments(s)).toBe(false);
    // A real file next to a signature still counts.
    expect(
      hasAttachments({
        ...signed,
        childNodes: [
          { type: 'multipart/mixed', childNodes: [{ type: 'text/plain' }, { type: 'application/pdf', disposition: 'attachment' }] },
          signed.childNodes![1]!,
        ],
      }),
    ).toBe(true);
    expect(toMessageRow({ uid: 1, bodyStructure: encrypted }).hasAttachments).toBe(false);
  });

  it('recognises encrypted and signed messages from the structure', () => {
    expect(securityOf({ type: 'multipart/encrypted' })).toEqual({ encrypted: true, signed: false });
    expect(securityOf({ type: 'multipart/signed' })).toEqual({ encrypted: false, signed: true });
  });

  it('builds a list row from envelope data, falling back to the arrival date', () => {
    const row = toMessageRow({
      uid: 7,
      flags: new Set(['\\Seen', '\\Flagged']),
      size: 1234,
      internalDate: new Date(5000),
      envelope: { subject: 'Hei', from: [{ name: 'Matti', address: 'm@x.fi' }] },
    });
    expect(row).toMatchObject({ uid: 7, subject: 'Hei', date: 5000, from: { name: 'Matti' }, flags: { seen: true, flagged: true, answered: false } });
  });

  it('reassembles fetched parts in their original tree so postal-mime decodes charsets and alternatives', async () => {
    const header = Buffer.from('From: =?UTF-8?Q?P=C3=A4ivi?= <p@x.fi>\r\nSubject: Testi\r\nContent-Type: multipart/mixed; boundary="orig"\r\n\r\n', 'latin1');
    const plain = {
      mimeHeader: Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'),
      body: Buffer.from('P=E4iv=E4=E4 ja tervetuloa'),
    };
    const html = {
      mimeHeader: Buffer.from('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
      body: Buffer.from(Buffer.from('<p>Hyvää päivää</p>').toString('base64')),
    };
    const parsed = await parseMime(
      assembleMessage(
        header,
        structure,
        new Map([
          ['1.1', plain],
          ['1.2', html],
        ]),
      ),
    );
    expect(parsed.text?.trim()).toBe('Päivää ja tervetuloa');
    expect(parsed.html).toContain('Hyvää päivää');
  });
});

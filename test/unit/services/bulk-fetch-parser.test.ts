import { parser as imapflowParser } from 'imapflow/lib/handler/imap-handler.js';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';
import { formatMessageResponse } from 'imapflow/lib/tools.js';
import { describe, expect, it } from 'vitest';
import { ResponseFramer, BulkFetchFramingError } from '../../../main/services/mail/bulk-fetch-framer.js';
import { BulkFetchParseError, FetchResponseParser } from '../../../main/services/mail/bulk-fetch-parser.js';
import { rowFromCompact } from '../../../main/services/mail/compact-row.js';
import { toMessageRow, type FetchedHeaderData } from '../../../main/services/mail/message-row.js';
import type { MessageRow } from '../../../shared/domain.js';

const DOVECOT_PLAIN =
  '* 12 FETCH (UID 41 FLAGS (\\Seen $Forwarded) RFC822.SIZE 2311 INTERNALDATE "02-Jan-2025 08:15:00 +0000" ' +
  'ENVELOPE ("Thu, 2 Jan 2025 10:14:59 +0200" "=?UTF-8?Q?P=C3=A4=C3=A4t=C3=B6s?= toimeentulotuesta" (("=?ISO-8859-1?Q?Liisa_M=E4kinen?=" NIL "liisa.makinen" "example.fi")) ' +
  '(("Liisa" NIL "liisa.makinen" "example.fi")) NIL ((NIL NIL "perhepalvelut" "kunta.fi")) NIL NIL NIL "<abc@example.fi>") ' +
  'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 120 4 NIL NIL NIL NIL)' +
  '("application" "pdf" ("name" "paatos.pdf") NIL NIL "base64" 2000 NIL ("attachment" ("filename" "paatos.pdf")) NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))';

const ENCRYPTED =
  '* 13 FETCH (UID 42 FLAGS () RFC822.SIZE 900 INTERNALDATE "03-Jan-2025 08:15:00 +0000" ' +
  'ENVELOPE ("Fri, 3 Jan 2025 10:00:00 +0200" "..." ((NIL NIL "kumppani" "kela.example")) NIL NIL NIL NIL NIL NIL NIL) ' +
  'BODYSTRUCTURE (("application" "pgp-encrypted" NIL NIL NIL "7bit" 12 NIL NIL NIL NIL)("application" "octet-stream" ("name" "encrypted.asc") NIL NIL "7bit" 600 NIL NIL NIL NIL) "encrypted" ("protocol" "application/pgp-encrypted" "boundary" "x") NIL NIL NIL) MODSEQ (77))';

function parse(text: string | Buffer): MessageRow | null {
  const outcome = new FetchResponseParser().parse(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));
  return outcome.kind === 'row' ? rowFromCompact(outcome.row) : null;
}

/** imapflow's own path: its stream framing (literals split off as Buffers), parser and formatter. */
async function imapflowRow(response: Buffer): Promise<MessageRow> {
  const stream = new ImapStream({});
  const framed = await new Promise<{ payload: Buffer; literals: Buffer[]; next: () => void }>((resolve, reject) => {
    stream.once('readable', () => resolve(stream.read()));
    stream.once('error', reject);
    stream.end(Buffer.concat([response, Buffer.from('\r\n')]));
  });
  framed.next();
  const untagged = await imapflowParser(framed.payload, { literals: framed.literals });
  const map = await formatMessageResponse(untagged, { path: 'INBOX', uidValidity: 1n } as never, undefined as never, undefined as never);
  return toMessageRow(map as unknown as FetchedHeaderData);
}

describe('bulk FETCH parser: what Dovecot sends', () => {
  it('reads a plain message with an attachment and encoded words', () => {
    expect(parse(DOVECOT_PLAIN)).toEqual({
      uid: 41,
      from: { name: 'Liisa Mäkinen', address: 'liisa.makinen@example.fi' },
      subject: 'Päätös toimeentulotuesta',
      date: Date.parse('2025-01-02T08:14:59Z'),
      size: 2311,
      flags: { seen: true, answered: false, flagged: false },
      hasAttachments: true,
      encrypted: false,
      signed: false,
    });
  });

  it('marks PGP/MIME encrypted mail and reads MODSEQ', () => {
    expect(parse(ENCRYPTED)).toMatchObject({ uid: 42, subject: '...', encrypted: true, signed: false, hasAttachments: false });
  });

  it('reads literals (8-bit and quote characters), as imapflow does', async () => {
    const subject = Buffer.from('Tapaaminen "huomenna" klo 9 \\ ääkköset\r\n* 99 FETCH (UID 1)', 'utf8');
    const response = Buffer.concat([
      Buffer.from(`* 1 FETCH (UID 7 FLAGS (\\Flagged) RFC822.SIZE 10 INTERNALDATE "01-Jan-2025 00:00:00 +0000" ENVELOPE (NIL {${subject.length}}\r\n`),
      subject,
      Buffer.from(
        ' (("Matti \\"M\\" Virtanen" NIL "matti" "example.fi")) NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE ("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL NIL NIL))',
      ),
    ]);
    const row = parse(response)!;
    expect(row.subject).toBe(subject.toString('utf8'));
    expect(row.from).toEqual({ name: 'Matti "M" Virtanen', address: 'matti@example.fi' });
    expect(row.date).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(row).toEqual(await imapflowRow(response));
  });

  it('leaves other untagged responses alone', () => {
    expect(parse('* 5 EXISTS')).toBeNull();
    expect(parse('* OK [HIGHESTMODSEQ 5] x')).toBeNull();
    expect(parse('* 5 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (12))')).toBeNull();
  });
});

describe('bulk FETCH parser: hostile input fails with a clear error, never a row', () => {
  const cases: [string, string | Buffer][] = [
    ['truncated in the envelope', DOVECOT_PLAIN.slice(0, 200)],
    ['truncated at the end', DOVECOT_PLAIN.slice(0, -1)],
    ['a line break injected in a quoted string', DOVECOT_PLAIN.replace('toimeentulotuesta', 'toimeentulo\r\n* 1 FETCH (UID 2')],
    ['a bare LF in a quoted string', DOVECOT_PLAIN.replace('toimeentulotuesta', 'x\ny')],
    ['a literal longer than the response', DOVECOT_PLAIN.replace('"=?UTF-8?Q?P=C3=A4=C3=A4t=C3=B6s?= toimeentulotuesta"', '{500}\r\nabc')],
    ['a missing FLAGS item', DOVECOT_PLAIN.replace('FLAGS (\\Seen $Forwarded) ', '')],
    ['a missing UID', DOVECOT_PLAIN.replace('UID 41 ', '')],
    ['an envelope with too few fields', DOVECOT_PLAIN.replace(' NIL NIL NIL "<abc@example.fi>")', ')')],
    ['unbalanced lists', DOVECOT_PLAIN.replace('"mixed"', '("mixed"')],
    ['garbage after the list', `${DOVECOT_PLAIN} x`],
    ['a bad escape', DOVECOT_PLAIN.replace('toimeentulotuesta', 'a\\nb')],
    ['a section item', '* 1 FETCH (UID 1 BODY[HEADER] {2}\r\nab)'],
    ['a UID out of range', DOVECOT_PLAIN.replace('UID 41', 'UID 4294967296')],
    [
      'a BODYSTRUCTURE nested too deeply',
      DOVECOT_PLAIN.replace(/BODYSTRUCTURE .*\)$/, `BODYSTRUCTURE ${'('.repeat(80)}"text" "plain" NIL NIL NIL "7bit" 1 1${') "mixed"'.repeat(79)})`),
    ],
  ];
  it.each(cases)('%s', (_label, response) => {
    expect(() => parse(response)).toThrow(BulkFetchParseError);
  });

  it('names no content in its error', () => {
    try {
      parse(DOVECOT_PLAIN.replace('toimeentulotuesta', 'salainen\r\n'));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/salainen|toimeentulo|liisa/i);
    }
  });
});

describe('response framing', () => {
  const stream = Buffer.concat([
    Buffer.from(`${DOVECOT_PLAIN}\r\n`),
    Buffer.from('* 2 FETCH (UID 3 X {12}\r\n'),
    Buffer.from('ab\r\n{5}\r\nxy\r\r'),
    Buffer.from(')\r\nb1 OK done\r\n'),
  ]);

  it('gives the same responses however the stream is split', () => {
    const whole: string[] = [];
    new ResponseFramer((r) => whole.push(r.toString('latin1'))).push(stream);
    expect(whole).toEqual([DOVECOT_PLAIN, '* 2 FETCH (UID 3 X {12}\r\nab\r\n{5}\r\nxy\r\r)', 'b1 OK done']);
    for (let step = 1; step <= 7; step++) {
      const parts: string[] = [];
      const framer = new ResponseFramer((r) => parts.push(r.toString('latin1')));
      for (let i = 0; i < stream.length; i += step) framer.push(stream.subarray(i, i + step));
      expect(parts).toEqual(whole);
      expect(framer.partial).toBe(false);
    }
  });

  it('refuses a response larger than its limit', () => {
    const framer = new ResponseFramer(() => undefined, { maxResponseBytes: 100 });
    expect(() => framer.push(Buffer.from('* 1 FETCH (UID 1 X {1000}\r\n'))).toThrow(BulkFetchFramingError);
    const lines = new ResponseFramer(() => undefined, { maxResponseBytes: 100 });
    expect(() => lines.push(Buffer.alloc(200, 0x61))).toThrow(BulkFetchFramingError);
  });
});

/** A small seeded generator (mulberry32), so a failure names its seed and repeats. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Gen = ReturnType<typeof random>;

const WORDS = [
  'Päätös',
  'asiakas',
  'ajanvaraus',
  'Återkoppling',
  '"lainattu"',
  'back\\slash',
  '=?UTF-8?B?w6TDpGtrw7Zzw6Q=?=',
  '=?ISO-8859-1?Q?M=E4kinen?=',
  '=?x-unknown?Q?a?=',
  'NIL',
  '(sulut)',
  '{3}',
  '  ',
];

/** An nstring as a server may send it: NIL, quoted (escaped) or a literal (any bytes but NUL). */
function nstring(g: Gen, text: string | null): string {
  if (text === null) return 'NIL';
  if (g.next() < 0.5 && !/[\r\n\u0080-\uffff]/.test(text)) return `"${text.replace(/["\\]/g, '\\$&')}"`;
  return `{${Buffer.byteLength(text)}}\r\n${text}`;
}

function text(g: Gen): string {
  const n = g.int(5);
  const words = Array.from({ length: n }, () => g.pick(WORDS));
  if (g.next() < 0.1) words.push('rivi\r\nvaihto');
  return words.join(' ');
}

function address(g: Gen): string {
  const name = g.next() < 0.3 ? null : text(g);
  const mailbox = g.next() < 0.1 ? null : g.pick(['liisa', 'tiimi', 'x.y', 'ryhmä']);
  const host = g.next() < 0.15 ? null : g.pick(['example.fi', 'kunta.fi']);
  return `(${nstring(g, name)} NIL ${nstring(g, mailbox)} ${nstring(g, host)})`;
}

function addressList(g: Gen): string {
  if (g.next() < 0.15) return 'NIL';
  return `(${Array.from({ length: 1 + g.int(3) }, () => address(g)).join('')})`;
}

function envelope(g: Gen): string {
  if (g.next() < 0.03) return 'NIL';
  const date = g.pick([null, 'Thu, 2 Jan 2025 10:14:59 +0200', 'not a date', '', '1 Feb 2024 00:00 GMT']);
  const subject = g.next() < 0.1 ? null : text(g);
  const fields = [nstring(g, date), nstring(g, subject), addressList(g), addressList(g), 'NIL', addressList(g), 'NIL', 'NIL', 'NIL', nstring(g, '<id@x>')];
  return `(${fields.join(' ')})`;
}

function leaf(g: Gen, depth: number): string {
  const [type, subtype] = g.pick([
    ['text', 'plain'],
    ['text', 'html'],
    ['application', 'pdf'],
    ['image', 'png'],
    ['application', 'pgp-encrypted'],
    ['application', 'pgp-signature'],
    ['application', 'pkcs7-mime'],
    ['message', 'rfc822'],
    ['TEXT', 'Plain'],
  ] as const);
  const params =
    type === 'application' && subtype === 'pkcs7-mime'
      ? `("smime-type" ${nstring(g, g.pick(['signed-data', 'enveloped-data', 'Signed-Data']))} "name" "smime.p7m")`
      : g.pick(['NIL', '("charset" "utf-8")', '("name" "a.pdf")']);
  const id = g.next() < 0.3 ? nstring(g, g.pick(['<img1@x>', ''])) : 'NIL';
  const base = `${nstring(g, type)} ${nstring(g, subtype)} ${params} ${id} NIL "base64" ${g.int(5000)}`;
  let extra = '';
  if (type === 'message' && subtype === 'rfc822') extra = ` ${envelope(g)} ${depth < 3 ? body(g, depth + 1) : leaf(g, 9)} ${g.int(50)}`;
  else if (type.toLowerCase() === 'text') extra = ` ${g.int(50)}`;
  const disposition = g.pick(['NIL', '("attachment" ("filename" "a.pdf"))', '("inline" NIL)', '("INLINE" NIL)']);
  const ext = g.next() < 0.8 ? ` NIL ${disposition} NIL NIL` : '';
  return `(${base}${extra}${ext})`;
}

function body(g: Gen, depth = 0): string {
  if (depth > 3 || g.next() < 0.4) return leaf(g, depth);
  const subtype = g.pick(['mixed', 'alternative', 'signed', 'encrypted', 'related']);
  const children = Array.from({ length: 1 + g.int(3) }, () => body(g, depth + 1)).join('');
  return `(${children} "${subtype}" ("boundary" "b${depth}") NIL NIL NIL)`;
}

function fetchResponse(g: Gen, seq: number): Buffer {
  const flags = ['\\Seen', '\\Answered', '\\Flagged', '$Forwarded', '\\Draft', '\\SEEN'].filter(() => g.next() < 0.4);
  const internal = g.pick(['"01-Jan-2025 00:00:00 +0000"', '"15-Mar-2024 12:30:45 +0200"']);
  const structure = g.next() < 0.03 ? 'NIL' : body(g);
  const items = [
    `UID ${seq * 3}`,
    `FLAGS (${flags.join(' ')})`,
    `RFC822.SIZE ${g.int(100000)}`,
    `INTERNALDATE ${internal}`,
    `ENVELOPE ${envelope(g)}`,
    `BODYSTRUCTURE ${structure}`,
  ];
  if (g.next() < 0.5) items.push(`MODSEQ (${g.int(1000)})`);
  return Buffer.from(`* ${seq} FETCH (${items.join(' ')})`, 'utf8');
}

describe('bulk FETCH parser agrees with imapflow (property test on generated mailboxes)', () => {
  // A loaded 2-core machine runs imapflow's path slowly: a generous limit, not a timing assertion.
  it('gives the row imapflow gives, for 200 generated messages', { timeout: 30_000 }, async () => {
    const seed = 20261203;
    const g = random(seed);
    for (let seq = 1; seq <= 200; seq++) {
      const response = fetchResponse(g, seq);
      const expected = await imapflowRow(response);
      expect({ seed, seq, row: parse(response) }).toEqual({ seed, seq, row: expected });
    }
  });

  it('never returns a different row for a damaged response: an error or the same row', { timeout: 30_000 }, async () => {
    const g = random(7);
    let refused = 0;
    for (let seq = 1; seq <= 200; seq++) {
      const whole = fetchResponse(g, seq);
      // Cut, drop or flip one byte.
      const at = g.int(whole.length);
      const damaged = g.pick([
        () => whole.subarray(0, at),
        () => Buffer.concat([whole.subarray(0, at), whole.subarray(at + 1)]),
        () => Buffer.concat([whole.subarray(0, at), Buffer.from(g.pick(['"', '(', ')', '\r\n', ' ', '{'])), whole.subarray(at + 1)]),
      ])();
      let row: MessageRow | null;
      try {
        row = parse(damaged);
      } catch (error) {
        expect(error).toBeInstanceOf(BulkFetchParseError);
        refused++;
        continue;
      }
      if (row === null) continue;
      // When it still parses, imapflow must read the same damaged bytes the same way.
      const theirs = await imapflowRow(damaged).catch(() => null);
      if (theirs) expect({ seq, row }).toEqual({ seq, row: theirs });
    }
    expect(refused).toBeGreaterThan(100);
  });
});

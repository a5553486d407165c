/**
 * The bulk header connection keeps imapflow's connection invariants: a PREAUTH greeting, a
 * server without STARTTLS, and data injected between STARTTLS's answer and the handshake are all
 * refused before any credential is sent; the mailbox must have the expected UIDVALIDITY.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BulkHeaderConnection } from '../../../main/services/mail/bulk-header-connection.js';
import { buildImapOptions } from '../../../main/services/mail/imap-client-factory.js';
import { createLogger } from '../../../main/services/logging/logger.js';

const logger = createLogger('test', { sink: () => undefined });
let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A scripted server: `answer` maps each command line to what it writes back. */
async function fakeServer(greeting: string, answer: (line: string, socket: Socket) => string | null): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  server = createServer((socket) => {
    socket.write(greeting);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        const reply = answer(line, socket);
        if (reply) socket.write(reply);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as { port: number }).port, received };
}

const options = (port: number, security: 'starttls' | 'plain') =>
  buildImapOptions(
    { host: '127.0.0.1', port, security, credential: { method: 'password', user: 'u', password: 'Salasana1' } },
    { logger, connectTimeoutMs: 5000 },
  );

const tagOf = (line: string) => line.split(' ')[0]!;

describe('bulk header connection fails closed', () => {
  it('refuses a PREAUTH greeting', async () => {
    const { port, received } = await fakeServer('* PREAUTH ready\r\n', () => null);
    await expect(BulkHeaderConnection.open(options(port, 'starttls'), 'INBOX', 1n)).rejects.toMatchObject({ code: 'PREAUTH_REFUSED' });
    expect(received.join('\n')).not.toContain('Salasana1');
  });

  it('refuses a server that will not start TLS (STARTTLS stripped)', async () => {
    const { port, received } = await fakeServer('* OK ready\r\n', (line) => `${tagOf(line)} BAD unknown command\r\n`);
    await expect(BulkHeaderConnection.open(options(port, 'starttls'), 'INBOX', 1n)).rejects.toBeTruthy();
    expect(received).toEqual([expect.stringMatching(/ STARTTLS$/)]);
  });

  it('refuses data injected after the STARTTLS answer, before the handshake', async () => {
    const { port, received } = await fakeServer(
      '* OK ready\r\n',
      (line) => `${tagOf(line)} OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n`,
    );
    await expect(BulkHeaderConnection.open(options(port, 'starttls'), 'INBOX', 1n)).rejects.toMatchObject({ code: 'STARTTLS_REQUIRED' });
    expect(received.join('\n')).not.toContain('Salasana1');
  });

  it('refuses a mailbox whose UIDVALIDITY is not the one its rows belong to', async () => {
    const { port } = await fakeServer('* OK ready\r\n', (line) => {
      const tag = tagOf(line);
      if (/ CAPABILITY$/.test(line)) return `* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n${tag} OK\r\n`;
      if (/ AUTHENTICATE /.test(line)) return `${tag} OK logged in\r\n`;
      if (/ EXAMINE /.test(line)) return `* OK [UIDVALIDITY 99] x\r\n${tag} OK [READ-ONLY] done\r\n`;
      return `${tag} OK\r\n`;
    });
    await expect(BulkHeaderConnection.open(options(port, 'plain'), 'INBOX', 1n)).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE' });
  });

  it('counts a malformed FETCH response and keeps reading the rest (no guessed row)', async () => {
    const row = (uid: number, subject: string) =>
      `* ${uid} FETCH (UID ${uid} FLAGS () RFC822.SIZE 1 INTERNALDATE "01-Jan-2025 00:00:00 +0000" ENVELOPE (NIL ${subject} NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE ("text" "plain" NIL NIL NIL "7bit" 1 1))\r\n`;
    const { port } = await fakeServer('* OK ready\r\n', (line) => {
      const tag = tagOf(line);
      if (/ CAPABILITY$/.test(line)) return `* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n${tag} OK\r\n`;
      if (/ EXAMINE /.test(line)) return `* OK [UIDVALIDITY 1] x\r\n${tag} OK done\r\n`;
      if (/ UID FETCH /.test(line)) return `${row(1, '"eka"')}${row(2, '"rikki\\x"')}${row(3, '{4}\r\nkolm')}${tag} OK done\r\n`;
      return `${tag} OK\r\n`;
    });
    const connection = await BulkHeaderConnection.open(options(port, 'plain'), 'INBOX', 1n);
    const subjects: string[] = [];
    const result = await connection.fetch([1, 2, 3], (r) => subjects.push(r.subject));
    await connection.close();
    expect(result).toEqual({ rows: 2, malformed: 1 });
    expect(subjects).toEqual(['eka', 'kolm']);
  });
});

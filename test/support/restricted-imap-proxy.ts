/**
 * An Exchange Online-like IMAP server for tests and the benchmark: a real Dovecot behind a small
 * proxy that takes away what Exchange does not have (PLATFORM-NOTES.md): no CONDSTORE, QRESYNC or
 * METADATA in the capabilities, no `\*` (and no custom keywords) in PERMANENTFLAGS or FLAGS, no
 * HIGHESTMODSEQ, and a STORE or SEARCH of a custom keyword answered `BAD Command Argument Error. 11`
 * without reaching the server. UIDPLUS, MOVE, IDLE and the shared namespace stay. Plain IMAP on
 * loopback (the client's 'plain' security), proxied to Dovecot's plain port.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface RestrictedImapProxy {
  port: number;
  /** How many commands were refused the way Exchange refuses them. */
  refused(): number;
  close(): Promise<void>;
}

const REMOVED_CAPABILITIES = /^(CONDSTORE|QRESYNC|METADATA|METADATA-SERVER|STARTTLS|LOGINDISABLED|X-[A-Z0-9-]+|LIST-STATUS)$/i;
const EXCHANGE_FLAGS = new Set(['\\seen', '\\answered', '\\flagged', '\\deleted', '\\draft', '$mdnsent']);

/** Splits a stream into IMAP lines and the literals that follow `{n}`, so literal bytes are never rewritten. */
function imapStream(onLine: (line: string) => string | null, write: (data: Buffer) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  let literal = 0;
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (literal > 0) {
        if (!buffer.length) return;
        const take = Math.min(literal, buffer.length);
        write(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        literal -= take;
        continue;
      }
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.subarray(0, end + 2).toString('latin1');
      buffer = buffer.subarray(end + 2);
      const size = /\{(\d+)\+?\}\r\n$/.exec(line);
      if (size) literal = Number(size[1]);
      const out = onLine(line);
      if (out !== null) write(Buffer.from(out, 'latin1'));
    }
  };
}

function restrictServerLine(line: string): string | null {
  if (/^\* OK \[(HIGHESTMODSEQ|NOMODSEQ)\b/i.test(line)) return null;
  let out = line.replace(/^(\* |\S+ OK \[)(CAPABILITY)([^\]\r\n]*)/i, (_m, head: string, word: string, list: string) => {
    const kept = list.split(' ').filter((token) => token && !REMOVED_CAPABILITIES.test(token));
    return `${head}${word} ${kept.join(' ')}`.trimEnd();
  });
  out = out.replace(/^(\* OK \[PERMANENTFLAGS \()([^)]*)\)/i, (_m, head: string, flags: string) => `${head}${onlyExchangeFlags(flags)})`);
  out = out.replace(/^(\* FLAGS \()([^)]*)\)/i, (_m, head: string, flags: string) => `${head}${onlyExchangeFlags(flags)})`);
  return out;
}

function onlyExchangeFlags(flags: string): string {
  return flags
    .split(' ')
    .filter((f) => EXCHANGE_FLAGS.has(f.toLowerCase()))
    .join(' ');
}

/** A client command Exchange answers with BAD: a STORE of a custom keyword, or SEARCH KEYWORD. */
function refusedCommand(line: string): string | null {
  const store = /^(\S+) (?:UID )?STORE \S+ (?:\([^)]*\) )?[+-]?FLAGS(?:\.SILENT)? \(?([^)\r\n]*)\)?/i.exec(line);
  if (store && store[2]!.split(' ').some((f) => f && !EXCHANGE_FLAGS.has(f.toLowerCase()) && f.toLowerCase() !== '\\recent')) return store[1]!;
  const search = /^(\S+) (?:UID )?SEARCH .*\b(UN)?KEYWORD\b/i.exec(line);
  if (search) return search[1]!;
  const modifier = /^(\S+) (?:UID )?STORE \S+ \(UNCHANGEDSINCE/i.exec(line);
  if (modifier) return modifier[1]!;
  return null;
}

export async function startRestrictedImapProxy(upstreamPort: number): Promise<RestrictedImapProxy> {
  const sockets = new Set<Socket>();
  let refused = 0;
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    // Lines are written one by one: without this Nagle and delayed ACKs add ~40 ms to each exchange.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.on(
      'data',
      imapStream(restrictServerLine, (data) => client.write(data)),
    );
    client.on(
      'data',
      imapStream(
        (line) => {
          const tag = refusedCommand(line);
          if (tag === null) return line;
          refused += 1;
          client.write(`${tag} BAD Command Argument Error. 11\r\n`);
          return null;
        },
        (data) => upstream.write(data),
      ),
    );
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    upstream.on('close', end).on('error', end);
    client.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    refused: () => refused,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Servers that attack the IMAP client: a man in the middle that strips STARTTLS from a real
 * Dovecot's capabilities, and one that answers with a PREAUTH greeting. Both record every byte the
 * client sends, so tests can prove no credentials were sent in the clear.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface HostileServer {
  port: number;
  /** Everything clients sent, as text. */
  received(): string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function tracker(server: Server, sockets: Set<Socket>, chunks: Buffer[]) {
  return {
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Proxies to a real server, removing STARTTLS from every capability list it passes on. */
export async function startStarttlsStripper(upstreamPort: number): Promise<HostileServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const strip = (data: Buffer) =>
    Buffer.from(
      data
        .toString('latin1')
        .replace(/ STARTTLS/g, '')
        .replace(/ LOGINDISABLED/g, ''),
      'latin1',
    );
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('data', (d) => client.write(strip(d)));
    client.on('data', (d) => {
      chunks.push(Buffer.from(d));
      upstream.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('close', end).on('error', end);
    client.on('close', end).on('error', end);
  });
  const port = await listen(server);
  return { port, ...tracker(server, sockets, chunks) };
}

/** Greets with PREAUTH (what an attacker does to keep a session out of TLS), then answers nothing useful. */
export async function startPreauthServer(): Promise<HostileServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.write('* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS IDLE] Logged in as victim\r\n');
    client.on('data', (d) => {
      chunks.push(Buffer.from(d));
      for (const line of d.toString('latin1').split('\r\n')) {
        const tag = line.split(' ')[0];
        if (!tag) continue;
        if (/ STARTTLS/i.test(line)) client.write(`${tag} BAD STARTTLS not allowed in authenticated state\r\n`);
        else if (/ LOGOUT/i.test(line)) client.end(`* BYE\r\n${tag} OK\r\n`);
        else client.write(`* CAPABILITY IMAP4rev1 IDLE\r\n${tag} OK done\r\n`);
      }
    });
    client.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, ...tracker(server, sockets, chunks) };
}

/** Accepts connections and never greets: the client must time out. */
export async function startSilentServer(): Promise<HostileServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('data', (d) => chunks.push(Buffer.from(d)));
    client.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, ...tracker(server, sockets, chunks) };
}

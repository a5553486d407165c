/**
 * A small RFC 5425 receiver for the tests: syslog over TLS with octet-counted frames, on loopback,
 * with the certificate the test made. Keeps every message in arrival order; closes its side only
 * after the sender ended and every frame was read (what the shipper takes as confirmation). Can be
 * stopped and started again on the same port (the receiver "down, then up").
 */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

export class SyslogTlsReceiver {
  readonly messages: string[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<TLSSocket>();
  port = 0;

  constructor(private readonly tls: { certPem: string; keyPem: string }) {}

  async start(port = this.port): Promise<number> {
    const server = createServer({ cert: this.tls.certPem, key: this.tls.keyPem }, (socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Down: refuses new connections and cuts open ones. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private serve(socket: TLSSocket): void {
    this.sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) break;
        const length = Number(buffer.subarray(0, space).toString('ascii'));
        if (!Number.isInteger(length) || length <= 0) {
          socket.destroy();
          return;
        }
        if (buffer.length < space + 1 + length) break;
        this.messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

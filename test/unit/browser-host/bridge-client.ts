/** A small `/bridge` client for the browser-host tests: opens sockets, authenticates, collects. */
import WebSocket from 'ws';

export interface Bridge {
  ws: WebSocket;
  messages: unknown[];
  /** Resolves with the close code once the host closed the socket. */
  closed: Promise<number>;
  /** Sends a request and waits for its answer (or the socket closing: then null). */
  call(id: number, channel: unknown, request: unknown): Promise<unknown>;
  /** The same with the request already as JSON text (for values JSON.stringify cannot nest so deep). */
  callRaw(id: number, channel: string, requestJson: string): Promise<unknown>;
}

export function connect(port: number, origin: string, headers: Record<string, string> = {}): Promise<Bridge> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers: { Origin: origin, ...headers }, maxPayload: 0 });
    const messages: unknown[] = [];
    const waiting = new Map<number, (answer: unknown) => void>();
    const closed = new Promise<number>((r) =>
      ws.once('close', (code) => {
        for (const done of waiting.values()) done(null);
        r(code);
      }),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      messages.push(message);
      if (typeof message.id === 'number') waiting.get(message.id)?.(message.result);
    });
    ws.on('error', () => undefined);
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        closed,
        call: (id, channel, request) =>
          new Promise((done) => {
            if (ws.readyState !== ws.OPEN) return done(null);
            waiting.set(id, done);
            ws.send(JSON.stringify({ id, channel, request }));
          }),
        callRaw: (id, channel, requestJson) =>
          new Promise((done) => {
            if (ws.readyState !== ws.OPEN) return done(null);
            waiting.set(id, done);
            ws.send(`{"id":${id},"channel":${JSON.stringify(channel)},"request":${requestJson}}`);
          }),
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Authenticates with `{ auth: credential }`; resolves with the resume token, or the close code when refused. */
export async function authenticate(bridge: Bridge, credential: { launch: string } | { resume: string }): Promise<{ resume: string } | { closed: number }> {
  const answer = new Promise<{ resume: string } | { closed: number }>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { auth?: string; resume?: string };
      if (message.auth === 'ok' && message.resume) {
        bridge.ws.off('message', onMessage);
        resolve({ resume: message.resume });
      }
    };
    bridge.ws.on('message', onMessage);
    void bridge.closed.then((code) => resolve({ closed: code }));
  });
  bridge.ws.send(JSON.stringify({ auth: credential }));
  return answer;
}

export const tokenOf = (launchUrl: string) => new URL(launchUrl).hash.replace(/^#token=/, '');

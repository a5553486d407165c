/**
 * Receives the OAuth2 redirect on a one-time HTTP listener bound to 127.0.0.1 only (never every
 * interface: that raises a firewall prompt on Windows and lets the network reach it), on a port
 * the OS picks, for one GET to /callback. The page it answers says to return to Sinetti and
 * carries nothing from the request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackRedirect {
  /** The redirect URI to register in the authorization request. */
  uri: string;
  /** The full callback URL once the browser came back (code and state in its query). */
  received: Promise<URL>;
  close(): void;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Sinetti</title></head><body><p>Kirjautuminen on valmis. Voit sulkea tämän välilehden ja palata Sinettiin.</p><p lang="sv">Inloggningen är klar. Du kan stänga fliken och återgå till Sinetti.</p><p lang="en">Signing in is complete. You can close this tab and return to Sinetti.</p></body></html>`;

export async function receiveRedirect(options: { timeoutMs: number }): Promise<LoopbackRedirect> {
  let resolve!: (url: URL) => void;
  let reject!: (error: Error) => void;
  const received = new Promise<URL>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be left waiting unhandled when the person gives up.
  received.catch(() => undefined);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1`);
    if (request.method !== 'GET' || url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'" });
    response.end(PAGE);
    resolve(new URL(`${uri}${url.search}`));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(() => reject(Object.assign(new Error('The sign-in was not completed in time.'), { code: 'SIGN_IN_TIMEOUT' })), options.timeoutMs);
  timer.unref();
  return {
    uri,
    received,
    close: () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('closed'), { code: 'SIGN_IN_TIMEOUT' }));
      server.close();
      server.closeAllConnections();
    },
  };
}

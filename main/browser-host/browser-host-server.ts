/**
 * Trust boundary: the browser host serves the same renderer and bridges the same contract as the
 * Electron layer, over HTTP + WebSocket on loopback. Invariants:
 * - it listens on 127.0.0.1 only;
 * - a random per-launch token is required: the launch URL carries it once, the host swaps it for
 *   an HttpOnly SameSite=Strict cookie and redirects to a token-free URL; every other request,
 *   including the WebSocket upgrade, is refused (401) without that cookie;
 * - the Host header must name this loopback origin (DNS rebinding) and a WebSocket's Origin must
 *   be this origin (cross-site WebSocket hijacking);
 * - requests reach services only through the dispatcher, which validates every payload.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAIL_EVENT_CHANNEL } from '../../shared/channels.js';
import { APP_CSP_DIRECTIVES } from '../../shared/app-csp.js';
import type { Services } from '../services/services.js';
import type { Logger } from '../services/logging/logger.js';

export const SESSION_COOKIE = 'sinetti_session';
/**
 * One bridge message: a composer check or send carries its attachments base64-encoded, so this
 * must hold the policy's largest attachments (default 25 MB, 4/3 in base64) with room to spare;
 * at 2 MB any attachment over ~1.4 MB cut the connection.
 */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A browser tab can be framed by other pages, an Electron window cannot: hence frame-ancestors. */
export const CONTENT_SECURITY_POLICY = [...APP_CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface BrowserHostOptions {
  services: Pick<Services, 'dispatcher' | 'mailEvents'>;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  logger: Logger;
}

export interface BrowserHost {
  /** The launch URL, carrying the per-launch token. */
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(32).toString('base64url');
  const root = resolve(options.staticDir);
  const log = options.logger;
  let origin = '';
  let port = 0;

  const tokenMatches = (candidate: string | undefined | null) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const hostAllowed = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const hasSession = (req: IncomingMessage) => tokenMatches(readCookie(req.headers.cookie, SESSION_COOKIE));

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return refuse(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    const url = new URL(req.url ?? '/', origin);
    const launchToken = url.searchParams.get('token');
    if (launchToken !== null) {
      if (!tokenMatches(launchToken)) return refuse(res, 401, 'Invalid launch token.');
      // Swap the token for a cookie so it does not stay in the address bar or history.
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (!hasSession(req)) return refuse(res, 401, 'Open Sinetti through the address it printed when it started.');
    const file = await resolveStatic(root, url.pathname);
    if (!file) return refuse(res, 404, 'Not found');
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/bridge' || !hostAllowed(req) || req.headers.origin !== origin || !hasSession(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws));
  });

  function bridge(ws: WebSocket): void {
    const unsubscribe = options.services.mailEvents.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, channel: MAIL_EVENT_CHANNEL }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only');
      let message: { id?: unknown; channel?: unknown; request?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return ws.close(1007, 'invalid JSON');
      }
      const id = message.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) return ws.close(1008, 'missing id');
      void options.services.dispatcher.dispatch(message.channel, message.request).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  log.info('browser host listening', { port });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

async function resolveStatic(root: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  const file = resolve(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const info = await stat(file);
    return info.isFile() ? file : null;
  } catch {
    return null;
  }
}

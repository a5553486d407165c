/**
 * Trust boundary: the browser host serves the same renderer and bridges the same contract as the
 * Electron layer, over HTTP + WebSocket on loopback. Invariants:
 * - it listens on 127.0.0.1 only;
 * - the HTTP side serves only the built renderer's static files, which hold no data, with
 *   `no-store` (no cache, no back/forward cache) and without any credential: no cookie is ever set,
 *   because browsers do not scope cookies by port and every other local server would receive it;
 * - the only way to data is the `/bridge` WebSocket, authenticated by its first message with the
 *   single-use launch token from the launch URL's fragment (or the session's single-use resume
 *   token) — see session-credentials.ts and bridge-session.ts;
 * - the Host header must name this loopback origin (DNS rebinding) and a WebSocket's Origin must
 *   be this origin (cross-site WebSocket hijacking);
 * - nothing that arrives (a request, an upgrade, a frame) can end the process: it gets an error
 *   answer or a closed socket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { APP_CSP_DIRECTIVES } from '../../shared/app-csp.js';
import type { Services } from '../services/services.js';
import type { Logger } from '../services/logging/logger.js';
import { runBridgeSession } from './bridge-session.js';
import { SessionCredentials } from './session-credentials.js';

/**
 * One bridge message. Attachments travel in pieces (`attachments:upload:chunk`), so the largest
 * requests are the compose settings (templates) and a message's text; a frame over this closes the
 * socket (1009), it never ends the process.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Sockets that have not authenticated yet: bounded, so unauthenticated peers cannot pile up frames. */
const MAX_UNAUTHENTICATED_SOCKETS = 8;

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
  /**
   * Called with a new single-use launch URL each time the current one has opened a session, so
   * the person can open Sinetti again (after reloading the page) from the terminal. Without it, a
   * used launch URL is simply spent.
   */
  onLaunchUrlUsed?: (nextUrl: string) => void;
  /** How long a new socket may take to authenticate (default 10 s). */
  authTimeoutMs?: number;
}

export interface BrowserHost {
  /** The launch URL, carrying the single-use launch token in its fragment. */
  url: string;
  /** A new single-use launch URL (e.g. for a reloaded page); the previous one stops working. */
  renewLaunchUrl(): string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const credentials = new SessionCredentials(() => {
    if (options.onLaunchUrlUsed) options.onLaunchUrlUsed(launchUrl(credentials.renewLaunchToken()));
  });
  const root = resolve(options.staticDir);
  const log = options.logger;
  let origin = '';
  let port = 0;
  let unauthenticated = 0;
  const launchUrl = (token: string) => `${origin}/#token=${token}`;

  const hostAllowed = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;

  const server = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // A malformed request or a peer that resets: answer 400 or drop it, never throw.
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return refuse(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    const url = new URL(req.url ?? '/', origin);
    const file = await resolveStatic(root, url.pathname);
    if (!file) return refuse(res, 404, 'Not found');
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      // Nothing of the app is kept on disk or in the back/forward cache.
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (error) => log.warn('bridge server error', { error: error.name }));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the raw socket over without an error listener: a reset would end the process.
    socket.on('error', () => socket.destroy());
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== '/bridge' || !hostAllowed(req) || req.headers.origin !== origin || unauthenticated >= MAX_UNAUTHENTICATED_SOCKETS) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        unauthenticated++;
        let counted = true;
        const uncount = () => {
          if (counted) unauthenticated--;
          counted = false;
        };
        ws.once('close', uncount);
        ws.once('message', uncount);
        runBridgeSession(ws, {
          credentials,
          dispatcher: options.services.dispatcher,
          mailEvents: options.services.mailEvents,
          logger: log,
          ...(options.authTimeoutMs !== undefined ? { authTimeoutMs: options.authTimeoutMs } : {}),
        });
      });
    } catch {
      socket.destroy();
    }
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  server.on('error', (error) => log.warn('browser host server error', { error: error.name }));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  log.info('browser host listening', { port });

  return {
    url: launchUrl(credentials.launchToken!),
    renewLaunchUrl: () => launchUrl(credentials.renewLaunchToken()),
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

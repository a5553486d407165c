/**
 * Trust boundary: serves the renderer bundle over `app://sinetti/` instead of file://, so the app
 * has a real origin (CSP 'self', sender checks) and no page can read arbitrary files. Invariants:
 * only GET/HEAD on host `sinetti`; the decoded path must stay inside the renderer directory
 * (no `..`, encoded slashes, backslashes, NUL or drive letters get out); unknown files are 404;
 * every response carries nosniff and HTML carries the CSP.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Protocol } from 'electron';
import { APP_CSP, APP_HOST, APP_SCHEME } from './app-origin.js';

/** Must run before app 'ready': makes app:// a standard, secure origin (like https). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rootDir: string): void {
  protocol.handle(APP_SCHEME, createAppFileHandler(rootDir));
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Maps a request URL to a file inside rootDir, or null when it is not one we serve. */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port || url.username || url.password) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\') || pathname.split('/').some((segment) => segment === '..' || segment.includes(':'))) {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = resolve(rootDir);
  const candidate = resolve(join(root, pathname));
  const inside = relative(root, candidate);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return candidate;
}

export function createAppFileHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: baseHeaders('text/plain; charset=utf-8') });
    }
    const path = resolveAppPath(rootDir, request.url);
    if (path === null) return notFound();
    try {
      const info = await stat(path);
      if (!info.isFile()) return notFound();
      const type = MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      const headers = baseHeaders(type);
      if (type.startsWith('text/html')) headers.set('Content-Security-Policy', APP_CSP);
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
      return new Response(new Uint8Array(await readFile(path)), { status: 200, headers });
    } catch {
      return notFound();
    }
  };
}

function baseHeaders(contentType: string): Headers {
  return new Headers({
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: baseHeaders('text/plain; charset=utf-8') });
}

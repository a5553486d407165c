/**
 * Attacks on the browser host's HTTP side and its credential: DNS rebinding, path traversal,
 * cross-site WebSocket hijacking, and a page on any other 127.0.0.1 port (browsers do not scope
 * cookies by port): the host sets no cookie at all, the static app holds no data, and the only
 * way in is the `/bridge` socket's first message with the single-use launch token (from the URL
 * fragment) or a single-use resume token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../main/browser-host/browser-host-server.js';
import { MailEventHub } from '../../../main/services/events/mail-events.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { authenticate, connect, tokenOf, type Bridge } from './bridge-client.js';

const staticDir = mkdtempSync(join(tmpdir(), 'sinetti-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sinetti</title>');
writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');

const dispatch = vi.fn(async (channel: unknown) => ({ ok: true as const, value: { echoed: channel } }));
const mailEvents = new MailEventHub();
let host: BrowserHost;
/** The newest launch URL the host offered (each one works once). */
let launchUrl = '';

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function session(): Promise<Bridge & { resume: string }> {
  const bridge = await connect(host.port, host.origin);
  const auth = await authenticate(bridge, { launch: tokenOf(launchUrl) });
  if (!('resume' in auth)) throw new Error(`refused: ${auth.closed}`);
  return { ...bridge, resume: auth.resume };
}

beforeAll(async () => {
  host = await startBrowserHost({
    services: { dispatcher: { dispatch }, mailEvents },
    staticDir,
    logger: createLogger('t', { sink: () => undefined }),
    authTimeoutMs: 300,
    onLaunchUrlUsed: (next) => (launchUrl = next),
  });
  launchUrl = host.url;
});
afterAll(async () => host.close());

describe('browser host: loopback and static files', () => {
  it('listens on loopback only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('carries the launch token only in the URL fragment, which no browser sends to a server', () => {
    const url = new URL(host.url);
    expect(url.search).toBe('');
    expect(url.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves the static app without any credential, never sets a cookie, and keeps nothing in caches', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Sinetti');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // The old launch form (?token=) is no longer special: no redirect, no cookie.
    const old = await get(`/?token=${tokenOf(host.url)}`);
    expect(old.status).toBe(200);
    expect(old.headers['set-cookie']).toBeUndefined();
  });

  it('refuses other Host headers (DNS rebinding)', async () => {
    const res = await get('/', { Host: 'evil.example' });
    expect(res.status).toBe(421);
  });

  it('does not serve files outside the renderer directory', async () => {
    for (const path of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/..%2foutside-secret.txt']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });
});

describe('browser host: the bridge credential', () => {
  it('refuses a WebSocket from another origin (cross-site hijacking) and on another path', async () => {
    await expect(connect(host.port, 'https://evil.example')).rejects.toThrow(/403/);
    await expect(connect(host.port, 'http://127.0.0.1:1')).rejects.toThrow(/403/);
  });

  it('dispatches nothing and pushes no event before the socket authenticated', async () => {
    dispatch.mockClear();
    const bridge = await connect(host.port, host.origin);
    mailEvents.emit({ type: 'connection', accountId: 'a', state: 'connected' });
    expect(await bridge.call(1, 'accounts:list', {})).toBeNull();
    expect(await bridge.closed).toBe(4401);
    expect(bridge.messages).toEqual([]);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('closes a socket that stays silent', async () => {
    const bridge = await connect(host.port, host.origin);
    expect(await bridge.closed).toBe(4401);
  });

  it('refuses a wrong token, and a resume token presented as a launch token', async () => {
    const first = await session();
    for (const credential of [{ launch: 'A'.repeat(43) }, { resume: 'A'.repeat(43) }, { launch: first.resume }]) {
      expect(await authenticate(await connect(host.port, host.origin), credential)).toEqual({ closed: 4401 });
    }
    first.ws.close();
  });

  it('a launch token opens one session only: replaying the launch URL is refused', async () => {
    const used = launchUrl;
    const first = await session();
    expect(launchUrl).not.toBe(used);
    expect(await authenticate(await connect(host.port, host.origin), { launch: tokenOf(used) })).toEqual({ closed: 4401 });
    first.ws.close();
  });

  it('a resume token reconnects once and is replaced each time', async () => {
    const first = await session();
    first.ws.close();
    const second = await authenticate(await connect(host.port, host.origin), { resume: first.resume });
    expect(second).toEqual({ resume: expect.any(String) });
    expect(await authenticate(await connect(host.port, host.origin), { resume: first.resume })).toEqual({ closed: 4401 });
    const third = await authenticate(await connect(host.port, host.origin), { resume: (second as { resume: string }).resume });
    expect(third).toEqual({ resume: expect.any(String) });
  });

  it('without onLaunchUrlUsed a used launch URL is simply spent', async () => {
    const other = await startBrowserHost({
      services: { dispatcher: { dispatch }, mailEvents },
      staticDir,
      logger: createLogger('t', { sink: () => undefined }),
    });
    try {
      const bridge = await connect(other.port, other.origin);
      expect(await authenticate(bridge, { launch: tokenOf(other.url) })).toEqual({ resume: expect.any(String) });
      expect(await authenticate(await connect(other.port, other.origin), { launch: tokenOf(other.url) })).toEqual({ closed: 4401 });
      bridge.ws.close();
    } finally {
      await other.close();
    }
  });

  it('bridges requests to the dispatcher and pushes mail events after authentication', async () => {
    const bridge = await session();
    expect(await bridge.call(7, 'accounts:list', {})).toEqual({ ok: true, value: { echoed: 'accounts:list' } });
    mailEvents.emit({ type: 'connection', accountId: 'a', state: 'connected' });
    await vi.waitFor(() =>
      expect(bridge.messages).toContainEqual(expect.objectContaining({ event: { type: 'connection', accountId: 'a', state: 'connected' } })),
    );
    bridge.ws.close();
  });
});

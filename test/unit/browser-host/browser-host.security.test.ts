import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../main/browser-host/browser-host-server.js';
import { MailEventHub } from '../../../main/services/events/mail-events.js';
import { createLogger } from '../../../main/services/logging/logger.js';

const staticDir = mkdtempSync(join(tmpdir(), 'sinetti-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sinetti</title>');
writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');

const dispatch = vi.fn(async (channel: unknown) => ({ ok: true as const, value: { echoed: channel } }));
const mailEvents = new MailEventHub();
let host: BrowserHost;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
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

async function sessionCookie(): Promise<string> {
  const launch = await get(new URL(host.url).pathname + new URL(host.url).search);
  return String(launch.headers['set-cookie']).split(';')[0]!;
}

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  host = await startBrowserHost({ services: { dispatcher: { dispatch }, mailEvents }, staticDir, logger: createLogger('t', { sink: () => undefined }) });
});
afterAll(async () => host.close());

describe('browser host: token and loopback', () => {
  it('listens on loopback only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses the app without the token', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('<title>Sinetti');
  });

  it('refuses a wrong token', async () => {
    expect((await get('/?token=guess')).status).toBe(401);
  });

  it('swaps the launch token for an HttpOnly SameSite=Strict cookie and a token-free URL', async () => {
    const launch = await get(new URL(host.url).pathname + new URL(host.url).search);
    expect(launch.status).toBe(303);
    expect(launch.headers.location).toBe('/');
    expect(String(launch.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { Cookie: await sessionCookie() });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses other Host headers (DNS rebinding)', async () => {
    const res = await get('/', { Cookie: await sessionCookie(), Host: 'evil.example' });
    expect(res.status).toBe(421);
  });

  it('does not serve files outside the renderer directory', async () => {
    const cookie = await sessionCookie();
    for (const path of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/..%2foutside-secret.txt']) {
      const res = await get(path, { Cookie: cookie });
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });
});

describe('browser host: the bridge', () => {
  it('refuses a WebSocket without the session cookie', async () => {
    await expect(openSocket({ Origin: host.origin })).rejects.toThrow(/401/);
  });

  it('refuses a WebSocket from another origin (cross-site hijacking)', async () => {
    await expect(openSocket({ Origin: 'https://evil.example', Cookie: await sessionCookie() })).rejects.toThrow(/401/);
  });

  it('bridges requests to the dispatcher and pushes mail events', async () => {
    const ws = await openSocket({ Origin: host.origin, Cookie: await sessionCookie() });
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.send(JSON.stringify({ id: 7, channel: 'accounts:list', request: {} }));
    await vi.waitFor(() => expect(messages).toContainEqual({ id: 7, result: { ok: true, value: { echoed: 'accounts:list' } } }));
    mailEvents.emit({ type: 'connection', accountId: 'a', state: 'connected' });
    await vi.waitFor(() => expect(messages).toContainEqual(expect.objectContaining({ event: { type: 'connection', accountId: 'a', state: 'connected' } })));
    ws.close();
  });
});

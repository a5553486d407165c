/**
 * Attack: reading files outside the renderer bundle through the app:// protocol (path traversal
 * with dot segments, encoded slashes, backslashes, NUL, drive letters, other hosts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_CSP } from '../../../main/electron/app-origin.js';
import { createAppFileHandler, registerAppProtocol, registerAppScheme, resolveAppPath } from '../../../main/electron/app-protocol.js';
import { protocol, resetElectronStub } from '../../stubs/electron.js';

let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sinetti-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Sinetti</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'SALAINEN');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.txt'), 'SALAINEN');
  handler = createAppFileHandler(root);
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol', () => {
  beforeEach(() => resetElectronStub());

  it('registers app: as a standard, secure scheme and serves it', () => {
    registerAppScheme(protocol as never);
    expect(protocol.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    registerAppProtocol(protocol as never, root);
    expect(protocol.handlers.has('app')).toBe(true);
  });

  it('serves index.html with the CSP, the right type and nosniff', async () => {
    for (const url of ['app://sinetti/index.html', 'app://sinetti/']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>Sinetti</title>');
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const script = await get('app://sinetti/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    'app://sinetti/../secret.txt',
    'app://sinetti/../../../../etc/passwd',
    'app://sinetti/%2e%2e/secret.txt',
    'app://sinetti/..%2fsecret.txt',
    'app://sinetti/assets/..%2f..%2fsecret.txt',
    'app://sinetti/%2e%2e%2fsecret.txt',
    'app://sinetti/..%5csecret.txt',
    'app://sinetti/assets%5c..%5c..%5csecret.txt',
    'app://sinetti/..%00/secret.txt',
    'app://sinetti/index.html%00.png',
    'app://sinetti/%252e%252e/secret.txt',
    'app://sinetti/../renderer-evil/x.txt',
    'app://sinetti/..%2frenderer-evil%2fx.txt',
    'app://sinetti/C:%2fWindows%2fwin.ini',
    'app://sinetti/%2fetc%2fpasswd',
    'app://sinetti//etc/passwd',
    'app://sinetti/assets',
    'app://sinetti/missing.js',
    'app://evil/index.html',
    'app://sinetti.evil/index.html',
    'app://sinetti:444/index.html',
    'app://sinetti/%E0%A4%A',
  ])('refuses %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('SALAINEN');
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('app://sinetti/index.html', 'POST')).status).toBe(405);
    const head = await get('app://sinetti/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never resolves a path outside the root', () => {
    expect(resolveAppPath(root, 'app://sinetti/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAppPath(root, 'app://sinetti/..%2f..%2fsecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'https://sinetti/index.html')).toBeNull();
    expect(resolveAppPath(root, 'app://user:pw@sinetti/index.html')).toBeNull();
  });
});

/**
 * Attacks: navigating the app window (or a frame) to another origin, opening windows, attaching a
 * <webview>, asking for permissions, reaching the network, and downloads that pick their own
 * path. Exercised through the real handlers installed on `web-contents-created`, with URLs built
 * to fool substring checks.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_CSP } from '../../../main/electron/app-origin.js';
import { installWebSecurity, safeFileName, type WebSecurityOptions } from '../../../main/electron/web-security.js';
import { createExternalOpener } from '../../../main/electron/external-links.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { app, FakeDownloadItem, fakeEvent, FakeSession, FakeWebContents, resetElectronStub, shell } from '../../stubs/electron.js';

const BYPASS_URLS = [
  'https://evil.example/',
  'https://evil.example#app://sinetti',
  'https://evil.example/?app://sinetti/',
  'https://app.sinetti.evil/',
  'app://sinetti.evil/',
  'app://sinetti.evil/index.html',
  'app://evil/index.html',
  'app://sinetti@evil.example/',
  'app://user:pw@sinetti/index.html',
  'app://sinetti:8080/index.html',
  'javascript:alert(1)',
  'javascript://app://sinetti/%0aalert(1)',
  'file:///etc/passwd',
  'file://sinetti/index.html',
  'data:text/html,<script>alert(1)</script>',
  'http://127.0.0.1:8080/',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'blob:https://evil.example/1234',
  'not a url',
  '',
];

const APP_URLS = ['app://sinetti/index.html', 'app://sinetti/', 'app://sinetti/index.html#/mailbox/1'];

let contents: FakeWebContents;
let session: FakeSession;
let options: WebSecurityOptions;

function setUp(isDev = false): void {
  resetElectronStub();
  options = {
    openExternal: createExternalOpener(shell),
    isDev,
    logger: createLogger('test', { sink: () => undefined }),
    downloadsDir: '/home/sosiaali/Downloads',
  };
  installWebSecurity(app as never, options);
  session = new FakeSession();
  contents = new FakeWebContents({ session, url: 'app://sinetti/index.html' });
  app.emit('web-contents-created', fakeEvent({}), contents);
}

function navigate(kind: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string, isMainFrame = true) {
  const event = fakeEvent({ url, isMainFrame, isSameDocument: false, frame: null });
  contents.emit(kind, event);
  return event.defaultPrevented;
}

describe('navigation', () => {
  beforeEach(() => setUp());

  it.each(BYPASS_URLS)('blocks the main frame from navigating to %j', (url) => {
    expect(navigate('will-navigate', url)).toBe(true);
    expect(navigate('will-frame-navigate', url, true)).toBe(true);
    expect(navigate('will-redirect', url)).toBe(true);
  });

  it.each(BYPASS_URLS)('blocks a subframe (the mail iframe) from navigating to %j', (url) => {
    expect(navigate('will-frame-navigate', url, false)).toBe(true);
    expect(navigate('will-redirect', url, false)).toBe(true);
  });

  it.each(APP_URLS)('lets the app navigate within its own origin: %s', (url) => {
    expect(navigate('will-navigate', url)).toBe(false);
    expect(navigate('will-frame-navigate', url, false)).toBe(false);
  });

  it('lets subframes show about:srcdoc, about:blank and the app’s own blobs, but not the main frame', () => {
    for (const url of ['about:srcdoc', 'about:blank', 'blob:app://sinetti/6f1c']) {
      expect(navigate('will-frame-navigate', url, false)).toBe(false);
    }
    expect(navigate('will-navigate', 'about:blank')).toBe(true);
  });
});

describe('window.open', () => {
  beforeEach(() => setUp());

  it.each(BYPASS_URLS.concat(APP_URLS))('denies a new window for %j', (url) => {
    expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
  });

  it('routes vetted https: and mailto: links to the external opener, and nothing else', async () => {
    contents.windowOpenHandler?.({ url: 'https://thl.fi/ohjeet?a=1' });
    contents.windowOpenHandler?.({ url: 'mailto:perhepalvelut@kunta.example' });
    const neverOpened = BYPASS_URLS.filter((url) => !url.startsWith('https:')).concat(APP_URLS, [
      'https://user:pw@evil.example/',
      'http://insecure.example/',
      ' javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'vbscript:msgbox(1)',
      'ms-msdt:/id PCWDiagnostic',
      'smb://attacker/share',
    ]);
    for (const url of neverOpened) contents.windowOpenHandler?.({ url });
    await vi.waitFor(() => expect(shell.opened).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shell.opened).toEqual(['https://thl.fi/ohjeet?a=1', 'mailto:perhepalvelut@kunta.example']);
  });

  it('opens an external https: page in the browser, never inside the app', () => {
    // https://evil.example#app://sinetti is just an external page: it may go to the browser,
    // but it must never become a window of the app.
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example#app://sinetti' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://evil.example/#app://sinetti']);
  });
});

describe('webview', () => {
  beforeEach(() => setUp());

  it('prevents attaching a <webview>', () => {
    const event = fakeEvent({});
    contents.emit('will-attach-webview', event, { preload: '/tmp/evil.js', nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  beforeEach(() => setUp());

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'display-capture', 'unknown'])(
    'denies the %s permission request and check',
    (permission) => {
      const callback = vi.fn();
      session.permissionRequestHandler?.(contents as never, permission as never, callback as never, {} as never);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(session.permissionCheckHandler?.(contents as never, permission as never, 'app://sinetti' as never, {} as never)).toBe(false);
    },
  );

  it('denies device access (USB, HID, serial)', () => {
    expect(session.devicePermissionHandler?.({ deviceType: 'usb', origin: 'app://sinetti' } as never)).toBe(false);
  });

  it('hardens each session once, even with many web contents', () => {
    const before = session.permissionRequestHandler;
    app.emit('web-contents-created', fakeEvent({}), new FakeWebContents({ session }));
    expect(session.permissionRequestHandler).toBe(before);
  });
});

describe('network from the renderer', () => {
  it.each(BYPASS_URLS.concat(['https://fonts.googleapis.com/css', 'wss://evil.example/socket', 'imap://mail.example/']))('cancels a request to %j', (url) => {
    setUp();
    expect(session.webRequest.run('beforeRequest', { url, resourceType: 'xhr' })).toEqual({ cancel: true });
  });

  it.each(['app://sinetti/assets/index-abc.js', 'app://sinetti/index.html', 'blob:app://sinetti/6f1c'])('lets the app load its own %s', (url) => {
    setUp();
    expect(session.webRequest.run('beforeRequest', { url, resourceType: 'script' })).toEqual({ cancel: false });
  });

  it('allows DevTools resources only in development', () => {
    setUp(false);
    expect(session.webRequest.run('beforeRequest', { url: 'devtools://devtools/bundled/inspector.js' })).toEqual({ cancel: true });
    setUp(true);
    expect(session.webRequest.run('beforeRequest', { url: 'devtools://devtools/bundled/inspector.js' })).toEqual({ cancel: false });
  });

  it('replaces any CSP on app pages with the app CSP and leaves other responses alone', () => {
    setUp();
    const response = session.webRequest.run('headersReceived', {
      url: 'app://sinetti/index.html',
      responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'Content-Type': ['text/html'] },
    });
    const headers = response.responseHeaders as Record<string, string[]>;
    expect(headers['Content-Security-Policy']).toEqual([APP_CSP]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(session.webRequest.run('headersReceived', { url: 'https://evil.example/', responseHeaders: {} })).toEqual({});
  });

  it('has the CSP the app promises', () => {
    expect(APP_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self' about: blob:; base-uri 'none'; form-action 'none'; object-src 'none'",
    );
  });
});

describe('downloads', () => {
  beforeEach(() => setUp());

  it('asks where to save an attachment the app offers, starting in Downloads with a safe name', () => {
    const item = new FakeDownloadItem('blob:app://sinetti/0b5e', '../../.bashrc');
    const event = fakeEvent({});
    session.emit('will-download', event, item, contents);
    expect(event.defaultPrevented).toBe(false);
    expect(item.savePath).toBeNull(); // no silent save: Electron shows the dialog
    expect(item.saveDialogOptions).toMatchObject({ defaultPath: '/home/sosiaali/Downloads/.bashrc' });
  });

  it.each(['https://evil.example/payload.exe', 'file:///etc/passwd', 'blob:https://evil.example/1', 'data:application/x-msdownload;base64,TVo='])(
    'refuses a download from %s',
    (url) => {
      const item = new FakeDownloadItem(url, 'payload.exe');
      const event = fakeEvent({});
      session.emit('will-download', event, item, contents);
      expect(event.defaultPrevented).toBe(true);
      expect(item.saveDialogOptions).toBeNull();
    },
  );

  it.each([
    ['lausunto.pdf', 'lausunto.pdf'],
    ['..\\..\\Windows\\evil.dll', 'evil.dll'],
    ['/etc/passwd', 'passwd'],
    ['a\u0000b\u001fc.txt', 'a_b_c.txt'],
    ['..', 'attachment'],
    ['', 'attachment'],
    ['con:x?.txt', 'con_x_.txt'],
  ])('safeFileName(%j) is %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });
});

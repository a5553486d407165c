/**
 * Trust boundary: app-wide web content hardening, applied to every WebContents and session the
 * moment it exists (`web-contents-created`). Invariants:
 * - the main frame never leaves `app://sinetti`; subframes only show the app, its blobs, or
 *   about:blank/about:srcdoc (the sandboxed mail iframe);
 * - no new windows and no <webview>; https:/mailto: from window.open go to the one external opener;
 * - every permission request and check is denied;
 * - the renderer reaches no network: only requests to the app's own origin pass;
 * - app pages get the CSP as a response header;
 * - downloads only come from the app's own blob: URLs and always ask where to save.
 */
import { basename, join } from 'node:path';
import type { App, Event, Session, WebContents } from 'electron';
import { vetExternalUrl } from '../../shared/external-url.js';
import type { Logger } from '../services/logging/logger.js';
import { APP_CSP, isAllowedFrameUrl, isAppBlobUrl, isAppUrl } from './app-origin.js';
import type { ExternalOpener } from './external-links.js';

export interface WebSecurityOptions {
  openExternal: ExternalOpener;
  isDev: boolean;
  logger: Logger;
  /** Where the save dialog starts (app.getPath('downloads')). */
  downloadsDir: string;
}

/** May this request leave the renderer? Only the app's own origin (and DevTools in development). */
export function isAllowedRequest(raw: string, isDev: boolean): boolean {
  // data: subresources (img-src data:) are served inside the renderer and never reach here;
  // a data: navigation that does is refused like any other foreign URL.
  if (isAppUrl(raw) || isAppBlobUrl(raw)) return true;
  if (isDev) {
    try {
      return new URL(raw).protocol === 'devtools:';
    } catch {
      return false;
    }
  }
  return false;
}

type NavigationEvent = Event<{ url: string; isMainFrame: boolean }>;

export function hardenWebContents(contents: WebContents, options: WebSecurityOptions): void {
  const log = options.logger;
  const guard = (kind: string) => (event: NavigationEvent) => {
    const allowed = event.isMainFrame ? isAppUrl(event.url) : isAllowedFrameUrl(event.url);
    if (!allowed) {
      event.preventDefault();
      log.warn('navigation blocked', { kind, scheme: schemeOf(event.url), mainFrame: event.isMainFrame });
    }
  };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-frame-navigate', guard('will-frame-navigate'));
  contents.on('will-redirect', guard('will-redirect'));

  contents.setWindowOpenHandler(({ url }) => {
    const vetted = vetExternalUrl(url);
    if (vetted !== null) {
      // electronegativity: OPEN_EXTERNAL_JS_CHECK — vetted above (https: and restricted mailto: only),
      // and createExternalOpener vets it again before shell.openExternal.
      options.openExternal(vetted).catch(() => log.warn('external link could not be opened', { scheme: schemeOf(url) }));
    } else {
      log.warn('window.open blocked', { scheme: schemeOf(url) });
    }
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('webview blocked');
  });
}

const hardenedSessions = new WeakSet<Session>();

export function hardenSession(session: Session, options: WebSecurityOptions): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  const log = options.logger;

  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.info('permission denied', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);

  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, options.isDev);
    if (!allowed) log.warn('request blocked', { scheme: schemeOf(details.url), resourceType: details.resourceType });
    callback({ cancel: !allowed });
  });

  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    // electronegativity: CSP_GLOBAL_CHECK — the policy is APP_CSP (app-origin.ts, from shared/app-csp.ts), a constant the
    // tool cannot read here; its directives are tested in app-protocol.security.test.ts.
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    headers['Content-Security-Policy'] = [APP_CSP];
    callback({ responseHeaders: headers });
  });

  session.on('will-download', (event, item) => {
    const source = item.getURL();
    if (!isAppBlobUrl(source)) {
      event.preventDefault();
      log.warn('download blocked', { scheme: schemeOf(source) });
      return;
    }
    // No setSavePath: Electron then shows the save dialog, starting from these options.
    item.setSaveDialogOptions({
      title: 'Save attachment',
      defaultPath: join(options.downloadsDir, safeFileName(item.getFilename())),
    });
  });
}

/** Applies both hardenings to every web contents the app ever creates. Call before 'ready'. */
export function installWebSecurity(app: Pick<App, 'on'>, options: WebSecurityOptions): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, options);
    hardenSession(contents.session, options);
  });
}

/** A file name that cannot climb out of the start directory or hide control characters. */
export function safeFileName(name: string): string {
  const cleaned = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
}

/** Logs carry only the scheme of a blocked URL: the rest may identify a person or a message. */
function schemeOf(raw: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  return match?.[1]?.toLowerCase() ?? 'invalid';
}

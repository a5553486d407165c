/**
 * The app's own origin, `app://sinetti`, and the one predicate that decides whether a URL belongs
 * to it. Always parsed with the URL parser: substring or prefix checks are what
 * `https://evil.example#app://sinetti` and `app://sinetti.evil/` are built to fool.
 * No electron import, so the rules are testable in plain Node.
 */
import { APP_CSP_DIRECTIVES } from '../../shared/app-csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'sinetti';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The page CSP, sent as a response header for every app page (the renderer also sets a meta tag). */
export const APP_CSP = APP_CSP_DIRECTIVES.join('; ');

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True only for `app://sinetti/...` with no credentials and no port. */
export function isAppUrl(raw: string): boolean {
  const url = parse(raw);
  if (!url) return false;
  // Node's WHATWG parser gives non-special schemes an opaque origin ("null"), so compare the parts.
  return url.protocol === `${APP_SCHEME}:` && url.hostname === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}

/** `blob:app://sinetti/<uuid>`: object URLs the app page created itself (attachment saves, previews). */
export function isAppBlobUrl(raw: string): boolean {
  const url = parse(raw);
  return url !== null && url.protocol === 'blob:' && isAppUrl(url.pathname);
}

/** What a subframe may show: the app itself, its own blobs, and the empty documents iframes start with. */
export function isAllowedFrameUrl(raw: string): boolean {
  if (raw === 'about:blank' || raw === 'about:srcdoc') return true;
  return isAppUrl(raw) || isAppBlobUrl(raw);
}

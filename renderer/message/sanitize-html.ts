/**
 * Trust boundary: mail HTML is written by strangers. This turns it into inert markup for a
 * sandboxed iframe (no scripts, no plugins, no forms, no network). Invariants:
 * - no script, event handler, form, frame, object/embed, meta, base, link, style element, SVG or
 *   MathML survives (the last two are where mXSS lives and mail does not need them);
 * - nothing that would load from the network survives: remote src/srcset/background/poster and
 *   style attributes with url()/@import/expression() are removed, and remote ones are counted so
 *   the user is told; only data: images of raster types stay;
 * - links keep their href only when it is https: or mailto: (parsed, no credentials), and are
 *   then only ever opened through the app's confirm-and-open path, never by the frame itself.
 * Runs a DOMPurify instance bound to the given window (one per window, hooks installed once);
 * the iframe sandbox and its CSP are the second wall, not a reason to be lax here.
 */
import createDOMPurify, { type Config, type DOMPurify, type WindowLike } from 'dompurify';
import { vetExternalUrl } from '../../shared/external-url.js';

export interface SanitizedHtml {
  html: string;
  /** Remote resources (images, backgrounds, stylesheets) removed from the message. */
  blockedRemote: number;
}

const FORBID_TAGS = [
  'script',
  'style',
  'link',
  'meta',
  'base',
  'title',
  'head',
  'form',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'datalist',
  'output',
  'keygen',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'fencedframe',
  'svg',
  'math',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'canvas',
  'template',
  'noscript',
  'dialog',
  'slot',
];

const FORBID_ATTR = [
  'srcset',
  'background',
  'poster',
  'action',
  'formaction',
  'ping',
  'target',
  'download',
  'xlink:href',
  'autofocus',
  'tabindex',
  'contenteditable',
  'srcdoc',
  'usemap',
  'popover',
];

const CONFIG: Config = {
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Prefixes id/name so mail markup cannot clobber properties of the frame's document.
  SANITIZE_NAMED_PROPS: true,
  WHOLE_DOCUMENT: false,
};

/** Attributes that make the browser fetch something by themselves. */
const FETCHING_ATTRS = ['src', 'srcset', 'background', 'poster', 'data', 'lowsrc', 'dynsrc'];

const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*$/i;
const DANGEROUS_CSS = /url\s*\(|image-set\s*\(|expression\s*\(|@import|-moz-binding|behavior\s*:|\\|&#|javascript:/i;
const REMOTE_CSS_URL = /(?:url\s*\(\s*['"]?|@import\s*['"]?|image-set\s*\(\s*['"]?)\s*(?:[a-z][a-z0-9+.-]*:)?\/\//gi;

function compact(value: string): string {
  // Browsers ignore whitespace and control characters inside URLs: "ht\ntp://" still loads.
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code > 0x20 && code !== 0x7f && !/\s/.test(char)) out += char;
  }
  return out;
}

export function isRemoteUrl(value: string): boolean {
  const v = compact(value).toLowerCase();
  return /^(?:[a-z][a-z0-9+.-]*:)?\/\//.test(v) || /^https?:/.test(v) || v.startsWith('\\\\');
}

function remoteCountIn(attr: string, value: string): number {
  if (attr === 'srcset') return value.split(',').filter((candidate) => isRemoteUrl(candidate.trim().split(/\s+/)[0] ?? '')).length;
  return isRemoteUrl(value) ? 1 : 0;
}

interface Instance {
  purify: DOMPurify;
  state: { blocked: number };
}

const instances = new WeakMap<object, Instance>();

function instanceFor(win: WindowLike): Instance {
  const existing = instances.get(win);
  if (existing) return existing;
  const purify = createDOMPurify(win);
  if (!purify.isSupported) throw new Error('HTML sanitizer is not supported in this environment');
  const state = { blocked: 0 };

  purify.addHook('uponSanitizeElement', (node) => {
    if (node.nodeType !== 1) return;
    const element = node as Element;
    for (const attr of FETCHING_ATTRS) {
      const value = element.getAttribute(attr);
      if (value === null) continue;
      const keep = attr === 'src' && element.localName === 'img' && SAFE_DATA_IMAGE.test(compact(value));
      if (keep) continue;
      state.blocked += remoteCountIn(attr, value);
      element.removeAttribute(attr);
    }
    if (element.localName === 'link' && isRemoteUrl(element.getAttribute('href') ?? '')) state.blocked += 1;
    const style = element.getAttribute('style');
    if (style !== null && DANGEROUS_CSS.test(style)) {
      state.blocked += (compact(style).match(REMOTE_CSS_URL) ?? []).length;
      element.removeAttribute('style');
    }
  });

  purify.addHook('uponSanitizeAttribute', (node, event) => {
    if (event.attrName !== 'href') return;
    const tag = node.localName;
    const vetted = tag === 'a' || tag === 'area' ? vetExternalUrl(event.attrValue) : null;
    if (vetted === null) event.keepAttr = false;
    else event.attrValue = vetted;
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.localName === 'a' && node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
  });

  const instance = { purify, state };
  instances.set(win, instance);
  return instance;
}

export function sanitizeEmailHtml(html: string, options: { window?: WindowLike } = {}): SanitizedHtml {
  const win = options.window ?? (globalThis.window as unknown as WindowLike | undefined);
  if (!win) throw new Error('sanitizeEmailHtml needs a window');
  const { purify, state } = instanceFor(win);
  state.blocked = 0;
  const clean = purify.sanitize(html, { ...CONFIG, RETURN_TRUSTED_TYPE: false });
  return { html: clean, blockedRemote: state.blocked };
}

/** The frame's own policy: nothing loads but inline data images and inline styles. */
export const MESSAGE_FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; base-uri 'none'; form-action 'none'";

/** A complete document for the sandboxed frame around already sanitized body markup. */
export function buildMessageSrcdoc(sanitizedBody: string, lang: string): string {
  const safeLang = /^[a-zA-Z-]{2,10}$/.test(lang) ? lang : 'fi';
  return (
    `<!doctype html><html lang="${safeLang}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${MESSAGE_FRAME_CSP}">` +
    '<meta name="referrer" content="no-referrer">' +
    '<style>html,body{margin:0;padding:0;background:#fff;color:#242424}' +
    'body{box-sizing:border-box;padding:12px;font-family:"Segoe UI",system-ui,sans-serif;font-size:14px;line-height:1.45;overflow-wrap:anywhere}' +
    'img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}a{color:#115ea3}</style>' +
    `</head><body>${sanitizedBody}</body></html>`
  );
}

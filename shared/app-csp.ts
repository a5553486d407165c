/**
 * The renderer page's Content Security Policy, one definition for both hosts (the Electron
 * app:// protocol and the loopback browser host send it as a header; renderer/index.html repeats
 * it as a meta tag). Styles need 'unsafe-inline' because Fluent UI inserts style elements; mail
 * HTML never reaches this document (it is rendered in a sandboxed srcdoc frame with its own CSP).
 */
export const APP_CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' about: blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
] as const;

/**
 * The one rule for links leaving the app: parsed with the URL parser (never substring checks),
 * only https: and mailto:, no credentials in the URL. A mailto: link may carry only the header
 * fields a person can see in the mail program it opens (to, cc, bcc, subject, body): other
 * fields are how a link makes the mail program attach a local file (`?attach=/etc/passwd`,
 * `attachment=`), set hidden headers or change the sender, so such a link is refused whole.
 */
const MAILTO_FIELDS = new Set(['to', 'cc', 'bcc', 'subject', 'body']);

export function vetExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol === 'https:') {
    if (url.username || url.password || !url.hostname) return null;
    return url.href;
  }
  if (url.protocol === 'mailto:') {
    // Field names are case-insensitive and may be percent-encoded (RFC 6068): compare them decoded.
    for (const name of new URLSearchParams(url.search).keys()) if (!MAILTO_FIELDS.has(name.toLowerCase())) return null;
    return url.href;
  }
  return null;
}

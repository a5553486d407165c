/**
 * The one rule for links leaving the app: parsed with the URL parser (never substring checks),
 * only https: and mailto:, no credentials in the URL.
 */
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
    return url.href;
  }
  return null;
}

/**
 * HTML to the text the detectors read. One conversion for every door (the send gate, the policy
 * command, HTML attachments and attached messages), so they cannot disagree about what a message
 * says. Table cells are kept apart: html-to-text's default joins them (`tunnus</td><td>131052…`
 * became `tunnus131052…`), which hid identity codes in the tables Outlook and Word write.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'table', format: 'dataTable' },
    // Link targets and images are not what the person wrote; the visible text is.
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

export function htmlToDetectorText(html: string): string {
  return convert(html, OPTIONS);
}

/** Attributes whose values travel with the message without being shown as its text. */
const HIDDEN_ATTRIBUTES = /\s(?:href|src|alt|title|data-[\w-]+|aria-label|value|content|placeholder)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const COMMENT = /<!--([\s\S]*?)-->/g;
/** Bounded: a pathological document cannot make this pass longer than the HTML itself. */
const MAX_HIDDEN_CHARS = 4 * 1024 * 1024;

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (whole, entity: string) => {
    const e = entity.toLowerCase();
    if (e.startsWith('#x')) return String.fromCodePoint(Math.min(parseInt(e.slice(2), 16), 0x10ffff));
    if (e.startsWith('#')) return String.fromCodePoint(Math.min(parseInt(e.slice(1), 10), 0x10ffff));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[e] ?? whole;
  });
}

/**
 * What an HTML body carries that the reader does not see but the recipient's mail client (and
 * anyone reading the source) does: link targets (`…?hetu=131052-308T`), `alt`/`title` texts,
 * form and data attributes, and comments. Scanned as its own text so that a detector finding
 * there is reported; never used for quoting, where only the visible text belongs.
 */
export function htmlHiddenText(html: string): string {
  const out: string[] = [];
  let size = 0;
  const add = (value: string | undefined) => {
    if (!value || size > MAX_HIDDEN_CHARS) return;
    const decoded = decodeEntities(value);
    out.push(decoded);
    size += decoded.length + 1;
  };
  for (const m of html.matchAll(HIDDEN_ATTRIBUTES)) add(m[1] ?? m[2] ?? m[3]);
  for (const m of html.matchAll(COMMENT)) add(m[1]);
  return out.join('\n');
}

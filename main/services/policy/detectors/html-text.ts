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

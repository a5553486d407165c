/**
 * The answer to a client's request as a file: CSV (for the registrar's own tools) or PDF (to hand
 * over), in Finnish, Swedish or English. Both list who accessed the client's messages, when, how
 * and in which mailbox, and say which rows are older than two years (released only for a special
 * reason). The identity code is shown masked (`131052-****`): the file names whose data it is
 * without repeating the code.
 *
 * PDF by pdf-lib: pure JavaScript with no native code or font files to ship (pdfkit needs fontkit,
 * its AFM data on disk and a stream to collect), and its standard Helvetica covers Finnish and
 * Swedish letters (WinAnsi); a character outside WinAnsi is shown as '?' rather than failing.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont } from 'pdf-lib';
import type { AuditLookupResult, AuditRow } from '../../../shared/audit-schema.js';
import type { Locale } from '../../../shared/domain.js';
import { maskHetu } from '../policy/detectors/hetu.js';
import { TWO_YEARS_MS } from './audit-lookup.js';

const TEXT = {
  fi: {
    title: 'Käsittelytiedot (lokitietopyyntö)',
    client: 'Asiakas',
    period: 'Aikaväli',
    produced: 'Tuotettu',
    by: 'Tuottaja',
    count: 'Kirjauksia',
    columns: ['Aika', 'Käsittelijä', 'Toiminto', 'Postilaatikko', 'Tulos', 'Työasema'],
    older: 'Yli kaksi vuotta vanhat kirjaukset (merkitty *) luovutetaan vain erityisestä syystä.',
    none: 'Aikavälillä ei ole kirjauksia.',
    outcomes: { ok: 'tehty', refused: 'estetty', failed: 'epäonnistui' },
    actions: {
      'message.opened': 'viesti avattu',
      'message.decrypted': 'salattu viesti avattu',
      'attachment.saved': 'liite tallennettu',
      'send.stored': 'lähetetty (jonossa)',
      'send.justified': 'lähetetty perustellen',
      'send.accepted': 'palvelin vastaanotti',
      'send.blocked': 'lähetys estetty',
      'message.moved': 'viesti siirretty',
      'message.deleted': 'viesti poistettu',
      'claim.changed': 'käsittelijä tai tila muuttui',
      'policy.false-positive': 'ilmoitus virheellisestä osumasta',
    },
  },
  'sv-FI': {
    title: 'Behandlingsuppgifter (begäran om loggdata)',
    client: 'Klient',
    period: 'Tidsperiod',
    produced: 'Skapad',
    by: 'Skapad av',
    count: 'Poster',
    columns: ['Tid', 'Behandlare', 'Åtgärd', 'Postlåda', 'Resultat', 'Arbetsstation'],
    older: 'Poster äldre än två år (märkta *) lämnas ut endast av särskilt skäl.',
    none: 'Inga poster under perioden.',
    outcomes: { ok: 'utförd', refused: 'stoppad', failed: 'misslyckades' },
    actions: {
      'message.opened': 'meddelande öppnat',
      'message.decrypted': 'krypterat meddelande öppnat',
      'attachment.saved': 'bilaga sparad',
      'send.stored': 'skickat (i kö)',
      'send.justified': 'skickat med motivering',
      'send.accepted': 'mottaget av servern',
      'send.blocked': 'sändning stoppad',
      'message.moved': 'meddelande flyttat',
      'message.deleted': 'meddelande raderat',
      'claim.changed': 'handläggare eller status ändrad',
      'policy.false-positive': 'anmälan om felaktig träff',
    },
  },
  en: {
    title: 'Processing record (log data request)',
    client: 'Client',
    period: 'Period',
    produced: 'Produced',
    by: 'Produced by',
    count: 'Records',
    columns: ['Time', 'Person', 'Action', 'Mailbox', 'Outcome', 'Workstation'],
    older: 'Records older than two years (marked *) are released only for a special reason.',
    none: 'No records in the period.',
    outcomes: { ok: 'done', refused: 'refused', failed: 'failed' },
    actions: {
      'message.opened': 'message opened',
      'message.decrypted': 'encrypted message opened',
      'attachment.saved': 'attachment saved',
      'send.stored': 'sent (queued)',
      'send.justified': 'sent with a reason',
      'send.accepted': 'accepted by the server',
      'send.blocked': 'sending refused',
      'message.moved': 'message moved',
      'message.deleted': 'message deleted',
      'claim.changed': 'handler or status changed',
      'policy.false-positive': 'false positive reported',
    },
  },
} as const satisfies Record<Locale, unknown>;

export interface ExportRequest {
  term: string;
  kind: AuditLookupResult['kind'];
  from: number;
  to: number;
  locale: Locale;
  producedBy: string;
  now?: number;
}

const time = (locale: Locale, ms: number) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { timeZone: 'Europe/Helsinki', dateStyle: 'short', timeStyle: 'medium' }).format(ms);
const day = (locale: Locale, ms: number) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { timeZone: 'Europe/Helsinki', dateStyle: 'short' }).format(ms);

function cells(row: AuditRow, request: ExportRequest, now: number): string[] {
  const t = TEXT[request.locale];
  const action = (t.actions as Record<string, string>)[row.action] ?? row.action;
  const old = now - row.at > TWO_YEARS_MS ? ' *' : '';
  return [time(request.locale, row.at) + old, row.person, action, row.mailbox ?? '', t.outcomes[row.outcome], row.workstation];
}

const clientShown = (request: ExportRequest) =>
  request.kind === 'identity-code' ? maskHetu(request.term.trim().toUpperCase()) : request.term.trim().toLowerCase();

/** A field as CSV: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function exportCsv(result: AuditLookupResult, request: ExportRequest): Buffer {
  const now = request.now ?? Date.now();
  const t = TEXT[request.locale];
  // Finnish and Swedish spreadsheets expect ';' (the decimal comma takes ','); a BOM so they read UTF-8.
  const sep = request.locale === 'en' ? ',' : ';';
  const lines = [
    [t.client, clientShown(request)],
    [t.period, `${day(request.locale, request.from)} – ${day(request.locale, request.to)}`],
    [t.produced, time(request.locale, now)],
    [t.by, request.producedBy],
    [],
    [...t.columns],
    ...result.rows.map((row) => cells(row, request, now)),
  ];
  if (result.olderThanTwoYears > 0) lines.push([], [t.older]);
  return Buffer.from('\uFEFF' + lines.map((l) => l.map(csvField).join(sep)).join('\r\n') + '\r\n', 'utf8');
}

/** Text the standard font can draw: anything outside WinAnsi becomes '?'. */
function drawable(font: PDFFont, text: string): string {
  let out = '';
  for (const char of text) {
    try {
      font.encodeText(char);
      out += char;
    } catch {
      out += '?';
    }
  }
  return out;
}

function fit(font: PDFFont, text: string, size: number, width: number): string {
  let shown = text;
  while (shown.length > 1 && font.widthOfTextAtSize(shown, size) > width) shown = shown.slice(0, -2) + '…';
  return shown;
}

export async function exportPdf(result: AuditLookupResult, request: ExportRequest): Promise<Buffer> {
  const now = request.now ?? Date.now();
  const t = TEXT[request.locale];
  const pdf = await PDFDocument.create();
  pdf.setTitle(t.title);
  pdf.setLanguage(request.locale);
  pdf.setProducer('Sinetti');
  pdf.setCreationDate(new Date(now));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  // A4 landscape: six columns fit.
  const [width, height] = [841.89, 595.28];
  const margin = 40;
  const widths = [110, 170, 150, 200, 70, 60];
  let page = pdf.addPage([width, height]);
  let y = height - margin;
  const line = (text: string, options: { size?: number; useFont?: PDFFont } = {}) => {
    const size = options.size ?? 10;
    page.drawText(drawable(options.useFont ?? font, text), { x: margin, y, size, font: options.useFont ?? font });
    y -= size + 6;
  };
  const header = () => {
    let x = margin;
    t.columns.forEach((title, i) => {
      page.drawText(drawable(bold, title), { x, y, size: 9, font: bold });
      x += widths[i]!;
    });
    y -= 4;
    page.drawLine({ start: { x: margin, y }, end: { x: width - margin, y }, thickness: 0.5, color: rgb(0.4, 0.4, 0.4) });
    y -= 12;
  };
  line(t.title, { size: 16, useFont: bold });
  y -= 4;
  line(`${t.client}: ${clientShown(request)}`);
  line(`${t.period}: ${day(request.locale, request.from)} – ${day(request.locale, request.to)}`);
  line(`${t.produced}: ${time(request.locale, now)}    ${t.by}: ${request.producedBy}`);
  line(`${t.count}: ${result.rows.length}`);
  if (result.olderThanTwoYears > 0) line(t.older);
  y -= 8;
  if (result.rows.length === 0) line(t.none);
  else header();
  for (const row of result.rows) {
    if (y < margin + 12) {
      page = pdf.addPage([width, height]);
      y = height - margin;
      header();
    }
    let x = margin;
    cells(row, request, now).forEach((cell, i) => {
      page.drawText(fit(font, drawable(font, cell), 9, widths[i]! - 6), { x, y, size: 9, font });
      x += widths[i]!;
    });
    y -= 14;
  }
  return Buffer.from(await pdf.save());
}

/**
 * CI's electronegativity step (scripts/test-all.sh): runs @doyensec/electronegativity over the
 * app's sources (Electron layer, services process, preload, renderer, shared) and fails on every
 * finding above INFORMATIONAL that is not justified next to the code. The CLI exits 0 even with
 * findings, so its CSV report is read here; a missing or unreadable report fails too.
 *
 * A justification is a comment naming the check within the 6 lines above the finding (or on it):
 *   // electronegativity: OPEN_EXTERNAL_JS_CHECK — why this is safe
 * (in HTML: inside <!-- … -->).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCES = ['main/electron', 'main/service-process', 'preload', 'renderer', 'shared', 'package.json'];
const JUSTIFY_WINDOW = 6;

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  description: string;
}

/** RFC 4180 CSV (quoted fields may hold commas, doubled quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

export function findingsFromCsv(text: string): Finding[] {
  const [header, ...rows] = parseCsv(text);
  if (!header || header[0]?.trim() !== 'issue') throw new Error('electronegativity report has no header row');
  return rows.map((r) => ({
    check: r[0]!.trim(),
    severity: (r[1] ?? '').trim().toUpperCase(),
    confidence: (r[2] ?? '').trim(),
    file: (r[3] ?? '').trim(),
    line: Number.parseInt((r[4] ?? '0').split(':')[0]!, 10) || 0,
    description: (r[6] ?? '').trim(),
  }));
}

/** True when the file has `electronegativity: <CHECK>` on the finding's line or the lines above it. */
export function isJustified(finding: Finding, source: string): boolean {
  const lines = source.split(/\r?\n/);
  const last = Math.max(0, Math.min(lines.length, finding.line) - 1);
  const first = Math.max(0, last - JUSTIFY_WINDOW);
  const marker = new RegExp(`electronegativity:\\s*${finding.check}\\b`);
  return lines.slice(first, last + 1).some((l) => marker.test(l));
}

export function unjustified(findings: Finding[], readSource: (file: string) => string | null): Finding[] {
  return findings.filter((f) => {
    if (f.severity === 'INFORMATIONAL') return false;
    const source = readSource(f.file);
    return source === null || !isJustified(f, source);
  });
}

function run(repo: string): number {
  const work = mkdtempSync(join(tmpdir(), 'sinetti-electronegativity-'));
  try {
    // Only the app's own sources, at the same relative paths (so findings name repository files).
    for (const source of SOURCES) cpSync(join(repo, source), join(work, 'src', source), { recursive: true });
    const report = join(work, 'report.csv');
    const electronVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    execFileSync(join(repo, 'node_modules/.bin/electronegativity'), ['-i', join(work, 'src'), '-r', '-e', electronVersion, '-o', report], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
    });
    if (!existsSync(report)) throw new Error('electronegativity wrote no report');
    const findings = findingsFromCsv(readFileSync(report, 'utf8'));
    const open = unjustified(findings, (file) => {
      const path = join(repo, file);
      return existsSync(path) ? readFileSync(path, 'utf8') : null;
    });
    const justified = findings.length - open.length;
    process.stdout.write(`electronegativity: ${findings.length} findings, ${justified} informational or justified next to the code, ${open.length} open\n`);
    for (const f of open) process.stdout.write(`  ${f.severity} ${f.check} ${f.file}:${f.line} — ${f.description}\n`);
    if (open.length > 0) {
      process.stdout.write('Fix each one, or justify it next to the code: // electronegativity: CHECK_NAME — why it is safe\n');
      return 1;
    }
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = run(join(dirname(fileURLToPath(import.meta.url)), '..'));
  } catch (error) {
    process.stderr.write(`electronegativity check failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

/**
 * Peak memory and time of the send gate's attachment extraction and of the MIME parsers on each
 * bomb shape (`test/support/fixtures/bombs.ts`). Each bomb runs in a fresh Node process so its
 * peak RSS (getrusage maxrss) is its own; a process the bomb kills is reported as such.
 *
 *   node --import tsx bench/bombs.bench.ts [name…]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GiB = 1024 * 1024 * 1024;

const BOMBS: Record<string, () => Promise<unknown>> = {
  'pdf-inflate-1GiB': async () => extract('bomb.pdf', 'application/pdf', (await fixtures()).pdfBomb(GiB)),
  'pdf-inflate-4GiB': async () => extract('bomb.pdf', 'application/pdf', (await fixtures()).pdfBomb(4 * GiB)),
  'pdf-120MiB-under-budget': async () => extract('big.pdf', 'application/pdf', (await fixtures()).pdfBomb(120 * 1024 * 1024)),
  'docx-inflate-1GiB': async () => extract('bomb.docx', 'application/octet-stream', (await fixtures()).docxZipBomb(GiB)),
  'docx-honest-190MiB': async () =>
    extract(
      'bomb.docx',
      'application/octet-stream',
      (await fixtures()).zipBomb({ '[Content_Types].xml': '<Types/>', 'word/document.xml': 190 * 1024 * 1024 }, { honest: true }),
    ),
  'xlsx-inflate-1GiB': async () => extract('bomb.xlsx', 'application/octet-stream', (await fixtures()).xlsxZipBomb(GiB)),
  'odt-inflate-1GiB': async () => extract('bomb.odt', 'application/octet-stream', (await fixtures()).odtZipBomb(GiB)),
  'eml-100000-parts': async () => extract('bomb.eml', 'message/rfc822', (await fixtures()).manyPartsMessage(100_000)),
  'eml-1000-levels': async () => extract('bomb.eml', 'message/rfc822', (await fixtures()).deeplyNestedMessage(1000)),
  'eml-50MB-header': async () => extract('bomb.eml', 'message/rfc822', (await fixtures()).hugeHeaderMessage(50 * 1024 * 1024)),
  'eml-chain-50': async () => extract('chain.eml', 'message/rfc822', (await fixtures()).emlChain(50, 'sisin')),
  'mime-tree-100000-parts': async () => tree((await fixtures()).manyPartsMessage(100_000)),
  'mime-tree-1000-levels': async () => tree((await fixtures()).deeplyNestedMessage(1000)),
  'mime-tree-50MB-header': async () => tree((await fixtures()).hugeHeaderMessage(50 * 1024 * 1024)),
};

const fixtures = () => import('../test/support/fixtures/bombs.js');

async function extract(filename: string, contentType: string, content: Buffer) {
  const { extractAttachmentText } = await import('../main/services/policy/detectors/attachment-text.js');
  const result = await extractAttachmentText({ filename, contentType, content });
  return result.status === 'scanned' ? `scanned (${result.text.length} chars)` : `not scanned: ${result.reason}`;
}

async function tree(raw: Buffer) {
  const { parseMimeTree } = await import('../main/services/mail/mime-tree.js');
  try {
    parseMimeTree(raw);
    return 'parsed';
  } catch (error) {
    return `refused: ${(error as { code?: string }).code ?? (error as Error).message}`;
  }
}

async function runOne(name: string) {
  const started = performance.now();
  const outcome = await BOMBS[name]!();
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ outcome, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

if (process.argv[2] === '--one') {
  await runOne(process.argv[3]!);
} else {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BOMBS);
  const self = fileURLToPath(import.meta.url);
  console.log('bomb'.padEnd(26), 'outcome'.padEnd(34), 'time'.padStart(9), 'peak RSS'.padStart(10));
  for (const name of names) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--one', name], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 20 });
    let line: string;
    try {
      const r = JSON.parse(child.stdout) as { outcome: string; ms: number; maxRssMb: number };
      line = `${r.outcome.padEnd(34)} ${`${r.ms} ms`.padStart(9)} ${`${r.maxRssMb} MB`.padStart(10)}`;
    } catch {
      const why = child.error ? child.error.message : child.signal ? `killed by ${child.signal}` : `exit ${child.status}`;
      line = `PROCESS DIED (${why}) ${/heap out of memory|Allocation failed[^\n]*/.exec(child.stderr)?.[0] ?? ''}`;
    }
    console.log(name.padEnd(26), line);
  }
}

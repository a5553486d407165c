/**
 * A PDF's text, read so that no document can take the process down:
 *  1. its streams are pre-read under one inflate budget (pdf-stream-budget.ts) — pdf.js inflates
 *     whole, without a limit, and a buffer outside the heap is not bounded by any heap limit;
 *  2. pdf.js then runs in a worker thread with a heap limit and a deadline (pdf-text-worker.ts):
 *     a worker that runs out of heap or time dies alone and the file is "not scanned".
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { prescanPdf } from './pdf-stream-budget.js';
import type { PdfWorkerAnswer } from './pdf-text-worker.js';

export interface PdfLimits {
  /** Bytes of every stream decoded, together. */
  decodedBytes: number;
  textChars: number;
  millis: number;
  /** The worker's V8 old-generation heap. */
  heapMb: number;
}

export type PdfText = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'unsupported' | 'encrypted' | 'too-deep' | 'timeout' | 'malformed' };

export async function pdfText(bytes: Uint8Array, limits: PdfLimits): Promise<PdfText> {
  const prescan = prescanPdf(bytes, limits.decodedBytes);
  if (!prescan.ok) return prescan;
  const answer = await inWorker(bytes, limits);
  if (!answer.ok) return answer;
  // As unpdf merges pages: whitespace collapsed, line structure kept.
  const text = answer.pages
    .join('\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
  return { ok: true, text };
}

type Refusal = Extract<PdfText, { ok: false }>;

function inWorker(bytes: Uint8Array, limits: PdfLimits): Promise<Refusal | Extract<PdfWorkerAnswer, { ok: true }>> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(workerFile(), {
      workerData: { bytes, textChars: limits.textChars },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    const settle = (result: Refusal | Extract<PdfWorkerAnswer, { ok: true }>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      void worker.terminate().catch(() => undefined);
      resolve(result);
    };
    const deadline = setTimeout(() => settle({ ok: false, reason: 'timeout' }), limits.millis);
    // pdf.js warns on stdout about damaged files: never the app's log (it may quote content).
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (answer: PdfWorkerAnswer) => {
      if (answer.ok) settle(answer);
      else settle({ ok: false, reason: answer.error === 'password' ? 'encrypted' : answer.error });
    });
    worker.on('error', (error: Error & { code?: string }) =>
      settle({ ok: false, reason: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too-large' : 'malformed' }),
    );
    worker.on('exit', () => settle({ ok: false, reason: 'malformed' }));
  });
}

/**
 * The worker's file: built next to the bundle that runs (dist/…/pdf-text-worker.mjs), or this
 * source file's sibling when running from source (Node strips its types).
 */
function workerFile(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  // A packaged app keeps the worker outside its archive (electron-builder's asarUnpack).
  const unpacked = here.replace(/\.asar(?=[\\/]|$)/, '.asar.unpacked');
  const candidates = [join(unpacked, 'pdf-text-worker.mjs'), join(here, 'pdf-text-worker.mjs'), join(here, 'pdf-text-worker.ts')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`The PDF reader (pdf-text-worker) is missing next to ${here}.`);
  return found;
}

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

/**
 * One idle worker, kept between documents (pdf.js loads once); never shared by two jobs at a time.
 * It is ended after a short idle time: its output streams keep a process alive, and a command such
 * as `sinetti-policy check` must end when its work is done.
 */
let idle: { worker: Worker; heapMb: number; timer: NodeJS.Timeout } | null = null;
const IDLE_MS = 2_000;

function newWorker(heapMb: number): Worker {
  const worker = new Worker(workerFile(), {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  // pdf.js warns on stdout about damaged files: never the app's log (it may quote content).
  worker.stdout.resume();
  worker.stderr.resume();
  return worker;
}

function inWorker(bytes: Uint8Array, limits: PdfLimits): Promise<Refusal | Extract<PdfWorkerAnswer, { ok: true }>> {
  return new Promise((resolve) => {
    let settled = false;
    const reused = idle !== null && idle.heapMb === limits.heapMb ? idle.worker : null;
    if (reused && idle) {
      clearTimeout(idle.timer);
      idle = null;
    }
    const worker = reused ?? newWorker(limits.heapMb);
    worker.ref();
    const settle = (result: Refusal | Extract<PdfWorkerAnswer, { ok: true }>, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (healthy && idle === null) {
        // Kept for the next document, without keeping the process alive.
        worker.unref();
        const timer = setTimeout(() => {
          if (idle?.worker !== worker) return;
          idle = null;
          void worker.terminate().catch(() => undefined);
        }, IDLE_MS);
        timer.unref();
        idle = { worker, heapMb: limits.heapMb, timer };
        worker.once('exit', () => {
          if (idle?.worker === worker) idle = null;
        });
      } else {
        void worker.terminate().catch(() => undefined);
      }
      resolve(result);
    };
    const onMessage = (answer: PdfWorkerAnswer) => {
      if (answer.ok) settle(answer, true);
      else settle({ ok: false, reason: answer.error === 'password' ? 'encrypted' : answer.error }, answer.error !== 'too-large');
    };
    const onError = (error: Error & { code?: string }) =>
      settle({ ok: false, reason: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too-large' : 'malformed' }, false);
    const onExit = () => settle({ ok: false, reason: 'malformed' }, false);
    const deadline = setTimeout(() => settle({ ok: false, reason: 'timeout' }, false), limits.millis);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ bytes, textChars: limits.textChars });
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

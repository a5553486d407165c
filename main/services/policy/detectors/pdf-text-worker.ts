/**
 * Worker thread that reads a PDF's text with pdf.js (unpdf), so that whatever pdf.js does with a
 * hostile document — a heap that outgrows the worker's resource limits, a page that takes
 * minutes — ends this worker and never the process (pdf-text.ts starts it, with a heap limit and
 * a deadline). The document's streams were already pre-read under an inflate budget
 * (pdf-stream-budget.ts) before it got here.
 *
 * One worker serves job after job (loading pdf.js costs more than reading a 10-page PDF); the
 * parent ends it, and starts a fresh one, whenever a job runs out of heap or time.
 *
 * Self-contained on purpose (only `unpdf` and Node): it runs as its own entry — from source under
 * Node's type stripping in development and tests, as a bundled file next to the built app.
 */
import { parentPort } from 'node:worker_threads';

interface Job {
  bytes: Uint8Array;
  textChars: number;
}

export type PdfWorkerAnswer = { ok: true; pages: string[] } | { ok: false; error: 'password' | 'too-large' | 'malformed' };

async function run({ bytes, textChars }: Job): Promise<PdfWorkerAnswer> {
  const { getDocumentProxy } = await import('unpdf');
  let document;
  try {
    // pdf.js writes its warnings about damaged files straight to the console; errors still throw.
    document = await getDocumentProxy(bytes, { verbosity: 0 });
  } catch (error) {
    return { ok: false, error: (error as { name?: string }).name === 'PasswordException' ? 'password' : 'malformed' };
  }
  try {
    // Page by page (unpdf's extractText reads every page at once), stopping once the text is over its limit.
    const pages: string[] = [];
    let chars = 0;
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
      chars += text.length;
      if (chars > textChars) return { ok: false, error: 'too-large' };
      pages.push(text);
    }
    return { ok: true, pages };
  } catch {
    return { ok: false, error: 'malformed' };
  } finally {
    // Nothing of one document stays cached in the worker for the next.
    try {
      await (document as { cleanup?: () => Promise<void> }).cleanup?.();
    } catch {
      // Nothing to free.
    }
  }
}

parentPort?.on('message', (job: Job) => {
  run(job).then(
    (answer) => parentPort?.postMessage(answer),
    () => parentPort?.postMessage({ ok: false, error: 'malformed' } satisfies PdfWorkerAnswer),
  );
});

/**
 * DEFLATE with a running output budget, enforced WHILE inflating. The compressed input is fed to
 * fflate's streaming inflater a few KiB at a time, and DEFLATE expands at most 1032:1, so one
 * step can never produce more than about 4 MiB before the budget is checked again: a stream that
 * would inflate to gigabytes stops at the budget instead of first materialising (and a declared
 * size in a zip header or PDF dictionary is never trusted — it is the attacker's number).
 *
 * One budget can be shared by every stream of a document, so a thousand modest streams are
 * limited like one big one.
 */
import { Inflate } from 'fflate';

/** Bytes of inflated output still allowed; shared across the streams of one document. */
export interface ByteBudget {
  left: number;
}

/** The budget ran out: the document is larger inside than we are willing to read. */
export class OverBudget extends Error {
  constructor() {
    super('Decompressed output over the limit.');
    this.name = 'OverBudget';
  }
}

const INPUT_SLICE = 4 * 1024;

export interface InflateResult {
  /** The output, when asked to keep it (never more than the budget allowed). */
  output?: Uint8Array;
  /** Bytes produced. */
  produced: number;
  /** False when the stream was damaged or truncated (what came before the damage still counted). */
  complete: boolean;
}

/**
 * Inflates raw DEFLATE data (no zlib header), charging every output byte to `budget`. Throws
 * OverBudget as soon as the budget is spent. `onData` sees each output chunk (e.g. to inflate a
 * second layer); `keep` collects the output.
 */
export function inflateWithin(input: Uint8Array, budget: ByteBudget, options: { keep?: boolean; onData?: (chunk: Uint8Array) => void } = {}): InflateResult {
  const kept: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    if (!chunk.length) return;
    produced += chunk.length;
    budget.left -= chunk.length;
    if (budget.left < 0) throw new OverBudget();
    if (options.keep) kept.push(chunk);
    options.onData?.(chunk);
  });
  try {
    for (let at = 0; at < input.length; at += INPUT_SLICE) {
      const end = Math.min(at + INPUT_SLICE, input.length);
      inflater.push(input.subarray(at, end), end === input.length);
    }
    if (input.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof OverBudget) throw error;
    // Damaged data: what was produced before the damage is what another reader would produce too.
    return { ...(options.keep ? { output: concat(kept, produced) } : {}), produced, complete: false };
  }
  return { ...(options.keep ? { output: concat(kept, produced) } : {}), produced, complete: true };
}

/** A zlib header (RFC 1950): deflate method, a valid check value, no preset dictionary. */
export function hasZlibHeader(bytes: Uint8Array): boolean {
  const cmf = bytes[0];
  const flg = bytes[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

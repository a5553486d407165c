/**
 * The audit trail check for IT and the registrar: is this workstation's trail whole, and where was
 * it changed?
 *
 *   npm run --silent audit -- verify <audit dir> [--public-key <workstation.pub>] [--every N] [--json]
 *
 * `<audit dir>` holds trail.jsonl and checkpoints.jsonl (the app's data directory/audit). The
 * checkpoints are checked against --public-key, the copy of the workstation key the organisation
 * keeps; without it, against workstation.pub beside the trail (said in the output: whoever can
 * replace the trail can replace that file too). No vault key is needed: bodies stay sealed.
 *
 * Exit codes: 0 whole; 5 changed (every problem printed with its record and line); 2 usage or unreadable.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyTrail } from '../services/audit/audit-verify.js';

class UsageError extends Error {}

const USAGE = 'usage: audit verify <audit dir> [--public-key <workstation.pub>] [--every N] [--json]';

function readKey(path: string): KeyObject {
  try {
    return createPublicKey(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the public key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function main(
  argv: string[],
  out: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
  err: Pick<NodeJS.WritableStream, 'write'> = process.stderr,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command !== 'verify') throw new UsageError(USAGE);
    let dir: string | undefined;
    let keyPath: string | undefined;
    let every: number | undefined;
    let json = false;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--json') json = true;
      else if (arg === '--public-key') keyPath = rest[++i];
      else if (arg === '--every') every = Number(rest[++i]);
      else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
      else dir = arg;
    }
    if (!dir) throw new UsageError(USAGE);
    if (every !== undefined && !(Number.isInteger(every) && every > 0)) throw new UsageError('--every needs a positive whole number');
    if (!existsSync(dir)) throw new UsageError(`no such directory: ${dir}`);
    const besideTrail = !keyPath;
    const publicKey = readKey(keyPath ?? join(dir, 'workstation.pub'));
    const result = await verifyTrail({
      trailFile: join(dir, 'trail.jsonl'),
      checkpointFile: join(dir, 'checkpoints.jsonl'),
      publicKey,
      ...(every !== undefined ? { checkpointEvery: every } : {}),
    });
    if (json) out.write(`${JSON.stringify({ ...result, keyBesideTrail: besideTrail }, null, 2)}\n`);
    else {
      out.write(`trail:       ${result.ok ? 'whole' : 'CHANGED'}\n`);
      out.write(`records:     ${result.records}${result.firstSeq !== null ? ` (${result.firstSeq}–${result.lastSeq})` : ''}\n`);
      out.write(
        `checkpoints: ${result.checkpoints} signed${besideTrail ? ' (checked against workstation.pub beside the trail; pass --public-key with the organisation’s copy)' : ''}\n`,
      );
      for (const p of result.problems) out.write(`${p.kind.padEnd(20)} ${p.message}\n`);
    }
    return result.ok ? 0 : 5;
  } catch (error) {
    err.write(`audit: ${(error as Error).message}\n`);
    return 2;
  }
}

// Runs only as a command, never when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`audit: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}

/**
 * Clean-up of a whole run root (scripts/test-all.sh, interrupted runs): stops what this run
 * started under it and is still running — gpg-agents of its GnuPG homes, Dovecot masters of its
 * data directories — then removes the tree. Only what lies under `root` is touched, so another
 * run's servers and agents keep running. Never throws: clean-up must not fail a run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stopDovecotIn } from './dovecot.js';
import { stopGpgAgents } from './gpg.js';
import { removeTree, type Warn } from './run-root.js';

/** Run roots nest (the test run's, then the integration or end-to-end set-up's, then the server's). */
const MAX_DEPTH = 3;

export async function cleanRunRoot(root: string, warn?: Warn): Promise<boolean> {
  const dirs = directoriesUnder(root, MAX_DEPTH);
  for (const dir of dirs) stopGpgAgents(dir);
  for (const dir of dirs.filter((d) => existsSync(join(d, 'dovecot.conf')))) {
    await stopDovecotIn(dir).catch((error: unknown) =>
      warn?.(`could not stop the Dovecot in ${dir}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  return removeTree(root, warn ? { warn } : {});
}

function directoriesUnder(root: string, depth: number): string[] {
  if (depth < 0) return [];
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found = [root];
  // Symbolic links are not followed: nothing outside the root is ever touched.
  for (const entry of entries) if (entry.isDirectory()) found.push(...directoriesUnder(join(root, entry.name), depth - 1));
  return found;
}

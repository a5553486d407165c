/**
 * One temporary root per run (a test run, the end-to-end set-up, the demo): every server data
 * directory, gpg home, keyring and browser profile of that run lives under it, so two runs on one
 * machine never see (or stop, or delete) each other's, and clean-up removes exactly one tree.
 *
 * As root, Dovecot switches to its own users (vmail, dovecot, dovenull), which must be able to
 * enter every directory on the way to its data: a checkout or TMPDIR under /root or a 0700 home
 * would end in Dovecot's "Auth USER lookup failed". A run root is therefore created where other
 * users can traverse, and is itself 0711: owned by the run, enterable, not listable.
 */
import { mkdtempSync, chmodSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export type Warn = (message: string) => void;

const warnOnStderr: Warn = (message) => process.stderr.write(`warning: ${message}\n`);

/** Servers started by root run as other users; started by anyone else they run as that user. */
export function serversRunAsOtherUsers(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The first directory on the way to `dir` (from `/` down, `dir` included when it exists) that
 * other users cannot enter (no o+x), or null when they can reach it.
 */
export function untraversableAncestor(dir: string): { path: string; mode: number } | null {
  const chain: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    chain.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const path of chain) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o7777;
    } catch {
      // Not created yet: whoever creates it chooses its mode.
      break;
    }
    if ((mode & 0o001) === 0) return { path, mode };
  }
  return null;
}

/** Explains, with the fix, why servers running as other users cannot use `dir`; null when they can. */
export function serverReachProblem(dir: string, needsOtherUsers = serversRunAsOtherUsers()): string | null {
  if (!needsOtherUsers) return null;
  const blocked = untraversableAncestor(dir);
  if (!blocked) return null;
  return (
    `the servers' own users (vmail, dovecot, dovenull) cannot reach ${dir}: ` +
    `${blocked.path} (mode ${blocked.mode.toString(8).padStart(4, '0')}) lets no other user in. ` +
    `Run with TMPDIR set to a directory every user can traverse (e.g. TMPDIR=/tmp), or \`chmod o+x ${blocked.path}\`.`
  );
}

export interface RunRootOptions {
  /** Where to try, in order (default: the temporary directory, then /tmp). */
  parents?: string[];
  needsOtherUsers?: boolean;
  note?: Warn;
}

/**
 * Creates this run's root (mode 0711) under the first candidate parent the servers' users can
 * reach, and says so when it had to pass over the temporary directory.
 */
export function makeRunRoot(prefix: string, options: RunRootOptions = {}): string {
  const needsOtherUsers = options.needsOtherUsers ?? serversRunAsOtherUsers();
  const parents = [...new Set((options.parents ?? [tmpdir(), '/tmp']).map((p) => resolve(p)))];
  const problems: string[] = [];
  for (const parent of parents) {
    const problem = serverReachProblem(parent, needsOtherUsers);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const root = mkdtempSync(join(parent, prefix));
    chmodSync(root, 0o711);
    if (problems.length > 0) (options.note ?? warnOnStderr)(`${problems[0]} Using ${root} instead.`);
    return root;
  }
  throw new Error(`No place for this run's server data: ${problems.join(' ')}`);
}

export interface RemoveOptions {
  warn?: Warn;
  /** The removal itself (tests inject failures). */
  rm?: (path: string) => void;
}

/**
 * Removes a tree, retrying while a process that is shutting down (a gpg-agent removing its
 * sockets, a server writing its last log line) still changes it. Clean-up never fails a run:
 * what cannot be removed is reported as a warning and left. Returns whether the tree is gone.
 */
export function removeTree(path: string, options: RemoveOptions = {}): boolean {
  const rm = options.rm ?? ((p: string) => rmSync(p, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  try {
    rm(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    (options.warn ?? warnOnStderr)(`could not remove ${path} (${code}); left in place`);
    return false;
  }
}

/**
 * GnuPG with a throwaway home directory, for interop tests in both directions. Homes are created
 * in the run's temporary root (TMPDIR, see run-root.ts); each starts a gpg-agent that outlives its
 * test, which the run stops with `stopGpgAgents(runRoot)` — only its own.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOME_PREFIX = 'sinetti-gpg-';

export interface Gpg {
  home: string;
  run(args: string[], input?: string | Uint8Array): Promise<{ stdout: Buffer; stderr: string }>;
}

export function createGpg(): Gpg {
  const home = mkdtempSync(join(tmpdir(), HOME_PREFIX));
  return {
    home,
    run: (args, input) =>
      new Promise((resolve, reject) => {
        const child = execFile(
          'gpg',
          ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--trust-model', 'always', ...args],
          { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const err = stderr.toString('utf8');
            if (error) reject(Object.assign(new Error(`gpg ${args[0]} failed: ${err}`), { stderr: err }));
            else resolve({ stdout, stderr: err });
          },
        );
        // gpg may exit before reading stdin (e.g. --export): a late write must not become an
        // uncaught EPIPE; gpg's own exit status reports any real failure.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(input ?? '');
      }),
  };
}

/**
 * Stops the gpg-agents of the GnuPG homes created directly in `root` (this run's root) and
 * returns those homes; agents of homes anywhere else, such as another run's, are left alone.
 */
export function stopGpgAgents(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith(HOME_PREFIX));
  } catch {
    return [];
  }
  const homes = names.map((name) => join(root, name));
  for (const home of homes) spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  // `--kill` returns once the agent has the request; it removes its sockets while exiting, and a
  // removal of the home racing that fails with ENOTEMPTY. Give the agents a moment to finish.
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && homes.some(hasAgentSocket)) sleepSync(25);
  return homes;
}

function hasAgentSocket(home: string): boolean {
  try {
    return readdirSync(home).some((name) => name.startsWith('S.gpg-agent'));
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** GnuPG with a throwaway home directory, for interop tests in both directions. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Gpg {
  home: string;
  run(args: string[], input?: string | Uint8Array): Promise<{ stdout: Buffer; stderr: string }>;
}

export function createGpg(): Gpg {
  const home = mkdtempSync(join(tmpdir(), 'sinetti-gpg-'));
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

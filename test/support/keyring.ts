/**
 * Locks and unlocks the default Secret Service collection of the private gnome-keyring started by
 * scripts/env/with-keyring.sh, so tests can reproduce a locked keychain, a real user situation.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function lockDefaultCollection(): Promise<void> {
  await run('busctl', [
    '--user',
    'call',
    'org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service',
    'Lock',
    'ao',
    '1',
    '/org/freedesktop/secrets/aliases/default',
  ]);
}

/**
 * Unlocking through the Secret Service needs a GUI prompt, which a headless session does not
 * have; replacing the daemon with one that unlocks the login keyring with the session's password
 * has the same effect.
 */
export async function unlockDefaultCollection(): Promise<void> {
  const password = process.env.SINETTI_KEYRING_PASSWORD;
  if (!password) throw new Error('SINETTI_KEYRING_PASSWORD is not set: run through scripts/env/with-keyring.sh');
  await new Promise<void>((resolve, reject) => {
    const child = execFile('gnome-keyring-daemon', ['--replace', '--daemonize', '--unlock', '--components=secrets'], (error) =>
      error ? reject(error) : resolve(),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(password);
  });
  // The replacement daemon claims the bus name asynchronously.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await run('busctl', ['--user', 'status', 'org.freedesktop.secrets']);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('gnome-keyring did not come back after unlocking');
}

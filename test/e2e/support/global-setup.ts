/**
 * Starts the demo mail environment (real Dovecot with the seeded team mailboxes) once for the
 * end-to-end run and tells the tests where it is through SINETTI_E2E_DEMO_FILE.
 *
 * The run gets its own temporary root (test/support/run-root.ts), never a directory in the
 * checkout: a checkout in a private directory (/root, a 0700 home) is out of reach for Dovecot's
 * own users. It is exported as TMPDIR to the Playwright workers, so browser hosts, Chromium
 * profiles and GnuPG homes of this run live there too and go with it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoEnvironment } from '../../../scripts/demo/start-demo-env.js';
import { cleanRunRoot } from '../../support/clean-run-root.js';
import { makeRunRoot, removeTree } from '../../support/run-root.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

const warn = (message: string) => console.warn(`warning: ${message}`);

export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const built of ['dist/browser-host/cli.mjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  // A short name: socket paths under it must stay within 108 bytes.
  const work = makeRunRoot('e2e-');
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = work;
  let demo;
  try {
    demo = await startDemoEnvironment(join(work, 'dovecot'));
  } catch (error) {
    removeTree(work, { warn });
    throw error;
  }
  const infoFile = join(work, 'demo-info.json');
  writeFileSync(infoFile, JSON.stringify({ ...demo.info, work }), { mode: 0o600 });
  process.env.SINETTI_E2E_DEMO_FILE = infoFile;
  const started = demo;
  return async () => {
    // Clean-up never fails the run: every test has finished by now. Cleaning the root also stops
    // the gpg-agents of the GnuPG homes tests made there.
    await started.stop().catch((error: unknown) => warn(`could not stop the demo environment: ${error instanceof Error ? error.message : String(error)}`));
    await cleanRunRoot(work, warn);
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  };
}

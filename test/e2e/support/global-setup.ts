/**
 * Starts the demo mail environment (real Dovecot with the seeded team mailboxes) once for the
 * end-to-end run and tells the tests where it is through SINETTI_E2E_DEMO_FILE.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoEnvironment } from '../../../scripts/demo/start-demo-env.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const built of ['dist/browser-host/cli.mjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const work = join(root, '.tmp', `e2e-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const demo = await startDemoEnvironment(join(work, 'dovecot'));
  const infoFile = join(work, 'demo-info.json');
  writeFileSync(infoFile, JSON.stringify({ ...demo.info, work }), { mode: 0o600 });
  process.env.SINETTI_E2E_DEMO_FILE = infoFile;
  return async () => {
    await demo.stop();
  };
}

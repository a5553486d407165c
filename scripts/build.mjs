// Builds everything the app runs from, without the Electron binary:
//   dist/renderer/            the React renderer (vite, vite.config.ts)
//   dist/electron/main.cjs    Electron main process (esbuild; electron and @github/keytar stay external)
//   dist/electron/services-process.cjs the services, run by main as an Electron utilityProcess
//   dist/electron/preload.cjs sandboxed preload (CommonJS, browser platform, only `electron` external)
//   dist/browser-host/cli.mjs the plain-Node browser host (ESM; npm packages stay external)
//   dist/*/pdf-text-worker.mjs the worker thread pdf.js runs in, next to each bundle that scans PDFs
//
// Usage: node scripts/build.mjs [--skip-renderer]
// Every part is attempted; the script exits non-zero and says which part failed and why.
import './require-node22.mjs';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => join(root, ...parts);
const args = new Set(process.argv.slice(2));
const failures = [];

function say(message) {
  process.stdout.write(`[build] ${message}\n`);
}

async function step(name, run) {
  const started = Date.now();
  try {
    const result = await run();
    if (result === 'skipped') return;
    say(`${name}: done in ${Date.now() - started} ms`);
  } catch (error) {
    failures.push(name);
    process.stderr.write(`[build] ${name} FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/** Native addons and Electron itself must stay on disk next to the app, never inside a bundle. */
const NATIVE_EXTERNALS = ['electron', '@github/keytar'];

const common = {
  bundle: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': '"production"' },
};

async function buildElectronMain() {
  await build({
    ...common,
    entryPoints: [at('main/electron/entry.ts')],
    outfile: at('dist/electron/main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // electron-store, conf, imapflow, zod … are bundled: the packaged app then needs only the
    // externals in node_modules.
    external: NATIVE_EXTERNALS,
    // CommonJS has __dirname, which code that finds files next to itself (pdf-text.ts) uses first;
    // its import.meta.url fallback is for ESM and never reached here.
    define: { ...common.define, 'import.meta.url': 'undefined' },
  });
}

/** The services process (main/service-process/entry.ts): plain Node, no electron import at all. */
async function buildServicesProcess() {
  await build({
    ...common,
    entryPoints: [at('main/service-process/entry.ts')],
    outfile: at('dist/electron/services-process.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: NATIVE_EXTERNALS,
    define: { ...common.define, 'import.meta.url': 'undefined' },
  });
}

async function buildPreload() {
  await build({
    ...common,
    entryPoints: [at('preload/preload.ts')],
    outfile: at('dist/electron/preload.cjs'),
    // A sandboxed preload has no Node: browser platform, CommonJS, and only `electron` to require.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
  });
}

async function buildBrowserHost() {
  const entry = at('main/browser-host/cli.ts');
  if (!existsSync(entry)) {
    process.stderr.write(`[build] WARNING: ${relative(root, entry)} does not exist yet; browser host not built.\n`);
    return 'skipped';
  }
  await build({
    ...common,
    entryPoints: [entry],
    outfile: at('dist/browser-host/cli.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Runs from the repository with node_modules present: keep every package external (CommonJS
    // packages and the keytar addon then load exactly as in development).
    packages: 'external',
  });
}

/** The command-line tools IT runs (`sinetti-policy`, `sinetti-inspect`): plain Node, packages external. */
async function buildCommands() {
  for (const [entry, out] of [
    ['main/cli/policy.ts', 'dist/cli/sinetti-policy.mjs'],
    ['main/cli/inspect.ts', 'dist/cli/sinetti-inspect.mjs'],
    ['main/cli/audit.ts', 'dist/cli/sinetti-audit.mjs'],
  ]) {
    await build({
      ...common,
      entryPoints: [at(entry)],
      outfile: at(out),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      banner: { js: '#!/usr/bin/env node' },
    });
  }
}

/**
 * The worker thread pdf.js runs in (main/services/policy/detectors/pdf-text.ts looks for it next to
 * the running bundle): self-contained for Electron, packages external where node_modules is present.
 */
async function buildPdfWorker() {
  const entry = at('main/services/policy/detectors/pdf-text-worker.ts');
  const options = { ...common, entryPoints: [entry], platform: 'node', format: 'esm', target: 'node22' };
  await build({ ...options, outfile: at('dist/electron/pdf-text-worker.mjs') });
  for (const dir of ['dist/browser-host', 'dist/cli']) await build({ ...options, outfile: at(dir, 'pdf-text-worker.mjs'), packages: 'external' });
}

async function buildRenderer() {
  if (args.has('--skip-renderer')) {
    say('renderer: skipped (--skip-renderer)');
    return 'skipped';
  }
  const config = at('vite.config.ts');
  if (!existsSync(config)) {
    throw new Error('vite.config.ts is missing, so the renderer cannot be built. It must build renderer/ into dist/renderer/ (with index.html at its root).');
  }
  const { build: viteBuild } = await import('vite');
  // vite.config.ts owns root and outDir; passing them here would override it.
  await viteBuild({ configFile: config, logLevel: 'warn' });
  if (!existsSync(at('dist/renderer/index.html'))) {
    throw new Error('vite finished but dist/renderer/index.html does not exist: vite.config.ts must set build.outDir to dist/renderer.');
  }
}

rmSync(at('dist/electron'), { recursive: true, force: true });
rmSync(at('dist/browser-host'), { recursive: true, force: true });
rmSync(at('dist/cli'), { recursive: true, force: true });

await step('electron main (dist/electron/main.cjs)', buildElectronMain);
await step('services process (dist/electron/services-process.cjs)', buildServicesProcess);
await step('preload (dist/electron/preload.cjs)', buildPreload);
await step('browser host (dist/browser-host/cli.mjs)', buildBrowserHost);
await step('commands (dist/cli)', buildCommands);
await step('PDF reader worker (dist/*/pdf-text-worker.mjs)', buildPdfWorker);
await step('renderer (dist/renderer)', buildRenderer);

if (failures.length > 0) {
  process.stderr.write(`[build] ${failures.length} part(s) failed: ${failures.join(', ')}\n`);
  process.exit(1);
}
say('all parts built');

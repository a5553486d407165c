/**
 * `renderer/` runs in a sandboxed page (Electron's or the browser host's) and `shared/` is loaded
 * by both sides: neither may load anything from `main/` (services, Electron layer, browser host)
 * nor any Node built-in (`node:fs`, or the bare `fs`, `path`, `crypto` …), which the page does not
 * have and which would pull main-process code into the renderer bundle.
 */
import { describe, expect, it } from 'vitest';
import { importedModules, importFrom, importsOf, isNodeBuiltin, isUnder, sourceFiles, type Import } from './source-imports.js';

const LAYERS = ['renderer', 'shared'];

function violation(imported: Import): string | undefined {
  if (isNodeBuiltin(imported.specifier)) return 'a Node built-in';
  if (imported.target !== undefined && isUnder(imported.target, 'main')) return 'main/';
  return undefined;
}

describe('renderer and shared stay out of main and Node', () => {
  it('recognises Node built-ins with and without the node: prefix, and nothing else', () => {
    for (const name of ['node:fs', 'fs', 'fs/promises', 'path', 'crypto', 'node:crypto', 'os', 'child_process', 'node:test', 'stream/web']) {
      expect(isNodeBuiltin(name), name).toBe(true);
    }
    for (const name of ['react', 'zod', '@fluentui/react-components', './path.js', '../crypto/key.js', 'path-browserify', 'events-polyfill']) {
      expect(isNodeBuiltin(name), name).toBe(false);
    }
  });

  it('recognises an import of main/ by where it resolves, however it is written', () => {
    const samples = [
      "import { x } from '../../main/services/mail/mime-tree.js';",
      "import type { X } from '../../main/services/crypto/key-service.js';",
      "export { y } from '../main/electron/secure-window.js';",
      "const m = await import('../../main/services/api/dispatcher.js');",
    ];
    for (const sample of samples) {
      const [specifier] = importedModules(sample);
      const file = sample.includes("'../main") ? 'shared/sample.ts' : 'renderer/app/sample.ts';
      expect(violation(importFrom(file, specifier!)), sample).toBe('main/');
    }
    expect(violation(importFrom('renderer/app/App.tsx', '../../shared/domain.js'))).toBeUndefined();
    expect(violation(importFrom('renderer/app/App.tsx', '../maintenance/x.js'))).toBeUndefined();
    expect(violation(importFrom('shared/contract.ts', './main-window.js'))).toBeUndefined();
  });

  it('holds for every file in renderer/ and shared/', () => {
    const files = sourceFiles(...LAYERS);
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) =>
      importsOf(file).flatMap((imported) => {
        const what = violation(imported);
        return what ? [`${file} imports '${imported.specifier}' (${what})`] : [];
      }),
    );
    expect(offenders, 'renderer/ and shared/ must not load main/ or Node built-ins').toEqual([]);
  });
});

/**
 * Static layering checks. Only the thin Electron layer (main/electron) and the preload may load
 * `electron` or `electron-store`: everything else must run in plain Node, where the Electron binary
 * does not exist (and must stay reusable by the browser host). And the secure window flags must
 * be written after any spread of caller options (the behavioural test is
 * test/unit/electron/secure-window.security.test.ts; this is the belt to its braces).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importedModules, importsOf, repo, sourceFiles } from './source-imports.js';

const ALLOWED = ['main/electron/', 'preload/'];
const FORBIDDEN = /^electron(-store)?(\/.*)?$/;

describe('electron import boundary', () => {
  it('detects every way of loading electron', () => {
    const samples = [
      "import { app } from 'electron';",
      "import type { WebContents } from 'electron';",
      'import electron from "electron";',
      "import 'electron';",
      "export { shell } from 'electron';",
      "const { ipcMain } = require('electron');",
      "const e = await import('electron');",
      "import { app } from 'electron/main';",
      "import Store from 'electron-store';",
      "const r = createRequire(import.meta.url)('electron');",
    ];
    for (const sample of samples)
      expect(
        importedModules(sample).some((m) => FORBIDDEN.test(m)),
        sample,
      ).toBe(true);
    expect(importedModules("import x from 'electron-builder'; import y from './electronic.js';").some((m) => FORBIDDEN.test(m))).toBe(false);
  });

  it('is only crossed by main/electron and preload', () => {
    const files = sourceFiles('main', 'shared', 'renderer', 'preload');
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .filter((file) => !ALLOWED.some((prefix) => file.startsWith(prefix)))
      .filter((file) => importsOf(file).some((m) => FORBIDDEN.test(m.specifier)));
    expect(offenders, 'these files load electron outside the Electron layer').toEqual([]);
  });

  it('keeps the preload free of zod and of the contract’s runtime code', () => {
    const runtime = ts.preProcessFile(readFileSync(join(repo, 'preload/preload.ts'), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    // preProcessFile lists type-only imports too: check those separately.
    const source = readFileSync(join(repo, 'preload/preload.ts'), 'utf8');
    expect(runtime).not.toContain('zod');
    expect(source).not.toMatch(/^import\s+\{[^}]*\}\s+from\s+['"]\.\.\/shared\/(contract|domain|result)\.js['"]/m);
  });
});

const REQUIRED_FLAGS: Record<string, string> = {
  contextIsolation: 'true',
  sandbox: 'true',
  nodeIntegration: 'false',
  nodeIntegrationInWorker: 'false',
  nodeIntegrationInSubFrames: 'false',
  webviewTag: 'false',
  webSecurity: 'true',
  allowRunningInsecureContent: 'false',
};

describe('secure-window.ts (static)', () => {
  const path = join(repo, 'main/electron/secure-window.ts');
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);

  /** Object literals that set `sandbox:` — the web preferences. */
  function preferenceLiterals(): ts.ObjectLiteralExpression[] {
    const found: ts.ObjectLiteralExpression[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isObjectLiteralExpression(node) && node.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'sandbox')) {
        found.push(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
  }

  it('writes every security flag, with the secure value, after the last spread', () => {
    // The literal that builds the preferences (the call site repeats a few flags for static scanners).
    const literals = preferenceLiterals().filter((l) => l.properties.some((p) => p.name?.getText(file) === 'nodeIntegration'));
    expect(literals).toHaveLength(1);
    const props = literals[0]!.properties;
    const lastSpread = props.map((p) => ts.isSpreadAssignment(p)).lastIndexOf(true);
    expect(lastSpread, 'the caller options are spread first').toBeGreaterThanOrEqual(0);
    for (const [name, value] of Object.entries(REQUIRED_FLAGS)) {
      const indices = props.flatMap((p, i) => (p.name && ts.isIdentifier(p.name) && p.name.text === name ? [i] : []));
      expect(indices, `${name} is set exactly once`).toHaveLength(1);
      const prop = props[indices[0]!]!;
      expect(indices[0]!, `${name} comes after the spread`).toBeGreaterThan(lastSpread);
      expect(ts.isPropertyAssignment(prop) && prop.initializer.getText(file), `${name} is ${value}`).toBe(value);
    }
  });

  it('builds the window with the enforced preferences after the caller options', () => {
    let checked = false;
    const visit = (node: ts.Node) => {
      if (ts.isNewExpression(node) && node.expression.getText(file) === 'BrowserWindow') {
        const arg = node.arguments?.[0];
        expect(arg && ts.isObjectLiteralExpression(arg)).toBe(true);
        const props = (arg as ts.ObjectLiteralExpression).properties;
        const webPrefsIndex = props.findIndex((p) => p.name?.getText(file) === 'webPreferences');
        const lastSpread = props.map((p) => ts.isSpreadAssignment(p)).lastIndexOf(true);
        expect(webPrefsIndex).toBeGreaterThan(lastSpread);
        const webPrefs = props[webPrefsIndex] as ts.PropertyAssignment;
        const init = webPrefs.initializer;
        if (ts.isObjectLiteralExpression(init)) {
          // { ...secureWebPreferences(...), <flags repeated with their secure values> }: nothing may loosen them.
          const [first, ...rest] = init.properties;
          expect(first && ts.isSpreadAssignment(first) && first.expression.getText(file)).toMatch(/^secureWebPreferences\(/);
          for (const prop of rest) {
            const name = prop.name?.getText(file) ?? '';
            const value = ts.isPropertyAssignment(prop) ? prop.initializer.getText(file) : '';
            if (name === 'disableBlinkFeatures') continue;
            expect(REQUIRED_FLAGS[name], `${name} repeated at the call`).toBe(value);
          }
        } else expect(init.getText(file)).toMatch(/^secureWebPreferences\(/);
        checked = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    expect(checked).toBe(true);
  });
});

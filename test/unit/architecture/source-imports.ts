/**
 * What the architecture tests read: the project's source files and every module each one loads.
 * Static, from the text (TypeScript's own pre-processor plus the call forms it misses), so a rule
 * holds for type-only imports too: a type import is still a dependency between two places.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

/** Repository-relative paths (with `/`) of every source file under the given directories. */
export function sourceFiles(...dirs: string[]): string[] {
  const walk = (dir: string): string[] => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    return entries.flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist') return [];
      return statSync(path).isDirectory() ? walk(path) : SOURCE.test(name) ? [path] : [];
    });
  };
  return dirs.flatMap((dir) => walk(join(repo, dir))).map((file) => relative(repo, file).split(sep).join('/'));
}

/** Every module specifier a source text imports, re-exports, requires or dynamically imports. */
export function importedModules(source: string): string[] {
  const found = new Set(ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName));
  // Also catch require/import calls preProcessFile does not see (e.g. through createRequire, or
  // `import('x').Type` in a type position).
  for (const match of source.matchAll(/\b(?:require|import)\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g)) found.add(match[2]!);
  for (const match of source.matchAll(/createRequire\([^)]*\)\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g)) found.add(match[2]!);
  return [...found];
}

export interface Import {
  /** The importing file, repository-relative. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** For a relative specifier: the repository-relative path it names (extension as written). */
  target?: string;
}

/** One import of a file, resolved against the file's directory when it is relative. */
export function importFrom(file: string, specifier: string): Import {
  return specifier.startsWith('.') ? { file, specifier, target: posix.normalize(posix.join(posix.dirname(file), specifier)) } : { file, specifier };
}

const cache = new Map<string, Import[]>();

/** The imports of one repository-relative file. */
export function importsOf(file: string): Import[] {
  let imports = cache.get(file);
  if (!imports) {
    const source = readFileSync(join(repo, file), 'utf8');
    imports = importedModules(source).map((specifier) => importFrom(file, specifier));
    cache.set(file, imports);
  }
  return imports;
}

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** `node:fs`, `fs`, `fs/promises`, `crypto`, `path` … — anything only Node (not a browser) has. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** Whether a repository-relative path lies in a directory (given without a trailing slash). */
export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/**
 * No directory depends on itself through others. Two graphs: the top-level layers (main's
 * Electron layer, services, browser host and CLI; shared; preload; renderer), and every directory
 * of main/ and shared/ (so each service under main/services — mail, crypto, send, … — and their
 * subdirectories). A cycle fails with its path and, per edge, a file and the import that makes it.
 * Type-only imports count: a type shared by two services belongs to a place neither owns
 * (e.g. main/services/mime/mime-types.ts).
 */
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, directoryGraph, type DirectoryGraph } from './directory-graph.js';
import { importFrom, sourceFiles } from './source-imports.js';

const PRODUCT = ['main', 'shared', 'preload', 'renderer'];

/** main/electron, main/services, main/browser-host, main/cli; shared; preload; renderer; resources … */
function layerOf(path: string): string | undefined {
  const [top, second] = path.split('/');
  if (top === 'main') return second && !second.includes('.') ? `main/${second}` : 'main';
  return top;
}

/** Every directory of main/ and shared/ is its own node. */
function directoryUnderMainOrShared(path: string): string | undefined {
  return path.startsWith('main/') || path.startsWith('shared/') ? posix.dirname(path) : undefined;
}

function graphOf(edges: [string, string][]): DirectoryGraph {
  const graph: DirectoryGraph = new Map();
  for (const [fromFile, specifier] of edges) {
    const imported = importFrom(fromFile, specifier);
    const from = posix.dirname(fromFile);
    const to = posix.dirname(imported.target!);
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.has(to)) graph.set(to, new Map());
    graph.get(from)!.set(to, [...(graph.get(from)!.get(to) ?? []), imported]);
  }
  return graph;
}

describe('directory cycles', () => {
  it('finds a cycle and names the imports that make it', () => {
    const graph = graphOf([
      ['s/crypto/reader.ts', '../mail/message-row.js'],
      ['s/mail/loader.ts', '../crypto/reader.js'],
      ['s/send/gate.ts', '../mail/loader.js'],
    ]);
    const found = cycles(graph);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('cycle s/crypto → s/mail → s/crypto');
    expect(found[0]).toContain("s/crypto/reader.ts imports '../mail/message-row.js'");
    expect(found[0]).toContain("s/mail/loader.ts imports '../crypto/reader.js'");
  });

  it('finds a longer cycle and lists every directory tangled in it', () => {
    const graph = graphOf([
      ['s/a/x.ts', '../b/x.js'],
      ['s/b/x.ts', '../c/x.js'],
      ['s/c/x.ts', '../a/x.js'],
      ['s/c/y.ts', '../d/x.js'],
      ['s/d/x.ts', '../c/y.js'],
    ]);
    const [found, ...more] = cycles(graph);
    expect(more).toEqual([]);
    expect(found).toContain('cycle s/a → s/b → s/c → s/a');
    expect(found).toContain('s/a, s/b, s/c, s/d');
  });

  it('passes a graph without cycles', () => {
    const graph = graphOf([
      ['s/mail/loader.ts', '../crypto/reader.js'],
      ['s/crypto/reader.ts', '../mime/mime-types.js'],
      ['s/mail/loader.ts', '../mime/mime-types.js'],
    ]);
    expect(cycles(graph)).toEqual([]);
  });

  it('has none between the top-level layers', () => {
    const graph = directoryGraph(sourceFiles(...PRODUCT), layerOf);
    expect([...graph.keys()]).toEqual(expect.arrayContaining(['main/electron', 'main/services', 'main/browser-host', 'shared', 'renderer', 'preload']));
    expect(cycles(graph), cycles(graph).join('\n\n')).toEqual([]);
  });

  it('has none between the directories of main/ and shared/ (each service under main/services)', () => {
    const graph = directoryGraph(sourceFiles('main', 'shared'), directoryUnderMainOrShared);
    expect([...graph.keys()]).toEqual(
      expect.arrayContaining(['main/services/mail', 'main/services/crypto', 'main/services/send', 'main/services/policy/detectors']),
    );
    expect(cycles(graph), cycles(graph).join('\n\n')).toEqual([]);
  });
});

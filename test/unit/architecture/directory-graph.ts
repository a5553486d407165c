/**
 * The directory-level import graph and its cycles. A cycle between two directories means neither
 * can be understood, tested or moved without the other; the failure message names the cycle and,
 * for every edge in it, a file and the import that makes it, so the fix starts at once.
 */
import type { Import } from './source-imports.js';
import { importsOf } from './source-imports.js';

/** node → node it depends on → the imports that make the edge. */
export type DirectoryGraph = Map<string, Map<string, Import[]>>;

/**
 * Builds the graph over the given files. `nodeOf` maps a repository-relative path (an importing
 * file or an import's target) to its node, or undefined to leave it out; edges within one node
 * are not edges.
 */
export function directoryGraph(files: string[], nodeOf: (path: string) => string | undefined): DirectoryGraph {
  const graph: DirectoryGraph = new Map();
  for (const file of files) {
    const from = nodeOf(file);
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const imported of importsOf(file)) {
      if (imported.target === undefined) continue;
      const to = nodeOf(imported.target);
      if (to === undefined || to === from) continue;
      const edges = graph.get(from)!;
      edges.set(to, [...(edges.get(to) ?? []), imported]);
      if (!graph.has(to)) graph.set(to, new Map());
    }
  }
  return graph;
}

/** Every strongly connected component with more than one node (Tarjan), as node lists. */
export function cyclicComponents(graph: DirectoryGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/**
 * One shortest cycle through the component's first node, as `a → b → a` with an example import
 * per edge (and every directory of the component when it holds more than that one cycle).
 */
export function describeCycle(graph: DirectoryGraph, component: string[]): string {
  const inside = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  let closing: string | undefined;
  while (queue.length && closing === undefined) {
    const node = queue.shift()!;
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        closing = node;
        break;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const path = [start];
  for (let node = closing!; node !== start; node = previous.get(node)!) path.splice(1, 0, node);
  path.push(start);
  const edges = path.slice(1).map((to, i) => {
    const from = path[i]!;
    const [example] = graph.get(from)!.get(to)!;
    return `  ${from} → ${to}: ${example!.file} imports '${example!.specifier}'`;
  });
  const all = component.length > path.length - 1 ? [`  (directories in this tangle: ${component.join(', ')})`] : [];
  return [`cycle ${path.join(' → ')}`, ...edges, ...all].join('\n');
}

/** Every cycle of the graph, described; empty when it is acyclic. */
export function cycles(graph: DirectoryGraph): string[] {
  return cyclicComponents(graph).map((component) => describeCycle(graph, component));
}

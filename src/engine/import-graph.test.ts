// src/engine has no import circle (the pipeline once imported run-probes.ts, which imported it back): the
// relative imports of every engine module form a DAG. Type-only imports count too: a circle of types is
// still a circle a reader has to untangle.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = resolve(import.meta.dirname);
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Edges from each engine module to the engine modules it imports. */
function engineGraph(): Map<string, string[]> {
  const files = sources(ENGINE);
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)]
        .map((m) => resolve(dirname(file), m[1]))
        .filter((t) => known.has(t));
      return [file, targets];
    }),
  );
}

/** One cycle (as a path of files), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe('src/engine import graph', () => {
  it('finds the imports (the check is not vacuous)', () => {
    const graph = engineGraph();
    const pipeline = graph.get(join(ENGINE, 'pipeline.ts'))!.map((t) => relative(ENGINE, t));
    expect(pipeline).toContain('probes/runners/index.ts');
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'a']);
  });

  it('has no cycle', () => {
    const cycle = findCycle(engineGraph());
    expect(cycle?.map((f) => relative(ENGINE, f)) ?? null).toBeNull();
  });
});

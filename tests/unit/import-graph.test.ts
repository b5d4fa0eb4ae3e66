/**
 * No import circles in product code (the brief's rule; issue 11): the
 * extension (entrypoints/, pages/, components/, utils/), the shared
 * contract/, the portal (server/src/) and scripts/. Every relative import
 * counts, type-only ones too: a circle of types is still two modules that
 * cannot be read one without the other. Tests and their fixtures are left
 * out. The graph is read with TypeScript's own pre-processor (imports,
 * re-exports and `import()`), then its strongly connected components are
 * found (Tarjan); any with more than one file is a circle.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PRODUCT_DIRS, productFiles, ROOT } from './product-files.ts';

/** The file a relative specifier names, or null for a package or a non-source file. */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return (
    candidates.find((file) => /\.tsx?$/.test(file) && existsSync(file) && statSync(file).isFile()) ?? null
  );
}

/** Each file's relative imports, from the sources given as `file → text`. */
function importGraph(
  sources: ReadonlyMap<string, string>,
  resolve: (from: string, specifier: string) => string | null = resolveImport,
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const imported = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => resolve(file, ref.fileName))
      .filter((target): target is string => target !== null && sources.has(target));
    graph.set(file, [...new Set(imported)]);
  }
  return graph;
}

/** The circles of `graph`: its strongly connected components of two or more files (Tarjan). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('import graph', () => {
  it('the circle finder sees a circle through a type-only import, and a chain is no circle', () => {
    const dir = path.join(ROOT, 'utils');
    const file = (name: string) => path.join(dir, name);
    const sources = new Map([
      [file('a.ts'), "import { b } from './b.ts';\nexport const a = b;"],
      [file('b.ts'), "import type { C } from './c.ts';\nexport const b: C = 1;"],
      [file('c.ts'), "import type { A } from './a.ts';\nexport type C = number;\nexport type { A };"],
      [file('d.ts'), "export { a } from './a.ts';"],
    ]);
    // These files are not on disk: resolve against the map.
    const graph = importGraph(sources, (from, specifier) => path.resolve(path.dirname(from), specifier));
    expect(circles(graph).map((circle) => circle.map((f) => path.basename(f)))).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
    ]);
    graph.set(file('c.ts'), []);
    expect(circles(graph)).toEqual([]);
  });

  it('no product module imports itself back through others (no import circles)', () => {
    const files = PRODUCT_DIRS.flatMap((dir) => productFiles(path.join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    const graph = importGraph(new Map(files.map((file) => [file, readFileSync(file, 'utf8')])));
    // A sanity check that imports were read at all: the background imports several modules.
    expect(graph.get(path.join(ROOT, 'entrypoints/background.ts'))?.length).toBeGreaterThan(3);
    expect(circles(graph).map((circle) => circle.map((file) => path.relative(ROOT, file)))).toEqual([]);
  }, 30_000);
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The project's own import graph, as the source files write it: no circle,
 * and no import from a lower floor to a higher one (docs/TESTING.md, "The
 * layers"). `lib/` is the ground; `content/` (dashboards, rules, the metric
 * contract) stands on it; `modules/` (constructs) and `environments/` (config)
 * stand on both and know nothing of each other; `stacks/` wires them; the
 * tools that read stacks or environments, and `main.ts`, are on top.
 */
const ROOT = join(import.meta.dirname, '..');
const FLOORS: readonly (readonly [prefix: string, floor: number])[] = [
  ['lib/', 0],
  ['content/', 1],
  ['modules/', 2],
  ['environments/', 2],
  ['stacks/', 3],
  ['tools/', 4],
  ['main.ts', 4],
];

const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .trim()
  .split('\n')
  .filter((f) => /\.(ts|mts|cts|mjs|cjs)$/.test(f) && !f.startsWith('__tests__/') && existsSync(join(ROOT, f)));

/** The top-level folder (or root file) a file belongs to. */
const area = (file: string) => (file.includes('/') ? `${file.split('/')[0]}/` : file);
const floorOf = (file: string) => FLOORS.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[1];

/** Each file's imports of the project's own files: `from`, `import()` and `require()` of a relative path. */
const graph = new Map<string, string[]>(
  sources.map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => normalize(relative(ROOT, join(ROOT, dirname(file), m[1]!))));
    return [file, [...new Set(targets)].filter((t) => sources.includes(t))];
  }),
);

/** Strongly connected components with more than one file (Tarjan). */
function circles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe("the project's layers", () => {
  it('reads a graph of the whole project', () => {
    expect(sources.length).toBeGreaterThan(150);
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
  });

  it('puts every source file on a floor', () => {
    expect(sources.filter((f) => floorOf(f) === undefined && f !== 'vitest.config.mts')).toEqual([]);
  });

  it('has no circle', () => {
    expect(circles()).toEqual([]);
  });

  it('imports only downward, or within its own area; modules and environments know nothing of each other', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const floor = floorOf(file);
      if (floor === undefined) continue;
      for (const target of targets) {
        const targetFloor = floorOf(target)!;
        if (area(file) !== area(target) && targetFloor >= floor) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});

/**
 * Each environment's monthly change against an earlier `--format json`
 * output, such as the base branch's in CI: the totals, and the lines that moved.
 */
import type { CostReport } from './report.ts';

/** The `format` field of the JSON output; a base in another format is refused. */
export const JSON_FORMAT = 'hexabid-cost/1';

export interface LineDelta {
  readonly stack: string;
  readonly component: string;
  readonly baseUsd: number;
  readonly headUsd: number;
  readonly deltaUsd: number;
}

export interface EnvironmentDelta {
  readonly environment: string;
  /** Absent for an environment the base did not have. */
  readonly baseUsd?: number;
  /** Absent for an environment the base had and this estimate does not. */
  readonly headUsd?: number;
  readonly deltaUsd: number;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** The lines that moved, the largest change first. */
  readonly lines: readonly LineDelta[];
}

export interface Comparison {
  readonly base: string;
  readonly environments: readonly EnvironmentDelta[];
}

/** A base that is not an earlier JSON output of this tool. */
export class CompareInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareInputError';
  }
}

interface BaseEnvironment {
  readonly name: string;
  readonly monthlyUsd: number;
  readonly lines: readonly { readonly stack: string; readonly component: string; readonly monthlyUsd: number }[];
}

/** Reads the parts of an earlier JSON output that a comparison needs, naming what is wrong. */
export function parseBase(json: unknown, name: string): BaseEnvironment[] {
  const top = json as { format?: unknown; environments?: unknown } | null;
  if (typeof top !== 'object' || top === null) throw new CompareInputError(`${name}: expected the JSON output of \`npm run cost -- --format json\``);
  if (top.format !== JSON_FORMAT) throw new CompareInputError(`${name}: format is ${JSON.stringify(top.format)}, expected "${JSON_FORMAT}" (the output of \`npm run cost -- --format json\`)`);
  if (!Array.isArray(top.environments)) throw new CompareInputError(`${name}: environments must be a list`);
  return top.environments.map((raw: unknown, i: number) => {
    const env = raw as { name?: unknown; monthlyUsd?: unknown; lines?: unknown } | null;
    if (!env || typeof env.name !== 'string' || typeof env.monthlyUsd !== 'number') throw new CompareInputError(`${name}: environments[${i}] needs a name and a monthlyUsd`);
    const lines = Array.isArray(env.lines) ? env.lines : [];
    return {
      name: env.name,
      monthlyUsd: env.monthlyUsd,
      lines: lines.flatMap((l: unknown) => {
        const line = l as { stack?: unknown; component?: unknown; monthlyUsd?: unknown } | null;
        return line && typeof line.stack === 'string' && typeof line.component === 'string' && typeof line.monthlyUsd === 'number'
          ? [{ stack: line.stack, component: line.component, monthlyUsd: line.monthlyUsd }]
          : [];
      }),
    };
  });
}

function byLine(lines: readonly { readonly stack: string; readonly component: string; readonly monthlyUsd: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines) out.set(`${line.stack}\u0000${line.component}`, (out.get(`${line.stack}\u0000${line.component}`) ?? 0) + line.monthlyUsd);
  return out;
}

/** Differences under half a cent are rounding. */
const moved = (delta: number) => Math.abs(delta) >= 0.005;

export function compare(report: CostReport, base: readonly BaseEnvironment[], baseName: string): Comparison {
  const names = [...new Set([...report.environments.map((e) => e.estimate.environment), ...base.map((e) => e.name)])];
  return {
    base: baseName,
    environments: names.map((name): EnvironmentDelta => {
      const head = report.environments.find((e) => e.estimate.environment === name)?.estimate;
      const before = base.find((e) => e.name === name);
      const headLines = byLine(head?.lines ?? []);
      const baseLines = byLine(before?.lines ?? []);
      const lines = [...new Set([...headLines.keys(), ...baseLines.keys()])]
        .map((key) => {
          const [stack, component] = key.split('\u0000') as [string, string];
          const baseUsd = baseLines.get(key) ?? 0;
          const headUsd = headLines.get(key) ?? 0;
          return { stack, component, baseUsd, headUsd, deltaUsd: headUsd - baseUsd };
        })
        .filter((l) => moved(l.deltaUsd))
        .sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd));
      const deltaUsd = (head?.monthlyUsd ?? 0) - (before?.monthlyUsd ?? 0);
      const status = !before ? 'added' : !head ? 'removed' : moved(deltaUsd) || lines.length > 0 ? 'changed' : 'unchanged';
      return {
        environment: name,
        ...(before ? { baseUsd: before.monthlyUsd } : {}),
        ...(head ? { headUsd: head.monthlyUsd } : {}),
        deltaUsd,
        status,
        lines,
      };
    }),
  };
}

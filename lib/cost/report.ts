/**
 * The whole estimate: every environment in a synthesized output directory
 * (and the cost scenarios synthesized beside it), each with its usage file,
 * the design's figure and why it differs, and its budget when its config has one.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { budgetOf, budgetStatus, type BudgetStatus } from './budget.ts';
import { DESIGN_ESTIMATES } from './design.ts';
import { differences, type Difference } from './differences.ts';
import { estimateEnvironment, UnpricedResourceTypeError, unpricedTypes, type EnvironmentEstimate } from './estimate.ts';
import { HOURS_PER_MONTH, isUnverified, PriceBook, type PriceTable } from './price-table.ts';
import { resourcesOf } from './resources.ts';
import { configFor, SCENARIOS, scenarioOutdir } from './scenarios.ts';
import { groupByEnvironment, readStacks, type EnvironmentStacks } from './stacks.ts';
import { loadUsage, Usage, UsageFileError } from './usage.ts';

/** Costs the estimate leaves out on purpose, so nobody reads the total as everything. */
export const NOT_ESTIMATED: readonly string[] = [
  'data transfer between zones (cross-AZ traffic of the nodes, cache and search replicas)',
  'EBS and RDS snapshots beyond the usage file, ElastiCache and OpenSearch snapshot storage',
  'CloudWatch metrics and Logs Insights queries; RDS Enhanced Monitoring log ingestion',
  'KMS key rotations (each of the first two yearly rotations adds a key-month) and the free tiers of KMS, Lambda, SNS and SQS',
  'AWS Support, taxes (18% GST on an Indian account) and anything outside these stacks',
];

export interface UnverifiedPrice {
  readonly key: string;
  readonly region: string;
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly environments: readonly string[];
}

export interface EnvironmentReport {
  readonly estimate: EnvironmentEstimate;
  /** Set for a scenario: a deployed environment synthesized at another size. */
  readonly scenario?: { readonly basedOn: string; readonly description: string };
  /** The design's figure and why the estimate differs, for environments the design prices. */
  readonly design?: { readonly totalUsd: number; readonly deltaUsd: number; readonly differences: readonly Difference[] };
  /** Present when the environment's config has `budgetUsdPerMonth`. */
  readonly budget?: BudgetStatus;
}

export interface CostReport {
  readonly priceTable: { readonly asOf: string; readonly currency: string; readonly basis: string };
  readonly hoursPerMonth: number;
  readonly environments: readonly EnvironmentReport[];
  readonly unverifiedPrices: readonly UnverifiedPrice[];
  /** Environments the design or the scenarios name that the output directory does not hold. */
  readonly missing: readonly string[];
  readonly notEstimated: readonly string[];
}

export interface ReportOptions {
  /** A synthesized output directory (cdktf.out): `<outdir>/stacks` and `<outdir>/cost-scenarios/<name>/stacks`. */
  readonly outdir: string;
  /** Where the usage files are: `<usageDir>/<environment>.yaml`. */
  readonly usageDir: string;
  readonly prices: PriceTable;
  /** Only these environments; all when unset. */
  readonly only?: readonly string[];
}

const ROOT = resolve(__dirname, '..', '..');

/** A path inside the repository as the repository names it (`cost/usage/dev.yaml`); any other as given. */
function repositoryPath(path: string): string {
  const inside = relative(ROOT, resolve(path));
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

/** Deployed environments in deploy order, each scenario after the environment it resizes, the account's shared stack last. */
function rank(name: string): number {
  const scenario = SCENARIOS.find((s) => s.name === name);
  const base = ENVIRONMENTS.findIndex((e) => e.name === (scenario?.basedOn ?? name));
  if (name === 'shared') return 1e6;
  return base === -1 ? 1e5 : base * 10 + (scenario ? 1 : 0);
}

/** Every environment the output directory holds, scenarios included. */
export function environmentsIn(outdir: string): EnvironmentStacks[] {
  const scenarios = SCENARIOS.filter((s) => existsSync(join(scenarioOutdir(outdir, s.name), 'stacks')));
  // An output holding only scenarios (`--synth-to` with `--env <scenario>`) has no stacks of its own.
  const groups = scenarios.length > 0 && !existsSync(join(outdir, 'stacks')) ? [] : groupByEnvironment(readStacks(outdir));
  for (const scenario of scenarios) groups.push(...groupByEnvironment(readStacks(scenarioOutdir(outdir, scenario.name)), scenario.name));
  return groups.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** An `--env` that names nothing in the output directory. */
export class UnknownEnvironmentError extends Error {
  constructor(names: readonly string[], known: readonly string[]) {
    super(`no stacks for ${names.map((n) => `"${n}"`).join(', ')} in the synthesized output; it holds ${known.join(', ')}`);
    this.name = 'UnknownEnvironmentError';
  }
}

export function buildReport(options: ReportOptions): CostReport {
  const all = environmentsIn(options.outdir);
  const unknown = (options.only ?? []).filter((name) => !all.some((e) => e.name === name));
  if (unknown.length > 0) throw new UnknownEnvironmentError(unknown, all.map((e) => e.name));
  // Every type of every stack read must be priced or free, whichever environments are shown.
  const unpriced = unpricedTypes(all.flatMap((e) => e.stacks));
  if (unpriced.length > 0) throw new UnpricedResourceTypeError(unpriced);

  const prices = new PriceBook(options.prices);
  const everything = all.flatMap((e) => e.stacks.flatMap(resourcesOf));
  const selected = all.filter((e) => !options.only || options.only.includes(e.name));
  const environments = selected.map((environment): EnvironmentReport => {
    const file = loadUsage(options.usageDir, environment.name);
    if (!file) throw new UsageFileError(`no usage file for ${environment.name}: add ${join(options.usageDir, `${environment.name}.yaml`)} (see lib/cost/usage.ts)`);
    const estimated = estimateEnvironment(environment, { prices, usage: new Usage(file), everything });
    const estimate = { ...estimated, usageFile: repositoryPath(estimated.usageFile) };
    const scenario = SCENARIOS.find((s) => s.name === environment.name);
    // A scenario at production's capacity (cost-optimised) is held to production's estimate.
    const design = DESIGN_ESTIMATES[environment.name] ?? (environment.name === 'production-cost-optimised' ? DESIGN_ESTIMATES.production : undefined);
    const budget = budgetOf(configFor(environment.name));
    return {
      estimate,
      ...(scenario ? { scenario: { basedOn: scenario.basedOn, description: scenario.description } } : {}),
      ...(design ? { design: { totalUsd: design.totalUsd, deltaUsd: estimate.monthlyUsd - design.totalUsd, differences: differences(estimate, design) } } : {}),
      ...(budget !== undefined ? { budget: budgetStatus(budget, estimate.monthlyUsd) } : {}),
    };
  });

  const unverified = new Map<string, UnverifiedPrice>();
  for (const { estimate } of environments) {
    for (const line of [...estimate.lines, ...estimate.failoverLines]) {
      const row = prices.row(line.priceKey, line.region, line.component);
      if (!isUnverified(row)) continue;
      const id = `${row.key}@${row.region}`;
      const seen = unverified.get(id);
      const names = [...new Set([...(seen?.environments ?? []), estimate.environment])];
      unverified.set(id, { key: row.key, region: row.region, usd: row.usd, unit: row.unit, source: row.source, environments: names });
    }
  }
  const expected = [...Object.keys(DESIGN_ESTIMATES), ...SCENARIOS.map((s) => s.name)];
  return {
    priceTable: { asOf: options.prices.asOf, currency: options.prices.currency, basis: options.prices.basis },
    hoursPerMonth: HOURS_PER_MONTH,
    environments,
    unverifiedPrices: [...unverified.values()].sort((a, b) => a.key.localeCompare(b.key) || a.region.localeCompare(b.region)),
    missing: options.only ? [] : [...new Set(expected)].filter((name) => !all.some((e) => e.name === name)),
    notEstimated: NOT_ESTIMATED,
  };
}

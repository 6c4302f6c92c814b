/**
 * The whole estimate: the account's total first, then every environment in a
 * synthesized output directory and the cost scenarios synthesized beside it,
 * each with its usage file, its committed figure beside the list one, the
 * design's figure and why it differs, and its budget when its config has one.
 * A primary's total holds its standby's standing cost; the account counts it once.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ACCOUNTS, accountOf, type AccountConfig } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { budgetOf, budgetStatus, type BudgetStatus } from './budget.ts';
import { DESIGN_ESTIMATES } from './design.ts';
import { differences, type Difference } from './differences.ts';
import { estimateEnvironment, UnpricedResourceTypeError, unpricedTypes, type EnvironmentEstimate } from './estimate.ts';
import type { LineItem } from './line-items.ts';
import { HOURS_PER_MONTH, isUnverified, PriceBook, UNVERIFIED_PREFIX, type PriceTable } from './price-table.ts';
import { resourcesOf } from './resources.ts';
import { configFor, SCENARIOS, scenarioOutdir } from './scenarios.ts';
import { groupByEnvironment, readStacks, type EnvironmentStacks } from './stacks.ts';
import { loadUsage, Usage, UsageFileError } from './usage.ts';

/** Costs the estimate leaves out on purpose, so nobody reads the total as everything. */
export const NOT_ESTIMATED: readonly string[] = [
  'EBS and RDS snapshots beyond the usage file, ElastiCache and OpenSearch snapshot storage',
  'CloudWatch metrics and Logs Insights queries; RDS Enhanced Monitoring log ingestion',
  'KMS key rotations (each of the first two yearly rotations adds a key-month) and the free tiers of KMS, Lambda, SNS, SQS and data transfer out',
  'Spot discounts: Spot nodes are priced at the on-demand rate, an upper bound',
  'AWS Support and anything outside these stacks',
];

/** GST on AWS's invoices to a company billed in India. */
export const INDIA_GST_RATE = 0.18;

export interface UnverifiedPrice {
  readonly key: string;
  readonly region: string;
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly environments: readonly string[];
}

/** What the report is about: a deployed environment, the account's shared stack, or a scenario (not deployed). */
export type ReportKind = 'environment' | 'shared' | 'scenario';

export interface EnvironmentReport {
  readonly kind: ReportKind;
  readonly estimate: EnvironmentEstimate;
  /** Set for a scenario: a deployed environment synthesized at another size. */
  readonly scenario?: { readonly basedOn: string; readonly description: string };
  /** A primary's standby, whose standing cost is a line of the primary's total. */
  readonly standby?: { readonly environment: string; readonly monthlyUsd: number; readonly committedMonthlyUsd: number };
  /** A standby counted inside this primary's total, so the account total does not count it twice. */
  readonly includedIn?: string;
  /** The design's figure and why the estimate differs, for environments the design prices. */
  readonly design?: { readonly totalUsd: number; readonly deltaUsd: number; readonly differences: readonly Difference[] };
  /** Present when the environment's config has `budgetUsdPerMonth`. */
  readonly budget?: BudgetStatus;
}

export interface AccountTotal {
  /** Every deployed environment and each account's shared stack, a standby once (inside its primary). */
  readonly environments: readonly string[];
  readonly monthlyUsd: number;
  readonly committedMonthlyUsd: number;
  /** With every node group at its maximum. */
  readonly atMaxUsd: number;
  /** The same, account by account (environments/account.ts), in the order the accounts bootstrap. */
  readonly accounts: readonly (Omit<AccountTotal, 'accounts'> & { readonly name: string })[];
}

/** The shared stack of an account (its bootstrap) goes by `shared-<account>`. */
export function sharedEstimateName(account: AccountConfig): string {
  return `shared-${account.name}`;
}

/** The account a deployed environment or a shared stack bills to; undefined for a scenario. */
function billedAccount(name: string): AccountConfig | undefined {
  const shared = ACCOUNTS.find((a) => sharedEstimateName(a) === name);
  if (shared) return shared;
  const config = ENVIRONMENTS.find((e) => e.name === name);
  return config ? accountOf(config) : undefined;
}

export interface CostReport {
  readonly priceTable: { readonly asOf: string; readonly currency: string; readonly basis: string; readonly committedBasis: string };
  readonly hoursPerMonth: number;
  /** GST as a separate line; undefined when switched off. */
  readonly gst?: { readonly rate: number };
  readonly account: AccountTotal;
  /** Deployed environments and the shared stack first, then the scenarios; only those asked for. */
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
  /**
   * GST rate shown as a separate line beside each total.
   * @default INDIA_GST_RATE (0.18); 0 switches the line off
   */
  readonly gstRate?: number;
}

const ROOT = resolve(__dirname, '..', '..');

/** A path inside the repository as the repository names it (`tools/cost/usage/dev.yaml`); any other as given. */
function repositoryPath(path: string): string {
  const inside = relative(ROOT, resolve(path));
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function kindOf(name: string): ReportKind {
  if (SCENARIOS.some((s) => s.name === name)) return 'scenario';
  return ACCOUNTS.some((a) => sharedEstimateName(a) === name) ? 'shared' : 'environment';
}

/** Deployed environments in deploy order, then the account's shared stack, then the scenarios. */
function rank(name: string): number {
  const scenario = SCENARIOS.findIndex((s) => s.name === name);
  if (scenario !== -1) return 2e6 + scenario;
  const shared = ACCOUNTS.findIndex((a) => sharedEstimateName(a) === name);
  if (shared !== -1) return 1e6 + shared;
  const deployed = ENVIRONMENTS.findIndex((e) => e.name === name);
  return deployed === -1 ? 1e5 : deployed;
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
export class UnknownEstimateError extends Error {
  constructor(names: readonly string[], known: readonly string[]) {
    super(`no stacks for ${names.map((n) => `"${n}"`).join(', ')} in the synthesized output; it holds ${known.join(', ')}`);
    this.name = 'UnknownEstimateError';
  }
}

/**
 * A primary's total with its standby's standing cost as one line: what
 * running production really costs is production plus what waits for it.
 */
function withStandby(estimate: EnvironmentEstimate, standby: EnvironmentEstimate): EnvironmentEstimate {
  const stack = standby.stacks.find((s) => !standby.failoverOnlyStacks.includes(s)) ?? standby.stacks[0] ?? standby.environment;
  const line: LineItem = {
    component: `Standby ${standby.environment}, standing by`,
    detail: `${standby.regions.join(', ')}: ${stack} runs; its failover stacks are priced under ${standby.environment}, not here`,
    category: 'standby',
    resourceType: 'standby',
    stack,
    addresses: [],
    region: standby.regions[0] ?? '?',
    quantity: 1,
    unit: 'month',
    unitPriceUsd: standby.monthlyUsd,
    monthlyUsd: standby.monthlyUsd,
    committedMonthlyUsd: standby.committedMonthlyUsd,
    usageBased: false,
    priceKey: '',
    priceSource: `the estimate of ${standby.environment} (its lines are listed under it)`,
    unverifiedPrice: standby.lines.some((l) => l.unverifiedPrice),
    facts: { standby: standby.environment },
  };
  return {
    ...estimate,
    lines: [...estimate.lines, line],
    monthlyUsd: estimate.monthlyUsd + standby.monthlyUsd,
    committedMonthlyUsd: estimate.committedMonthlyUsd + standby.committedMonthlyUsd,
    atMinUsd: estimate.atMinUsd + standby.monthlyUsd,
    atMaxUsd: estimate.atMaxUsd + standby.monthlyUsd,
  };
}

export function buildReport(options: ReportOptions): CostReport {
  const all = environmentsIn(options.outdir);
  const unknown = (options.only ?? []).filter((name) => !all.some((e) => e.name === name));
  if (unknown.length > 0) throw new UnknownEstimateError(unknown, all.map((e) => e.name));
  // Every type of every stack read must be priced or free, whichever environments are shown.
  const unpriced = unpricedTypes(all.flatMap((e) => e.stacks));
  if (unpriced.length > 0) throw new UnpricedResourceTypeError(unpriced);

  const prices = new PriceBook(options.prices);
  const everything = all.flatMap((e) => e.stacks.flatMap(resourcesOf));
  // Every environment is estimated, whichever are shown: a primary's total needs its standby's, the account's needs all.
  const estimates = new Map(
    all.map((environment) => {
      const file = loadUsage(options.usageDir, environment.name);
      if (!file) throw new UsageFileError(`no usage file for ${environment.name}: add ${join(options.usageDir, `${environment.name}.yaml`)} (see tools/cost/usage.ts)`);
      const estimated = estimateEnvironment(environment, { prices, usage: new Usage(file), everything });
      return [environment.name, { ...estimated, usageFile: repositoryPath(estimated.usageFile) }] as const;
    }),
  );
  const standbyOf = (name: string) => configFor(name)?.disasterRecovery?.standbyEnvironment;
  const primaryOf = (name: string) => ENVIRONMENTS.find((e) => e.disasterRecovery?.standbyEnvironment === name)?.name;

  const reports = all.map((environment): EnvironmentReport => {
    const standbyName = standbyOf(environment.name);
    const standby = standbyName ? estimates.get(standbyName) : undefined;
    const own = estimates.get(environment.name)!;
    const estimate = standby ? withStandby(own, standby) : own;
    const scenario = SCENARIOS.find((s) => s.name === environment.name);
    // A scenario at production's capacity (cost-optimised) is held to production's estimate.
    const design = DESIGN_ESTIMATES[environment.name] ?? (environment.name === 'production-cost-optimised' ? DESIGN_ESTIMATES.production : undefined);
    const budget = budgetOf(configFor(environment.name));
    const primary = primaryOf(environment.name);
    return {
      kind: kindOf(environment.name),
      estimate,
      ...(scenario ? { scenario: { basedOn: scenario.basedOn, description: scenario.description } } : {}),
      ...(standby ? { standby: { environment: standby.environment, monthlyUsd: standby.monthlyUsd, committedMonthlyUsd: standby.committedMonthlyUsd } } : {}),
      ...(primary && estimates.has(primary) ? { includedIn: primary } : {}),
      ...(design ? { design: { totalUsd: design.totalUsd, deltaUsd: estimate.monthlyUsd - design.totalUsd, differences: differences(estimate, design) } } : {}),
      // A budget covers the environment's own stacks, as AWS Budgets sees them by tag; its standby has its own.
      ...(budget !== undefined ? { budget: budgetStatus(budget, own.monthlyUsd, own.atMaxUsd) } : {}),
    };
  });

  const counted = reports.filter((r) => r.kind !== 'scenario' && r.includedIn === undefined);
  const total = (list: readonly EnvironmentReport[]) => ({
    environments: list.map((r) => r.estimate.environment),
    monthlyUsd: list.reduce((s, r) => s + r.estimate.monthlyUsd, 0),
    committedMonthlyUsd: list.reduce((s, r) => s + r.estimate.committedMonthlyUsd, 0),
    atMaxUsd: list.reduce((s, r) => s + r.estimate.atMaxUsd, 0),
  });
  const account: AccountTotal = {
    ...total(counted),
    accounts: ACCOUNTS.map((a) => ({ name: a.name, ...total(counted.filter((r) => billedAccount(r.estimate.environment) === a)) })).filter((a) => a.environments.length > 0),
  };
  const environments = reports.filter((r) => !options.only || options.only.includes(r.estimate.environment));

  const unverified = new Map<string, UnverifiedPrice>();
  for (const { estimate, standby } of environments) {
    const standbyLines = standby ? [...(estimates.get(standby.environment)?.lines ?? [])] : [];
    for (const line of [...estimate.lines, ...estimate.failoverLines, ...standbyLines]) {
      if (!line.priceKey) continue;
      const row = prices.row(line.priceKey, line.region, line.component);
      const committedUnverified = row.committed?.source.startsWith(UNVERIFIED_PREFIX) ?? false;
      if (!isUnverified(row) && !committedUnverified) continue;
      const id = `${row.key}@${row.region}`;
      const seen = unverified.get(id);
      const names = [...new Set([...(seen?.environments ?? []), estimate.environment])];
      const source = isUnverified(row) ? row.source : `committed rate ${row.committed!.source}`;
      unverified.set(id, { key: row.key, region: row.region, usd: row.usd, unit: row.unit, source, environments: names });
    }
  }
  const expected = [...Object.keys(DESIGN_ESTIMATES), ...SCENARIOS.map((s) => s.name)];
  const gstRate = options.gstRate ?? INDIA_GST_RATE;
  return {
    priceTable: { asOf: options.prices.asOf, currency: options.prices.currency, basis: options.prices.basis, committedBasis: options.prices.committedBasis },
    hoursPerMonth: HOURS_PER_MONTH,
    ...(gstRate > 0 ? { gst: { rate: gstRate } } : {}),
    account,
    environments,
    unverifiedPrices: [...unverified.values()].sort((a, b) => a.key.localeCompare(b.key) || a.region.localeCompare(b.region)),
    missing: options.only ? [] : [...new Set(expected)].filter((name) => !all.some((e) => e.name === name)),
    notEstimated: NOT_ESTIMATED,
  };
}

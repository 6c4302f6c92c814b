/**
 * Estimates one environment's monthly cost from its synthesized stacks: every
 * resource type is priced (pricers/) or known to be free; what controllers
 * make from Helm releases is inferred (inferred.ts); usage comes from the
 * environment's usage file. Pure: the caller reads the files.
 */
import { inferCrossZoneTransfer, inferInternetTransfer, inferLoadBalancers, inferMonitoringVolumes } from './inferred.ts';
import { CATEGORIES, type LineItem, type PricingContext } from './line-items.ts';
import type { PriceBook } from './price-table.ts';
import { FREE_TYPES, PRICED_TYPES } from './pricers/index.ts';
import { resourcesOf, type TfResource } from './resources.ts';
import type { EnvironmentStacks, SynthesizedStack } from './stacks.ts';
import { Usage, UsageFileError, type UsageSubject } from './usage.ts';

/** Resource types a stack holds that are neither priced nor known to be free. */
export class UnpricedResourceTypeError extends Error {
  constructor(readonly unpriced: readonly { readonly type: string; readonly example: string }[]) {
    super(
      `no price and no free-list entry for ${unpriced.map((u) => `${u.type} (e.g. ${u.example})`).join(', ')}: ` +
        'price it in tools/cost/pricers/ (with rows in tools/cost/prices/prices.ts) or, if it costs nothing, add it to FREE_TYPES in tools/cost/pricers/index.ts',
    );
    this.name = 'UnpricedResourceTypeError';
  }
}

/** The types of these stacks that are neither priced nor free, each with one resource that has it. */
export function unpricedTypes(stacks: readonly SynthesizedStack[]): { type: string; example: string }[] {
  const found = new Map<string, string>();
  for (const stack of stacks) {
    for (const type of Object.keys(stack.json.resource ?? {})) {
      if (!(type in PRICED_TYPES) && !(type in FREE_TYPES) && !found.has(type)) {
        found.set(type, `${stack.name}/${type}.${Object.keys(stack.json.resource?.[type] ?? {})[0] ?? '?'}`);
      }
    }
  }
  return [...found].map(([type, example]) => ({ type, example })).sort((a, b) => a.type.localeCompare(b.type));
}

export interface EnvironmentEstimate {
  readonly environment: string;
  readonly stacks: readonly string[];
  /** A standby's stacks that run only after a failover: their lines are in failoverLines, not in the monthly total. */
  readonly failoverOnlyStacks: readonly string[];
  readonly regions: readonly string[];
  readonly usageFile: string;
  /** What runs every month, by category. */
  readonly lines: readonly LineItem[];
  readonly failoverLines: readonly LineItem[];
  readonly monthlyUsd: number;
  /** The monthly total under 1-year no-upfront commitments (Savings Plans for EC2, reserved RDS, ElastiCache, OpenSearch). */
  readonly committedMonthlyUsd: number;
  /** The monthly total with every node group at its minimum, and at its maximum. */
  readonly atMinUsd: number;
  readonly atMaxUsd: number;
  /** The monthly total once failed over (standing lines plus the failover stacks), for a standby. */
  readonly failoverMonthlyUsd?: number;
  readonly warnings: readonly string[];
}

export interface EstimateOptions {
  readonly prices: PriceBook;
  readonly usage: Usage;
  /** Every resource of every environment read, to find a cross-Region replica's source. */
  readonly everything?: readonly TfResource[];
}

const CATEGORY_ORDER = Object.keys(CATEGORIES);

function sum(lines: readonly LineItem[], pick: (l: LineItem) => number): number {
  return lines.reduce((total, line) => total + pick(line), 0);
}

export function estimateEnvironment(environment: EnvironmentStacks, options: EstimateOptions): EnvironmentEstimate {
  const unpriced = unpricedTypes(environment.stacks);
  if (unpriced.length > 0) throw new UnpricedResourceTypeError(unpriced);
  const resources = environment.stacks.flatMap(resourcesOf);
  const warnings: string[] = [];
  const ctx: PricingContext = {
    prices: options.prices,
    usage: options.usage,
    resources,
    everything: options.everything ?? resources,
    warn: (message) => warnings.push(message),
  };

  const lines: LineItem[] = [];
  for (const [type, pricer] of Object.entries(PRICED_TYPES)) {
    const ofType = resources.filter((r) => r.type === type);
    if (ofType.length > 0) lines.push(...pricer(ofType, ctx));
  }
  const loadBalancers = inferLoadBalancers(ctx);
  lines.push(...loadBalancers, ...inferMonitoringVolumes(ctx), ...inferInternetTransfer(ctx, loadBalancers), ...inferCrossZoneTransfer(ctx));
  lines.sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));

  // The controller's load balancers take usage under aws_lb.<helm release resource name>.
  const subjects: UsageSubject[] = [...resources, ...loadBalancers.filter((l) => l.priceKey === 'elb.alb-hour').map((l) => ({ type: 'aws_lb', name: String(l.facts?.release) }))];
  const stale = options.usage.unmatched(subjects);
  if (stale.length > 0) throw new UsageFileError(`${options.usage.file.path}: resource_usage ${stale.join(', ')} match${stale.length === 1 ? 'es' : ''} no resource of ${environment.name} (${environment.stacks.map((s) => s.name).join(', ')})`);

  const failover = new Set(environment.failoverOnlyStacks);
  const running = lines.filter((l) => !failover.has(l.stack));
  const failoverLines = lines.filter((l) => failover.has(l.stack));
  const monthlyUsd = sum(running, (l) => l.monthlyUsd);
  return {
    environment: environment.name,
    stacks: environment.stacks.map((s) => s.name),
    failoverOnlyStacks: environment.failoverOnlyStacks,
    regions: [...new Set(resources.map((r) => r.region))].sort(),
    usageFile: options.usage.file.path,
    lines: running,
    failoverLines,
    monthlyUsd,
    committedMonthlyUsd: sum(running, (l) => l.committedMonthlyUsd),
    atMinUsd: sum(running, (l) => l.atMinUsd ?? l.monthlyUsd),
    atMaxUsd: sum(running, (l) => l.atMaxUsd ?? l.monthlyUsd),
    ...(failover.size > 0 ? { failoverMonthlyUsd: monthlyUsd + sum(failoverLines, (l) => l.monthlyUsd) } : {}),
    warnings,
  };
}

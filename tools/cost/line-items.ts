/**
 * A priced line of an estimate, and the context every pricer gets: the
 * environment's resources, the price book and the usage file.
 */
import { charge, committedCharge, isUnverified, type PriceBook, type PriceRow } from './price-table.ts';
import { where, type TfResource } from './resources.ts';
import type { Usage, UsageSubject } from './usage.ts';

/** What a line is spent on; the design's estimate uses the same groups. */
export const CATEGORIES = {
  controlPlane: 'EKS control plane',
  nodes: 'EC2 nodes',
  database: 'RDS PostgreSQL',
  cache: 'ElastiCache',
  search: 'OpenSearch',
  objectStorage: 'S3 and ECR storage',
  dataTransfer: 'Data transfer',
  network: 'NAT, public IPv4 and endpoints',
  loadBalancer: 'Load balancer',
  edge: 'WAF, DNS and CDN',
  security: 'KMS and Secrets Manager',
  observability: 'CloudWatch',
  backups: 'Backups',
  messaging: 'Lambda, SNS and SQS',
  standby: 'Standby in the DR Region',
} as const;
export type CostCategory = keyof typeof CATEGORIES;

/** Facts a line carries for the "why it differs" notes and for machines. */
export type LineFacts = Readonly<Record<string, string | number | boolean>>;

export interface LineItem {
  /** What is charged, e.g. "EKS node group app". */
  readonly component: string;
  /** How the quantity was found, e.g. "3 × t3.medium (desired; min 3, max 4)". */
  readonly detail: string;
  readonly category: CostCategory;
  /** The resource type priced, or `aws_lb` (inferred) for the controller's load balancer. */
  readonly resourceType: string;
  /** The stack of the resources priced. */
  readonly stack: string;
  /** `<stack>/<address>` of each resource the line covers. */
  readonly addresses: readonly string[];
  readonly region: string;
  /** Units a month: quantity × unit price = monthly. */
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  /** Monthly under 1-year no-upfront commitments (Savings Plans, reserved instances); the same as monthly where none applies. */
  readonly committedMonthlyUsd: number;
  /** True when the quantity comes from the usage file, not from the stacks. */
  readonly usageBased: boolean;
  readonly priceKey: string;
  readonly priceSource: string;
  readonly unverifiedPrice: boolean;
  /** Monthly at the node groups' minimum and maximum sizes, for lines that scale. */
  readonly atMinUsd?: number;
  readonly atMaxUsd?: number;
  readonly facts?: LineFacts;
}

export interface PricingContext {
  readonly prices: PriceBook;
  readonly usage: Usage;
  /** Every managed resource of the environment, all stacks. */
  readonly resources: readonly TfResource[];
  /** Every managed resource of every environment read: the source of a cross-region replica is in another one. */
  readonly everything: readonly TfResource[];
  warn(message: string): void;
}

export interface LineSpec {
  readonly component: string;
  readonly detail: string;
  readonly category: CostCategory;
  readonly resources: readonly TfResource[];
  readonly resourceType?: string;
  readonly stack?: string;
  readonly region: string;
  readonly priceKey: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usageBased: boolean;
  /** Spot capacity: no commitment covers it, so its committed figure is its (upper-bound) list figure. */
  readonly noCommitment?: boolean;
  /**
   * What a commitment would bill, when more than `quantity`: a reserved
   * instance bills every hour of a resource that runs only some of them. The
   * committed figure is then the lesser of that and on-demand.
   */
  readonly committedQuantity?: number;
  /** Quantities at the scaling minimum and maximum, when they differ from `quantity`. */
  readonly quantityAtMin?: number;
  readonly quantityAtMax?: number;
  readonly facts?: LineFacts;
}

/** Prices a line: looks its row up (a missing row throws, naming it) and multiplies. */
export function priceLine(ctx: PricingContext, spec: LineSpec): LineItem {
  const first = spec.resources[0];
  const neededBy = first ? where(first) : `${spec.stack ?? '?'}/${spec.component}`;
  const row: PriceRow = ctx.prices.row(spec.priceKey, spec.region, neededBy);
  const { monthlyUsd, unitPriceUsd } = charge(row, spec.quantity);
  return {
    component: spec.component,
    detail: spec.detail,
    category: spec.category,
    resourceType: spec.resourceType ?? first?.type ?? 'unknown',
    stack: spec.stack ?? first?.stack ?? 'unknown',
    addresses: spec.resources.map(where),
    region: spec.region,
    quantity: spec.quantity,
    unit: spec.unit,
    unitPriceUsd,
    monthlyUsd,
    committedMonthlyUsd: spec.noCommitment
      ? monthlyUsd
      : spec.committedQuantity !== undefined
        ? Math.min(monthlyUsd, committedCharge(row, spec.committedQuantity))
        : committedCharge(row, spec.quantity),
    usageBased: spec.usageBased,
    priceKey: spec.priceKey,
    priceSource: row.source,
    unverifiedPrice: isUnverified(row),
    ...(spec.quantityAtMin !== undefined ? { atMinUsd: charge(row, spec.quantityAtMin).monthlyUsd } : {}),
    ...(spec.quantityAtMax !== undefined ? { atMaxUsd: charge(row, spec.quantityAtMax).monthlyUsd } : {}),
    ...(spec.facts ? { facts: spec.facts } : {}),
  };
}

/** A usage value, or 0; usage-based lines are priced even at 0, so the table shows they exist. */
export function usageOf(ctx: PricingContext, subject: UsageSubject, key: string): number {
  return ctx.usage.value(subject, key) ?? 0;
}

/** Groups resources by Region, keeping their order. */
export function byRegion(resources: readonly TfResource[]): Map<string, TfResource[]> {
  const groups = new Map<string, TfResource[]>();
  for (const r of resources) groups.set(r.region, [...(groups.get(r.region) ?? []), r]);
  return groups;
}

/** Groups resources by stack and Region: one line per group, so a failover-only stack's share stays apart. */
export function byStackAndRegion(resources: readonly TfResource[]): TfResource[][] {
  const groups = new Map<string, TfResource[]>();
  for (const r of resources) groups.set(`${r.stack}@${r.region}`, [...(groups.get(`${r.stack}@${r.region}`) ?? []), r]);
  return [...groups.values()];
}

/** `in <stack>`, and the Region when the stack also has resources elsewhere (a DR provider alias). */
export function located(ctx: PricingContext, group: readonly TfResource[]): string {
  const { stack, region } = group[0]!;
  return ctx.resources.some((r) => r.stack === stack && r.region !== region) ? `in ${stack}, ${region}` : `in ${stack}`;
}

/** "3 keys" / "1 key". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * The shape of the dated price table (tools/cost/prices/prices.json) and its lookups. A
 * price is found by key and region, falling back to a row for `global` (a
 * rate AWS charges the same in every commercial Region); a missing row is an
 * error that names the key and the region, never a guess.
 */

/** Hours in a month, as AWS's pricing calculator and Infracost count them. */
export const HOURS_PER_MONTH = 730;

/** A Region code, or `global` for a rate that does not depend on the Region. */
export type PriceRegion = string;

/** One band of a tiered price: `usd` per unit for the units up to `upTo` (cumulative), the last band open-ended. */
export interface PriceTier {
  /** Upper bound of the band in units, cumulative from zero; omitted on the last band. */
  readonly upTo?: number;
  readonly usd: number;
}

/** Where the price refresh read a figure in AWS's Price List Query API (GetProducts). */
export interface PriceListReference {
  readonly serviceCode: string;
  readonly sku: string;
  /** The term's offer code: JRTCKXETXF for on-demand, a reserved term's own code otherwise. */
  readonly offerTermCode: string;
  /** The price dimension's rate code (`<sku>.<offerTermCode>.<dimension>`); the first band's for a tiered price. */
  readonly rateCode: string;
  /** The offer's publication date, as the product carries it. */
  readonly publicationDate: string;
}

/** Where the price refresh read a Savings Plans rate (DescribeSavingsPlansOfferingRates). */
export interface SavingsPlanRateReference {
  readonly savingsPlanOfferingId: string;
  readonly usageType: string;
  readonly operation: string;
}

/**
 * The rate of a unit under a 1-year, no-upfront commitment: a Compute
 * Savings Plan for EC2, a reserved instance (node) for RDS, ElastiCache and
 * OpenSearch. A row without one has no such commitment (a NAT gateway hour).
 */
export interface CommittedRate {
  readonly usd: number;
  readonly kind: 'compute-savings-plan' | 'reserved';
  /** Like `PriceRow.source`: starts `unverified:` unless read from AWS. */
  readonly source: string;
  readonly priceList?: PriceListReference | SavingsPlanRateReference;
}

export interface PriceRow {
  /** What is priced, e.g. `ec2.instance-hour.t3.medium`. */
  readonly key: string;
  readonly region: PriceRegion;
  /** Price of one unit; for a tiered row, the first band's. */
  readonly usd: number;
  /** Bands for a price that falls with volume (S3 storage, data transfer out). */
  readonly tiers?: readonly PriceTier[];
  /** The unit `usd` is per, e.g. `instance-hour`, `GB-month`, `1M requests`. */
  readonly unit: string;
  /**
   * Where the figure comes from. A row nobody could check against a published
   * source starts with `unverified:` and says why; those rows are listed under
   * every estimate that uses them.
   */
  readonly source: string;
  /** Set by the price refresh: the product and term the figure was read from. */
  readonly priceList?: PriceListReference;
  /** The 1-year no-upfront rate, where AWS offers a commitment for the unit. */
  readonly committed?: CommittedRate;
}

export interface PriceTable {
  /** The day the table was put together (ISO date). */
  readonly asOf: string;
  readonly currency: 'USD';
  /** On-demand list prices, no Savings Plans, Reserved Instances, credits or free tier. */
  readonly basis: string;
  /** What the committed rates are: 1-year, no upfront. */
  readonly committedBasis: string;
  readonly rows: readonly PriceRow[];
}

export const UNVERIFIED_PREFIX = 'unverified:';

export function isUnverified(row: PriceRow): boolean {
  return row.source.startsWith(UNVERIFIED_PREFIX);
}

/** A price the table does not have: the estimate stops and names it. */
export class MissingPriceError extends Error {
  constructor(
    readonly key: string,
    readonly region: string,
    readonly needed: string,
  ) {
    super(`no price for ${key} in ${region} (needed by ${needed}); add a row to tools/cost/prices/prices.json, with its source and its Price List query in tools/cost/prices/price-queries.ts`);
    this.name = 'MissingPriceError';
  }
}

/** The rows of a table, indexed for lookup; checks that no key is given twice for one Region. */
export class PriceBook {
  private readonly index = new Map<string, PriceRow>();

  constructor(readonly table: PriceTable) {
    for (const row of table.rows) {
      const id = `${row.key}@${row.region}`;
      if (this.index.has(id)) throw new Error(`tools/cost/prices/prices.json lists ${row.key} for ${row.region} twice`);
      if (!(row.usd >= 0) || !row.source.trim()) throw new Error(`tools/cost/prices/prices.json: ${id} needs a non-negative price and a source`);
      if (row.committed && (!(row.committed.usd >= 0) || row.committed.usd > row.usd || !row.committed.source.trim())) {
        throw new Error(`tools/cost/prices/prices.json: ${id} has a committed rate that is negative, above the on-demand rate, or without a source`);
      }
      this.index.set(id, row);
    }
  }

  /** The row for a key in a Region (or the global row); throws {@link MissingPriceError}. */
  row(key: string, region: string, neededBy: string): PriceRow {
    const row = this.index.get(`${key}@${region}`) ?? this.index.get(`${key}@global`);
    if (!row) throw new MissingPriceError(key, region, neededBy);
    return row;
  }

  has(key: string, region: string): boolean {
    return this.index.has(`${key}@${region}`) || this.index.has(`${key}@global`);
  }
}

/** The monthly charge of `quantity` units at the row's committed rate, or at its on-demand price when it has none. */
export function committedCharge(row: PriceRow, quantity: number): number {
  return row.committed ? quantity * row.committed.usd : charge(row, quantity).monthlyUsd;
}

/** The monthly charge for `quantity` units of a row, walking its tiers; the unit price returned is the average. */
export function charge(row: PriceRow, quantity: number): { readonly monthlyUsd: number; readonly unitPriceUsd: number } {
  if (!row.tiers || quantity <= 0) return { monthlyUsd: quantity * row.usd, unitPriceUsd: row.usd };
  let remaining = quantity;
  let floor = 0;
  let total = 0;
  for (const tier of row.tiers) {
    const width = tier.upTo === undefined ? remaining : Math.min(remaining, tier.upTo - floor);
    total += width * tier.usd;
    remaining -= width;
    if (tier.upTo !== undefined) floor = tier.upTo;
    if (remaining <= 0) break;
  }
  return { monthlyUsd: total, unitPriceUsd: total / quantity };
}

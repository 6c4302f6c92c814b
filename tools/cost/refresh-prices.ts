/**
 * Refreshes the dated price table from AWS: every row is read again from the
 * Price List Query API (GetProducts), and its 1-year no-upfront rate from
 * the product's Reserved term or, for EC2, from a Compute Savings Plan rate.
 * Each refreshed row names the SKU, the term's offer code, the rate code and
 * the offer's publication date.
 *
 * A row whose query matches no product, or several, or whose price is not in
 * the unit expected, is a problem; every problem is collected and the
 * refresh fails with all of them, writing nothing. Pure: the caller gives
 * the client (the AWS SDK in use, a recorded response in tests).
 */
import type { CommittedRate, PriceListReference, PriceRow, PriceTable, PriceTier } from './price-table.ts';

/** What the refresh needs to know about a row's query (tools/cost/prices/price-queries.ts gives them). */
export interface RowQuery {
  readonly serviceCode: string;
  readonly filters: Readonly<Record<string, string>>;
  readonly unit: string;
  readonly unitsPerRowUnit?: number;
  readonly tiered?: boolean;
  readonly committed?:
    | { readonly kind: 'reserved'; readonly termAttributes: Readonly<Record<string, string>> }
    | { readonly kind: 'compute-savings-plan'; readonly usageType: string; readonly operation: string; readonly region: string };
}

/** A Savings Plans rate as DescribeSavingsPlansOfferingRates gives it (the fields the refresh reads). */
export interface SavingsPlanRate {
  readonly rate: string;
  readonly unit: string;
  readonly usageType: string;
  readonly operation: string;
  readonly savingsPlanOffering: {
    readonly offeringId: string;
    readonly paymentOption: string;
    readonly planType: string;
    readonly durationSeconds: number;
    readonly currency: string;
  };
}

/** The AWS calls the refresh makes. */
export interface PriceListClient {
  /** GetProducts with TERM_MATCH filters, every page: the PriceList, JSON documents as strings. */
  getProducts(serviceCode: string, filters: Readonly<Record<string, string>>): Promise<readonly string[]>;
  /** DescribeSavingsPlansOfferingRates for one EC2 usage type and operation in a Region, Compute plans, No Upfront. */
  savingsPlanRates(query: { readonly usageType: string; readonly operation: string; readonly region: string }): Promise<readonly SavingsPlanRate[]>;
}

/** A refresh that could not read every row; nothing was written. */
export class PriceRefreshError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the price refresh could not read ${problems.length} row${problems.length === 1 ? '' : 's'} from AWS; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PriceRefreshError';
  }
}

export interface PriceChange {
  readonly key: string;
  readonly region: string;
  readonly fromUsd: number;
  readonly toUsd: number;
  readonly committedFromUsd?: number;
  readonly committedToUsd?: number;
}

interface Dimension {
  readonly unit: string;
  readonly beginRange?: string;
  readonly endRange?: string;
  readonly rateCode: string;
  readonly pricePerUnit: Readonly<Record<string, string>>;
}

interface Term {
  readonly offerTermCode: string;
  readonly priceDimensions: Readonly<Record<string, Dimension>>;
  readonly termAttributes?: Readonly<Record<string, string>>;
}

interface Product {
  readonly product: { readonly sku: string; readonly attributes?: Readonly<Record<string, string>> };
  readonly serviceCode: string;
  readonly publicationDate: string;
  readonly terms: { readonly OnDemand?: Readonly<Record<string, Term>>; readonly Reserved?: Readonly<Record<string, Term>> };
}

const ONE_YEAR_SECONDS = 31_536_000;

const describe = (query: RowQuery) => `${query.serviceCode} ${Object.entries(query.filters).map(([k, v]) => `${k}=${v}`).join(', ')}`;

const usd = (dimension: Dimension) => Number(dimension.pricePerUnit.USD);

function parseProduct(text: string, where: string): Product {
  const product = JSON.parse(text) as Product;
  if (!product?.product?.sku || !product.terms) throw new Error(`${where}: a PriceList entry without product.sku or terms`);
  return product;
}

/** The single on-demand price, or the bands of a tiered one, in the row's unit. */
function onDemand(product: Product, query: RowQuery, where: string): { usd: number; tiers?: PriceTier[]; reference: PriceListReference } {
  const terms = Object.values(product.terms.OnDemand ?? {});
  if (terms.length !== 1) throw new Error(`${where}: ${terms.length} on-demand terms on SKU ${product.product.sku}, expected 1`);
  const term = terms[0]!;
  const per = query.unitsPerRowUnit ?? 1;
  const dimensions = Object.values(term.priceDimensions).filter((d) => d.unit === query.unit);
  if (dimensions.length === 0) {
    const units = [...new Set(Object.values(term.priceDimensions).map((d) => d.unit))].join(', ');
    throw new Error(`${where}: SKU ${product.product.sku} has no price in ${query.unit} (it has ${units || 'none'})`);
  }
  const bands = [...dimensions].sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0));
  if (!query.tiered && bands.length !== 1) throw new Error(`${where}: SKU ${product.product.sku} has ${bands.length} prices in ${query.unit}, expected 1 (mark the row tiered if it is)`);
  const first = bands[0]!;
  const reference = { serviceCode: product.serviceCode, sku: product.product.sku, offerTermCode: term.offerTermCode, rateCode: first.rateCode, publicationDate: product.publicationDate };
  if (!query.tiered || bands.length === 1) return { usd: usd(first) * per, reference };
  const tiers = bands.map((band): PriceTier => {
    const end = band.endRange === undefined || band.endRange === 'Inf' ? undefined : Number(band.endRange) / per;
    return end === undefined ? { usd: usd(band) * per } : { upTo: end, usd: usd(band) * per };
  });
  return { usd: tiers[0]!.usd, tiers, reference };
}

/** The reserved term whose attributes match, its hourly rate. */
function reserved(product: Product, attributes: Readonly<Record<string, string>>, query: RowQuery, where: string): CommittedRate & { reference: PriceListReference } {
  const matching = Object.values(product.terms.Reserved ?? {}).filter((t) => Object.entries(attributes).every(([k, v]) => t.termAttributes?.[k] === v));
  if (matching.length !== 1) {
    throw new Error(`${where}: ${matching.length} reserved terms on SKU ${product.product.sku} match ${Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(', ')}, expected 1`);
  }
  const term = matching[0]!;
  const hourly = Object.values(term.priceDimensions).filter((d) => d.unit === query.unit);
  if (hourly.length !== 1) throw new Error(`${where}: reserved term ${term.offerTermCode} of SKU ${product.product.sku} has ${hourly.length} prices in ${query.unit}, expected 1`);
  const reference = { serviceCode: product.serviceCode, sku: product.product.sku, offerTermCode: term.offerTermCode, rateCode: hourly[0]!.rateCode, publicationDate: product.publicationDate };
  return { usd: usd(hourly[0]!) * (query.unitsPerRowUnit ?? 1), kind: 'reserved', source: '', reference };
}

async function savingsPlan(client: PriceListClient, query: Extract<NonNullable<RowQuery['committed']>, { kind: 'compute-savings-plan' }>, where: string, today: string): Promise<CommittedRate> {
  const rates = (await client.savingsPlanRates(query)).filter(
    (r) =>
      r.savingsPlanOffering.planType === 'Compute' &&
      r.savingsPlanOffering.paymentOption === 'No Upfront' &&
      r.savingsPlanOffering.durationSeconds === ONE_YEAR_SECONDS &&
      r.savingsPlanOffering.currency === 'USD' &&
      r.usageType === query.usageType &&
      r.operation === query.operation &&
      r.unit === 'Hrs',
  );
  if (rates.length !== 1) throw new Error(`${where}: ${rates.length} 1-year No Upfront Compute Savings Plans rates for ${query.usageType} (${query.operation}), expected 1`);
  const rate = rates[0]!;
  return {
    usd: Number(rate.rate),
    kind: 'compute-savings-plan',
    source: `AWS Savings Plans API (DescribeSavingsPlansOfferingRates): Compute Savings Plan offering ${rate.savingsPlanOffering.offeringId}, 1 year, No Upfront, ${query.usageType} ${query.operation}; read ${today}`,
    priceList: { savingsPlanOfferingId: rate.savingsPlanOffering.offeringId, usageType: rate.usageType, operation: rate.operation },
  };
}

async function refreshRow(row: PriceRow, query: RowQuery, client: PriceListClient, today: string): Promise<PriceRow> {
  const where = `${row.key} (${row.region}; ${describe(query)})`;
  const texts = await client.getProducts(query.serviceCode, query.filters);
  if (texts.length !== 1) {
    const skus = texts.map((t) => {
      try {
        return parseProduct(t, where).product.sku;
      } catch {
        return '?';
      }
    });
    throw new Error(`${where}: matches ${texts.length} products${skus.length ? ` (SKUs ${skus.join(', ')})` : ''}, expected exactly 1`);
  }
  const product = parseProduct(texts[0]!, where);
  const price = onDemand(product, query, where);
  const source =
    `AWS Price List Query API (GetProducts): ${product.serviceCode} ${describe(query).slice(query.serviceCode.length + 1)}; ` +
    `SKU ${product.product.sku}, on-demand term ${price.reference.offerTermCode}, published ${product.publicationDate}; read ${today}`;
  let committed: CommittedRate | undefined;
  if (query.committed?.kind === 'reserved') {
    const { reference, ...rate } = reserved(product, query.committed.termAttributes, query, where);
    committed = {
      ...rate,
      source: `AWS Price List Query API (GetProducts): SKU ${reference.sku}, reserved term ${reference.offerTermCode} (${Object.values(query.committed.termAttributes).join(', ')}), published ${reference.publicationDate}; read ${today}`,
      priceList: reference,
    };
  } else if (query.committed?.kind === 'compute-savings-plan') {
    committed = await savingsPlan(client, query.committed, where, today);
  }
  const { tiers: _oldTiers, committed: _oldCommitted, priceList: _oldReference, ...rest } = row;
  return { ...rest, usd: price.usd, ...(price.tiers ? { tiers: price.tiers } : {}), source, priceList: price.reference, ...(committed ? { committed } : {}) };
}

/** Runs `work` over `items` with at most `limit` at once, keeping order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Reads every row of `table` again from AWS. `queryOf` gives each row's
 * query; `today` (YYYY-MM-DD) becomes the table's date. Throws
 * {@link PriceRefreshError} naming every row it could not read.
 */
export async function refreshPrices(
  table: PriceTable,
  queryOf: (key: string, region: string) => RowQuery | undefined,
  client: PriceListClient,
  today: string,
): Promise<{ readonly table: PriceTable; readonly changes: readonly PriceChange[] }> {
  const problems: string[] = [];
  const rows = await inBatches(table.rows, 5, async (row) => {
    const query = queryOf(row.key, row.region);
    if (!query) {
      problems.push(`${row.key} (${row.region}): no Price List query for this key; add one to tools/cost/prices/price-queries.ts`);
      return row;
    }
    try {
      return await refreshRow(row, query, client, today);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return row;
    }
  });
  if (problems.length > 0) throw new PriceRefreshError(problems);
  const changes = rows.flatMap((row, i): PriceChange[] => {
    const before = table.rows[i]!;
    const moved = before.usd !== row.usd || before.committed?.usd !== row.committed?.usd;
    return moved
      ? [{ key: row.key, region: row.region, fromUsd: before.usd, toUsd: row.usd, ...(before.committed ? { committedFromUsd: before.committed.usd } : {}), ...(row.committed ? { committedToUsd: row.committed.usd } : {}) }]
      : [];
  });
  return { table: { ...table, asOf: today, rows }, changes };
}

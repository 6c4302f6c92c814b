/**
 * `npm run cost -- --refresh-prices` on responses shaped like AWS's
 * (__tests__/fixtures/pricing): the rows' real queries (tools/cost/prices/price-queries.ts)
 * are answered as GetProducts answers TERM_MATCH filters, and the refreshed
 * rows carry the SKU, terms, rate codes and publication date. A row that
 * matches no product, or several, stops the refresh, naming it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { priceQuery } from '../../../tools/cost/prices/price-queries.ts';
import { PRICES } from '../../../tools/cost/prices/prices.ts';
import { charge, isUnverified, PriceBook, type PriceRow, type PriceTable } from '../../../tools/cost/price-table.ts';
import { PriceRefreshError, refreshPrices, type PriceListClient, type SavingsPlanRate } from '../../../tools/cost/refresh-prices.ts';

const root = resolve(__dirname, '..', '..', '..');
const fixtures = join(root, '__tests__', 'fixtures', 'pricing');
const read = (file: string) => JSON.parse(readFileSync(join(fixtures, file), 'utf8'));

/** Every product of every recorded GetProducts response, as the strings the API returns. */
const products: string[] = readdirSync(fixtures)
  .filter((f) => f.startsWith('get-products.'))
  .flatMap((f) => read(f).PriceList as string[]);

/** GetProducts as AWS answers it: the service's products whose attributes equal every TERM_MATCH filter. */
function fakeClient(extra: readonly string[] = []): PriceListClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getProducts(serviceCode, filters) {
      calls.push(serviceCode);
      return [...products, ...extra].filter((text) => {
        const p = JSON.parse(text);
        const attributes = { ...p.product.attributes, productFamily: p.product.productFamily };
        return p.serviceCode === serviceCode && Object.entries(filters).every(([k, v]) => attributes[k] === v);
      });
    },
    async savingsPlanRates({ usageType }) {
      const rates = read('describe-savings-plans-offering-rates.t3.medium.json').searchResults as SavingsPlanRate[];
      return rates.filter((r) => r.usageType === usageType);
    },
  };
}

const row = (key: string): PriceRow => PRICES.rows.find((r) => r.key === key && r.region === 'ap-south-1')!;
const table = (rows: PriceRow[]): PriceTable => ({ ...PRICES, rows });

describe('the price refresh', () => {
  it('reads each row from the one product its query matches, with the SKU, terms and publication date', async () => {
    const before = table([row('ec2.instance-hour.t3.medium'), row('rds.postgres.instance-hour.db.r6g.xlarge'), row('s3.standard.gb-month')]);
    expect(before.rows.every(isUnverified)).toBe(true);
    const { table: after, changes } = await refreshPrices(before, priceQuery, fakeClient(), '2026-12-01');
    expect(after.asOf).toBe('2026-12-01');
    const [ec2, rds, s3] = after.rows as [PriceRow, PriceRow, PriceRow];

    expect(ec2).toMatchObject({
      key: 'ec2.instance-hour.t3.medium',
      usd: 0.0448,
      priceList: { serviceCode: 'AmazonEC2', sku: 'AB12CD34EF56GH78', offerTermCode: 'JRTCKXETXF', rateCode: 'AB12CD34EF56GH78.JRTCKXETXF.6YS6EN2CT7', publicationDate: '2026-11-20T18:30:00Z' },
    });
    expect(ec2.source).toMatch(/^AWS Price List Query API \(GetProducts\): AmazonEC2 regionCode=ap-south-1, instanceType=t3\.medium, .*SKU AB12CD34EF56GH78, on-demand term JRTCKXETXF, published 2026-11-20T18:30:00Z; read 2026-12-01$/);
    // The 1-year No Upfront Compute Savings Plan rate; the 3-year one is left aside.
    expect(ec2.committed).toMatchObject({ usd: 0.0327, kind: 'compute-savings-plan', priceList: { savingsPlanOfferingId: '3a1b2c3d-0000-4000-8000-00000000aaaa' } });
    expect(ec2.committed!.source).toMatch(/^AWS Savings Plans API \(DescribeSavingsPlansOfferingRates\): Compute Savings Plan offering 3a1b2c3d-0000-4000-8000-00000000aaaa, 1 year, No Upfront, APS3-BoxUsage:t3\.medium RunInstances/);

    // The No Upfront reserved term, not the Partial Upfront one beside it.
    expect(rds).toMatchObject({ usd: 0.54, priceList: { sku: 'JK90LM12NP34QR56', offerTermCode: 'JRTCKXETXF' } });
    expect(rds.committed).toMatchObject({ usd: 0.378, kind: 'reserved', priceList: { offerTermCode: '4NA7Y494T4', rateCode: 'JK90LM12NP34QR56.4NA7Y494T4.6YS6EN2CT7' } });

    // A tiered price keeps every band, in the row's unit.
    expect(s3.tiers).toEqual([{ upTo: 51_200, usd: 0.025 }, { upTo: 512_000, usd: 0.024 }, { usd: 0.023 }]);
    expect(charge(s3, 60_000).monthlyUsd).toBeCloseTo(51_200 * 0.025 + 8_800 * 0.024, 9);

    expect(after.rows.some(isUnverified)).toBe(false);
    expect(() => new PriceBook(after)).not.toThrow();
    // Only the Savings Plans rate moved (the table's estimate was $0.032704); the others read as they were.
    expect(changes).toEqual([{ key: 'ec2.instance-hour.t3.medium', region: 'ap-south-1', fromUsd: 0.0448, toUsd: 0.0448, committedFromUsd: 0.032704, committedToUsd: 0.0327 }]);
  });

  it('stops, naming the row and its filters, when a query matches no product, and writes nothing', async () => {
    const before = table([row('ec2.instance-hour.t3.medium'), row('ec2.instance-hour.t3.large')]);
    const refresh = refreshPrices(before, priceQuery, fakeClient(), '2026-12-01');
    await expect(refresh).rejects.toThrow(PriceRefreshError);
    await expect(refresh).rejects.toThrow(/ec2\.instance-hour\.t3\.large \(ap-south-1; AmazonEC2 regionCode=ap-south-1, instanceType=t3\.large, .*\): matches 0 products, expected exactly 1/);
    await expect(refresh).rejects.toThrow(/could not read 1 row from AWS; nothing was written/);
  });

  it('stops when a query matches several products, naming their SKUs', async () => {
    const twin = products.find((p) => p.includes('"instanceType":"t3.medium"'))!.replaceAll('AB12CD34EF56GH78', 'ZZ99ZZ99ZZ99ZZ99');
    const refresh = refreshPrices(table([row('ec2.instance-hour.t3.medium')]), priceQuery, fakeClient([twin]), '2026-12-01');
    await expect(refresh).rejects.toThrow(/matches 2 products \(SKUs AB12CD34EF56GH78, ZZ99ZZ99ZZ99ZZ99\), expected exactly 1/);
  });

  it('stops on a row no query covers, and on a price in another unit than the row expects', async () => {
    const unknown = { ...row('ec2.instance-hour.t3.medium'), key: 'ec2.instance-hour.t3.medium.typo' };
    await expect(refreshPrices(table([unknown]), () => undefined, fakeClient(), '2026-12-01')).rejects.toThrow(/ec2\.instance-hour\.t3\.medium\.typo \(ap-south-1\): no Price List query for this key; add one to tools\/cost\/prices\/price-queries\.ts/);
    const inGb = (key: string, region: string) => ({ ...priceQuery(key, region)!, unit: 'GB' });
    await expect(refreshPrices(table([row('ec2.instance-hour.t3.medium')]), inGb, fakeClient(), '2026-12-01')).rejects.toThrow(/SKU AB12CD34EF56GH78 has no price in GB \(it has Hrs\)/);
  });
});

describe('npm run cost -- --refresh-prices', () => {
  it('refuses the estimate options beside it, before calling AWS', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/cost/cli.ts', '--refresh-prices', '--env', 'dev'], { cwd: root }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--refresh-prices takes only --prices, not --env[\s\S]*npm run cost -- --refresh-prices \[--prices <file>\]/);
  });
});

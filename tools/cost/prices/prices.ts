/**
 * The dated price table: on-demand list prices for what the stacks build in
 * ap-south-1 (Mumbai), ap-south-2 (Hyderabad, the DR Region), us-east-1 (the
 * health check's alarm) and, for rates AWS charges the same everywhere,
 * `global`, each with its 1-year no-upfront committed rate where AWS offers
 * one. The rows live in tools/cost/prices/prices.json, which `npm run cost --
 * --refresh-prices` rewrites from AWS's Price List (tools/cost/prices/price-queries.ts
 * says what it asks for each row; docs/COST.md says how to run it).
 *
 * Every row names its source. A row read from the Price List names the
 * product (SKU), the term and the offer's publication date. A row that was
 * not, because no AWS source could be reached where the table was put
 * together, starts `unverified:` and says where its figure comes from:
 * `npm run cost` lists every unverified row an estimate uses, and CI's
 * scheduled refresh (.github/workflows/refresh-prices.yml) replaces them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PriceTable } from '../price-table.ts';

/** Where the table is, for the refresh to rewrite. */
export const PRICE_TABLE_FILE = join(__dirname, 'prices.json');

/** Reads a price table file, checking the fields every row needs; the message names the file and the row. */
export function readPriceTable(file: string = PRICE_TABLE_FILE): PriceTable {
  const table = JSON.parse(readFileSync(file, 'utf8')) as PriceTable;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(table.asOf)) || table.currency !== 'USD' || !Array.isArray(table.rows)) {
    throw new Error(`${file}: needs asOf (YYYY-MM-DD), currency USD and rows`);
  }
  table.rows.forEach((row, i) => {
    if (typeof row.key !== 'string' || typeof row.region !== 'string' || typeof row.usd !== 'number' || typeof row.unit !== 'string' || typeof row.source !== 'string') {
      throw new Error(`${file}: rows[${i}] needs key, region, usd, unit and source`);
    }
  });
  return table;
}

export const PRICES: PriceTable = readPriceTable();

/**
 * What the account and each environment cost a month at on-demand list
 * prices and under 1-year no-upfront commitments, from the synthesized
 * stacks, the dated price table (tools/cost/prices/prices.json) and each environment's
 * usage file (tools/cost/usage/<env>.yaml), beside the design's estimate with why
 * they differ, and GST as a line of its own (docs/COST.md).
 *
 *   npm run cost                                # synthesize everything into a temporary directory, then estimate
 *   npm run cost -- --from cdktf.out            # estimate an existing synthesized output (fast)
 *   npm run cost -- --synth-to cost.out         # synthesize into cost.out and keep it, for later --from
 *   npm run cost -- --env dev,production [--format table|markdown|json] [--output <file>] [--details] [--gst off]
 *   npm run cost -- --from cdktf.out --format markdown --compare base-cost.json
 *   npm run cost -- --from cdktf.out --check-budgets
 *   npm run cost -- --refresh-prices            # read every row of tools/cost/prices/prices.json again from AWS (credentials needed)
 *
 * Without --from, main.ts and every cost scenario (production at 1000
 * tenants) are synthesized first. --from reads `<dir>/stacks` and, where they
 * were synthesized with --synth-to, `<dir>/cost-scenarios/<name>/stacks`.
 * --compare prints each environment's monthly change against an earlier
 * `--format json` output. --usage-dir replaces tools/cost/usage.
 *
 * Exit codes:
 *   0  the estimate is written (over a budget too, unless --check-budgets)
 *   1  synthesis failed (its output is printed)
 *   2  bad arguments or input: an unreadable output directory, usage file or base
 *   3  a resource type is neither priced nor free, or a price is missing: the message names it
 *   4  with --check-budgets, an environment's estimate is over its budget
 *      (an estimate over it only with every node group at its maximum is
 *      reported on stderr and in the output, and does not fail)
 *   5  --refresh-prices could not read every row: each is named; nothing was written
 *   6  --refresh-prices could not call AWS (credentials, network)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { priceQuery } from './prices/price-queries.ts';
import { PRICE_TABLE_FILE, PRICES, readPriceTable } from './prices/prices.ts';
import { awsPriceListClient } from './aws-price-list.ts';
import { compare, CompareInputError, parseBase, type Comparison } from './compare.ts';
import { UnpricedResourceTypeError } from './estimate.ts';
import { formatJson, formatMarkdown, formatTable } from './format.ts';
import { MissingPriceError } from './price-table.ts';
import { PriceRefreshError, refreshPrices } from './refresh-prices.ts';
import { buildReport, INDIA_GST_RATE, UnknownEstimateError } from './report.ts';
import { StackInputError } from './stacks.ts';
import { usd } from './money.ts';
import { synthesize } from './synth.ts';
import { UsageFileError } from './usage.ts';
import { EXIT_USAGE, readOptions, startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';

const USAGE =
  'usage: npm run cost -- [--from <cdktf.out> | --synth-to <dir>] [--env <name>[,<name>...]] [--format table|markdown|json]\n' +
  '         [--compare <base.json>] [--usage-dir <dir>] [--output <file>] [--check-budgets] [--details] [--gst on|off]\n' +
  '       npm run cost -- --refresh-prices [--prices <file>]';

const EXIT_UNPRICED = 3;
const EXIT_OVER_BUDGET = 4;
const EXIT_REFRESH_UNMATCHED = 5;
const EXIT_REFRESH_AWS = 6;
const FORMATS = ['table', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface Request {
  readonly from: string | undefined;
  readonly synthTo: string | undefined;
  readonly only: readonly string[] | undefined;
  readonly format: Format;
  readonly compare: string | undefined;
  readonly usageDir: string;
  readonly output: string | undefined;
  readonly checkBudgets: boolean;
  readonly details: boolean;
  readonly gst: boolean;
  /** Set with --refresh-prices: the table to read and rewrite. */
  readonly refreshPrices: string | undefined;
}

const VALUE_OPTIONS = ['--from', '--synth-to', '--env', '--format', '--compare', '--usage-dir', '--output', '--gst', '--prices'] as const;
const FLAGS = ['--check-budgets', '--details', '--refresh-prices'] as const;

function parse(args: readonly string[]): Request {
  const { values, flags } = readOptions(args, { flags: FLAGS, values: VALUE_OPTIONS });
  if (values.has('--from') && values.has('--synth-to')) throw new UsageError('--from reads an existing output and --synth-to makes one: give one of them');
  const format = values.get('--format') ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${format}`);
  const gst = values.get('--gst') ?? 'on';
  if (gst !== 'on' && gst !== 'off') throw new UsageError(`--gst must be on or off, not ${gst}`);
  if (flags.has('--refresh-prices')) {
    const others = [...values.keys(), ...flags].filter((a) => a !== '--refresh-prices' && a !== '--prices');
    if (others.length > 0) throw new UsageError(`--refresh-prices takes only --prices, not ${others.join(', ')}`);
  } else if (values.has('--prices')) throw new UsageError('--prices goes with --refresh-prices');
  const only = values.get('--env')?.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  return {
    from: values.get('--from'),
    synthTo: values.get('--synth-to'),
    only: only && only.length > 0 ? only : undefined,
    format: format as Format,
    compare: values.get('--compare'),
    usageDir: values.get('--usage-dir') ?? resolve(__dirname, 'usage'),
    output: values.get('--output'),
    checkBudgets: flags.has('--check-budgets'),
    details: flags.has('--details'),
    gst: gst === 'on',
    refreshPrices: flags.has('--refresh-prices') ? (values.get('--prices') ?? PRICE_TABLE_FILE) : undefined,
  };
}

/** AWS could not be called: no credentials, no network, a denied action. The message says what the refresh needs. */
class AwsCallError extends Error {
  constructor(message: string) {
    super(`${message}\nThe refresh needs AWS credentials with pricing:GetProducts and savingsplans:DescribeSavingsPlansOfferingRates (docs/COST.md).`);
    this.name = 'AwsCallError';
  }
}

/** Reads every row of the table again from AWS and writes it back, dated today. */
async function refresh(file: string): Promise<number> {
  const table = readPriceTable(file);
  let client;
  try {
    client = await awsPriceListClient();
  } catch (error) {
    throw new AwsCallError(`cannot load the AWS SDK: ${error instanceof Error ? error.message : String(error)}`);
  }
  const today = new Date().toISOString().slice(0, 10);
  console.error(`Reading ${table.rows.length} rows of ${file} from the AWS Price List...`);
  let result;
  try {
    result = await refreshPrices(table, priceQuery, client, today);
  } catch (error) {
    if (error instanceof PriceRefreshError) {
      // Every row failing the same way is AWS refusing the calls, not the queries.
      const auth = error.problems.filter((p) => /credential|security token|not authorized|AccessDenied|ENOTFOUND|getaddrinfo|timed? ?out/i.test(p));
      if (auth.length === error.problems.length) throw new AwsCallError(`AWS refused or could not be reached: ${auth[0]}`);
    }
    throw error;
  }
  writeFileSync(file, `${JSON.stringify(result.table, null, 2)}\n`);
  console.log(`Wrote ${file}, dated ${today}: ${result.changes.length} of ${table.rows.length} rows changed.`);
  for (const c of result.changes) {
    console.log(`  ${c.key} ${c.region}: $${c.fromUsd} → $${c.toUsd}${c.committedToUsd !== undefined ? ` (committed $${c.committedFromUsd ?? '—'} → $${c.committedToUsd})` : ''}`);
  }
  return 0;
}

function readBase(path: string): ReturnType<typeof parseBase> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CompareInputError(`cannot read the base ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseBase(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof CompareInputError) throw error;
    throw new CompareInputError(`the base ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function run(request: Request): Promise<number> {
  if (request.refreshPrices !== undefined) return refresh(request.refreshPrices);
  const base = request.compare === undefined ? undefined : readBase(request.compare);
  let outdir = request.from ?? request.synthTo;
  let temporary: string | undefined;
  if (outdir === undefined) outdir = temporary = mkdtempSync(join(tmpdir(), 'hexabid-cost-'));
  try {
    if (request.from === undefined) {
      console.error(`Synthesizing ${request.only?.join(', ') ?? 'every environment and cost scenario'} into ${outdir}...`);
      await synthesize(outdir, request.only);
    }
    const report = buildReport({ outdir, usageDir: request.usageDir, prices: PRICES, gstRate: request.gst ? INDIA_GST_RATE : 0, ...(request.only ? { only: request.only } : {}) });
    const comparison: Comparison | undefined = base && request.compare ? compare(report, base, request.compare) : undefined;
    const text =
      request.format === 'json' ? formatJson(report, comparison) : request.format === 'markdown' ? formatMarkdown(report, comparison) : formatTable(report, comparison, { details: request.details });
    if (request.output !== undefined) writeFileSync(request.output, text);
    // startCli exits only once stdout is flushed (lib/cli.ts).
    else process.stdout.write(text);
    const over = report.environments.filter((e) => e.budget?.status === 'over');
    for (const e of over) console.error(`${e.estimate.environment}: estimated ${usd(e.estimate.monthlyUsd)} a month, over its budget of ${usd(e.budget!.budgetUsd)}`);
    // The maximum is said out loud: a budget that only the desired sizes pass is one an autoscaler can break.
    for (const e of report.environments.filter((x) => x.budget?.status === 'under' && x.budget.atMaxStatus === 'over')) {
      console.error(`${e.estimate.environment}: at its node groups' maximum ${usd(e.budget!.atMaxUsd)} a month, over its budget of ${usd(e.budget!.budgetUsd)} (scaling out that far would break it)`);
    }
    return request.checkBudgets && over.length > 0 ? EXIT_OVER_BUDGET : 0;
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

export const cli: CliDefinition<Request> = {
  usage: USAGE,
  parse,
  run,
  exitCodeOf: (error) => {
    if (error instanceof UnpricedResourceTypeError || error instanceof MissingPriceError) return EXIT_UNPRICED;
    if (error instanceof StackInputError || error instanceof UsageFileError || error instanceof CompareInputError || error instanceof UnknownEstimateError) return EXIT_USAGE;
    if (error instanceof PriceRefreshError) return EXIT_REFRESH_UNMATCHED;
    if (error instanceof AwsCallError) return EXIT_REFRESH_AWS;
    return undefined;
  },
};
if (require.main === module) startCli(cli);

/**
 * What each environment costs a month at on-demand list prices, from the
 * synthesized stacks, the dated price table (cost/prices.ts) and each
 * environment's usage file (cost/usage/<env>.yaml), beside the design's
 * estimate with why they differ (issue 13).
 *
 *   npm run cost                                # synthesize everything into a temporary directory, then estimate
 *   npm run cost -- --from cdktf.out            # estimate an existing synthesized output (fast)
 *   npm run cost -- --synth-to cost.out         # synthesize into cost.out and keep it, for later --from
 *   npm run cost -- --env dev,production [--format table|markdown|json] [--output <file>]
 *   npm run cost -- --from cdktf.out --format markdown --compare base-cost.json
 *   npm run cost -- --from cdktf.out --check-budgets
 *
 * Without --from, main.ts and every cost scenario (production at 1000
 * tenants) are synthesized first. --from reads `<dir>/stacks` and, where they
 * were synthesized with --synth-to, `<dir>/cost-scenarios/<name>/stacks`.
 * --compare prints each environment's monthly change against an earlier
 * `--format json` output. --usage-dir replaces cost/usage.
 *
 * Exit codes:
 *   0  the estimate is written (over a budget too, unless --check-budgets)
 *   1  synthesis failed (its output is printed)
 *   2  bad arguments or input: an unreadable output directory, usage file or base
 *   3  a resource type is neither priced nor free, or a price is missing: the message names it
 *   4  with --check-budgets, an environment's estimate is over its budget
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PRICES } from '../cost/prices.ts';
import { compare, CompareInputError, parseBase, type Comparison } from '../lib/cost/compare.ts';
import { UnpricedResourceTypeError } from '../lib/cost/estimate.ts';
import { formatJson, formatMarkdown, formatTable } from '../lib/cost/format.ts';
import { MissingPriceError } from '../lib/cost/price-table.ts';
import { buildReport, UnknownEnvironmentError } from '../lib/cost/report.ts';
import { StackInputError } from '../lib/cost/stacks.ts';
import { synthesize } from '../lib/cost/synth.ts';
import { UsageFileError } from '../lib/cost/usage.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../lib/cli.ts';

const USAGE =
  'usage: npm run cost -- [--from <cdktf.out> | --synth-to <dir>] [--env <name>[,<name>...]] [--format table|markdown|json]\n' +
  '         [--compare <base.json>] [--usage-dir <dir>] [--output <file>] [--check-budgets]';

const EXIT_UNPRICED = 3;
const EXIT_OVER_BUDGET = 4;
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
}

const VALUE_OPTIONS = ['--from', '--synth-to', '--env', '--format', '--compare', '--usage-dir', '--output'] as const;
const FLAGS = ['--check-budgets'] as const;

function parse(args: readonly string[]): Request {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((FLAGS as readonly string[]).includes(arg)) flags.add(arg);
    else if ((VALUE_OPTIONS as readonly string[]).includes(arg)) {
      const value = args[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a value`);
      if (values.has(arg)) throw new UsageError(`${arg} given twice`);
      values.set(arg, value);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  if (values.has('--from') && values.has('--synth-to')) throw new UsageError('--from reads an existing output and --synth-to makes one: give one of them');
  const format = values.get('--format') ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${format}`);
  const only = values.get('--env')?.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  return {
    from: values.get('--from'),
    synthTo: values.get('--synth-to'),
    only: only && only.length > 0 ? only : undefined,
    format: format as Format,
    compare: values.get('--compare'),
    usageDir: values.get('--usage-dir') ?? resolve(__dirname, '..', 'cost', 'usage'),
    output: values.get('--output'),
    checkBudgets: flags.has('--check-budgets'),
  };
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
  const base = request.compare === undefined ? undefined : readBase(request.compare);
  let outdir = request.from ?? request.synthTo;
  let temporary: string | undefined;
  if (outdir === undefined) outdir = temporary = mkdtempSync(join(tmpdir(), 'hexabid-cost-'));
  try {
    if (request.from === undefined) {
      console.error(`Synthesizing ${request.only?.join(', ') ?? 'every environment and cost scenario'} into ${outdir}...`);
      await synthesize(outdir, request.only);
    }
    const report = buildReport({ outdir, usageDir: request.usageDir, prices: PRICES, ...(request.only ? { only: request.only } : {}) });
    const comparison: Comparison | undefined = base && request.compare ? compare(report, base, request.compare) : undefined;
    const text = request.format === 'json' ? formatJson(report, comparison) : request.format === 'markdown' ? formatMarkdown(report, comparison) : formatTable(report, comparison);
    if (request.output !== undefined) writeFileSync(request.output, text);
    else process.stdout.write(text);
    const over = report.environments.filter((e) => e.budget?.status === 'over');
    for (const e of over) console.error(`${e.estimate.environment}: estimated $${e.estimate.monthlyUsd.toFixed(2)} a month, over its budget of $${e.budget!.budgetUsd}`);
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
    if (error instanceof StackInputError || error instanceof UsageFileError || error instanceof CompareInputError || error instanceof UnknownEnvironmentError) return EXIT_USAGE;
    return undefined;
  },
};
if (require.main === module) startCli(cli);

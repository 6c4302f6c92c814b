/**
 * Summarizes a Terraform JSON plan (`terraform show -json <planfile>`) as the
 * Markdown of a stack's sticky PR comment, and gates destroys and replaces of
 * data-bearing resources (tools/plan-summary/data-bearing.ts) in gated
 * environments: staging, production and the bootstrap stack; dev is not gated.
 *
 *   npm run plan:summary -- <plan.json | -> --stack <name> [--environment <name>]
 *       [--allow-data-loss] [--allowances <file>] [--artifact-url <url>] [--output <file.md>] [--json]
 *   npm run plan:summary -- <plan.json | -> --stack <name> --fingerprint
 *
 * `-` reads the plan from stdin. The environment defaults to the one in the
 * stack name (hexabid-<env>, hexabid-<env>-k8s). A gated data-bearing destroy
 * goes through with --allow-data-loss (CI passes it for a pull request
 * labelled allow-data-loss) or an unexpired entry for its stack and exact
 * address in ci/allowed-data-destroys.json (or --allowances <file>).
 * The Markdown goes to --output, else stdout; --json prints the counts and the
 * data-bearing changes as JSON on stdout instead. --fingerprint prints only a
 * hash of what the plan changes (see planFingerprint) and never gates.
 *
 * Exit codes:
 *   0  the summary is written, and nothing blocks the plan
 *   2  bad arguments, or an unreadable or malformed plan or allowance file (nothing written)
 *   3  the summary is written, and the plan destroys or replaces data in a gated environment that nothing allowed
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_USAGE, readOptions, startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { AllowanceFileError, loadAllowances } from './allowances.ts';
import { parsePlan, PlanFormatError, type Plan } from './plan-format.ts';
import { DEFAULT_ALLOWANCES_PATH, planFingerprint, summarizePlan, SummaryOptionsError } from './summarize.ts';

const USAGE =
  'usage: npm run plan:summary -- <plan.json | -> --stack <name> [--environment <name>] [--allow-data-loss]\n' +
  '         [--allowances <file>] [--artifact-url <url>] [--output <file.md>] [--json] [--fingerprint]';

const EXIT_BLOCKED = 3;

/** An input that cannot be read or is not what it should be: the message names the file and the problem. */
class InputError extends Error {}

interface Request {
  readonly plan: string;
  readonly stack: string;
  readonly environment: string | undefined;
  readonly allowDataLoss: boolean;
  readonly allowances: string | undefined;
  readonly artifactUrl: string | undefined;
  readonly output: string | undefined;
  readonly json: boolean;
  readonly fingerprint: boolean;
}

const VALUE_OPTIONS = ['--stack', '--environment', '--allowances', '--artifact-url', '--output'] as const;
const FLAGS = ['--allow-data-loss', '--json', '--fingerprint'] as const;

function parse(args: readonly string[]): Request {
  const { values, flags, positional } = readOptions(args, { flags: FLAGS, values: VALUE_OPTIONS, positional: true });
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name the plan JSON file, or - for stdin' : `one plan at a time, not ${positional.join(' ')}`);
  const stack = values.get('--stack');
  if (stack === undefined) throw new UsageError('--stack is required');
  return {
    plan: positional[0]!,
    stack,
    environment: values.get('--environment'),
    allowDataLoss: flags.has('--allow-data-loss'),
    allowances: values.get('--allowances'),
    artifactUrl: values.get('--artifact-url'),
    output: values.get('--output'),
    json: flags.has('--json'),
    fingerprint: flags.has('--fingerprint'),
  };
}

function readPlan(source: string): Plan {
  const name = source === '-' ? 'from stdin' : source;
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the plan ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // A binary plan file is the usual mistake.
    throw new InputError(`the plan ${name} is not JSON (${error instanceof Error ? error.message : String(error)}); give the output of \`terraform show -json <planfile>\``);
  }
  try {
    return parsePlan(json);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new InputError(`the plan ${name} is not a Terraform JSON plan this tool reads: ${error.message}`);
    throw error;
  }
}

function run(request: Request): number {
  const plan = readPlan(request.plan);
  if (request.fingerprint) {
    console.log(planFingerprint(plan));
    return 0;
  }
  // The default file is the committed one, wherever the command runs from.
  const allowancesPath = request.allowances ?? DEFAULT_ALLOWANCES_PATH;
  const allowances = loadAllowances(request.allowances === undefined ? resolve(__dirname, '..', '..', DEFAULT_ALLOWANCES_PATH) : request.allowances);
  const summary = summarizePlan(plan, {
    stack: request.stack,
    environment: request.environment,
    allowDataLoss: request.allowDataLoss,
    allowances,
    allowancesPath,
    artifactUrl: request.artifactUrl,
  });
  if (request.output !== undefined) {
    try {
      writeFileSync(request.output, summary.markdown);
    } catch (error) {
      throw new InputError(`cannot write the summary: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (request.json) {
    const { markdown: _markdown, ...facts } = summary;
    console.log(JSON.stringify({ stack: request.stack, ...facts }, null, 2));
  } else if (request.output === undefined) process.stdout.write(summary.markdown);
  if (summary.blocked) {
    console.error(`${request.stack}: destroys or replaces data-bearing resources (${summary.dangerous.filter((d) => !d.allowed).map((d) => d.address).join(', ')}) and nothing allows it; see the summary for what to do.`);
    return EXIT_BLOCKED;
  }
  return 0;
}

export const cli: CliDefinition<Request> = {
  usage: USAGE,
  parse,
  run,
  exitCodeOf: (error) => (error instanceof InputError || error instanceof AllowanceFileError || error instanceof SummaryOptionsError ? EXIT_USAGE : undefined),
};
if (require.main === module) startCli(cli);

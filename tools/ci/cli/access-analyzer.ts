/**
 * IAM Access Analyzer's policy checks on a stack's plan, in CI: every policy
 * document the plan would write goes to ValidatePolicy (through the AWS CLI,
 * as the job's role: `access-analyzer:ValidatePolicy`), and the findings are
 * written as a Markdown section of the stack's PR comment.
 *
 *   npm run ci:access-analyzer -- .plans/<stack>/plan.json --stack <stack> [--output <file.md>]
 *
 * Exit codes:
 *   0  no error and no security warning (warnings and suggestions are listed)
 *   1  an error or a security warning: the plan gate fails
 *   2  bad arguments, an unreadable plan, or the AWS CLI failed
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { analyzePlan, formatReport, type PlannedPolicy, type ValidatePolicyFinding } from '../access-analyzer.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../../../lib/cli.ts';
import { parsePlan, type Plan } from '../../plan-summary/plan-format.ts';

const USAGE = 'usage: npm run ci:access-analyzer -- <plan.json> --stack <name> [--output <file.md>]';

interface Request {
  readonly plan: string;
  readonly stack: string;
  readonly output: string | undefined;
}

/** The AWS CLI failed, or a plan could not be read: not a finding, but nothing was checked. */
class AnalyzerInputError extends Error {}

function parse(args: readonly string[]): Request {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--stack' || arg === '--output') {
      const value = args[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a value`);
      values.set(arg, value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('name one plan JSON file');
  const stack = values.get('--stack');
  if (stack === undefined) throw new UsageError('--stack is required');
  return { plan: positional[0]!, stack, output: values.get('--output') };
}

function readPlan(path: string): Plan {
  try {
    return parsePlan(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new AnalyzerInputError(`cannot read the plan ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** ValidatePolicy through the AWS CLI, every page of findings. */
async function validateWithAwsCli(policy: PlannedPolicy): Promise<ValidatePolicyFinding[]> {
  const args = ['accessanalyzer', 'validate-policy', '--policy-type', policy.policyType, '--policy-document', policy.document, '--output', 'json'];
  if (policy.resourceType) args.push('--validate-policy-resource-type', policy.resourceType);
  try {
    // The CLI follows nextToken itself and prints every finding.
    const { stdout } = await promisify(execFile)('aws', args, { maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout) as { findings?: ValidatePolicyFinding[] }).findings ?? [];
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new AnalyzerInputError(`aws accessanalyzer validate-policy failed for ${policy.source}: ${failure.stderr?.trim() || failure.message}`);
  }
}

async function run(request: Request): Promise<number> {
  const report = await analyzePlan(readPlan(request.plan), validateWithAwsCli);
  const text = formatReport(request.stack, report);
  if (request.output !== undefined) writeFileSync(request.output, text);
  else process.stdout.write(text);
  for (const f of report.findings) console.error(`${f.findingType === 'ERROR' || f.findingType === 'SECURITY_WARNING' ? '::error::' : '::warning::'}${request.stack} ${f.source}: ${f.findingType} ${f.issueCode}: ${f.findingDetails}`);
  return report.blocking ? 1 : 0;
}

export const cli: CliDefinition<Request> = { usage: USAGE, parse, run, exitCodeOf: (error) => (error instanceof AnalyzerInputError ? EXIT_USAGE : undefined) };
if (require.main === module) startCli(cli);

/**
 * Fails a Checkov run on any finding not accepted in ci/checkov-accepted.yaml.
 *
 *   npm run ci:checkov-gate -- <checkov-output.json> [--accepted ci/checkov-accepted.yaml]
 *
 * Exit 0: every finding accepted. 1: unaccepted findings or parsing errors,
 * listed. 2: unreadable input or a malformed accepted-findings file.
 */
import { readFileSync } from 'node:fs';
import { CheckovGateError, gate, parseAccepted, parseCheckovOutput } from '../checkov-gate.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../../../lib/cli.ts';

const USAGE = 'usage: npm run ci:checkov-gate -- <checkov-output.json> [--accepted <file>]';

interface Request {
  readonly output: string;
  readonly acceptedPath: string;
}

function parse(args: readonly string[]): Request {
  const unknown = args.find((a, i) => a.startsWith('-') && a !== '--accepted' && args[i - 1] !== '--accepted');
  if (unknown !== undefined) throw new UsageError(`unknown option ${unknown}`);
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--accepted');
  const acceptedIndex = args.indexOf('--accepted');
  const acceptedPath = acceptedIndex >= 0 ? args[acceptedIndex + 1] : 'ci/checkov-accepted.yaml';
  if (acceptedPath === undefined) throw new UsageError('--accepted needs a file');
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "name Checkov's JSON output" : `one Checkov output at a time, not ${positional.join(' ')}`);
  return { output: positional[0]!, acceptedPath };
}

function run({ output: outputPath, acceptedPath }: Request): number {
  let output: unknown;
  try {
    output = JSON.parse(readFileSync(outputPath, 'utf8'));
  } catch (error) {
    throw new CheckovGateError(`cannot read Checkov's output ${outputPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { findings, parsingErrors } = parseCheckovOutput(output);
  const result = gate(findings, parseAccepted(readFileSync(acceptedPath, 'utf8')), parsingErrors);
  for (const entry of result.stale) console.log(`::warning::${acceptedPath}: ${entry.check} on ${entry.resources.join(', ')} matched nothing; remove it if it was fixed.`);
  for (const error of result.parsingErrors) console.log(`::error::Checkov could not parse ${error}`);
  for (const f of result.unaccepted) console.log(`::error::${f.checkId} (${f.checkName}) fails on ${f.resource} in ${f.stack}`);
  console.log(`${findings.length} findings: ${result.accepted} accepted, ${result.unaccepted.length} not.`);
  if (result.unaccepted.length > 0) console.log(`Fix them, or accept each in ${acceptedPath} with its reason.`);
  return result.unaccepted.length > 0 || result.parsingErrors.length > 0 ? 1 : 0;
}

export const cli: CliDefinition<Request> = { usage: USAGE, parse, run, exitCodeOf: (error) => (error instanceof CheckovGateError ? EXIT_USAGE : undefined) };
if (require.main === module) startCli(cli);

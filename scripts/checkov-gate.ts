/**
 * Fails a Checkov run on any finding not accepted in ci/checkov-accepted.yaml.
 *
 *   npm run ci:checkov-gate -- <checkov-output.json> [--accepted ci/checkov-accepted.yaml]
 *
 * Exit 0: every finding accepted. 1: unaccepted findings or parsing errors,
 * listed. 2: unreadable input or a malformed accepted-findings file.
 */
import { readFileSync } from 'node:fs';
import { CheckovGateError, gate, parseAccepted, parseCheckovOutput } from '../lib/ci/checkov-gate.ts';

function main(args: readonly string[]): number {
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--accepted');
  const acceptedIndex = args.indexOf('--accepted');
  const acceptedPath = acceptedIndex >= 0 ? args[acceptedIndex + 1] : 'ci/checkov-accepted.yaml';
  if (positional.length !== 1 || acceptedPath === undefined) throw new CheckovGateError('usage: npm run ci:checkov-gate -- <checkov-output.json> [--accepted <file>]');
  let output: unknown;
  try {
    output = JSON.parse(readFileSync(positional[0]!, 'utf8'));
  } catch (error) {
    throw new CheckovGateError(`cannot read Checkov's output ${positional[0]}: ${error instanceof Error ? error.message : String(error)}`);
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

try {
  process.exit(main(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}

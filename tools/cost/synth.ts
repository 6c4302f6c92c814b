/**
 * Synthesizes the stacks to estimate, as `npm run synth` does (main.ts), and
 * each cost scenario beside them, in child processes that run at once.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { SCENARIOS, scenarioOutdir, type CostScenario } from './scenarios.ts';

const run = promisify(execFile);
const root = resolve(__dirname, '..', '..');

/** A synthesis that failed: its output says why. */
export class SynthesisError extends Error {
  constructor(what: string, output: string) {
    super(`synthesizing ${what} failed:\n${output.trim()}`);
    this.name = 'SynthesisError';
  }
}

async function node(what: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new SynthesisError(what, `${failed.stderr ?? ''}${failed.stdout ?? ''}` || failed.message);
  }
}

/**
 * The deployed environments to synthesize for the names asked for (none: all
 * of them): those named, and the standby of each named primary and of each
 * named scenario's primary, since a primary's total holds its standby's
 * standing cost.
 */
export function deployedToSynthesize(only?: readonly string[]): string[] {
  if (!only) return [];
  const standbyOf = (name: string) => ENVIRONMENTS.find((e) => e.name === name)?.disasterRecovery?.standbyEnvironment ?? [];
  const named = only.filter((name) => ENVIRONMENTS.some((e) => e.name === name));
  const scenarios = SCENARIOS.filter((s) => only.includes(s.name));
  return [...new Set([...named, ...named.flatMap(standbyOf), ...scenarios.flatMap((s) => standbyOf(s.basedOn))])];
}

/**
 * Synthesizes into `outdir`: the deployed environments (all, or those named)
 * into `<outdir>/stacks`, and the scenarios (all, or those named) into
 * `<outdir>/cost-scenarios/<name>/stacks`.
 */
export async function synthesize(outdir: string, only?: readonly string[]): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  // HEXABID_ENV narrows main.ts to deployed environments; empty synthesizes them all (and the bootstrap stacks always).
  const deployed = deployedToSynthesize(only);
  const jobs: Promise<void>[] = [];
  if (!only || deployed.length > 0 || only.some((name) => !SCENARIOS.some((s) => s.name === name))) {
    jobs.push(node('main.ts', ['main.ts'], { CDKTF_OUTDIR: outdir, HEXABID_ENV: deployed.join(',') }));
  }
  jobs.push(synthesizeScenarios(outdir, SCENARIOS.filter((s) => !only || only.includes(s.name))));
  await Promise.all(jobs);
}

/** Synthesizes cost scenarios alone, each into `<outdir>/cost-scenarios/<name>/stacks`, side by side. */
export async function synthesizeScenarios(outdir: string, scenarios: readonly CostScenario[] = SCENARIOS): Promise<void> {
  await Promise.all(
    scenarios.map((scenario) => {
      mkdirSync(scenarioOutdir(outdir, scenario.name), { recursive: true });
      return node(`the ${scenario.name} scenario`, ['tools/cost/synth-scenario.ts', scenario.name, scenarioOutdir(outdir, scenario.name)], {});
    }),
  );
}

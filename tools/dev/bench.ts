/**
 * The performance budgets (docs/TESTING.md), measured as whole processes:
 *
 *   npm run bench                    # synthesis of every stack, as `cdktf synth` runs the app: 3 s and 600 MB
 *   npm run bench -- --suite         # `npm test`, the whole suite: 30 s, with its slowest test files
 *   npm run bench -- --runs 9        # more runs (default 5 for synthesis, 3 for the suite)
 *
 * Prints the median, minimum and maximum, and exits 1 when the median is over
 * budget. A budget lives here, not in a timed test: a test that depends on the
 * machine's load is a flaky test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';

const SYNTH_BUDGET_SECONDS = 3;
const SYNTH_BUDGET_MB = 600;
const SUITE_BUDGET_SECONDS = 30;
const ROOT = resolve(__dirname, '..', '..');
const USAGE = 'usage: npm run bench [-- [--suite] [--runs <1-50>]]';

function parse(args: readonly string[]): { suite: boolean; runs: number | undefined } {
  let suite = false;
  let runs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--suite') suite = true;
    else if (arg === '--runs') {
      runs = Number(args[++i]);
      if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new UsageError('--runs must be a whole number from 1 to 50');
    } else throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
  }
  return { suite, runs };
}

function summary(times: number[]): { median: number; text: string } {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { median, text: `median ${median.toFixed(2)} s (min ${sorted[0]!.toFixed(2)} s, max ${sorted.at(-1)!.toFixed(2)} s)` };
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv): { seconds: number; status: number | null; stderr: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(args[0]!, args.slice(1), { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, status: result.status, stderr: result.stderr };
}

function benchSynth(runs: number): number {
  const times: number[] = [];
  let peakKb = 0;
  let stacks: string[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'hexabid-bench-'));
    try {
      const result = timed([process.execPath, '--require', 'tsx/cjs', '--require', './tools/dev/report-usage.cjs', 'main.ts'], { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: '' });
      if (result.status !== 0) {
        console.error(result.stderr);
        return result.status ?? 1;
      }
      stacks = readdirSync(join(outdir, 'stacks')).sort();
      peakKb = Math.max(peakKb, Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0));
      times.push(result.seconds);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  const { median, text } = summary(times);
  const peakMb = peakKb / 1024;
  console.log(`stacks: ${stacks.join(', ')}`);
  console.log(`synth of all environments, ${runs} runs: ${text}, peak RSS ${peakMb.toFixed(0)} MB`);
  console.log(`budget: ${SYNTH_BUDGET_SECONDS} s and ${SYNTH_BUDGET_MB} MB`);
  return median > SYNTH_BUDGET_SECONDS || peakMb > SYNTH_BUDGET_MB ? 1 : 0;
}

/** `npm test` as a whole, and from the last run's vitest report, its slowest files. */
function benchSuite(runs: number): number {
  const times: number[] = [];
  const report = join(mkdtempSync(join(tmpdir(), 'hexabid-bench-suite-')), 'vitest.json');
  let slowest: { file: string; seconds: number }[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // The suite's own entry point, with vitest's JSON report written aside for the per-file times.
      const result = timed(['npm', 'test', '--silent'], { ...process.env, HEXABID_VITEST_REPORT: report });
      if (result.status !== 0) {
        console.error(`npm test failed (exit ${result.status}); nothing timed.\n${result.stderr}`);
        return result.status ?? 1;
      }
      times.push(result.seconds);
    }
    const files = (JSON.parse(readFileSync(report, 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] }).testResults;
    slowest = files.map((f) => ({ file: relative(ROOT, f.name), seconds: (f.endTime - f.startTime) / 1000 })).sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  } finally {
    rmSync(resolve(report, '..'), { recursive: true, force: true });
  }
  const { median, text } = summary(times);
  console.log(`npm test, ${runs} runs: ${text}`);
  console.log(`slowest files (last run): ${slowest.map((f) => `${f.file} ${f.seconds.toFixed(1)} s`).join(', ')}`);
  console.log(`budget: ${SUITE_BUDGET_SECONDS} s`);
  return median > SUITE_BUDGET_SECONDS ? 1 : 0;
}

export const cli: CliDefinition<ReturnType<typeof parse>> = {
  usage: USAGE,
  parse,
  run: (request) => (request.suite ? benchSuite(request.runs ?? 3) : benchSynth(request.runs ?? 5)),
};
if (require.main === module) startCli(cli);

/**
 * Synthesizes every stack several times, as `cdktf synth` runs the app but
 * without the CLI's own start-up, and prints the median wall time and the
 * peak RSS. Exits 1 when either is over budget.
 *
 *   npm run bench              # 5 runs
 *   BENCH_RUNS=9 npm run bench
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BUDGET_SECONDS = 3;
const BUDGET_MB = 600;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = resolve(__dirname, '..');

const times: number[] = [];
let peakKb = 0;
let stacks: string[] = [];
for (let i = 0; i < runs; i++) {
  const outdir = mkdtempSync(join(tmpdir(), 'hexabid-bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--require', './scripts/report-usage.cjs', 'main.ts'], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: '' },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status === 0) stacks = readdirSync(join(outdir, 'stacks')).sort();
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exit(result.status ?? 1);
  }
  const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr);
  peakKb = Math.max(peakKb, Number(rss?.[1] ?? 0));
  times.push(seconds);
}

times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const peakMb = peakKb / 1024;
console.log(`stacks: ${stacks.join(', ')}`);
console.log(`synth of all environments, ${runs} runs: median ${median.toFixed(2)} s (min ${times[0]!.toFixed(2)} s, max ${times.at(-1)!.toFixed(2)} s), peak RSS ${peakMb.toFixed(0)} MB`);
console.log(`budget: ${BUDGET_SECONDS} s and ${BUDGET_MB} MB`);
if (median > BUDGET_SECONDS || peakMb > BUDGET_MB) {
  console.error('over budget');
  process.exit(1);
}

/**
 * `npm run access:doc`: synthesizes every stack, runs the access matrix over
 * them, and writes its tables into docs/ACCESS.md (the part between the
 * markers). `--check` writes nothing and exits 1 when the page is stale, or
 * when a row's call does not hold. `npm test` checks the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { loadAccessModel } from '../../lib/access/index.ts';
import { startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { accessMatrix, rolesWithoutRow } from './matrix.ts';
import { withAccessMatrix } from './render.ts';

const ROOT = resolve(__dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'ACCESS.md');
const USAGE = 'usage: npm run access:doc [-- --check]   (writes docs/ACCESS.md; --check only compares)';

function parse(args: readonly string[]): { check: boolean } {
  const unknown = args.find((a) => a !== '--check');
  if (unknown !== undefined) throw new UsageError(unknown.startsWith('-') ? `unknown option ${unknown}` : `unexpected argument "${unknown}"`);
  return { check: args.includes('--check') };
}

function run({ check }: { check: boolean }): number {
  const outdir = mkdtempSync(join(tmpdir(), 'hexabid-access-'));
  try {
    execFileSync(process.execPath, ['--require', 'tsx/cjs', 'main.ts'], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: '' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const stacks = readdirSync(join(outdir, 'stacks')).map((stackName) => ({ stackName, json: JSON.parse(readFileSync(join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8')) }));
    const model = loadAccessModel(stacks);
    const rows = accessMatrix(model, ENVIRONMENTS);
    const failures = [
      ...rolesWithoutRow(model, rows).map((arn) => `${arn} has no row`),
      ...rows.flatMap((row) => row.checks.filter((c) => c.allowed(model) !== (c.expect === 'allowed')).map((c) => `${row.who}: expected ${c.expect}, is not: ${c.what}`)),
    ];
    for (const failure of failures) console.error(failure);
    const current = readFileSync(DOC, 'utf8');
    const next = withAccessMatrix(current, rows);
    if (check) {
      if (next !== current) console.error('docs/ACCESS.md is stale: run npm run access:doc');
      return next === current && failures.length === 0 ? 0 : 1;
    }
    writeFileSync(DOC, next);
    console.log(`docs/ACCESS.md: ${rows.length} rows written${failures.length > 0 ? `, ${failures.length} calls that do not hold (above)` : ''}.`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const cli: CliDefinition<{ check: boolean }> = { usage: USAGE, parse, run };
if (require.main === module) startCli(cli);

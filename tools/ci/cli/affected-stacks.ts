/**
 * Prints the stacks a pull request affects, as the matrix of CI's plan job.
 * The rules, and why each stack is in or out, are in tools/ci/affected-stacks.ts.
 *
 * A pull request plans only the non-production account's stacks: the
 * production account's plan role trusts only the protected environment of
 * production's plans. Those are listed as `after_merge`.
 *
 *   npm run ci:affected -- --base origin/main                 # git diff --name-only origin/main...HEAD
 *   npm run ci:affected -- --base "$BASE_SHA" --head "$HEAD_SHA"
 *   npm run ci:affected -- --files modules/rds.ts helm/hexabid/values.yaml
 *   git diff --name-only main... | npm run ci:affected -- --format lines
 *
 * Prints {"include":[{"stack","environment","kind","order","region","planRoleArn"}, ...]},
 * bootstrap first, then each environment's infrastructure before its
 * Kubernetes stack; {"include":[]} when nothing is affected. `--format lines`
 * prints one stack per line instead. With $GITHUB_OUTPUT set (in a workflow
 * step) it also writes `matrix=<json>` and `affected=true|false` there. Which
 * rule each file matched goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { affectedStacks, allStacks, UNMATCHED_WHY, type AffectedStacksResult } from '../affected-stacks.ts';
import { startCli, UsageError, type CliDefinition } from '../../../lib/cli.ts';

const USAGE =
  'usage: npm run ci:affected -- [--base <git-rev> [--head <git-rev>] | --files <file>... ] [--format json|lines]\n' +
  '       (with neither --base nor --files, the changed paths are read from stdin, one a line)';


type Source = { readonly kind: 'git'; readonly base: string; readonly head: string } | { readonly kind: 'files'; readonly files: string[] } | { readonly kind: 'stdin' };

interface Request {
  readonly source: Source;
  readonly format: 'json' | 'lines';
}

function parse(args: readonly string[]): Request {
  let base: string | undefined;
  let head: string | undefined;
  let files: string[] | undefined;
  let format: Request['format'] = 'json';
  const value = (option: string, next: string | undefined): string => {
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${option} needs a value`);
    return next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--base') base = value(arg, args[++i]);
    else if (arg === '--head') head = value(arg, args[++i]);
    else if (arg === '--format') {
      const f = value(arg, args[++i]);
      if (f !== 'json' && f !== 'lines') throw new UsageError(`--format must be json or lines, not "${f}"`);
      format = f;
    } else if (arg === '--files') {
      files = files ?? [];
      // Every argument up to the next option is a path.
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) files.push(args[++i]!);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else throw new UsageError(`unexpected argument "${arg}" (paths go after --files)`);
  }
  if (files !== undefined && base !== undefined) throw new UsageError(`give --base or --files, not both`);
  if (head !== undefined && base === undefined) throw new UsageError(`--head needs --base`);
  for (const [option, rev] of [['--base', base], ['--head', head]] as const) {
    // A revision that starts with a dash would reach git as an option.
    if (rev !== undefined && rev.startsWith('-')) throw new UsageError(`${option} "${rev}" is not a git revision`);
  }
  if (base !== undefined) return { source: { kind: 'git', base, head: head ?? 'HEAD' }, format };
  if (files !== undefined) return { source: { kind: 'files', files }, format };
  if (process.stdin.isTTY) throw new UsageError(`no changed files: give --base, --files, or pipe the paths in`);
  return { source: { kind: 'stdin' }, format };
}

function git(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run git: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** The paths `git diff --name-only base...head` lists: what the branch changed since it left base. */
function changedFiles(base: string, head: string): string[] {
  for (const [option, rev] of [['--base', base], ['--head', head]] as const) {
    if (git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).status !== 0) {
      throw new UsageError(`${option} ${rev}: no such commit here (in CI, check out with fetch-depth: 0 so the base is present)`);
    }
  }
  // No rename detection: a moved file changes both its old and its new path. -z: paths unquoted.
  const diff = git(['diff', '--name-only', '--no-renames', '-z', `${base}...${head}`]);
  if (diff.status !== 0) throw new Error(`git diff ${base}...${head} failed: ${diff.stderr}`);
  return diff.stdout.split('\0');
}

function report(result: AffectedStacksResult): void {
  const annotate = process.env.GITHUB_ACTIONS === 'true';
  const everyStack = allStacks().length;
  for (const verdict of result.files) {
    const stacks = verdict.stacks.length === everyStack ? 'every stack' : verdict.stacks.length > 0 ? verdict.stacks.join(', ') : 'no stack';
    if (verdict.rule === undefined) {
      // A workflow annotation, so the pull request shows why every stack is planned.
      console.error(`${annotate ? '::warning::' : 'warning: '}${verdict.file} matches no rule in tools/ci/affected-stacks.ts: ${UNMATCHED_WHY}`);
    } else {
      console.error(`${verdict.file} -> ${stacks} (${verdict.rule.why})`);
    }
  }
  if (result.files.length === 0) console.error('No changed files.');
  console.error(result.include.length > 0 ? `Affected: ${result.include.map((s) => s.stack).join(', ')}` : 'No stack affected.');
}

function run(request: Request): void {
  const source = request.source;
  const files =
    source.kind === 'git' ? changedFiles(source.base, source.head) : source.kind === 'files' ? source.files : readFileSync(0, 'utf8').split(/\r?\n/);
  const result = affectedStacks(files);
  report(result);
  // A pull request plans what its plan role may read; production's stacks are planned after the merge, for the approver.
  const planned = result.include.filter((s) => s.plannedInPullRequests);
  const afterMerge = result.include.filter((s) => !s.plannedInPullRequests).map((s) => s.stack);
  if (afterMerge.length > 0) console.error(`Planned after the merge by the deploy workflow, not in a pull request: ${afterMerge.join(', ')}`);
  const matrix = JSON.stringify({ include: planned });
  if (request.format === 'json') console.log(matrix);
  else if (planned.length > 0) console.log(planned.map((s) => s.stack).join('\n'));
  const output = process.env.GITHUB_OUTPUT;
  if (output) appendFileSync(output, `matrix=${matrix}\naffected=${planned.length > 0}\nafter_merge=${afterMerge.join(' ')}\n`);
}

export const cli: CliDefinition<Request> = { usage: USAGE, parse, run };
if (require.main === module) startCli(cli);

/**
 * The test suite: the type check and every test, side by side (the type check
 * takes one core while vitest's global setup synthesizes on the other).
 *
 *   npm test                               # everything; what CI runs
 *   npm test -- __tests__/modules          # only the tests under these paths (the type check still runs)
 *   npm run test:update                    # the same, and rewrite the committed snapshots
 *
 * The type check is incremental (.cache/tsconfig.tsbuildinfo), so a second
 * run checks only what changed. Exits non-zero when either fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';

const ROOT = resolve(__dirname, '..', '..');
const USAGE = [
  'usage: npm test [-- [--update] <test file or directory>...]',
  '       npm run test:update [-- <test file or directory>...]   (the same as --update: rewrites the committed snapshots)',
].join('\n');

/** Test files or directories under __tests__/, checked so that a typo is not a silent "no test files". */
function testPaths(args: readonly string[]): string[] {
  return args.map((arg) => {
    if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    const path = relative(ROOT, resolve(arg));
    if (!path.startsWith('__tests__') || !existsSync(join(ROOT, path))) throw new UsageError(`${arg} is not a test file or directory under __tests__/`);
    return path;
  });
}

/** Runs a command, its output buffered or streamed, and resolves with its exit status and buffered output. */
function runCommand(command: string, args: readonly string[], options: { stream: boolean; env?: NodeJS.ProcessEnv }): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: options.stream ? 'inherit' : 'pipe' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** `npm run bench -- --suite` asks for vitest's JSON report beside the usual output, for the per-file times. */
function reportOptions(): string[] {
  const file = process.env.HEXABID_VITEST_REPORT;
  return file ? ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`] : [];
}

interface Request {
  readonly update: boolean;
  readonly paths: readonly string[];
}

function parse(args: readonly string[]): Request {
  return { update: args.includes('--update'), paths: testPaths(args.filter((arg) => arg !== '--update')) };
}

async function run({ update, paths }: Request): Promise<number> {
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  const [typecheck, tests] = await Promise.all([
    runCommand(bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', '.cache/tsconfig.tsbuildinfo', '-p', '.'], { stream: false }),
    runCommand(bin('vitest'), ['run', ...(update ? ['--update'] : []), ...reportOptions(), ...paths], {
      stream: true,
      // The snapshot test writes a missing snapshot only when asked to (it fails otherwise).
      env: { ...process.env, ...(update ? { HEXABID_UPDATE_SNAPSHOTS: '1' } : {}) },
    }),
  ]);
  process.stdout.write(typecheck.output);
  console.log(typecheck.code === 0 ? 'Type check: no errors.' : 'Type check: FAILED (above).');
  return typecheck.code !== 0 || tests.code !== 0 ? 1 : 0;
}

export const cli: CliDefinition<Request> = { usage: USAGE, parse, run };
if (require.main === module) startCli(cli);

/**
 * `npm run deploy`: `cdktf deploy` for the stacks named, with the CLI's
 * update check off (it needs the network, and prints an error without one).
 * The cdktf CLI ignores options it does not know; this refuses them, and a
 * stack name or glob that matches no stack, before anything is synthesized.
 *
 *   npm run deploy -- hexabid-staging
 *   npm run deploy -- 'hexabid-staging*' --var image_tag=1.4.2
 *   npm run deploy -- hexabid-staging-k8s --ignore-missing-stack-dependencies --var image_tag=1.4.2
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { ACCOUNTS } from '../../environments/account.ts';
import { bootstrapStackName, environmentStackNames } from '../../environments/stack-names.ts';

const ROOT = resolve(__dirname, '..', '..');
const USAGE = [
  "usage: npm run deploy -- <stack | 'glob*'>... [--auto-approve] [--ignore-missing-stack-dependencies]",
  '         [--var <name>=<value>]... [--var-file <file>]... [--migrate-state] [--refresh-only] [--skip-synth]',
  '         [--parallelism <n>] [--outputs-file <file>] [--no-color]',
].join('\n');

/** The options of `cdktf deploy` (0.21.0, the final release) that this project's deploys use, by whether they take a value. */
const FLAGS = ['--auto-approve', '--ignore-missing-stack-dependencies', '--migrate-state', '--refresh-only', '--skip-synth', '--no-color'];
const VALUE_OPTIONS = ['--var', '--var-file', '--parallelism', '--outputs-file'];

/** Every stack main.ts synthesizes when HEXABID_ENV is unset. */
export function knownStacks(): string[] {
  return [...ACCOUNTS.map(bootstrapStackName), ...ENVIRONMENTS.flatMap(environmentStackNames)];
}

/** The known stacks a name or glob (`*`) selects, as the cdktf CLI matches them. */
export function stacksMatching(pattern: string): string[] {
  const re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return knownStacks().filter((stack) => re.test(stack));
}

function parse(args: readonly string[]): string[] {
  let stacks = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.includes(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--var' && !/^[A-Za-z_][A-Za-z0-9_-]*=/.test(value)) throw new UsageError(`--var takes <name>=<value>, not "${value}"`);
    } else if (FLAGS.includes(arg)) continue;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (stacksMatching(arg).length === 0) throw new UsageError(`"${arg}" matches no stack; the stacks are: ${knownStacks().join(', ')}`);
    else stacks++;
  }
  if (stacks === 0) throw new UsageError('name the stacks to deploy');
  return [...args];
}

function deploy(args: readonly string[]): number {
  const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');
  return spawnSync(cdktf, ['deploy', ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status ?? 1;
}

export const cli: CliDefinition<string[]> = { usage: USAGE, parse, run: deploy };
if (require.main === module) startCli(cli);

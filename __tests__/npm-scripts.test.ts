import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliDefinition } from '../lib/cli.ts';

/**
 * Every npm script answers `--help` with its usage and exit 0, and refuses an
 * argument it does not take (exit 2), instead of ignoring it.
 */
const run = promisify(execFile);
const root = resolve(__dirname, '..');
const scripts = Object.entries(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>);

/** The TypeScript entry point of a script run with tsx, and the arguments package.json gives it. */
function entryOf(command: string): { file: string; fixedArgs: string[] } | undefined {
  const match = /^tsx (tools\/[\w/-]+\.ts)((?: --?[\w-]+)*)$/.exec(command);
  return match ? { file: match[1]!, fixedArgs: match[2]!.trim().split(' ').filter(Boolean) } : undefined;
}

const ours = scripts.flatMap(([name, command]) => {
  const entry = entryOf(command);
  return entry ? [{ name, ...entry }] : [];
});
/** Scripts that run another tool's CLI directly: that CLI's own --help and argument checks apply. */
const tools = scripts.filter(([, command]) => !entryOf(command));

async function cliOf(file: string): Promise<CliDefinition<unknown>> {
  const module = (await import(join(root, file))) as { cli?: CliDefinition<unknown> };
  if (!module.cli) throw new Error(`${file} exports no \`cli\` (lib/cli.ts): its arguments are unchecked`);
  return module.cli;
}

describe('npm scripts', () => {
  it('each runs an entry point of tools/, or a tool whose CLI checks its own arguments', () => {
    expect(ours.length).toBeGreaterThan(10);
    for (const [name, command] of tools) expect(['tsc'], `${name}: ${command}`).toContain(command.split(' ')[0]);
  });

  it.each(ours.map((s) => [s.name, s.file, s.fixedArgs] as const))('%s (%s) names itself in its usage and refuses an unknown option', async (name, file, fixedArgs) => {
    const cli = await cliOf(file);
    expect(cli.usage).toMatch(/^usage: /);
    expect(cli.usage).toMatch(name === 'test' ? /npm test/ : new RegExp(`npm run (--silent )?${name}\\b`));
    expect(() => cli.parse([...fixedArgs, '--no-such-option'])).toThrow(UsageError);
  });

  // Run as a process, an entry point hands its arguments to startCli, which answers --help before parsing: each
  // file must end with that call, and one real process proves the path (most of a process's time is tsx starting).
  const entryPoints = [...new Map(ours.map((s) => [s.file, s] as const)).values()];
  it.each(entryPoints.map((s) => [s.name, s.file] as const))('%s (%s) hands its command line to startCli when run', (_name, file) => {
    expect(readFileSync(join(root, file), 'utf8').trimEnd().split('\n').at(-1)).toBe('if (require.main === module) startCli(cli);');
  });

  it('answers --help with the usage and exit 0, as a process', async () => {
    const entry = ours.find((s) => s.name === 'smoke')!;
    const cli = await cliOf(entry.file);
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', entry.file, 'staging', '--help'], { cwd: root });
    expect(stdout).toBe(`${cli.usage}\n`);
  });

  it('refuses a stray argument to the scripts that take none, exit 2 with the usage', async () => {
    const { stderr, code } = await run(process.execPath, ['--require', 'tsx/cjs', 'tools/dev/synth.ts', 'nope'], { cwd: root }).then(
      () => ({ stderr: '', code: 0 }),
      (error: { stderr: string; code: number }) => error,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('this command takes no arguments, not "nope"\nusage: ');
    for (const name of ['synth', 'helm:install', 'ci:targets', 'bench']) {
      const cli = await cliOf(ours.find((s) => s.name === name)!.file);
      expect(() => cli.parse(['nope']), name).toThrow(UsageError);
    }
  });

  it.each(tools.map(([name, command]) => [name, command] as const))('%s (`%s`) answers --help, and refuses an unknown option', async (_name, command) => {
    const [tool, ...args] = command.split(' ');
    const bin = join(root, 'node_modules', '.bin', tool!);
    const help = await run(bin, [...args, '--help'], { cwd: root });
    expect(help.stdout.length).toBeGreaterThan(0);
    const refused = await run(bin, [...args, '--no-such-option'], { cwd: root }).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
  });
});

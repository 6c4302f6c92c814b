import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, selectEnvironments } from '../environments/index.ts';
import { cli as tunnelCli } from '../tools/ops/cluster-tunnel.ts';
import { runCli } from './helpers/cli.ts';
import { synthOutdir } from './helpers/synth.ts';

/**
 * Every command the README and docs/ tell ops to type. What can run offline
 * runs here; what needs AWS is checked against the synthesized stacks (stack
 * names, resource addresses, variables, secrets, namespaces), so a rename in
 * code cannot leave a stale command in the docs.
 */
const run = promisify(execFile);
const root = resolve(__dirname, '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Shell lines of the ```sh blocks (continuations joined), and inline `code` that is a command. */
function commandsOf(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.replace(/\\\n\s*/g, '').split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#')),
  );
  const inline = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`((?:[A-Za-z_][A-Za-z0-9_]*=\S+ )*(?:npx cdktf|npm run|npm test|terraform -chdir)[^`]*)`/g)].map((m) => m[1]!);
  // Inline commands with <placeholders> or … describe a shape; code blocks must run as written.
  return [...blocks, ...inline.filter((c) => !/[<…]/.test(c))];
}
const commands = pages.flatMap((page) => commandsOf(page).map((command) => ({ page, command })));

/** Leading `NAME=value` assignments, and the words after them. */
function split(command: string): { env: Record<string, string>; words: string[] } {
  const words = command.match(/'[^']*'|"[^"]*"|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { env, words };
}

let outdir = '';
let manifest: { stacks: Record<string, { dependencies: string[] }> } = { stacks: {} };
const stackJson = (name: string) => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));

beforeAll(() => {
  // The run's one synthesis of every stack (__tests__/setup/global.ts).
  outdir = synthOutdir();
  manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
});

/** Stacks a cdktf stack argument selects: a name or a quoted glob. */
function selected(patterns: string[]): string[] {
  return Object.keys(manifest.stacks).filter((s) => patterns.some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`).test(s)));
}

/** A documented `cdktf deploy` line, taken apart the way the CLI reads it. */
interface Deploy {
  readonly env: Record<string, string>;
  /** The words from `deploy` on, as the CLI receives them. */
  readonly cliArgs: string[];
  readonly stacks: string[];
  readonly flags: string[];
  readonly vars: string[];
}

function deployOf(command: string): Deploy {
  const { env, words } = split(command);
  // `npm run deploy -- <args>` runs `cdktf deploy <args>` (package.json).
  const cliArgs = words[0] === 'npm' ? ['deploy', ...words.slice(words.indexOf('--') + 1)] : words.slice(words.indexOf('deploy'));
  const args = cliArgs.slice(1);
  const vars = args.flatMap((a, i) => (args[i - 1] === '--var' ? [a] : []));
  const patterns = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--var');
  return { env, cliArgs, stacks: selected(patterns), flags: args.filter((a) => a.startsWith('-')).sort(), vars };
}

/**
 * The cdktf CLI's own stack-dependency check, as it applies it: every stack a
 * selected stack depends on must be selected too, unless the line says
 * --ignore-missing-stack-dependencies. Held to the real CLI below.
 */
function missingDependencies(deploy: Deploy): string[] {
  if (deploy.flags.includes('--ignore-missing-stack-dependencies')) return [];
  return deploy.stacks.flatMap((stack) => manifest.stacks[stack]!.dependencies.filter((d) => !deploy.stacks.includes(d)));
}

/**
 * Runs the real cdktf CLI with a stand-in `terraform` that answers version
 * queries and stops the CLI at `terraform init`: reaching it proves the CLI
 * accepted the line. The CLI npx would run, started directly: npx itself adds
 * a second to each line.
 */
async function runCdktf(deploy: Deploy): Promise<string> {
  return run(process.execPath, [join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), ...deploy.cliArgs, '--skip-synth', '--output', outdir], {
    cwd: root,
    env: { ...process.env, ...deploy.env, CHECKPOINT_DISABLE: '1', PATH: `${join(root, '__tests__', 'fixtures', 'fake-terraform')}:${process.env.PATH}` },
  }).then(
    () => '',
    (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
  );
}

const CLI_ACCEPTED = 'FAKE-TERRAFORM-REACHED init';
const CLI_REFUSED = /Usage Error|Unknown argument|not included in the stacks to run/;

describe('commands in the README and docs/', () => {
  it('finds the commands of the first deploy: each bootstrap applied from a laptop, every environment by CI', () => {
    const firstDeploy = commands.filter((c) => c.page === 'docs/FIRST-DEPLOY.md').map((c) => c.command);
    for (const stack of Object.keys(manifest.stacks).filter((s) => s.startsWith('hexabid-bootstrap-'))) {
      expect(firstDeploy, stack).toContain(`HEXABID_BOOTSTRAP_STATE=local npm run deploy -- ${stack}`);
    }
    expect(firstDeploy).toContain('gh workflow run deploy.yml --ref main -f image_tag=1.4.2');
  });

  it('tells one story of who applies: no page deploys an environment from a laptop, only the bootstraps', () => {
    for (const { page, command } of commands.filter((c) => /npx cdktf deploy|npm run deploy --/.test(c.command))) {
      expect(deployOf(command).stacks.every((stack) => stack.startsWith('hexabid-bootstrap-')), `${page}: ${command}`).toBe(true);
    }
  });

  const deploys = commands.filter((c) => /npx cdktf deploy|npm run deploy --/.test(c.command));

  it.each(deploys.map((c) => [c.page, c.command]))("%s: `%s` selects stacks, declares its --vars, and meets the CLI's stack-dependency check", (_page, command) => {
    const deploy = deployOf(command);
    expect(deploy.stacks.length).toBeGreaterThan(0);
    // Terraform rejects a -var that a selected stack does not declare.
    for (const assignment of deploy.vars) {
      const name = assignment.split('=')[0]!;
      for (const stack of deploy.stacks) expect(Object.keys(stackJson(stack).variable ?? {}), `${name} in ${stack}`).toContain(name);
    }
    expect(missingDependencies(deploy), 'stacks the CLI would insist on deploying too').toEqual([]);
  });

  // The CLI's argument parsing depends only on the flags a line uses, so the real CLI runs once per set of flags, one line after
  // the other: no line races another for the machine's cores.
  const shapes = [...new Map(deploys.map((c) => [deployOf(c.command).flags.join(' '), c] as const)).values()];
  it.each(shapes.map((c) => [c.page, c.command]))('%s: `%s` passes the real cdktf CLI (one line per set of flags)', async (_page, command) => {
    const output = await runCdktf(deployOf(command));
    expect(output).not.toMatch(CLI_REFUSED);
    expect(output).toContain(CLI_ACCEPTED);
  });

  it('holds the stack-dependency model above to the real CLI, which refuses a dependent stack deployed alone', async () => {
    const dependent = Object.keys(manifest.stacks).find((s) => manifest.stacks[s]!.dependencies.length > 0)!;
    const alone = deployOf(`npx cdktf deploy ${dependent}`);
    expect(missingDependencies(alone)).not.toEqual([]);
    expect(await runCdktf(alone)).toMatch(/not included in the stacks to run/);
  });

  const chdirs = commands.filter((c) => c.command.startsWith('terraform -chdir='));
  it.each(chdirs.map((c) => [c.page, c.command]))('%s: `%s` names a synthesized stack and addresses it has', (_page, command) => {
    const { words } = split(command);
    const stack = /^-chdir=cdktf\.out\/stacks\/(.+)$/.exec(words[1]!)![1]!;
    expect(Object.keys(manifest.stacks)).toContain(stack);
    const json = stackJson(stack);
    for (const word of words) {
      const address = /^-(?:target|replace)=(\w+)\.(.+)$/.exec(word);
      if (address) expect(json.resource[address[1]!]?.[address[2]!], word).toBeDefined();
      if (words[words.indexOf(word) - 1] === '-var') expect(Object.keys(json.variable ?? {})).toContain(word.split('=')[0]);
      if (words[2] === 'output') expect(Object.keys(json.output ?? {})).toContain(words[3]);
      if (words[2] === 'import') expect(json.resource[words[3]!.split('.')[0]!]?.[words[3]!.split('.').slice(1).join('.')], words[3]).toBeDefined();
    }
  });

  it('names only environments, npm scripts, secrets, namespaces and clusters that exist', async () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts);
    const allJson = Object.keys(manifest.stacks).map(stackJson);
    const secrets = allJson.flatMap((j) => Object.values<any>(j.resource.aws_secretsmanager_secret ?? {}).map((s) => s.name));
    const namespaces = allJson.flatMap((j) => Object.values<any>(j.resource.kubernetes_namespace_v1 ?? {}).map((n) => n.metadata.name));
    const clusters = ENVIRONMENTS.map((e) => `hexabid-${e.name}`);
    for (const { page, command } of commands) {
      const { env, words } = split(command);
      const where = `${page}: ${command}`;
      if (env.HEXABID_ENV !== undefined) expect(() => selectEnvironments(env.HEXABID_ENV), where).not.toThrow();
      if (words[0] === 'npm' && words[1] === 'run') expect(scripts, where).toContain(words[2]);
      const flag = (name: string) => words[words.indexOf(name) + 1];
      if (words.includes('--secret-id')) expect(secrets, where).toContain(flag('--secret-id'));
      // A secret's value on the command line lands in shell history and the process list: only files.
      if (words.includes('--secret-string')) expect(flag('--secret-string'), where).toMatch(/^file:\/\//);
      if (['kubectl', 'helm'].includes(words[0]!) && words.includes('-n')) expect(namespaces, where).toContain(flag('-n'));
      if (words[0] === 'aws' && words[1] === 'eks' && words.includes('--name')) expect(clusters, where).toContain(flag('--name'));
    }
  });

  // Each distinct tunnel line runs once, however many pages quote it, in this process with --print.
  const tunnels = [...new Map(commands.filter((c) => c.command.startsWith('npm run tunnel -- ')).map((c) => [c.command.replace(/ --print$/, ''), c] as const)).values()];
  it.each(tunnels.map((c) => [c.page, c.command]))('%s: `%s` names an environment the tunnel knows', async (_page, command) => {
    const { words } = split(command);
    const args = words.slice(words.indexOf('--') + 1).filter((w) => w !== '--print');
    const { code, stdout, stderr } = await runCli(tunnelCli, [...args, '--print']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('AWS-StartPortForwardingSessionToRemoteHost');
    expect(stdout).toMatch(/--name hexabid-[\w-]+ /);
  });
});

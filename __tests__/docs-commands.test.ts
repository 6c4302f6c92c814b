import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, selectEnvironments } from '../environments/index.ts';

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

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'hexabid-docs-'));
  await run(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: '' } });
  manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Stacks a cdktf stack argument selects: a name or a quoted glob. */
function selected(patterns: string[]): string[] {
  return Object.keys(manifest.stacks).filter((s) => patterns.some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`).test(s)));
}

describe('commands in the README and docs/', () => {
  it('finds the commands of the first deploy', () => {
    const readme = commands.filter((c) => c.page === 'README.md').map((c) => c.command);
    expect(readme).toContain('HEXABID_BOOTSTRAP_STATE=local npx cdktf deploy hexabid-bootstrap');
    expect(readme.filter((c) => c.includes('cdktf deploy')).length).toBeGreaterThanOrEqual(4);
  });

  const deploys = commands.filter((c) => c.command.includes('npx cdktf deploy'));
  it.concurrent.each(deploys.map((c) => [c.page, c.command]))('%s: `%s` passes the cdktf CLI\'s argument and stack-dependency checks', async (_page, command) => {
    const { env, words } = split(command);
    const args = words.slice(words.indexOf('deploy') + 1);
    const stacks = selected(args.filter((a) => !a.startsWith('-') && !args[args.indexOf(a) - 1]?.startsWith('--var')));
    expect(stacks.length).toBeGreaterThan(0);
    // Terraform rejects a -var that a selected stack does not declare.
    for (const assignment of args.flatMap((a, i) => (args[i - 1] === '--var' ? [a] : []))) {
      const name = assignment.split('=')[0]!;
      for (const stack of stacks) expect(Object.keys(stackJson(stack).variable ?? {}), `${name} in ${stack}`).toContain(name);
    }
    // A stand-in terraform answers version queries and stops the CLI at `terraform init`: reaching it proves the CLI accepted the command.
    // The CLI npx would run, started directly: npx itself adds a second to each line.
    const result = await run(process.execPath, [join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), ...words.slice(words.indexOf('deploy')), '--skip-synth', '--output', outdir], {
      cwd: root,
      env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1', PATH: `${join(root, '__tests__', 'fixtures', 'fake-terraform')}:${process.env.PATH}` },
    }).then(
      () => ({ output: '' }),
      (error: { stdout: string; stderr: string }) => ({ output: `${error.stdout}${error.stderr}` }),
    );
    expect(result.output).not.toMatch(/Usage Error|Unknown argument|not included in the stacks to run/);
    expect(result.output).toContain('FAKE-TERRAFORM-REACHED init');
  }, 60_000);

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
      if (['kubectl', 'helm'].includes(words[0]!) && words.includes('-n')) expect(namespaces, where).toContain(flag('-n'));
      if (words[0] === 'aws' && words[1] === 'eks' && words.includes('--name')) expect(clusters, where).toContain(flag('--name'));
    }
  });

  const tunnels = commands.filter((c) => c.command.startsWith('npm run tunnel -- '));
  it.each(tunnels.map((c) => [c.page, c.command]))('%s: `%s` names an environment the tunnel knows', async (_page, command) => {
    const { words } = split(command);
    const args = words.slice(words.indexOf('--') + 1).filter((w) => w !== '--print');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/cluster-tunnel.ts', ...args, '--print'], { cwd: root });
    expect(stdout).toContain('AWS-StartPortForwardingSessionToRemoteHost');
    expect(stdout).toMatch(/--name hexabid-[\w-]+ /);
  });
});

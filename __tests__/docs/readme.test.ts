import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { synthesizedStacks } from '../helpers/synth.ts';

/**
 * The README is the front door: short, and true to the tree. Its layout
 * table covers every top-level path, its npm script table every script with
 * the file behind it, its stack table every synthesized stack, and its
 * further reading every page of docs/.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the Markdown table under a `## ` heading, as cells. */
function table(heading: string): string[][] {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  const rows = README.slice(start, end < 0 ? undefined : end).split('\n').filter((l) => l.startsWith('| '));
  return rows.slice(2).map((row) => row.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()));
}
const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Configuration files every Node project has at its root; they need no row. */
const CONVENTIONAL = ['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'cdktf.json', 'vitest.config.mts', '.gitignore', '.npmrc'];

describe('README.md', () => {
  it('is at most 200 lines', () => {
    expect(README.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it("opens with the two commands: synthesize every stack, run every test", () => {
    const first = /```sh\n([\s\S]*?)```/.exec(README)![1]!.trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(first).toEqual(['npm ci && npm run synth', 'npm ci && npm test']);
  });

  it('has a layout row for every top-level path, and every path it names exists', () => {
    const paths = table('Layout').map(([path]) => codeSpans(path!)[0]!);
    for (const path of paths) expect(existsSync(join(ROOT, path)), path).toBe(true);
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    const topLevel = [...new Set(tracked.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))];
    const covered = (entry: string) => paths.some((p) => p.replace(/\/$/, '') === entry.replace(/\/$/, '') || p.startsWith(entry));
    expect(topLevel.filter((entry) => !CONVENTIONAL.includes(entry) && !covered(entry))).toEqual([]);
  });

  it('names, for every npm script, the file that runs it', () => {
    const rows = table('Every day').filter((r) => r.length === 3);
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const listed = rows.flatMap(([names]) => codeSpans(names!));
    expect([...listed].sort()).toEqual(Object.keys(scripts).sort());
    for (const [names, files] of rows) {
      for (const file of codeSpans(files!).filter((f) => f.includes('/'))) expect(existsSync(join(ROOT, file)), file).toBe(true);
      for (const name of codeSpans(names!)) {
        const file = /\b((?:scripts|tools)\/\S+\.ts)\b/.exec(scripts[name]!)?.[1];
        if (file) expect(codeSpans(files!), `${name}: ${scripts[name]}`).toContain(file);
      }
    }
  });

  it('accounts for every synthesized stack in its stack table', () => {
    const patterns = table('Accounts and stacks').flatMap(([stacks]) => codeSpans(stacks!));
    const matches = (stack: string) => patterns.some((p) => new RegExp(`^${p.replace(/<env>/g, '[a-z0-9-]+')}$`).test(stack));
    for (const { stackName } of synthesizedStacks()) expect(matches(stackName), stackName).toBe(true);
  });

  it("gives each environment's VPC range as its config has it", () => {
    const rows = table('Environments');
    const header = README.split('\n').find((l) => l.startsWith('| | dev |'))!.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
    const vpc = rows.find(([label]) => label === 'VPC')!;
    for (const environment of ENVIRONMENTS) {
      const column = header.indexOf(environment.name);
      expect(column, environment.name).toBeGreaterThan(0);
      expect(vpc[column]!.startsWith(environment.network.vpcCidr), `${environment.name}: ${vpc[column]}`).toBe(true);
    }
  });

  it('links every page of docs/ under "Further reading"', () => {
    const further = README.slice(README.indexOf('\n## Further reading\n'));
    for (const page of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))) expect(further, page).toContain(`](docs/${page})`);
  });
});

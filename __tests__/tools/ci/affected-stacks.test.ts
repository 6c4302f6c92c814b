import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { accountOf, ACCOUNTS, NON_PRODUCTION_ACCOUNT, ROLE_NAMES, roleArn } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { affectedStacks, allStacks, matchRule, AFFECT_RULES } from '../../../tools/ci/affected-stacks.ts';
import { bootstrapStackName, infrastructureStackName, kubernetesStackName, standbyStackName } from '../../../environments/stack-names.ts';
import { scratchDir } from '../../helpers/synth.ts';

const run = promisify(execFile);
const stacksOf = (files: string[]): string[] => affectedStacks(files).include.map((s) => s.stack);

const BOOTSTRAPS = ACCOUNTS.map(bootstrapStackName);
/** The accounts' bootstraps, then the primaries' stacks in deploy order: each environment's infrastructure, then its Kubernetes stack, then a standby's always-on stack with its primary. */
const EVERY_STACK = [
  ...BOOTSTRAPS,
  ...ENVIRONMENTS.filter((e) => !e.standbyFor).flatMap((e) => [
    infrastructureStackName(e),
    kubernetesStackName(e),
    // A standby's always-on stack; its failover stacks are never planned (they read state that exists only after a failover).
    ...ENVIRONMENTS.filter((s) => s.standbyFor?.primary === e.name).map(standbyStackName),
  ]),
];
const FAILOVER_ONLY_STACKS = ENVIRONMENTS.filter((e) => e.standbyFor).flatMap((e) => [infrastructureStackName(e), kubernetesStackName(e)]);
const K8S_STACKS = ENVIRONMENTS.filter((e) => !e.standbyFor).map(kubernetesStackName);

describe('the stacks a change affects', () => {
  it('knows every stack the app synthesizes, named as the app names them, in apply order', async () => {
    expect(allStacks().map((s) => s.stack)).toEqual(EVERY_STACK);
    // The snapshots are what main.ts synthesizes: one file per stack.
    const snapshots = readdirSync(join(__dirname, '..', '..', '__snapshots__')).filter((f) => f.endsWith('.tf.json')).map((f) => f.replace(/\.tf\.json$/, ''));
    expect([...snapshots].sort()).toEqual([...EVERY_STACK, ...FAILOVER_ONLY_STACKS].sort());
    // The names come from environments/stack-names.ts, the one home the stacks take theirs from too.
    const names = await import('../../../environments/stack-names.ts');
    expect(BOOTSTRAPS).toEqual(ACCOUNTS.map(names.bootstrapStackName));
  });

  it('plans every environment for a change to shared code, config or dependencies', () => {
    for (const file of ['modules/rds.ts', 'modules/kubernetes/addons/external-dns.ts', 'lib/cidr.ts', 'stacks/stack-foundation.ts', 'environments/common.ts',
      'environments/index.ts', 'environments/account.ts', 'environments/validate.ts', 'main.ts', 'package.json', 'package-lock.json', 'cdktf.json', 'tsconfig.json']) {
      expect(stacksOf([file]), file).toEqual(EVERY_STACK);
    }
  });

  it("plans only an environment's own stacks, and its account's bootstrap whose quotas add them up, for its config file", () => {
    const result = affectedStacks(['environments/staging.ts']);
    const staging = ENVIRONMENTS.find((e) => e.name === 'staging')!;
    const planRoleArn = roleArn(ROLE_NAMES.ciPlan, NON_PRODUCTION_ACCOUNT);
    const accountId = NON_PRODUCTION_ACCOUNT.accountId;
    expect(result.include).toEqual([
      { stack: bootstrapStackName(NON_PRODUCTION_ACCOUNT), environment: null, accountId, kind: 'bootstrap', order: 0, region: NON_PRODUCTION_ACCOUNT.region, planRoleArn, plannedInPullRequests: true },
      { stack: 'hexabid-staging', environment: 'staging', accountId, kind: 'infrastructure', order: 1, region: staging.region, planRoleArn, plannedInPullRequests: true },
      { stack: 'hexabid-staging-k8s', environment: 'staging', accountId, kind: 'kubernetes', order: 2, region: staging.region, planRoleArn, plannedInPullRequests: true },
    ]);
    expect(result.files[0]).toMatchObject({ file: 'environments/staging.ts', environment: 'staging' });
    const production = affectedStacks(['environments/production.ts']).include;
    expect(production.map((s) => s.stack)).toEqual(['hexabid-bootstrap-production', 'hexabid-production', 'hexabid-production-k8s']);
    // Production's plan role trusts only the protected plan environment: no pull request plans it.
    expect(production.every((s) => !s.plannedInPullRequests && s.planRoleArn === roleArn(ROLE_NAMES.ciPlan, accountOf(ENVIRONMENTS.find((e) => e.name === 'production')!)))).toBe(true);
  });

  it('maps environment files from the environment names, not from a list of its own', () => {
    const qa = affectedStacks(['environments/qa.ts', 'helm/hexabid/values.yaml'], [{ name: 'qa', region: 'eu-west-1', accountId: NON_PRODUCTION_ACCOUNT.accountId, isProduction: false }]);
    expect(qa.include.map((s) => s.stack)).toEqual([bootstrapStackName(NON_PRODUCTION_ACCOUNT), 'hexabid-qa', 'hexabid-qa-k8s']);
    // Without a "dev" environment, dev.ts is just another shared file.
    expect(matchRule('environments/dev.ts', ['qa'])?.environment).toBeUndefined();
    for (const env of ENVIRONMENTS) expect(matchRule(`environments/${env.name}.ts`, ENVIRONMENTS.map((e) => e.name))?.environment).toBe(env.name);
  });

  it('plans only the Kubernetes stacks for the charts, the dashboards and the Kubernetes stack code', () => {
    for (const file of ['helm/hexabid/templates/x.yaml', 'helm/platform/values.yaml', 'helm/hexabid/README.md', 'content/monitoring/dashboards/api.json',
      'stacks/kubernetes-stack.ts', 'stacks/cluster-connection.ts']) {
      expect(stacksOf([file]), file).toEqual(K8S_STACKS);
    }
  });

  it('plans the infrastructure stacks and the Kubernetes stacks that read their outputs for the infrastructure stack code', () => {
    for (const file of ['stacks/infrastructure-stack.ts', 'stacks/infrastructure-outputs.ts']) {
      expect(stacksOf([file]), file).toEqual(EVERY_STACK.filter((s) => !BOOTSTRAPS.includes(s)));
    }
  });

  it('plans only the bootstraps for their config and their stack', () => {
    expect(stacksOf(['environments/bootstrap.ts'])).toEqual(BOOTSTRAPS);
    expect(stacksOf(['stacks/bootstrap-stack.ts'])).toEqual(BOOTSTRAPS);
  });

  it('plans nothing for documentation, tests and CI tooling', () => {
    const result = affectedStacks(['docs/BOOTSTRAP.md', 'README.md', 'modules/README.md', '__tests__/modules/rds.test.ts', '__tests__/__snapshots__/hexabid-dev.tf.json',
      '.github/workflows/plan.yml', '.ci/run', 'ci/x.sh', 'tools/ci/cli/affected-stacks.ts', 'tools/ci/pr-comment.ts', '.gitignore', 'vitest.config.mts']);
    expect(result.include).toEqual([]);
    expect(JSON.stringify({ include: result.include })).toBe('{"include":[]}');
    expect(result.files.every((f) => f.rule !== undefined)).toBe(true);
  });

  it('plans every stack for a path no rule knows, and says no rule matched', () => {
    const result = affectedStacks(['docs/x.md', 'terraform/legacy.tf']);
    expect(result.include.map((s) => s.stack)).toEqual(EVERY_STACK);
    expect(result.files.find((f) => f.file === 'terraform/legacy.tf')?.rule).toBeUndefined();
  });

  it('orders the union: bootstrap, then each environment in deploy order, infrastructure before Kubernetes', () => {
    const result = affectedStacks(['helm/hexabid/Chart.yaml', 'environments/production.ts', 'docs/x.md']);
    const expected: [string, string][] = [
      ['hexabid-bootstrap-production', 'bootstrap'],
      ...ENVIRONMENTS.filter((e) => !e.standbyFor).flatMap((e): [string, string][] => [
        ...(e.name === 'production' ? [[infrastructureStackName(e), 'infrastructure'] as [string, string]] : []),
        [kubernetesStackName(e), 'kubernetes'],
      ]),
    ];
    expect(result.include.map((s) => [s.order, s.stack, s.kind])).toEqual(expected.map(([stack, kind], order) => [order, stack, kind]));
  });

  it('takes paths as given on the command line: ./ prefixes, blank lines and repeats', () => {
    const result = affectedStacks(['./helm/hexabid/Chart.yaml', '', '  ', 'helm/hexabid/Chart.yaml']);
    expect(result.files.map((f) => f.file)).toEqual(['helm/hexabid/Chart.yaml']);
    expect(result.include.map((s) => s.stack)).toEqual(K8S_STACKS);
  });

  it('gives every rule a reason, and keeps the CI tools out of the app so tools/ci/** may affect nothing', () => {
    for (const rule of AFFECT_RULES) expect(rule.why.length, rule.paths.join(' ')).toBeGreaterThan(10);
    const root = join(__dirname, '..', '..', '..');
    const sources = ['main.ts', ...['environments', 'modules', 'stacks', 'lib'].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('ci/')).map((f) => join(dir, f)))];
    const importers = sources.filter((f) => /from '[./]*(?:lib\/)?ci\//.test(readFileSync(join(root, f), 'utf8')));
    expect(importers).toEqual([]);
  });
});

describe('npm run ci:affected', () => {
  const dir = scratchDir('hexabid-affected');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one stack per line with --format lines, and writes the matrix to $GITHUB_OUTPUT', async () => {
    const output = join(dir, 'output');
    const { stdout, stderr } = await run(process.execPath, ['--require', 'tsx/cjs', 'tools/ci/cli/affected-stacks.ts', '--files', 'environments/staging.ts', 'docs/x.md', '--format', 'lines'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_ACTIONS: '' },
    });
    expect(stdout).toBe(`${bootstrapStackName(NON_PRODUCTION_ACCOUNT)}\nhexabid-staging\nhexabid-staging-k8s\n`);
    expect(stderr).toContain('docs/x.md -> no stack');
    const matrix = { include: affectedStacks(['environments/staging.ts']).include };
    expect(readFileSync(output, 'utf8')).toBe(`matrix=${JSON.stringify(matrix)}\naffected=true\nafter_merge=\n`);
    expect(JSON.stringify(matrix)).toMatch(/^\{"include":\[\{"stack":"hexabid-bootstrap-nonproduction","environment":null,"accountId":"\d{12}","kind":"bootstrap","order":0,/);
  });

  it("leaves production's stacks out of a pull request's matrix, and says they are planned after the merge", async () => {
    const output = join(dir, 'output-production');
    const { stdout, stderr } = await run(process.execPath, ['--require', 'tsx/cjs', 'tools/ci/cli/affected-stacks.ts', '--files', 'environments/production.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_ACTIONS: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ include: [] });
    expect(stderr).toContain('Planned after the merge by the deploy workflow, not in a pull request: hexabid-bootstrap-production, hexabid-production, hexabid-production-k8s');
    expect(readFileSync(output, 'utf8')).toBe('matrix={"include":[]}\naffected=false\nafter_merge=hexabid-bootstrap-production hexabid-production hexabid-production-k8s\n');
  });
});

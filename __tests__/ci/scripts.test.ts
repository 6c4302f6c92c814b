import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountOf, ciApplyRoleName, ROLE_NAMES, roleArn } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { ciTargets } from '../../tools/ci/cli/ci-targets.ts';
import { cli as smokeCli } from '../../tools/ops/smoke-test.ts';
import { runCli } from '../helpers/cli.ts';
import { deployedStackNames, environmentStackNames } from '../../environments/stack-names.ts';
import { scratchDir } from '../helpers/synth.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const script = (name: string) => join(ROOT, 'tools', 'ci', 'steps', name);

/** Runs a CI script with a clean environment plus `env`, and a stand-in `gh` that prints `GH_OUTPUT`. */
function run(name: string, args: string[], env: Record<string, string>) {
  const bin = scratchDir('hexabid-ci');
  writeFileSync(join(bin, 'gh'), '#!/bin/sh\nprintf "%s" "$GH_OUTPUT"\n');
  chmodSync(join(bin, 'gh'), 0o755);
  const output = join(bin, 'github-output');
  writeFileSync(output, '');
  const result = spawnSync('bash', [script(name), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { TMPDIR: process.env.TMPDIR, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'hexabid/hexabid-infrastructure', ...env },
  });
  const outputs = Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: result.status, stderr: result.stderr, outputs };
}

describe('what a deploy request becomes (tools/ci/steps/deploy-request.sh)', () => {
  it('a merge: the merged commit, every stack, the serving tags; a merged allow-data-loss label carries over', () => {
    expect(run('deploy-request.sh', [], { EVENT: 'push', GH_OUTPUT: 'infrastructure' }).outputs).toEqual({
      ref: 'a'.repeat(40),
      image_tag: '',
      scope: 'all',
      target: 'staging-then-production',
      allow_data_loss: 'false',
    });
    expect(run('deploy-request.sh', [], { EVENT: 'push', GH_OUTPUT: 'infrastructure allow-data-loss' }).outputs.allow_data_loss).toBe('true');
  });

  it("the app's deploy-image dispatch: the Kubernetes stacks only, with its tag", () => {
    expect(run('deploy-request.sh', [], { EVENT: 'repository_dispatch', INPUT_IMAGE_TAG: '1.4.2' }).outputs).toMatchObject({ image_tag: '1.4.2', scope: 'kubernetes' });
    expect(run('deploy-request.sh', [], { EVENT: 'repository_dispatch' }).stderr).toContain('deploy-image needs client_payload.image_tag');
  });

  it("the weekday morning's schedule: the tip of main, every stack, dev only", () => {
    expect(run('deploy-request.sh', [], { EVENT: 'schedule' }).outputs).toMatchObject({ ref: 'a'.repeat(40), image_tag: '', scope: 'all', target: 'dev' });
  });

  it('refuses a bad tag, latest, a ref that is not a full SHA, and any branch but main', () => {
    const refused = [
      [{ EVENT: 'repository_dispatch', INPUT_IMAGE_TAG: '1.4.2;rm -rf /' }, 'is not a Docker tag'],
      [{ EVENT: 'repository_dispatch', INPUT_IMAGE_TAG: 'latest' }, 'must not be "latest"'],
      [{ EVENT: 'workflow_dispatch', INPUT_REF: 'main' }, 'must be a full commit SHA'],
      [{ EVENT: 'workflow_dispatch' }, 'give image_tag, ref, or both'],
      [{ EVENT: 'workflow_dispatch', INPUT_IMAGE_TAG: '1.4.2', INPUT_TARGET: 'production' }, 'target "production" must be'],
      [{ EVENT: 'push', GITHUB_REF: 'refs/heads/feature' }, 'deploys run from main only'],
      [{ EVENT: 'pull_request' }, 'does not handle pull_request events'],
    ] as const;
    for (const [env, message] of refused) {
      const result = run('deploy-request.sh', [], env);
      expect(result.status, message).toBe(1);
      expect(result.stderr).toContain(message);
    }
  });

  it('a rollback by hand: an earlier commit of main applies every stack', () => {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    const parent = spawnSync('git', ['rev-parse', 'HEAD~1'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    expect(run('deploy-request.sh', [], { EVENT: 'workflow_dispatch', INPUT_REF: parent, GITHUB_SHA: head, INPUT_TARGET: 'staging' }).outputs).toMatchObject({
      ref: parent,
      scope: 'all',
      target: 'staging',
    });
    expect(run('deploy-request.sh', [], { EVENT: 'workflow_dispatch', INPUT_REF: 'f'.repeat(40), GITHUB_SHA: head }).stderr).toContain('is not a commit of main');
  });
});

describe('the stacks a deploy applies (tools/ci/steps/scope.sh)', () => {
  it('all of them in order, or only the Kubernetes stack for an image', () => {
    const stacks = environmentStackNames({ name: 'staging' });
    const scoped = (scope: string) => spawnSync('bash', [script('scope.sh'), scope, ...stacks], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(scoped('all')).toEqual(['hexabid-staging', 'hexabid-staging-k8s']);
    expect(scoped('kubernetes')).toEqual(['hexabid-staging-k8s']);
  });
});

describe('npm run ci:targets', () => {
  it("gives each environment's region, its account's plan role, its apply role and stacks, from the config", () => {
    const targets = Object.fromEntries(ciTargets());
    for (const environment of ENVIRONMENTS) {
      const account = accountOf(environment);
      expect(targets[`${environment.name}_region`]).toBe(environment.region);
      expect(targets[`${environment.name}_plan_role`]).toBe(roleArn(ROLE_NAMES.ciPlan, account));
      expect(targets[`${environment.name}_apply_role`]).toBe(roleArn(ciApplyRoleName(environment.name), account));
      expect(targets[`${environment.name}_stacks`]).toBe(deployedStackNames(environment).join(' '));
    }
    // Production's deploys keep its standby's always-on stack current; the standby's own deploy is that stack alone.
    expect(targets.production_stacks).toBe('hexabid-production hexabid-production-k8s hexabid-production-dr-standby');
    expect(targets['production-dr_stacks']).toBe('hexabid-production-dr-standby');
  });

  it('says whether each environment runs now: always, or by its off-hours schedule', () => {
    const monday = (time: string) => Object.fromEntries(ciTargets(new Date(`2026-12-07T${time}Z`)));
    for (const environment of ENVIRONMENTS) {
      // 09:00 IST, when the morning catch-up runs, every environment is up.
      expect(monday('03:30:00')[`${environment.name}_awake`], environment.name).toBe('true');
      // 01:30 IST only those without off hours are.
      expect(monday('20:00:00')[`${environment.name}_awake`], environment.name).toBe(String(!environment.cluster.offHours));
    }
    expect(ENVIRONMENTS.some((e) => e.cluster.offHours)).toBe(true);
  });
});

/**
 * Runs tools/ci/steps/cost.sh with a stand-in `npm`: `npm ci` logs, and `npm run cost` writes its --output
 * (the arguments it got, under the comment's marker) and exits with FAKE_BASE_EXIT in the base, FAKE_HEAD_EXIT
 * in the head, or 2 in the head when given --compare and FAKE_UNREADABLE_BASE is set.
 */
function runCost(options: { base?: 'none' | 'without-cost' | 'with-cost'; baseExit?: number; headExit?: number; unreadableBase?: boolean }) {
  const dir = scratchDir('hexabid-cost');
  const bin = join(dir, 'bin');
  const base = join(dir, 'base');
  mkdirSync(bin);
  mkdirSync(base);
  if (options.base !== 'none') {
    writeFileSync(join(base, 'package.json'), JSON.stringify({ scripts: options.base === 'with-cost' ? { cost: 'tsx tools/cost/cli.ts' } : { synth: 'cdktf synth' } }));
  }
  writeFileSync(
    join(bin, 'npm'),
    `#!/usr/bin/env bash
echo "$PWD: npm $*" >>"$FAKE_LOG"
[[ $1 == ci ]] && exit 0
args=("$@")
for i in "\${!args[@]}"; do
  case \${args[i]} in --output) output=\${args[i+1]} ;; --compare) compare=\${args[i+1]} ;; esac
done
if [[ $PWD == "$FAKE_BASE" ]]; then code=$FAKE_BASE_EXIT; else code=$FAKE_HEAD_EXIT; fi
if [[ $PWD != "$FAKE_BASE" && -n \${compare:-} && -n \${FAKE_UNREADABLE_BASE:-} ]]; then echo "$compare: format is hexabid-cost/0, expected hexabid-cost/1" >&2; exit 2; fi
[[ $code == 4 ]] && echo 'dev: estimated $612.00 a month, over its budget of $500' >&2
[[ $code == 3 ]] && echo 'aws_fancy_thing is neither priced nor free' >&2
if [[ $code == 0 || $code == 4 ]]; then printf '<!-- hexabid-cost -->\n### Monthly cost estimate\n\nargs: %s\n' "$*" >"$output"; fi
exit "$code"
`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  const out = join(dir, 'out');
  const summary = join(dir, 'summary.md');
  const result = spawnSync('bash', [script('cost.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      TMPDIR: process.env.TMPDIR,
      PATH: `${bin}:${process.env.PATH}`,
      COST_DIR: out,
      GITHUB_STEP_SUMMARY: summary,
      RUN_URL: 'https://github.test/run/1',
      FAKE_LOG: join(dir, 'npm.log'),
      FAKE_BASE: base,
      FAKE_BASE_EXIT: String(options.baseExit ?? 0),
      FAKE_HEAD_EXIT: String(options.headExit ?? 0),
      ...(options.base === undefined ? {} : { BASE_DIR: base, BASE_SHA: 'b'.repeat(40) }),
      ...(options.unreadableBase ? { FAKE_UNREADABLE_BASE: '1' } : {}),
    },
  });
  const npm = existsSync(join(dir, 'npm.log')) ? readFileSync(join(dir, 'npm.log'), 'utf8').trim().split('\n') : [];
  return { status: result.status, stderr: result.stderr, npm, report: readFileSync(join(out, 'cost.md'), 'utf8'), summary: readFileSync(summary, 'utf8'), out, base };
}

describe("the cost comment (tools/ci/steps/cost.sh)", () => {
  it("estimates the base as JSON, then the head as Markdown against it, checking the budgets", () => {
    const { status, npm, report, summary, out, base } = runCost({ base: 'with-cost' });
    expect(status).toBe(0);
    expect(npm).toEqual([
      `${base}: npm ci --no-audit --no-fund`,
      `${base}: npm run --silent cost -- --synth-to ${out}/base.out --format json --output ${out}/cost-base.json`,
      `${ROOT}: npm run --silent cost -- --synth-to ${out}/head.out --format markdown --output ${out}/cost.md --check-budgets --compare ${out}/cost-base.json`,
    ]);
    expect(report).toBe(`<!-- hexabid-cost -->\n### Monthly cost estimate\n\nargs: ${npm[2]!.slice(npm[2]!.indexOf('run '))}\n`);
    expect(summary).toBe(report);
  });

  it('compares against nothing, and says so, when the base predates npm run cost, its estimate fails, or the head cannot read it', () => {
    const older = runCost({ base: 'without-cost' });
    expect(older.status).toBe(0);
    expect(older.npm).toHaveLength(1);
    expect(older.npm[0]).not.toContain('--compare');
    expect(older.report).toMatch(/^<!-- hexabid-cost -->\n### Monthly cost estimate\n\n> The base \(`bbbbbbbbbbbb`\) predates `npm run cost`, so no change is shown/);

    const failed = runCost({ base: 'with-cost', baseExit: 3 });
    expect(failed.status).toBe(0);
    expect(failed.npm.at(-1)).not.toContain('--compare');
    expect(failed.report).toContain('> The estimate of the base (`bbbbbbbbbbbb`) failed, so no change is shown: there is nothing to compare against. The log of [this run](https://github.test/run/1) says why.');

    const unreadable = runCost({ base: 'with-cost', unreadableBase: true });
    expect(unreadable.status).toBe(0);
    expect(unreadable.npm.slice(-2).map((c) => c.includes('--compare'))).toEqual([true, false]);
    expect(unreadable.report).toContain('could not be compared, so no change is shown: ');
    expect(unreadable.report).toContain('cost-base.json: format is hexabid-cost/0, expected hexabid-cost/1\n');

    const none = runCost({});
    expect(none.status).toBe(0);
    expect(none.report).toContain('> No checkout of the base');
  });

  it('keeps the estimate of an environment over its budget, says which, and exits 4', () => {
    const { status, report } = runCost({ base: 'with-cost', headExit: 4 });
    expect(status).toBe(4);
    expect(report).toMatch(/^<!-- hexabid-cost -->\n### Monthly cost estimate\n\n> \*\*Over budget\*\*: dev: estimated \$612\.00 a month, over its budget of \$500\. The cost check fails/);
    expect(report).toContain('--compare');
  });

  it('posts a failed estimate as such, with the last lines of its log, and fails', () => {
    const { status, report } = runCost({ base: 'with-cost', headExit: 3 });
    expect(status).toBe(3);
    expect(report).toContain('<!-- hexabid-cost -->\n### Monthly cost estimate: failed\n');
    expect(report).toContain('(exit 3). The log of [this run](https://github.test/run/1) says why');
    expect(report).toContain('aws_fancy_thing is neither priced nor free');
  });
});

describe('the shell scripts', () => {
  it('all parse', () => {
    for (const name of ['stack.sh', 'deploy.sh', 'summarize.sh', 'drift.sh', 'scan.sh', 'scope.sh', 'deploy-request.sh', 'after-failure.sh', 'install-session-manager-plugin.sh', 'cost.sh']) {
      expect(spawnSync('bash', ['-n', script(name)]).status, name).toBe(0);
    }
  });

  it('refuse a stack that is not HexaBid', () => {
    const result = spawnSync('bash', [script('stack.sh'), 'plan', '../../etc'], { encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('not a HexaBid stack name');
  });
});

describe('npm run smoke', () => {
  const smoke = (...args: string[]) => runCli(smokeCli, args);

  it("checks a region's own origin with --origin, not the name DNS may send elsewhere", async () => {
    const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;
    const origin = await smoke(standby.name, '--origin', '--print');
    expect(origin.code, origin.stderr).toBe(0);
    expect(origin.stdout.trim().split('\n')).toEqual(['/health', '/api/health'].map((path) => `https://origin-${standby.region}.${standby.edge.domainName}${path}`));
    expect((await smoke(standby.name, '--print')).stdout).toContain(`https://${standby.edge.domainName}/api/health`);
  });

  it('refuses --origin where there is no origin name, and an option it does not take', async () => {
    const plain = ENVIRONMENTS.find((e) => !e.standbyFor && !e.disasterRecovery)!;
    const refused = await smoke(plain.name, '--origin', '--print');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${plain.name} has no origin name`);
    expect((await smoke('production', '--bogus')).code).toBe(2);
  });
});

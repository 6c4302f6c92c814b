import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciApplyRoleName, ROLE_NAMES, roleArn } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { ciTargets } from '../../scripts/ci-targets.ts';
import { deployedStackNames, environmentStackNames } from '../../stacks/stack-names.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const script = (name: string) => join(ROOT, 'scripts', 'ci', name);

/** Runs a CI script with a clean environment plus `env`, and a stand-in `gh` that prints `GH_OUTPUT`. */
function run(name: string, args: string[], env: Record<string, string>) {
  const bin = mkdtempSync(join(tmpdir(), 'hexabid-ci-'));
  writeFileSync(join(bin, 'gh'), '#!/bin/sh\nprintf "%s" "$GH_OUTPUT"\n');
  chmodSync(join(bin, 'gh'), 0o755);
  const output = join(bin, 'github-output');
  writeFileSync(output, '');
  const result = spawnSync('bash', [script(name), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'hexabid/hexabid-infrastructure', ...env },
  });
  const outputs = Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: result.status, stderr: result.stderr, outputs };
}

describe('what a deploy request becomes (scripts/ci/deploy-request.sh)', () => {
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

describe('the stacks a deploy applies (scripts/ci/scope.sh)', () => {
  it('all of them in order, or only the Kubernetes stack for an image', () => {
    const stacks = environmentStackNames({ name: 'staging' });
    const scoped = (scope: string) => spawnSync('bash', [script('scope.sh'), scope, ...stacks], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(scoped('all')).toEqual(['hexabid-staging', 'hexabid-staging-k8s']);
    expect(scoped('kubernetes')).toEqual(['hexabid-staging-k8s']);
  });
});

describe('npm run ci:targets', () => {
  it("gives each environment's region, apply role and stacks, from the config", () => {
    const targets = Object.fromEntries(ciTargets());
    expect(targets.plan_role).toBe(roleArn(ROLE_NAMES.ciPlan));
    for (const environment of ENVIRONMENTS) {
      expect(targets[`${environment.name}_region`]).toBe(environment.region);
      expect(targets[`${environment.name}_apply_role`]).toBe(roleArn(ciApplyRoleName(environment.name)));
      expect(targets[`${environment.name}_stacks`]).toBe(deployedStackNames(environment).join(' '));
    }
    // Production's deploys keep its standby's always-on stack current; the standby's own deploy is that stack alone.
    expect(targets.production_stacks).toBe('hexabid-production hexabid-production-k8s hexabid-production-dr-standby');
    expect(targets['production-dr_stacks']).toBe('hexabid-production-dr-standby');
  });
});

describe('the shell scripts', () => {
  it('all parse', () => {
    for (const name of ['stack.sh', 'deploy.sh', 'summarize.sh', 'drift.sh', 'scan.sh', 'scope.sh', 'deploy-request.sh', 'after-failure.sh', 'install-session-manager-plugin.sh']) {
      expect(spawnSync('bash', ['-n', script(name)]).status, name).toBe(0);
    }
  });

  it('refuse a stack that is not HexaBid', () => {
    const result = spawnSync('bash', [script('stack.sh'), 'plan', '../../etc'], { encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('not a HexaBid stack name');
  });
});

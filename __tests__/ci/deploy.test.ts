import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/synth.ts';

/**
 * tools/ci/steps/deploy.sh, run for real: the workflows' stack.sh and
 * summarize.sh are replaced by stand-ins that log what they are asked and
 * serve recorded plans, and the fingerprints come from the real plan:summary.
 * What an approver saw is what is applied, or nothing is.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, '__tests__', 'fixtures', 'plans');
const STACKS = ['hexabid-production', 'hexabid-production-k8s'];

/**
 * The real plan:summary, bundled once into one CommonJS file: the same code
 * tsx would run, started without tsx's start-up, which was most of this
 * file's time (deploy.sh runs it once per stack).
 */
const PLAN_SUMMARY = join(scratchDir('hexabid-plan-summary'), 'plan-summary.cjs');
buildSync({ entryPoints: [join(ROOT, 'tools', 'plan-summary', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: PLAN_SUMMARY, logLevel: 'error' });

/** A scratch copy of deploy.sh beside stand-ins, and the plan each stack's `terraform plan` would make. */
function workspace(plans: Record<string, unknown>, waiting: readonly string[] = []): { dir: string; log: string } {
  const dir = scratchDir('hexabid-deploy');
  const ci = join(dir, 'tools', 'ci', 'steps');
  const bin = join(dir, 'bin');
  mkdirSync(ci, { recursive: true });
  mkdirSync(bin);
  mkdirSync(join(dir, 'recorded'));
  copyFileSync(join(ROOT, 'tools', 'ci', 'steps', 'deploy.sh'), join(ci, 'deploy.sh'));
  for (const [stack, plan] of Object.entries(plans)) writeFileSync(join(dir, 'recorded', `${stack}.json`), JSON.stringify(plan));
  const log = join(dir, 'calls.log');
  const script = (path: string, body: string) => {
    writeFileSync(path, `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`);
    chmodSync(path, 0o755);
  };
  // stack.sh: plan copies the recorded plan into .plans/<stack>/ and reports changes (exit 2), or for a stack
  // that waits for its first image tag, plans nothing (exit 3); apply only logs.
  script(
    join(ci, 'stack.sh'),
    `echo "$1 $2" >> "${log}"\nif [[ $1 == plan ]]; then\n  case " ${waiting.join(' ')} " in *" $2 "*) exit 3 ;; esac\n  mkdir -p ".plans/$2"; cp "recorded/$2.json" ".plans/$2/plan.json"; exit 2\nfi`,
  );
  // summarize.sh: the data gate passes; Access Analyzer's verdict is ACCESS (0 unless a test says otherwise).
  script(join(ci, 'summarize.sh'), 'echo "gate=0" >> "$GITHUB_OUTPUT"; echo "access=${ACCESS:-0}" >> "$GITHUB_OUTPUT"');
  // npm run --silent plan:summary -- <args>: the real tool, started directly.
  script(join(bin, 'npm'), `[[ "$1 $2 $3 $4" == "run --silent plan:summary --" ]] || { echo "unexpected npm $*" >&2; exit 9; }\nshift 4\nexec "${process.execPath}" "${PLAN_SUMMARY}" "$@"`);
  return { dir, log };
}

function deploy(ws: { dir: string }, mode: string, env: Record<string, string> = {}) {
  const result = spawnSync('bash', [join(ws.dir, 'tools', 'ci', 'steps', 'deploy.sh'), mode, ...STACKS], {
    cwd: ws.dir,
    encoding: 'utf8',
    env: { TMPDIR: process.env.TMPDIR, PATH: `${join(ws.dir, 'bin')}:${process.env.PATH}`, NODE_PATH: join(ROOT, 'node_modules'), GITHUB_OUTPUT: join(ws.dir, 'github-output'), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const calls = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
const recorded = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { resource_changes: { change: { after: Record<string, unknown> | null } }[] };

/** The fingerprints plan-only prints for these plans: what the approver saw. */
function approvedFor(plans: Record<string, unknown>): string {
  const ws = workspace(plans);
  const result = deploy(ws, 'plan-only');
  expect(result.status, result.stderr).toBe(0);
  expect(calls(ws.log)).toEqual(STACKS.map((s) => `plan ${s}`));
  return result.stdout.trim().split('\n').at(-1)!;
}

describe('a production deploy applies exactly the plan that was approved (tools/ci/steps/deploy.sh)', () => {
  const approvedPlans = { 'hexabid-production': recorded('mixed'), 'hexabid-production-k8s': recorded('s3-replace') };
  const approved = approvedFor(approvedPlans);

  it('applies each stack whose fresh plan is the approved one, in order', () => {
    const ws = workspace(approvedPlans);
    const result = deploy(ws, 'apply-approved', { APPROVED_FINGERPRINTS: approved });
    expect(result.status, result.stderr).toBe(0);
    expect(calls(ws.log)).toEqual(['plan hexabid-production', 'apply hexabid-production', 'plan hexabid-production-k8s', 'apply hexabid-production-k8s']);
  });

  it('applies nothing when a value the plan would write changed after the approval, though the addresses and actions did not', () => {
    const changed = structuredClone(approvedPlans);
    const resource = changed['hexabid-production'].resource_changes.find((r) => r.change.after !== null)!;
    resource.change.after = { ...resource.change.after, tags: { sneaked: 'in' } };
    const ws = workspace(changed);
    const result = deploy(ws, 'apply-approved', { APPROVED_FINGERPRINTS: approved });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("hexabid-production's plan is not the one that was approved");
    // Not this stack, nor the one after it.
    expect(calls(ws.log)).toEqual(['plan hexabid-production']);
  });

  it('applies nothing without an approval, or with none for a stack', () => {
    for (const fingerprints of [undefined, 'not json', JSON.stringify({ 'hexabid-production': JSON.parse(approved)['hexabid-production'] })]) {
      const ws = workspace(approvedPlans);
      const result = deploy(ws, 'apply-approved', fingerprints === undefined ? {} : { APPROVED_FINGERPRINTS: fingerprints });
      expect(result.status, String(fingerprints)).toBe(1);
      expect(calls(ws.log).filter((c) => c.startsWith('apply')), String(fingerprints)).toEqual(fingerprints?.startsWith('{') ? ['apply hexabid-production'] : []);
    }
  });

  it('applies nothing when IAM Access Analyzer finds an error or a security warning, or cannot check', () => {
    for (const access of ['1', '2']) {
      const ws = workspace(approvedPlans);
      const result = deploy(ws, 'apply-approved', { APPROVED_FINGERPRINTS: approved, ACCESS: access });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('IAM Access Analyzer');
      expect(calls(ws.log)).toEqual(['plan hexabid-production']);
    }
  });

  it('applies without an approval only in apply mode, which staging uses', () => {
    const ws = workspace(approvedPlans);
    expect(deploy(ws, 'apply').status).toBe(0);
    expect(calls(ws.log).filter((c) => c.startsWith('apply'))).toEqual(STACKS.map((s) => `apply ${s}`));
  });

  it("goes past a -k8s stack that waits for its first image tag, and says so to the workflow, which then skips the smoke test", () => {
    const infrastructureOnly = { 'hexabid-production': approvedPlans['hexabid-production'] };
    const plan = workspace(infrastructureOnly, ['hexabid-production-k8s']);
    const planned = deploy(plan, 'plan-only');
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('hexabid-production-k8s waits for its first deploy with an image tag');
    const fingerprints = JSON.parse(planned.stdout.trim().split('\n').at(-1)!) as Record<string, string>;
    expect(Object.keys(fingerprints)).toEqual(['hexabid-production']);
    for (const [mode, env] of [['apply', {}], ['apply-approved', { APPROVED_FINGERPRINTS: JSON.stringify(fingerprints) }]] as const) {
      const ws = workspace(infrastructureOnly, ['hexabid-production-k8s']);
      const result = deploy(ws, mode, env);
      expect(result.status, `${mode}: ${result.stderr}`).toBe(0);
      expect(calls(ws.log), mode).toEqual(['plan hexabid-production', 'apply hexabid-production', 'plan hexabid-production-k8s']);
      expect(readFileSync(join(ws.dir, 'github-output'), 'utf8'), mode).toContain('waiting=hexabid-production-k8s\n');
    }
    // With nothing waiting, the output is empty, and the smoke test runs.
    const ws = workspace(approvedPlans);
    expect(deploy(ws, 'apply').status).toBe(0);
    expect(readFileSync(join(ws.dir, 'github-output'), 'utf8')).toContain('waiting=\n');
  });
});

describe('tools/ci/steps/stack.sh, for a -k8s stack never applied', () => {
  /** stack.sh in a scratch checkout, with a terraform that has no outputs and an npm that must not run (the tunnel). */
  function run(env: Record<string, string> = {}) {
    const dir = scratchDir('hexabid-stack');
    mkdirSync(join(dir, 'tools', 'ci', 'steps'), { recursive: true });
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'cdktf.out', 'stacks', 'hexabid-staging-k8s'), { recursive: true });
    writeFileSync(join(dir, 'cdktf.out', 'stacks', 'hexabid-staging-k8s', 'cdk.tf.json'), '{}');
    copyFileSync(join(ROOT, 'tools', 'ci', 'steps', 'stack.sh'), join(dir, 'tools', 'ci', 'steps', 'stack.sh'));
    const log = join(dir, 'calls.log');
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, 'bin', name), `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`);
      chmodSync(join(dir, 'bin', name), 0o755);
    };
    // No state yet: `terraform output` fails, as it does before the first apply.
    stub('terraform', 'case "$*" in *" output "*) echo "No outputs found" >&2; exit 1 ;; *" plan "*) exit 2 ;; esac');
    stub('npm', 'exit 0');
    const result = spawnSync('bash', [join(dir, 'tools', 'ci', 'steps', 'stack.sh'), 'plan', 'hexabid-staging-k8s', '--no-lock'], {
      cwd: dir,
      encoding: 'utf8',
      env: { TMPDIR: process.env.TMPDIR, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, ...env },
    });
    return { status: result.status, stdout: result.stdout, calls: calls(log) };
  }

  it('plans nothing and exits 3 when no image tag is given, without opening the tunnel', () => {
    const result = run();
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('hexabid-staging-k8s has never been applied and no image tag was given');
    expect(result.calls.some((c) => c.startsWith('npm') || c.includes(' plan '))).toBe(false);
  });
});

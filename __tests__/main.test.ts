import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { selectEnvironments, UnknownEnvironmentError } from '../environments/index.ts';

const run = promisify(execFile);
const outdirs: string[] = [];

/** Runs main.ts as `cdktf synth` would, into a fresh output directory. */
async function synth(hexabidEnv: string | undefined, extraEnv: Record<string, string> = {}): Promise<{ code: number; stderr: string; stacks: string[]; outdir: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'hexabid-synth-'));
  outdirs.push(outdir);
  const env = { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: hexabidEnv ?? '', ...extraEnv };
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'main.ts'], { env });
    return { code: 0, stderr, stacks: readdirSync(join(outdir, 'stacks')).sort(), outdir };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr, stacks: [], outdir };
  }
}

afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('environment selection', () => {
  it('selects every environment when HEXABID_ENV is unset or empty', () => {
    expect(selectEnvironments(undefined).map((e) => e.name)).toEqual(['dev', 'staging', 'production', 'production-dr']);
    expect(selectEnvironments(' ').map((e) => e.name)).toEqual(['dev', 'staging', 'production', 'production-dr']);
  });

  it('selects a comma-separated list', () => {
    expect(selectEnvironments('production, dev').map((e) => e.name)).toEqual(['production', 'dev']);
  });

  it('rejects an unknown name and lists the valid ones', () => {
    expect(() => selectEnvironments('dev,prod')).toThrow(UnknownEnvironmentError);
    expect(() => selectEnvironments('dev,prod')).toThrow('Unknown environment "prod" in HEXABID_ENV; valid names are: dev, staging, production, production-dr');
  });
});

describe('main.ts', () => {
  it('synthesizes the infrastructure and Kubernetes stacks of every environment', async () => {
    const result = await synth(undefined);
    expect(result.code).toBe(0);
    expect(result.stacks).toEqual([
      'hexabid-bootstrap', 'hexabid-dev', 'hexabid-dev-k8s', 'hexabid-production', 'hexabid-production-dr', 'hexabid-production-dr-k8s', 'hexabid-production-dr-standby',
      'hexabid-production-k8s', 'hexabid-staging', 'hexabid-staging-k8s',
    ]);
    // A standby's failover stacks build on its always-on stack.
    const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['hexabid-production-dr'].dependencies).toEqual(['hexabid-production-dr-standby']);
    expect(manifest.stacks['hexabid-production-dr-k8s'].dependencies).toEqual(['hexabid-production-dr']);
  });

  it('synthesizes only the environments HEXABID_ENV names', async () => {
    const result = await synth('staging');
    expect(result.code).toBe(0);
    // The account-wide bootstrap is always there: every environment assumes it.
    expect(result.stacks).toEqual(['hexabid-bootstrap', 'hexabid-staging', 'hexabid-staging-k8s']);
    // cdktf deploy reads this to apply the cluster before what runs in it.
    const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['hexabid-staging-k8s'].dependencies).toEqual(['hexabid-staging']);
    expect(manifest.stacks['hexabid-staging'].dependencies).toEqual([]);
    expect(manifest.stacks['hexabid-bootstrap'].dependencies).toEqual([]);
  });

  it('says plainly when it synthesizes for the example account', async () => {
    const result = await synth('dev');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Note: synthesizing for the example account 111122223333. Set your account ID in environments/account.ts');
  });

  it('keeps the bootstrap state local only when asked, and refuses anything else', async () => {
    const local = await synth('dev', { HEXABID_BOOTSTRAP_STATE: 'local' });
    expect(JSON.parse(readFileSync(join(local.outdir, 'stacks', 'hexabid-bootstrap', 'cdk.tf.json'), 'utf8')).terraform.backend).toEqual({
      local: { path: '../../../terraform.hexabid-bootstrap.tfstate' },
    });
    const typo = await synth('dev', { HEXABID_BOOTSTRAP_STATE: 'locale' });
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim()).toBe(
      'Invalid configuration for environment "bootstrap":\n  - HEXABID_BOOTSTRAP_STATE = "locale": must be "local" (the first bootstrap apply only), "s3" or unset',
    );
  });

  it('exits non-zero with the valid names, and no stack trace, for an unknown environment', async () => {
    const result = await synth('qa');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Unknown environment "qa" in HEXABID_ENV; valid names are: dev, staging, production, production-dr');
  });
});

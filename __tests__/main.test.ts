import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { ACCOUNTS, isExampleAccount } from '../environments/account.ts';
import { ENVIRONMENTS, selectEnvironments, UnknownEnvironmentError } from '../environments/index.ts';
import { bootstrapLocalStatePath } from '../stacks/bootstrap-stack.ts';
import { bootstrapStackName, environmentStackNames, infrastructureStackName, kubernetesStackName, standbyStackName } from '../environments/stack-names.ts';
import { scratchDir, synthOutdir } from './helpers/synth.ts';

const run = promisify(execFile);
const names = ENVIRONMENTS.map((e) => e.name);
const bootstraps = ACCOUNTS.map(bootstrapStackName);
const validNames = `valid names are: ${names.join(', ')}`;

/** Runs main.ts as `cdktf synth` would, into a fresh output directory. */
async function synth(hexabidEnv: string | undefined, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; stacks: string[]; outdir: string }> {
  const outdir = scratchDir('hexabid-synth');
  const env = { ...process.env, CDKTF_OUTDIR: outdir, HEXABID_ENV: hexabidEnv ?? '', ...extraEnv };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--require', 'tsx/cjs', 'main.ts'], { env });
    return { code: 0, stdout, stderr, stacks: readdirSync(join(outdir, 'stacks')).sort(), outdir };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr, stacks: [], outdir };
  }
}

const manifestOf = (outdir: string) => JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };

describe('environment selection', () => {
  it('selects every environment when HEXABID_ENV is unset or empty', () => {
    expect(selectEnvironments(undefined).map((e) => e.name)).toEqual(names);
    expect(selectEnvironments(' ').map((e) => e.name)).toEqual(names);
  });

  it('selects a comma-separated list, in its order', () => {
    const [first, second] = [names.at(-1)!, names[0]!];
    expect(selectEnvironments(`${first}, ${second}`).map((e) => e.name)).toEqual([first, second]);
  });

  it('rejects an unknown name and lists the valid ones', () => {
    expect(() => selectEnvironments(`${names[0]},prod`)).toThrow(UnknownEnvironmentError);
    expect(() => selectEnvironments(`${names[0]},prod`)).toThrow(`Unknown environment "prod" in HEXABID_ENV; ${validNames}`);
  });
});

describe('main.ts', () => {
  // The run's global setup ran main.ts once with HEXABID_ENV unset (__tests__/setup/global.ts).
  it("synthesizes each account's bootstrap stack and the stacks of every environment", () => {
    const expected = [...bootstraps, ...ENVIRONMENTS.flatMap(environmentStackNames)].sort();
    expect(readdirSync(join(synthOutdir(), 'stacks')).sort()).toEqual(expected);
    const manifest = manifestOf(synthOutdir());
    for (const environment of ENVIRONMENTS) {
      // `cdktf deploy` applies the cluster before what runs in it, and a standby's failover stacks after its always-on stack.
      expect(manifest.stacks[kubernetesStackName(environment)]!.dependencies).toEqual([infrastructureStackName(environment)]);
      expect(manifest.stacks[infrastructureStackName(environment)]!.dependencies).toEqual(environment.standbyFor ? [standbyStackName(environment)] : []);
    }
  });

  it('writes nothing to stderr when all is well', () => {
    // The cdktf CLI shows whatever an app writes to stderr as an error, so information (the example-account note) goes to stdout.
    expect(inject('synthStderr')).toBe('');
  });

  it('synthesizes only the environments HEXABID_ENV names, and keeps the bootstrap state local only when asked', async () => {
    const environment = ENVIRONMENTS.find((e) => !e.standbyFor)!;
    const result = await synth(environment.name, { HEXABID_BOOTSTRAP_STATE: 'local' });
    expect(result.code).toBe(0);
    // The accounts' bootstraps are always there: every environment assumes its account's.
    expect(result.stacks).toEqual([...bootstraps, ...environmentStackNames(environment)].sort());
    for (const bootstrap of bootstraps) {
      expect(manifestOf(result.outdir).stacks[bootstrap]!.dependencies).toEqual([]);
      expect(JSON.parse(readFileSync(join(result.outdir, 'stacks', bootstrap, 'cdk.tf.json'), 'utf8')).terraform.backend).toEqual({
        local: { path: bootstrapLocalStatePath(bootstrap) },
      });
    }
    if (isExampleAccount()) {
      expect(result.stdout).toContain(`Note: synthesizing for the example accounts ${ACCOUNTS.map((a) => `${a.accountId} (${a.name})`).join(' and ')}. Set your account IDs in environments/account.ts`);
    } else {
      expect(result.stdout).not.toContain('example account');
    }
  });

  it('refuses a bootstrap state other than local or s3, in one line and no stack trace', async () => {
    const typo = await synth(names[0], { HEXABID_BOOTSTRAP_STATE: 'locale' });
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim()).toBe(
      'Invalid configuration for environment "bootstrap":\n  - HEXABID_BOOTSTRAP_STATE = "locale": must be "local" (the first bootstrap apply only), "s3" or unset',
    );
  });

  it('exits non-zero with the valid names, and no stack trace, for an unknown environment', async () => {
    const result = await synth('no-such-environment');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`Unknown environment "no-such-environment" in HEXABID_ENV; ${validNames}`);
  });
});

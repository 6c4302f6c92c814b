import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accountOf } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { failbackPlan, failoverPlan, type Plan } from '../../../tools/disaster-recovery/plan.ts';
import { runPlan, stepText, type Executor } from '../../../tools/disaster-recovery/run.ts';
import { UsageError } from '../../../lib/cli.ts';
import { parseArguments, tunnelTarget } from '../../../tools/disaster-recovery/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TUNNEL = tunnelTarget();
const CONTEXT = `arn:aws:eks:${TUNNEL.region}:${accountOf(ENVIRONMENTS.find((e) => e.standbyFor)!).accountId}:cluster/${TUNNEL.clusterName}`;

/**
 * A world of stand-ins: every command takes one tick of a fake clock per
 * call, and the log says what started and ended when. `fail` names a command
 * (by its first words) that exits 1; `answers` gives captured outputs in turn.
 */
function fakeWorld(options: { fail?: string; answers?: Record<string, string[]> } = {}) {
  const events: string[] = [];
  const logs: string[] = [];
  const envs: Record<string, string>[] = [];
  let clock = 0;
  const answers = Object.fromEntries(Object.entries(options.answers ?? {}).map(([k, v]) => [k, [...v]]));
  const exec: Executor = {
    async run(argv, { env, label, capture }) {
      const text = argv.join(' ');
      events.push(`start ${label}: ${text}`);
      envs.push({ ...env });
      await new Promise((resolve) => setImmediate(resolve));
      clock += 1;
      events.push(`end ${label}: ${text}`);
      if (options.fail && text.startsWith(options.fail)) return { code: 1, stdout: '' };
      const key = Object.keys(answers).find((k) => text.startsWith(k));
      const stdout = key ? (answers[key]!.length > 1 ? answers[key]!.shift()! : answers[key]![0]!) : capture ? 'ok' : '';
      return { code: 0, stdout };
    },
    async background(argv, { label }) {
      events.push(`background ${label}: ${argv.join(' ')}`);
      return { stop: () => events.push(`stop ${label}`) };
    },
    tempFile: (name) => `/tmp/${name}`,
    sleep: async () => {
      clock += 30;
    },
    now: () => new Date(Date.UTC(2026, 0, 1) + clock * 1000),
    log: (line) => logs.push(line),
  };
  return { exec, events, logs, envs };
}

const firstIndex = (events: string[], prefix: string) => events.findIndex((e) => e.startsWith(prefix));
const lastIndex = (events: string[], prefix: string) => events.map((e, i) => (e.startsWith(prefix) ? i : -1)).filter((i) => i >= 0).at(-1)!;

describe('npm run dr: running a plan', () => {
  const plan = failoverPlan(ENVIRONMENTS, '1.4.2');

  it('starts every step whose dependencies are done at once, and a step only after all of its dependencies', async () => {
    const { exec, events } = fakeWorld({ answers: { 'aws eks describe-cluster': ['https://ABC.gr7.ap-south-2.eks.amazonaws.com'], 'kubectl config current-context': [CONTEXT] } });
    const result = await runPlan(plan, exec, { tunnel: TUNNEL });
    expect(result).toEqual({ ok: true, finished: expect.arrayContaining(plan.steps.map((s) => s.id)), failed: undefined, notStarted: [] });
    // Promotion, the secrets and the build start before any of them ends.
    const firstEnd = firstIndex(events, 'end ');
    for (const step of ['promote-database', 'standalone-secrets', 'build-infrastructure']) expect(firstIndex(events, `start ${step}:`), step).toBeLessThan(firstEnd);
    // The app waits for both the promotion and the build.
    const install = firstIndex(events, 'start install-app:');
    expect(install).toBeGreaterThan(lastIndex(events, 'end promote-database:'));
    expect(install).toBeGreaterThan(lastIndex(events, 'end build-infrastructure:'));
    expect(firstIndex(events, 'start confirm-serving:')).toBeGreaterThan(lastIndex(events, 'end install-app:'));
  });

  it('reaches the cluster through its own tunnel: kubeconfig pointed at it, closed when the step ends', async () => {
    const { exec, events, envs } = fakeWorld({ answers: { 'aws eks describe-cluster': ['https://ABC.gr7.ap-south-2.eks.amazonaws.com'], 'kubectl config current-context': [CONTEXT] } });
    await runPlan(plan, exec, { only: ['wait-search-restore'], tunnel: TUNNEL });
    expect(events.filter((e) => e.startsWith('start') || e.startsWith('background') || e.startsWith('stop'))).toEqual([
      `background wait-search-restore: npm run --silent tunnel -- production-dr --port ${TUNNEL.port}`,
      `start wait-search-restore: aws eks update-kubeconfig --name ${TUNNEL.clusterName} --region ${TUNNEL.region}`,
      'start wait-search-restore: kubectl config current-context',
      `start wait-search-restore: aws eks describe-cluster --name ${TUNNEL.clusterName} --region ${TUNNEL.region} --query cluster.endpoint --output text`,
      `start wait-search-restore: kubectl config set-cluster ${CONTEXT} --server=https://127.0.0.1:${TUNNEL.port} --tls-server-name=ABC.gr7.ap-south-2.eks.amazonaws.com`,
      'start wait-search-restore: kubectl -n hexabid-system wait --for=condition=complete job/search-restore --timeout=90m',
      'stop wait-search-restore',
    ]);
    for (const env of envs) expect(env).toMatchObject({ KUBECONFIG: '/tmp/wait-search-restore.kubeconfig', TF_VAR_cluster_api_tunnel_port: '8444' });
  });

  it('stops starting steps at the first failure, lets the running ones finish, and says which never started', async () => {
    const { exec, events } = fakeWorld({ fail: 'aws rds promote-read-replica' });
    const result = await runPlan(plan, exec, { tunnel: TUNNEL });
    expect(result.ok).toBe(false);
    expect(result.failed).toMatchObject({ step: 'promote-database' });
    // What was running carried on to its end; nothing that waits on the promotion started.
    expect(result.finished).toEqual(expect.arrayContaining(['standalone-secrets', 'build-infrastructure']));
    expect([...result.notStarted].sort()).toEqual(['confirm-serving', 'install-app', 'quiet-standby-alarms', 'wait-search-restore']);
    expect(events.some((e) => e.startsWith('start install-app'))).toBe(false);
    expect(events.some((e) => e.includes('aws rds wait db-instance-available'))).toBe(false);
  });

  it('runs one step alone, without the steps it waits for, and refuses a step the plan lacks', async () => {
    const { exec, events } = fakeWorld();
    expect((await runPlan(plan, exec, { only: ['quiet-standby-alarms'] })).ok).toBe(true);
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start quiet-standby-alarms: aws cloudwatch disable-alarm-actions --region ap-south-2 --alarm-names hexabid-production-dr-db-standby-replica-lag-high']);
    await expect(runPlan(plan, exec, { only: ['nope'] })).rejects.toThrow('failover has no step nope');
  });
});

describe('npm run dr: a failback step', () => {
  const plan: Plan = failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' }, { primary: 'aws_db_instance.Database_Primary_1B138CD9', replicas: ['aws_db_instance.Database_Replica1_71CC5B0F'] });

  it('reads the master password from its secret at run time and never logs it', async () => {
    const password = 'S3cretFromSecretsManager';
    const { exec, events, logs } = fakeWorld({ answers: { 'aws secretsmanager get-secret-value': [JSON.stringify({ username: 'hexabid_admin', password })] } });
    expect((await runPlan(plan, exec, { only: ['adopt-home'] })).ok).toBe(true);
    expect(events).toContain(`start adopt-home: aws rds modify-db-instance --region ap-south-1 --db-instance-identifier hexabid-production --apply-immediately --master-user-password ${password}`);
    expect(logs.join('\n')).not.toContain(password);
    expect(logs.join('\n')).toContain('--master-user-password "$(aws secretsmanager get-secret-value');
  });

  it("waits until the replica's lag has stayed at zero before promoting it", async () => {
    const { exec, events } = fakeWorld({ answers: { 'aws cloudwatch get-metric-statistics': ['12.0', '3.0', '0.0'], 'aws eks describe-cluster': ['https://X'], 'kubectl config current-context': ['ctx'] } });
    expect((await runPlan(plan, exec, { only: ['switch-home'], tunnel: TUNNEL })).ok).toBe(true);
    const polls = events.filter((e) => e.startsWith('start switch-home: aws cloudwatch get-metric-statistics'));
    expect(polls).toHaveLength(3);
    // The window is the last five minutes, read from the clock at each poll.
    expect(polls[0]).toContain('--start-time 2025-12-31T23:55:05Z --end-time 2026-01-01T00:00:05Z');
    expect(firstIndex(events, 'start switch-home: aws rds promote-read-replica')).toBeGreaterThan(lastIndex(events, 'end switch-home: aws cloudwatch get-metric-statistics'));
  });
});

describe('npm run dr, the command', () => {
  const dr = (...args: string[]) => spawnSync(process.execPath, ['--require', 'tsx/cjs', 'tools/disaster-recovery/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

  // --help, and the refusal of an unknown argument, are __tests__/npm-scripts.test.ts's, as for every script.
  it('refuses what it does not take: a step the plan lacks, in the process, and the rest in its parser', () => {
    const refused = dr('failover', '--image-tag', '1.4.2', '--step', 'nope', '--print');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('failover has no step nope');
    expect(refused.stderr).toContain('usage: npm run dr --');
    // The parser, in process: each of these is a usage error.
    for (const args of [['failover'], ['failover', '--image-tag', 'latest'], ['failover', '--image-tag', '1.4.2', '--bogus'], ['failover', '--image-tag'], ['failback', '--image-tag', '1.4.2'], ['failback', '--step', 'switch-home', '--image-tag', '1.4.2', '--date', '2026-01-01'], ['timeline', 'extra'], ['rollback'], []]) {
      expect(() => parseArguments(args), args.join(' ')).toThrow(UsageError);
    }
    expect(parseArguments(['failover', '--image-tag', '1.4.2', '--step', 'all'])).toMatchObject({ plan: 'failover', imageTag: '1.4.2', step: undefined, print: false });
  });
});

describe('what the document shows and what npm run dr runs', () => {
  /**
   * Each step's printed lines, run by bash with stand-ins that record their
   * arguments, must run exactly the commands `npm run dr` runs for that step,
   * with the same arguments, the same lookups and the same secrets read: the
   * document and the workflows cannot drift apart.
   */
  /** Captured outputs, by tool and the start of its arguments. */
  const ANSWERS: { tool: string; args: string; answer: string }[] = [
    { tool: 'aws', args: 'route53 list-health-checks ', answer: 'Z0HEALTHCHECK' },
    { tool: 'aws', args: 'secretsmanager get-secret-value ', answer: '{"username":"hexabid_admin","password":"from-the-secret"}' },
    { tool: 'aws', args: 'cloudwatch get-metric-statistics ', answer: '0.0' },
    { tool: 'aws', args: 'eks describe-cluster ', answer: 'https://ABC.gr7.example.eks.amazonaws.com' },
    { tool: 'kubectl', args: 'config current-context', answer: 'the-context' },
  ];
  const answerTo = (argv: readonly string[]) => ANSWERS.find((a) => argv[0] === a.tool && argv.slice(1).join(' ').startsWith(a.args))?.answer ?? '';
  const TOOLS = ['aws', 'kubectl', 'npm', 'npx', 'terraform', 'sleep'];
  const SEP = '\x1f';
  const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;
  const dir = mkdtempSync(join(tmpdir(), 'hexabid-dr-shell-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  /** A stand-in that appends its name, arguments and the two variables a step sets to $RECORD, and answers as ANSWERS say. */
  const stub = (name: string) =>
    [
      '#!/usr/bin/env bash',
      `printf '%s${SEP}' ${quote(name)} "$@" "IMAGE_TAG=\${IMAGE_TAG-}" "HEXABID_ENV=\${HEXABID_ENV-}" >> "$RECORD"`,
      `printf '\\n' >> "$RECORD"`,
      'case "$*" in',
      ...ANSWERS.filter((a) => a.tool === name).map((a) => `  ${quote(a.args)}*) printf '%s\\n' ${quote(a.answer)} ;;`),
      'esac',
    ].join('\n');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'tools', 'ci', 'steps'), { recursive: true });
  for (const tool of TOOLS) writeFileSync(join(dir, 'bin', tool), stub(tool), { mode: 0o755 });
  writeFileSync(join(dir, 'tools', 'ci', 'steps', 'deploy.sh'), stub('tools/ci/steps/deploy.sh'), { mode: 0o755 });
  writeFileSync(join(dir, 'bin', 'date'), "#!/usr/bin/env bash\necho 2026-01-01T00:00:00Z\n", { mode: 0o755 });

  /** The shell's commands: argv, and the environment the command itself sets. */
  function shellRun(lines: readonly string[]): string[] {
    const record = join(dir, 'record');
    writeFileSync(record, '');
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', lines.join('\n')], { cwd: dir, encoding: 'utf8', env: { TMPDIR: process.env.TMPDIR, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, RECORD: record, HOME: dir } });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const words = line.split(SEP).slice(0, -1);
        const env = words.splice(-2).filter((w) => !w.endsWith('='));
        return [...env, ...words].join(' ').replace(TIME, '<time>');
      });
  }

  /** What runPlan runs for the step, in the same form. */
  async function planRun(plan: Plan, id: string): Promise<string[]> {
    const ran: string[] = [];
    const exec: Executor = {
      async run(argv, { env }) {
        const own = ['IMAGE_TAG', 'HEXABID_ENV'].filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`);
        const text = argv.join(' ');
        ran.push([...own, text].join(' ').replace(TIME, '<time>'));
        return { code: 0, stdout: answerTo(argv) };
      },
      background: async () => ({ stop: () => undefined }),
      tempFile: (name) => join(dir, name),
      sleep: async () => undefined,
      now: () => new Date(),
      log: () => undefined,
    };
    expect((await runPlan(plan, exec, { only: [id], tunnel: TUNNEL })).ok).toBe(true);
    return ran;
  }

  const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
  const plans: Plan[] = [
    failoverPlan(ENVIRONMENTS, '1.4.2'),
    failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' }, { primary: 'aws_db_instance.Primary', replicas: [`aws_db_instance.Replica_${primary.name}`] }),
  ];
  it.each(plans.flatMap((plan) => plan.steps.map((step) => [plan.name, step.id, plan] as const)))('%s/%s', async (_name, id, plan) => {
    const step = plan.steps.find((s) => s.id === id)!;
    const shell = shellRun(stepText(step, TUNNEL));
    expect(shell.length).toBeGreaterThan(0);
    expect(shell).toEqual(await planRun(plan, id));
  });
});

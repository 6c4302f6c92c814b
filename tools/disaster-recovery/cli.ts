/**
 * The failover and failback of production (docs/DISASTER-RECOVERY.md), step
 * by step, as the GitHub workflows run them and as a person at a laptop with
 * the platform-admin role does:
 *
 *   npm run dr -- failover --image-tag 1.4.2                 # every step, side by side where they can be
 *   npm run dr -- failover --image-tag 1.4.2 --step install-app
 *   npm run dr -- failover --image-tag 1.4.2 --print         # the commands, and nothing run
 *   npm run dr -- failback --step replicate-home --image-tag 1.4.2
 *   npm run dr -- timeline                                   # the planned failover, minute by minute
 *
 * Exits 0 when every chosen step finished, 1 when one failed (the steps
 * after it did not start), 2 on a usage error.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { databaseAddresses, failbackPlan, failoverPlan, orderedSteps, schedule, type InfrastructureJson, type Plan } from './plan.ts';
import { runPlan, stepText, type Executor, type TunnelTarget } from './run.ts';
import { IMAGE_TAG_PATTERN } from '../../stacks/image-tag-variable.ts';
import { infrastructureStackName } from '../../environments/stack-names.ts';

const USAGE = `usage: npm run dr -- failover --image-tag <tag> [--step <step>|all] [--print]
       npm run dr -- failback --step <step> --image-tag <tag> [--date YYYYMMDD] [--print]
       npm run dr -- timeline
  --image-tag  the tag production last served (failover), or to serve again (failback)
  --step       one step only (its own dependencies are not run); failover runs all by default
  --print      print each step's commands, and run nothing
  --date       names the standby database's final snapshot on failback; today (UTC) by default`;

/** The port of the tunnel a step opens itself; deploy.sh's own tunnel keeps 8443. */
const STEP_TUNNEL_PORT = 8444;

export interface Request {
  readonly plan: 'failover' | 'failback' | 'timeline';
  readonly imageTag: string;
  readonly step?: string;
  readonly print: boolean;
  readonly date: string;
}

/** The command line, checked: throws {@link UsageError} on anything it does not take. */
export function parseArguments(args: readonly string[]): Request {
  const [plan, ...rest] = args;
  if (plan === undefined) throw new UsageError('name a plan: failover, failback or timeline');
  if (plan !== 'failover' && plan !== 'failback' && plan !== 'timeline') throw new UsageError(`unknown plan ${JSON.stringify(plan)}: failover, failback or timeline`);
  let imageTag = '';
  let step: string | undefined;
  let print = false;
  let date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = () => {
      const next = rest[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--image-tag') imageTag = value();
    else if (arg === '--step') step = value();
    else if (arg === '--print') print = true;
    else if (arg === '--date') date = value();
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (plan === 'timeline') {
    if (rest.length > 0) throw new UsageError('timeline takes no arguments');
    return { plan, imageTag: '', print: false, date };
  }
  if (!new RegExp(IMAGE_TAG_PATTERN).test(imageTag) || imageTag === 'latest') throw new UsageError(`--image-tag must be a Docker tag other than latest (got ${JSON.stringify(imageTag)})`);
  if (!/^\d{8}$/.test(date)) throw new UsageError(`--date must be YYYYMMDD (got ${JSON.stringify(date)})`);
  if (plan === 'failback' && step === undefined) throw new UsageError('failback runs one step at a time: name it with --step');
  return { plan, imageTag, step: step === 'all' ? undefined : step, print, date };
}

/** Production's infrastructure stack as it synthesizes, for the addresses of its database instances. */
async function primaryInfrastructure(): Promise<InfrastructureJson> {
  const [{ App, Testing }, { InfrastructureStack }] = await Promise.all([import('cdktf'), import('../../stacks/infrastructure-stack.ts')]);
  const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
  return JSON.parse(Testing.synth(new InfrastructureStack(new App({ stackTraces: false }), primary))) as InfrastructureJson;
}

/** The standby's cluster, which the steps that use kubectl reach through a tunnel of their own. */
export function tunnelTarget(): TunnelTarget {
  const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;
  return { clusterName: infrastructureStackName(standby), region: standby.region, port: STEP_TUNNEL_PORT };
}

/** The planned failover as a table: each step's start and end, in minutes from the decision. */
export function timelineText(plan: Plan): string {
  const times = schedule(plan);
  const rows = orderedSteps(plan).map((s) => `| ${s.id} | ${s.title} | ${s.after.join(', ') || 'the decision'} | ${times.get(s.id)!.start} | ${times.get(s.id)!.end} |`);
  return ['| Step | What | After | Starts (min) | Ends (min) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Each step's commands, as the document shows them. */
export function planText(plan: Plan, tunnel: TunnelTarget): string {
  return orderedSteps(plan).map((s) => [`# ${s.id}: ${s.title}`, ...stepText(s, tunnel)].join('\n')).join('\n\n');
}

function waitForPort(port: number, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadlineMs) reject(new Error(`nothing listens on 127.0.0.1:${port}: the tunnel did not open`));
        else setTimeout(attempt, 2000);
      });
    };
    attempt();
  });
}

/** Lines of a child's output, prefixed with its step. */
function prefixed(label: string, stream: NodeJS.ReadableStream, write: (line: string) => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) write(`[${label}] ${line}`);
  });
  stream.on('end', () => rest && write(`[${label}] ${rest}`));
}

/** Where the steps' kubeconfigs go: made on first use, removed at the end. */
let scratch: string | undefined;

/** The real world: child processes with the project's environment. */
const world: Executor = {
  run(argv, options) {
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, RUN_URL: process.env.RUN_URL ?? 'local', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      if (options.capture) child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      else prefixed(options.label, child.stdout, (l) => console.log(l));
      prefixed(options.label, child.stderr, (l) => console.error(l));
      child.on('error', (error) => {
        console.error(`[${options.label}] could not run ${argv[0]}: ${error.message}`);
        resolve({ code: 127, stdout });
      });
      child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
    });
  },
  async background(argv, options) {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    prefixed(`${options.label} tunnel`, child.stderr, (l) => console.error(l));
    await waitForPort(options.port, Date.now() + 120_000);
    return { stop: () => child.kill() };
  },
  tempFile: (name) => join((scratch ??= mkdtempSync(join(tmpdir(), 'hexabid-dr-'))), name),
  sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
  now: () => new Date(),
  log: (line) => console.log(line),
};

async function run(request: Request): Promise<number> {
  if (request.plan === 'timeline') {
    const plan = failoverPlan(ENVIRONMENTS, '<tag>');
    const times = schedule(plan);
    const end = Math.max(...[...times.values()].map((t) => t.end));
    console.log(`${timelineText(plan)}\n\nServing ${times.get('confirm-serving')!.end} minutes after the decision; every step done after ${end}.`);
    return 0;
  }
  const plan =
    request.plan === 'failover'
      ? failoverPlan(ENVIRONMENTS, request.imageTag)
      : failbackPlan(ENVIRONMENTS, { imageTag: request.imageTag, date: request.date }, databaseAddresses(await primaryInfrastructure(), ENVIRONMENTS.find((e) => e.disasterRecovery)!));
  if (request.step !== undefined && !plan.steps.some((s) => s.id === request.step)) {
    throw new UsageError(`${plan.name} has no step ${request.step}; its steps are ${orderedSteps(plan).map((s) => s.id).join(', ')}`);
  }
  if (request.print) {
    const chosen = { ...plan, steps: plan.steps.filter((s) => request.step === undefined || s.id === request.step).map((s) => ({ ...s, after: s.after.filter((id) => id === request.step) })) };
    console.log(planText(chosen, tunnelTarget()));
    return 0;
  }
  const result = await runPlan(plan, world, { only: request.step ? [request.step] : undefined, tunnel: tunnelTarget() });
  console.log(result.ok ? `${plan.name}: ${result.finished.join(', ')} finished.` : `${plan.name} stopped: ${result.failed?.step ?? 'a step'} failed (${result.failed?.error ?? 'see above'}); not started: ${result.notStarted.join(', ') || 'none'}.`);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  return result.ok ? 0 : 1;
}

export const cli: CliDefinition<Request> = { usage: USAGE, parse: parseArguments, run };
if (require.main === module) startCli(cli);

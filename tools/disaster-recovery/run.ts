/**
 * Runs a plan's steps: each as soon as the steps it waits for have finished,
 * so independent steps run side by side, their output prefixed with their
 * name. The first failure stops new steps from starting; the ones running
 * finish, and the summary says which step failed and which never started.
 * Everything outside this process goes through an {@link Executor}, so tests
 * run the scheduling with stand-ins.
 */
import { commandText, orderedSteps, type Command, type Plan, type Step, type Word } from './plan.ts';

/** What running a plan needs from the world. */
export interface Executor {
  /** Runs a command to the end; with `capture`, returns its standard output instead of streaming it. */
  run(argv: readonly string[], options: { env: Readonly<Record<string, string>>; label: string; capture?: boolean }): Promise<{ code: number; stdout: string }>;
  /** Starts a command that runs until stopped (the tunnel); resolves once `port` accepts connections. */
  background(argv: readonly string[], options: { label: string; port: number }): Promise<{ stop(): void }>;
  /** A scratch file path for the step's kubeconfig. */
  tempFile(name: string): string;
  sleep(seconds: number): Promise<void>;
  now(): Date;
  log(line: string): void;
}

/** How a step reaches a private cluster: the tunnel's port, and the cluster it forwards to. */
export interface TunnelTarget {
  readonly clusterName: string;
  readonly region: string;
  readonly port: number;
}

export interface RunResult {
  readonly ok: boolean;
  readonly finished: readonly string[];
  readonly failed?: { readonly step: string; readonly error: string };
  readonly notStarted: readonly string[];
}

class StepFailed extends Error {}

/** The shell a person types to reach a cluster through the tunnel: the same lines the runbook gives. */
export function tunnelText(environment: string, target: TunnelTarget): string[] {
  return [
    `# In another shell, and leave it running: npm run tunnel -- ${environment} --port ${target.port}`,
    `export TF_VAR_cluster_api_tunnel_port=${target.port}`,
    `aws eks update-kubeconfig --name ${target.clusterName} --region ${target.region}`,
    `kubectl config set-cluster "$(kubectl config current-context)" --server=https://127.0.0.1:${target.port} --tls-server-name="$(aws eks describe-cluster --name ${target.clusterName} --region ${target.region} --query cluster.endpoint --output text | sed 's#https://##')"`,
  ];
}

/** A step's commands as shell lines, with the tunnel's set-up first when it reaches a cluster. */
export function stepText(step: Step, tunnel?: TunnelTarget): string[] {
  return [...(step.tunnel && tunnel ? tunnelText(step.tunnel, tunnel) : []), ...step.commands.map(commandText)];
}

async function resolveWord(word: Word, exec: Executor, label: string): Promise<string> {
  if (typeof word === 'string') return word;
  if ('output' in word) {
    const argv = await Promise.all(word.output.map((w) => resolveWord(w, exec, label)));
    const found = await exec.run(argv, { env: {}, label, capture: true });
    const value = found.stdout.trim();
    // The CLI prints None for a query that matched nothing.
    if (found.code !== 0 || value === '' || value === 'None') throw new StepFailed(`${argv.slice(0, 3).join(' ')} … found nothing (exit ${found.code})`);
    return value;
  }
  if ('minutesAgo' in word) return new Date(exec.now().getTime() - word.minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { secret } = word;
  const read = await exec.run(['aws', 'secretsmanager', 'get-secret-value', '--region', secret.region, '--secret-id', secret.secretId, '--query', 'SecretString', '--output', 'text'], { env: {}, label, capture: true });
  if (read.code !== 0) throw new StepFailed(`cannot read ${secret.secretId} in ${secret.region}`);
  const value = (JSON.parse(read.stdout) as Record<string, unknown>)[secret.field];
  if (typeof value !== 'string' || value === '') throw new StepFailed(`${secret.secretId} holds no ${secret.field}`);
  return value;
}

async function runCommand(command: Command, exec: Executor, label: string, env: Readonly<Record<string, string>>): Promise<void> {
  const argv = await Promise.all(command.argv.map((w) => resolveWord(w, exec, label)));
  if (command.kind === 'run') {
    // Secrets never reach the log: the command is logged as a person would type it.
    exec.log(`[${label}] $ ${commandText(command)}`);
    const result = await exec.run(argv, { env: { ...env, ...command.env }, label });
    if (result.code !== 0) throw new StepFailed(`${argv.slice(0, 3).join(' ')} … exited ${result.code}`);
    return;
  }
  exec.log(`[${label}] waiting for ${command.waitsFor}`);
  const deadline = exec.now().getTime() + command.timeoutMinutes * 60_000;
  for (;;) {
    const fresh = await Promise.all(command.argv.map((w) => resolveWord(w, exec, label)));
    const result = await exec.run(fresh, { env, label, capture: true });
    if (result.code === 0 && result.stdout.trim() === command.until) return;
    if (exec.now().getTime() >= deadline) throw new StepFailed(`still not ${command.waitsFor} after ${command.timeoutMinutes} minutes (last answer: ${result.stdout.trim() || `exit ${result.code}`})`);
    await exec.sleep(command.everySeconds);
  }
}

async function runStep(step: Step, exec: Executor, tunnel: TunnelTarget | undefined): Promise<void> {
  const env: Record<string, string> = {};
  let open: { stop(): void } | undefined;
  try {
    if (step.tunnel) {
      if (!tunnel) throw new StepFailed(`${step.id} reaches ${step.tunnel}'s cluster, and no tunnel was given`);
      open = await exec.background(['npm', 'run', '--silent', 'tunnel', '--', step.tunnel, '--port', String(tunnel.port)], { label: step.id, port: tunnel.port });
      const kubeconfig = exec.tempFile(`${step.id}.kubeconfig`);
      Object.assign(env, { KUBECONFIG: kubeconfig, TF_VAR_cluster_api_tunnel_port: String(tunnel.port) });
      const kube = async (argv: readonly string[], capture = false) => {
        const result = await exec.run(argv, { env, label: step.id, capture });
        if (result.code !== 0) throw new StepFailed(`${argv.slice(0, 3).join(' ')} … exited ${result.code}`);
        return result.stdout.trim();
      };
      // In the order the shell runs tunnelText's lines, substitutions before the command that uses them.
      await kube(['aws', 'eks', 'update-kubeconfig', '--name', tunnel.clusterName, '--region', tunnel.region]);
      // update-kubeconfig names the context after the cluster's entry: point that entry at the tunnel.
      const context = await kube(['kubectl', 'config', 'current-context'], true);
      const host = (await kube(['aws', 'eks', 'describe-cluster', '--name', tunnel.clusterName, '--region', tunnel.region, '--query', 'cluster.endpoint', '--output', 'text'], true)).replace(/^https:\/\//, '');
      await kube(['kubectl', 'config', 'set-cluster', context, `--server=https://127.0.0.1:${tunnel.port}`, `--tls-server-name=${host}`]);
    }
    for (const command of step.commands) await runCommand(command, exec, step.id, env);
  } finally {
    open?.stop();
  }
}

/**
 * Runs the chosen steps of a plan (all of them by default): each starts once
 * every step it waits for, among the chosen ones, has finished.
 */
export async function runPlan(plan: Plan, exec: Executor, options: { only?: readonly string[]; tunnel?: TunnelTarget } = {}): Promise<RunResult> {
  const order = orderedSteps(plan);
  const chosen = options.only ? order.filter((s) => options.only!.includes(s.id)) : order;
  for (const id of options.only ?? []) if (!order.some((s) => s.id === id)) throw new Error(`${plan.name} has no step ${id}; its steps are ${order.map((s) => s.id).join(', ')}`);
  const ids = new Set(chosen.map((s) => s.id));
  const finished: string[] = [];
  const running = new Map<string, Promise<void>>();
  let failed: RunResult['failed'];
  const ready = (step: Step) => step.after.every((id) => !ids.has(id) || finished.includes(id));
  while (finished.length + (failed ? 1 : 0) < chosen.length) {
    if (!failed) {
      for (const step of chosen) {
        if (running.has(step.id) || finished.includes(step.id) || !ready(step)) continue;
        exec.log(`[${step.id}] start: ${step.title}`);
        running.set(
          step.id,
          runStep(step, exec, options.tunnel).then(
            () => {
              exec.log(`[${step.id}] done`);
              finished.push(step.id);
            },
            (error: unknown) => {
              const message = error instanceof Error ? error.message : String(error);
              exec.log(`[${step.id}] FAILED: ${message}`);
              failed ??= { step: step.id, error: message };
            },
          ),
        );
      }
    }
    if (running.size === 0) break;
    const settled = await Promise.race([...running.entries()].map(([id, p]) => p.then(() => id)));
    running.delete(settled);
  }
  await Promise.all(running.values());
  const notStarted = chosen.filter((s) => !finished.includes(s.id) && s.id !== failed?.step).map((s) => s.id);
  return { ok: failed === undefined && notStarted.length === 0, finished, failed, notStarted };
}

import { describe, expect, it } from 'vitest';
import { accountOf } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { failbackPlan, failoverPlan, fencedPath, orderedSteps, schedule, type Plan, type Step, type Word } from '../../../tools/disaster-recovery/plan.ts';
import { bootstrapStackName, infrastructureStackName, kubernetesStackName, standbyStackName } from '../../../environments/stack-names.ts';
import { resourcesOf, synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../../helpers/synth.ts';
import { regionOf } from '../../stacks/resource-policies.ts';

/**
 * The failover and the failback walked as dependency graphs over the
 * synthesized stacks: every step may use only what exists before it, that is
 * what the stacks applied before the failover made, and what the steps it
 * waits for applied or created; every name a step uses must be one of those,
 * in the region the step uses it in; the failover uses nothing in the region
 * that failed. And the planned failover, from the decision to serving, fits
 * in two hours of steps.
 */
const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;
const ACCOUNT = accountOf(primary);
const BOOTSTRAP_STACK_NAME = bootstrapStackName(ACCOUNT);

const stacks = new Map<string, TfJson>([
  [BOOTSTRAP_STACK_NAME, synthBootstrap(ACCOUNT).json],
  ...ENVIRONMENTS.flatMap((e): [string, TfJson][] => [
    [infrastructureStackName(e), synthEnvironment(e).json],
    [kubernetesStackName(e), synthKubernetesEnvironment(e).json],
    ...(e.standbyFor ? [[standbyStackName(e), synthStandby(e).json] as [string, TfJson]] : []),
  ]),
]);

/** A named thing a step needs, where it needs it. */
interface Need {
  readonly what: string;
  readonly region: string;
  /** Whether a stack made it, in that region. */
  readonly made: (json: TfJson) => boolean;
}

const accountIn = (text: string) => text.replaceAll('<account>', ACCOUNT.accountId);
const strings = (json: TfJson, type: string, field: string, region: string) =>
  resourcesOf(json, type).filter((r) => regionOf(json, r) === region).map((r) => String(r[field]).replace(/\$\{data\.aws_caller_identity\.[^}]+\}/, ACCOUNT.accountId));

function named(type: string, field: string, value: string, region: string): Need {
  return { what: `${type} ${value} in ${region}`, region, made: (json) => strings(json, type, field, region).includes(value) };
}

/** A secret made in a region, or copied to it by Secrets Manager. */
function secret(name: string, region: string): Need {
  return {
    what: `secret ${name} in ${region}`,
    region,
    made: (json) => resourcesOf(json, 'aws_secretsmanager_secret').some((s) => s.name === name && (regionOf(json, s) === region || (s.replica ?? []).some((r: { region: string }) => r.region === region))),
  };
}

/** Every name a command of the AWS CLI, kubectl or npm uses, with where it uses it. */
function needsOf(step: Step, created: Set<string>): Need[] {
  const needs: Need[] = [];
  for (const command of step.commands) {
    const words = command.argv.map((w: Word) => (typeof w === 'string' ? w : '')) as string[];
    const flag = (name: string) => (words.includes(name) ? words[words.indexOf(name) + 1] : undefined);
    const region = flag('--region') ?? step.region;
    const [tool, service, verb] = words;
    if (tool === 'aws' && service === 'rds') {
      const id = flag('--db-instance-identifier')!;
      // A name the plan gives (a rename, a new replica) exists from then on.
      if (verb === 'create-db-instance-read-replica') created.add(`db ${id} ${region}`);
      else if (verb === 'wait' && created.has(`db ${id} ${region}`)) continue;
      else if (!created.has(`db ${id} ${region}`) && verb !== 'wait') needs.push(named('aws_db_instance', 'identifier', id, region));
      else if (verb === 'wait') needs.push(named('aws_db_instance', 'identifier', id, region));
      const renamed = flag('--new-db-instance-identifier');
      if (renamed) created.add(`db ${renamed} ${region}`);
      const source = flag('--source-db-instance-identifier');
      if (source) {
        const [, , , sourceRegion, , , sourceId] = source.split(':');
        needs.push(named('aws_db_instance', 'identifier', sourceId!, sourceRegion!));
      }
      const kmsAlias = flag('--kms-key-id');
      if (kmsAlias) needs.push(named('aws_kms_alias', 'name', kmsAlias, region));
      const subnets = flag('--db-subnet-group-name');
      if (subnets) needs.push(named('aws_db_subnet_group', 'name', subnets, region));
    } else if (tool === 'aws' && service === 'cloudwatch' && verb !== 'get-metric-statistics') {
      needs.push(named('aws_cloudwatch_metric_alarm', 'alarm_name', flag('--alarm-names')!, region));
    } else if (tool === 'aws' && service === 'secretsmanager') {
      needs.push(secret(flag('--secret-id')!, region));
    } else if (tool === 'aws' && service === 's3' && verb === 'sync') {
      const [from, to] = words.slice(3, 5).map((u) => u.replace(/^s3:\/\//, ''));
      needs.push(named('aws_s3_bucket', 'bucket', from!, flag('--source-region')!), named('aws_s3_bucket', 'bucket', to!, region));
    } else if (tool === 'aws' && service === 'route53' && verb === 'update-health-check') {
      // The check is looked up by its host and path: it must be one the stacks made (Route 53 is global).
      const lookup = command.argv.find((w): w is { output: readonly string[] } => typeof w === 'object' && 'output' in w)!;
      const query = lookup.output[lookup.output.indexOf('--query') + 1] as string;
      const [, host, path] = /FullyQualifiedDomainName=='([^']+)' && HealthCheckConfig\.ResourcePath=='([^']+)'/.exec(query)!;
      needs.push({ what: `health check of https://${host}${path}`, region: 'global', made: (json) => resourcesOf(json, 'aws_route53_health_check').some((c) => c.fqdn === host && c.resource_path === path) });
    } else if (tool === 'kubectl') {
      const target = words.find((w) => w.startsWith('job/'));
      if (target) needs.push({ what: `Job ${target} in ${step.tunnel}'s cluster`, region, made: (json) => resourcesOf(json, 'kubernetes_job_v1').some((j) => `job/${j.metadata.name}` === target) });
      const namespace = flag('-n')!;
      needs.push({ what: `namespace ${namespace} in ${step.tunnel}'s cluster`, region, made: (json) => resourcesOf(json, 'kubernetes_namespace_v1').some((n) => n.metadata.name === namespace) });
    } else if (tool === 'npm' && words.includes('smoke') && words.includes('--origin')) {
      const environment = ENVIRONMENTS.find((e) => e.name === words[words.indexOf('--') + 1])!;
      const host = `origin-${environment.region}.${environment.edge.domainName}`;
      needs.push({ what: `record ${host}`, region, made: (json) => resourcesOf(json, 'aws_route53_record').some((r) => r.name === host) });
    }
  }
  // The cluster a step reaches through the tunnel is in that environment's own region, whatever the step's.
  if (step.tunnel) needs.push(named('aws_eks_cluster', 'name', infrastructureStackName({ name: step.tunnel }), ENVIRONMENTS.find((e) => e.name === step.tunnel)!.region));
  return needs.map((n) => ({ ...n, what: accountIn(n.what) }));
}

/** What a stack reads by name when it is applied: other stacks' state, and data sources that look a name up. */
function lookupsOf(name: string): Need[] {
  const json = stacks.get(name)!;
  const needs: Need[] = [];
  for (const state of Object.values(json.data?.terraform_remote_state ?? {})) {
    const stack = String(state.config.key).replace(/\/terraform\.tfstate$/, '');
    needs.push({ what: `the state of ${stack}`, region: state.config.region, made: (_json) => _json === stacks.get(stack) });
  }
  const lookups: [string, string, string][] = [
    ['aws_s3_bucket', 'bucket', 'bucket'],
    ['aws_kms_key', 'key_id', 'name'],
    ['aws_eks_cluster', 'name', 'name'],
    ['aws_route53_zone', 'name', 'name'],
  ];
  for (const [type, field, madeField] of lookups) {
    for (const data of Object.values(json.data?.[type] ?? {})) {
      const value = String(data[field]);
      if (value.includes('${')) continue; // Looked up from something this stack makes.
      const region = regionOf(json, data);
      if (type === 'aws_kms_key') needs.push(named('aws_kms_alias', madeField, value, region));
      else if (type === 'aws_route53_zone') needs.push({ what: `zone ${value}`, region: 'global', made: (j) => resourcesOf(j, 'aws_route53_zone').some((z) => `${z.name}`.replace(/\.$/, '') === value.replace(/\.$/, '')) });
      else needs.push(named(type === 'aws_eks_cluster' ? 'aws_eks_cluster' : type, madeField, accountIn(value), region));
    }
  }
  return needs;
}

/** Walks a plan: each step's needs against the stacks that exist when it starts. Returns what is missing. */
function walk(plan: Plan, before: readonly string[]): string[] {
  const missing: string[] = [];
  const applied = new Map<string, Set<string>>();
  const created = new Set<string>();
  for (const step of orderedSteps(plan)) {
    // What its predecessors applied, and what was there before the plan.
    const available = new Set(before);
    const visit = (id: string) => {
      for (const s of applied.get(id) ?? []) available.add(s);
      for (const after of plan.steps.find((x) => x.id === id)!.after) visit(after);
    };
    step.after.forEach(visit);
    const exists = (need: Need, extra: readonly string[] = []) => [...available, ...extra].some((name) => need.made(stacks.get(name)!));
    for (const need of needsOf(step, created)) if (!exists(need)) missing.push(`${plan.name}/${step.id}: ${need.what}`);
    step.applies.forEach((stack, i) => {
      for (const need of lookupsOf(stack)) if (!exists(need, step.applies.slice(0, i))) missing.push(`${plan.name}/${step.id} (${stack}): ${need.what}`);
    });
    applied.set(step.id, new Set(step.applies));
  }
  return missing;
}

describe('the failover, as a dependency graph', () => {
  const plan = failoverPlan(ENVIRONMENTS, '1.4.2');
  // Before the decision: the bootstrap, production's stacks (whose copies in the standby's region outlive their
  // region), and the standby's always-on stack.
  const before = [BOOTSTRAP_STACK_NAME, infrastructureStackName(primary), kubernetesStackName(primary), standbyStackName(standby)];

  it("finds every step's inputs in the stacks applied before it, each in the region the step uses it in", () => {
    expect(walk(plan, before)).toEqual([]);
  });

  it('uses nothing in the region that failed', () => {
    for (const step of plan.steps) {
      expect(step.region, step.id).toBe(standby.region);
      for (const command of step.commands) expect(command.argv.filter((w) => typeof w === 'string' && w.includes(primary.region)), step.id).toEqual([]);
    }
    // The stacks it applies read no state, and look nothing up, in the primary's region.
    for (const stack of plan.steps.flatMap((s) => s.applies)) for (const need of lookupsOf(stack)) expect(need.region, `${stack}: ${need.what}`).not.toBe(primary.region);
  });

  it('catches a step that starts before what it needs', () => {
    // Moving the app's install before the cluster exists must fail the walk.
    const broken: Plan = { ...plan, steps: plan.steps.map((s) => (s.id === 'install-app' ? { ...s, after: ['promote-database'] } : s)) };
    expect(walk(broken, before).some((m) => m.includes('install-app') && m.includes(`the state of ${infrastructureStackName(standby)}`))).toBe(true);
  });

  it('installs the app only on a promoted database, and runs what does not depend on each other side by side', () => {
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]));
    expect(byId['install-app']!.after).toEqual(expect.arrayContaining(['promote-database', 'build-infrastructure']));
    const times = schedule(plan);
    // Promotion, the build and the secrets start at the decision.
    for (const id of ['promote-database', 'build-infrastructure', 'standalone-secrets']) expect(times.get(id)!.start, id).toBe(0);
  });

  it("keeps DNS off the primary until failback: each of its origin checks fenced at the decision, and put back by production's own apply", () => {
    const fence = plan.steps.find((s) => s.id === 'fence-primary-dns')!;
    expect(schedule(plan).get(fence.id)!.start).toBe(0);
    const checks = resourcesOf(stacks.get(kubernetesStackName(primary))!, 'aws_route53_health_check').filter((c) => c.type === 'HTTPS');
    expect(fence.commands).toHaveLength(checks.length);
    for (const command of fence.commands) expect(command.argv.slice(-2)).toEqual(['--resource-path', fencedPath(standby)]);
    // A path nothing answers: the stacks give no check, and the app no route, that path.
    expect(checks.map((c) => c.resource_path)).not.toContain(fencedPath(standby));
    const failback = failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' }, { primary: 'aws_db_instance.Primary', replicas: [] });
    expect(failback.steps.find((s) => s.id === 'adopt-home')!.applies).toContain(kubernetesStackName(primary));
  });

  it('serves within two hours of steps after the decision: the 4-hour RTO keeps a margin for the 30-minute decision and surprises', () => {
    const serving = schedule(plan).get('confirm-serving')!.end;
    expect(serving).toBeLessThanOrEqual(120);
    const everything = Math.max(...[...schedule(plan).values()].map((t) => t.end));
    expect(30 + everything).toBeLessThan(240);
  });
});

describe('the failback, as a dependency graph', () => {
  const plan = failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' }, { primary: 'aws_db_instance.Database_Primary_1B138CD9', replicas: [] });
  // After a failover every stack has been applied.
  const before = [...stacks.keys()];

  it("finds every step's inputs, each in the region the step uses it in", () => {
    expect(walk(plan, before)).toEqual([]);
  });

  it('destroys only stacks a destroy can finish: no bucket in them that would refuse to go while it holds objects', () => {
    // S3 deletes a bucket only when it is empty; Terraform empties one only with force_destroy.
    const destroy = plan.steps.flatMap((s) => s.commands).find((c) => c.argv.includes('destroy'))!;
    const destroyed = (destroy.argv as string[]).filter((w) => stacks.has(w));
    expect(destroyed.sort()).toEqual([infrastructureStackName(standby), kubernetesStackName(standby)].sort());
    for (const name of destroyed) expect(resourcesOf(stacks.get(name)!, 'aws_s3_bucket').filter((b) => b.force_destroy !== true).map((b) => b.bucket), name).toEqual([]);
  });

  it('renames the old instance and every replica of it before the new primary and its replicas take their names', () => {
    const replicate = plan.steps.find((s) => s.id === 'replicate-home')!;
    const renamed = replicate.commands.flatMap((c) => {
      const w = c.argv as string[];
      return w.includes('--new-db-instance-identifier') ? [w[w.indexOf('--db-instance-identifier') + 1]] : [];
    });
    const identifiers = resourcesOf(stacks.get(infrastructureStackName(primary))!, 'aws_db_instance').map((d) => d.identifier);
    expect(renamed.sort()).toEqual([...identifiers].sort());
  });

  it('sets the master password back to its secret right after the import, before anything signs in with it', () => {
    const adopt = plan.steps.find((s) => s.id === 'adopt-home')!;
    const texts = adopt.commands.map((c) => (c.argv as Word[]).map((w) => (typeof w === 'string' ? w : 'SECRET')).join(' '));
    const imported = texts.findIndex((t) => t.includes(' import '));
    const infra = texts.findIndex((t) => t.endsWith(`apply ${infrastructureStackName(primary)}`));
    const reset = texts.findIndex((t) => t.includes('--master-user-password SECRET'));
    const k8s = texts.findIndex((t) => t.endsWith(`apply ${kubernetesStackName(primary)}`));
    expect(imported).toBeGreaterThan(-1);
    expect([imported, infra, reset, k8s]).toEqual([...[imported, infra, reset, k8s]].sort((a, b) => a - b));
    expect(reset).toBe(infra + 1);
  });
});

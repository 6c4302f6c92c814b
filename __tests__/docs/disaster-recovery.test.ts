import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountOf, ACCOUNTS } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { cidrsOverlap, parseCidr } from '../../lib/cidr.ts';
import { parse as parseYaml } from 'yaml';
import { databaseAddresses, failbackPlan, failoverPlan, schedule } from '../../tools/disaster-recovery/plan.ts';
import { stepText } from '../../tools/disaster-recovery/run.ts';
import { parseArguments, timelineText, tunnelTarget } from '../../tools/disaster-recovery/cli.ts';
import { environmentStackNames, infrastructureStackName } from '../../environments/stack-names.ts';
import { parsePolicy, resourcesOf, synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../helpers/synth.ts';

/**
 * docs/DISASTER-RECOVERY.md is run under pressure, by someone who cannot ask
 * what a name meant: every name it quotes must be one the stacks create.
 */
const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'DISASTER-RECOVERY.md'), 'utf8');
const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;

const account = accountOf(primary);
const stacks: TfJson[] = [
  ...ACCOUNTS.map((a) => synthBootstrap(a).json),
  ...ENVIRONMENTS.flatMap((e) => [synthEnvironment(e).json, synthKubernetesEnvironment(e).json, ...(e.standbyFor ? [synthStandby(e).json] : [])]),
];

/** Every literal name the stacks give AWS or Kubernetes objects, with the account ID written as the document writes it. */
const known = new Set<string>([
  ...ENVIRONMENTS.flatMap((e) => environmentStackNames(e)),
  ...stacks.flatMap((json) =>
    [...JSON.stringify(json.resource).matchAll(/"(?:name|identifier|bucket|alarm_name|function_name|fqdn|replication_group_id|domain_name|name_prefix)":"([^"$]+)"/g)].map((m) => m[1]!),
  ),
  ...stacks.flatMap((json) => Object.values(json.data?.aws_s3_bucket ?? {}).map((b) => String(b.bucket))),
].map((name) => name.replaceAll(account.accountId, '<account>')));
// Buckets named with the account from the caller-identity data source.
for (const json of stacks) {
  for (const bucket of resourcesOf(json, 'aws_s3_bucket')) known.add(String(bucket.bucket).replace(/\$\{data\.aws_caller_identity\.[^}]+\}/, '<account>'));
}

/** The `hexabid…` names the document quotes, in backticks or in commands. */
function quotedNames(): string[] {
  const code = [...doc.matchAll(/`([^`\n]+)`/g), ...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const names = code.flatMap((text) => [...text.matchAll(/(?<![\w/.-])(hexabid-[a-z0-9<>-]+)(?![\w/])/g)].map((m) => m[1]!));
  return [...new Set(names)];
}

describe('docs/DISASTER-RECOVERY.md', () => {
  it('quotes only names the synthesized stacks create', () => {
    const names = quotedNames();
    expect(names.length).toBeGreaterThan(15);
    // Names that exist only during a failback, created by the commands beside them.
    const madeByTheDocument = new Set([
      // The failback's renames, and its final snapshots.
      `${infrastructureStackName(primary)}-old`,
      `${infrastructureStackName(primary)}-old-replica-1`,
      `${infrastructureStackName(primary)}-old-final`,
      `${infrastructureStackName(standby)}-failback-20260101`,
      'hexabid-staging-drill',
      `hexabid-tfstate-<account>-${standby.region}`,
      'hexabid-ci-apply-production-dr',
    ]);
    for (const name of names.filter((n) => !madeByTheDocument.has(n))) expect(known, name).toContain(name);
    // The exceptions are real too: the DR state bucket and the standby's apply role come from the bootstrap.
    expect(known).toContain(`hexabid-tfstate-<account>-${standby.region}`);
    expect(known).toContain('hexabid-ci-apply-production-dr');
  });

  it('quotes the secrets, CronJobs, namespaces and hosts that exist', () => {
    const secrets = new Set(stacks.flatMap((json) => resourcesOf(json, 'aws_secretsmanager_secret').map((s) => String(s.name))));
    for (const [, name] of doc.matchAll(/--secret-id (\S+)/g)) expect(secrets, name).toContain(name);
    const cronJobs = new Set(resourcesOf(synthKubernetesEnvironment(standby).json, 'kubernetes_cron_job_v1').map((c) => c.metadata.name));
    for (const [, name] of doc.matchAll(/cronjob[/ ]([a-z-]+)/g)) expect(cronJobs, name).toContain(name);
    const origins = ENVIRONMENTS.flatMap((e) => resourcesOf(synthKubernetesEnvironment(e).json, 'aws_route53_health_check').map((c) => c.fqdn));
    for (const [, host] of doc.matchAll(/`(origin-[a-z0-9-]+\.[a-z.]+)`/g)) expect(origins, host).toContain(host);
  });

  it('shows the timeline, and each step with the commands npm run dr runs for it, as it prints them', () => {
    const failover = failoverPlan(ENVIRONMENTS, '1.4.2');
    const failback = failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' }, databaseAddresses(synthEnvironment(primary).json, primary));
    expect(doc).toContain(timelineText(failover));
    const times = [...schedule(failover).values()];
    expect(doc).toContain(`serves **${schedule(failover).get('confirm-serving')!.end} minutes** after the decision and every step is done\nafter ${Math.max(...times.map((t) => t.end))};`);
    const headings = [...doc.matchAll(/^#### `([a-z-]+)`: (.+)$/gm)].map((m) => m[1]!);
    expect(headings).toEqual([...failover.steps, ...failback.steps].map((s) => s.id));
    for (const step of [...failover.steps, ...failback.steps]) {
      const section = doc.slice(doc.indexOf(`#### \`${step.id}\`: ${step.title}\n`));
      expect(section, step.id).not.toBe(doc);
      const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
      expect(block.trimEnd().split('\n'), step.id).toEqual(stepText(step, tunnelTarget()).map((line) => line.replaceAll(accountOf(primary).accountId, '<account>')));
    }
  });

  it('starts the workflows and npm run dr only with what they take', () => {
    for (const [, file, rest] of doc.matchAll(/gh workflow run (\S+) ([^\n`]*)/g)) {
      const workflow = parseYaml(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', file!), 'utf8')) as { on: { workflow_dispatch: { inputs: Record<string, { required?: boolean; options?: string[] }> } } };
      const inputs = workflow.on.workflow_dispatch.inputs;
      const given = Object.fromEntries([...rest!.matchAll(/-f (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
      for (const [name, value] of Object.entries(given)) {
        expect(Object.keys(inputs), `${file} -f ${name}`).toContain(name);
        if (inputs[name]!.options) expect(inputs[name]!.options, `${file} -f ${name}=${value}`).toContain(value);
      }
      for (const [name, input] of Object.entries(inputs)) if (input.required) expect(Object.keys(given), `${file} needs -f ${name}`).toContain(name);
    }
    const runs = [...doc.matchAll(/npm run dr -- ([^\n`]*)/g)].map((m) => m[1]!.trim().split(/\s+/));
    expect(runs.length).toBeGreaterThan(4);
    for (const args of runs.filter((a) => !a.includes('<step>'))) {
      const request = parseArguments(args);
      if (request.step !== undefined) {
        const plan = request.plan === 'failover' ? failoverPlan(ENVIRONMENTS, request.imageTag) : failbackPlan(ENVIRONMENTS, { imageTag: request.imageTag, date: request.date });
        expect(plan.steps.map((s) => s.id), args.join(' ')).toContain(request.step);
      }
    }
  });

  it('points kubectl at the tunnel wherever it sets up kubeconfig, here and in the runbook', () => {
    // Without set-cluster, kubectl talks to the private endpoint, which only the VPC reaches.
    const runbook = readFileSync(join(__dirname, '..', '..', 'docs', 'RUNBOOK.md'), 'utf8');
    for (const page of [doc, runbook]) {
      for (const [, block] of page.matchAll(/```sh\n([\s\S]*?)```/g)) {
        const lines = block!.split('\n').map((l) => l.trim());
        lines.forEach((line, i) => {
          if (!line.startsWith('aws eks update-kubeconfig')) return;
          const cluster = /--name (\S+)/.exec(line)![1];
          expect(lines[i + 1], line).toMatch(new RegExp(`^kubectl config set-cluster "\\$\\(kubectl config current-context\\)" --server=https://127\\.0\\.0\\.1:\\d+ --tls-server-name="\\$\\(aws eks describe-cluster --name ${cluster} `));
        });
      }
    }
  });

  it("checks that the standby's region offers every class a failover builds, at the exact engine versions", () => {
    const section = doc.slice(doc.indexOf('## Before you need it'), doc.indexOf('## Failover'));
    const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim()).filter(Boolean));
    const line = (start: string) => {
      const found = lines.filter((l) => l.startsWith(start) || l.includes(`$(${start}`));
      expect(found, start).toHaveLength(1);
      expect(found[0], start).toContain(`--region ${standby.region}`);
      return found[0]!;
    };
    const flag = (text: string, name: string) => new RegExp(`${name} ('[^']*'|"[^"]*"|\\S+)`).exec(text)?.[1]?.replace(/^['"]|['"]$/g, '');
    // RDS matches --engine-version exactly: a bare major version ("17") matches no offering.
    const orderable = line('aws rds describe-orderable-db-instance-options');
    expect(flag(orderable, '--db-instance-class')).toBe(standby.database.instanceClass);
    const version = flag(orderable, '--engine-version')!;
    if (version.startsWith('$')) {
      const variable = /^\$\{?(\w+)\}?$/.exec(version)![1];
      const definition = lines.find((l) => l.startsWith(`${variable}=`))!;
      expect(definition, variable).toContain('aws rds describe-db-instances');
      expect(flag(definition, '--db-instance-identifier')).toBe(infrastructureStackName(standby));
      expect(definition).toContain(`--region ${standby.region}`);
      expect(definition).toContain('EngineVersion');
    } else {
      expect(version).toMatch(/^\d+\.\d+/);
    }
    const types = [...new Set(Object.values(standby.cluster.nodeGroups).flatMap((g) => g.instanceTypes))].sort();
    expect(flag(line('aws ec2 describe-instance-type-offerings'), '--filters')!.replace(/^Name=instance-type,Values=/, '').split(',').sort()).toEqual(types);
    expect(flag(line('aws elasticache describe-reserved-cache-nodes-offerings'), '--cache-node-type')).toBe(standby.cache.nodeType);
    const search = line('aws opensearch list-instance-type-details');
    expect(flag(search, '--engine-version')).toBe(standby.search.engineVersion);
    expect(flag(search, '--instance-type')).toBe(standby.search.instanceType);
  });
});

describe('the DR side', () => {
  it('costs dev and staging nothing: replicas, snapshots, secret copies and health checks are production only', () => {
    for (const environment of ENVIRONMENTS.filter((e) => !e.disasterRecovery && !e.standbyFor)) {
      const infra = synthEnvironment(environment).json;
      const k8s = synthKubernetesEnvironment(environment).json;
      expect(resourcesOf(infra, 'aws_s3_bucket_replication_configuration'), environment.name).toEqual([]);
      expect(resourcesOf(infra, 'aws_secretsmanager_secret').filter((s) => s.replica), environment.name).toEqual([]);
      expect(resourcesOf(k8s, 'aws_secretsmanager_secret').filter((s) => s.replica), environment.name).toEqual([]);
      expect(resourcesOf(k8s, 'aws_route53_health_check'), environment.name).toEqual([]);
      expect(resourcesOf(k8s, 'kubernetes_cron_job_v1'), environment.name).toEqual([]);
      expect(Object.keys(infra.provider.aws!), environment.name).toHaveLength(1);
    }
  });

  it('lets failback put the secret replicas back over the standalone copies a failover leaves in the DR region', () => {
    // A failover promotes each copy to a secret of its own (stop-replication-to-replica); re-adding the
    // replica then meets a secret of the same name, which Secrets Manager overwrites only when asked to.
    const replicated = [synthEnvironment(primary).json, synthKubernetesEnvironment(primary).json].flatMap((json) => resourcesOf(json, 'aws_secretsmanager_secret').filter((s) => s.replica));
    expect(replicated.length).toBeGreaterThan(5);
    for (const secret of replicated) expect(secret.force_overwrite_replica_secret, secret.name).toBe(true);
  });

  it("lets the rotation functions write the DR copies: encrypt rights on the replica region's key", () => {
    // Secrets Manager replicates each new version with the caller's identity: the rotation function
    // needs kms:Encrypt and kms:GenerateDataKey on the replica's key, or the copy goes stale.
    const infra = synthEnvironment(primary).json;
    const alias = resourcesOf(infra, 'aws_kms_alias').find((a) => a.name === `alias/hexabid-${primary.name}-secrets-replica`)!;
    const replicaKey = /^\$\{aws_kms_key\.([^.]+)\.key_id\}$/.exec(alias.target_key_id)![1];
    for (const kind of ['single-user', 'multi-user']) {
      const lookup = Object.entries(infra.data?.aws_lambda_function ?? {}).find(([, f]) => f.function_name === `hexabid-${primary.name}-db-rotation-${kind}`);
      expect(lookup, kind).toBeDefined();
      const grants = resourcesOf(infra, 'aws_iam_role_policy').filter((p) => JSON.stringify(p.role).includes(`data.aws_lambda_function.${lookup![0]}.role`));
      const statements = grants.flatMap((p) => parsePolicy(p.policy).Statement).filter((st) => [st.Resource].flat().includes(`\${aws_kms_key.${replicaKey}.arn}`));
      expect(statements.flatMap((st) => [st.Action].flat()).sort(), kind).toEqual(['kms:Encrypt', 'kms:GenerateDataKey']);
    }
  });

  it('watches that every secret copy in the DR region is in sync, and pages when one is not or nobody checked', () => {
    const infra = synthEnvironment(primary).json;
    const replicated = [infra, synthKubernetesEnvironment(primary).json].flatMap((json) =>
      resourcesOf(json, 'aws_secretsmanager_secret').filter((s) => s.replica).map((s) => ({ secretId: String(s.name), regions: s.replica.map((r: { region: string }) => r.region) })),
    );
    expect(replicated.length).toBeGreaterThan(7);
    const [check, ...others] = resourcesOf(infra, 'aws_lambda_function').filter((f) => f.environment?.variables?.REPLICATED_SECRETS);
    expect(others).toEqual([]);
    const byName = (a: { secretId: string }, b: { secretId: string }) => a.secretId.localeCompare(b.secretId);
    expect(JSON.parse(check.environment.variables.REPLICATED_SECRETS).sort(byName)).toEqual(replicated.sort(byName));
    const checkId = Object.entries(infra.resource.aws_lambda_function!).find(([, f]) => f === check)![0];
    const rule = resourcesOf(infra, 'aws_cloudwatch_event_rule').find((r) => /^rate\(/.test(r.schedule_expression))!;
    expect(resourcesOf(infra, 'aws_cloudwatch_event_target')).toContainEqual(expect.objectContaining({ arn: `\${aws_lambda_function.${checkId}.arn}` }));
    expect(rule).toBeDefined();
    const alarm = resourcesOf(infra, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'ReplicasNotInSync')!;
    expect(alarm).toMatchObject({ alarm_name: `hexabid-${primary.name}-secrets-replication-not-in-sync`, comparison_operator: 'GreaterThanThreshold', threshold: 0, treat_missing_data: 'breaching' });
  });

  it("starts the search restore with the standby's apply, and installs the app only once index auto-creation is held back", () => {
    // The app going live before the restore, on a domain that auto-creates indices, made the restore refuse them.
    const k8s = synthKubernetesEnvironment(standby).json;
    const jobs = Object.entries(k8s.resource.kubernetes_job_v1!);
    const [holdId, hold] = jobs.find(([, j]) => j.metadata.name === 'search-restore-hold')!;
    const [, restore] = jobs.find(([, j]) => j.metadata.name === 'search-restore')!;
    const [mappingId] = jobs.find(([, j]) => String(j.metadata.name).startsWith('opensearch-security-'))!;
    expect(hold.wait_for_completion).toBe(true);
    expect(hold.depends_on).toContain(`kubernetes_job_v1.${mappingId}`);
    expect(restore).toMatchObject({ wait_for_completion: false, spec: { backoff_limit: 2 } });
    expect(restore.depends_on).toContain(`kubernetes_job_v1.${holdId}`);
    const release = Object.values(k8s.resource.helm_release!).find((r) => r.name === 'hexabid')!;
    expect(release.depends_on).toContain(`kubernetes_job_v1.${holdId}`);
    // The primary restores nothing, so it holds nothing back.
    expect(resourcesOf(synthKubernetesEnvironment(primary).json, 'kubernetes_job_v1').map((j) => j.metadata.name)).not.toContain('search-restore-hold');
  });

  it('gives the standby a VPC range no other environment has', () => {
    const mine = parseCidr(standby.network.vpcCidr)!;
    for (const other of ENVIRONMENTS.filter((e) => e !== standby)) expect(cidrsOverlap(mine, parseCidr(other.network.vpcCidr)!), other.name).toBe(false);
    expect(standby.network.availabilityZones.every((z) => z.startsWith(standby.region))).toBe(true);
  });

  it("replicates production's database across regions, under a key of the standby's region", () => {
    const [replica, ...rest] = resourcesOf(synthStandby(standby).json, 'aws_db_instance');
    expect(rest).toEqual([]);
    expect(replica).toMatchObject({
      identifier: 'hexabid-production-dr',
      replicate_source_db: `arn:aws:rds:${primary.region}:${account.accountId}:db:hexabid-production`,
      storage_encrypted: true,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
      deletion_protection: true,
      lifecycle: { ignore_changes: ['replicate_source_db', 'backup_retention_period', 'multi_az'] },
    });
    expect(synthStandby(standby).json.provider.aws![0].region).toBe(standby.region);
    expect(synthStandby(standby).json.terraform.backend.s3).toMatchObject({ region: standby.region, bucket: `hexabid-tfstate-${account.accountId}-${standby.region}` });
  });

  it('reads nothing from the primary region on failover: no state, no provider there', () => {
    for (const json of [synthStandby(standby).json, synthEnvironment(standby).json, synthKubernetesEnvironment(standby).json]) {
      expect(json.terraform.backend.s3.region).toBe(standby.region);
      for (const state of Object.values(json.data?.terraform_remote_state ?? {})) expect(state.config.region).toBe(standby.region);
      for (const provider of json.provider.aws!) expect(provider.region).toBe(standby.region);
    }
  });

  it("gives the snapshot job only the snapshot API of its domain, and the repository role passed to OpenSearch", () => {
    for (const environment of [primary, standby]) {
      const k8s = synthKubernetesEnvironment(environment).json;
      const role = Object.entries(k8s.resource.aws_iam_role!).find(([, r]) => String(r.name).endsWith('-search-snapshot-job'))![0];
      const statements = resourcesOf(k8s, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${role}.name}`).flatMap((p) => parsePolicy(p.policy).Statement);
      const actions = statements.flatMap((s) => [s.Action].flat()).sort();
      expect([...new Set(actions)]).toEqual(['es:ESHttpDelete', 'es:ESHttpGet', 'es:ESHttpPost', 'es:ESHttpPut', 'iam:PassRole']);
      for (const statement of statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('es:')))) {
        for (const resource of [statement.Resource].flat()) expect(resource, environment.name).toMatch(/\/(_snapshot(\/\*)?|_cluster\/health(\/\*)?|_cluster\/settings)$/);
      }
      const pass = statements.find((s) => [s.Action].flat().includes('iam:PassRole'))!;
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } });
      expect(String(pass.Resource)).toMatch(/search_snapshot_role_arn\}$|:role\/hexabid-production-search-snapshots$/);
    }
  });

  it('sends the domain to the standby only when the primary fails: PRIMARY with a health check, SECONDARY with its own', () => {
    const failover = (environment: typeof primary) => {
      const release = resourcesOf(synthKubernetesEnvironment(environment).json, 'helm_release').find((r) => r.name === 'hexabid')!;
      return Object.fromEntries(release.set.filter((s: { name: string }) => s.name.includes('external-dns')).map((s: { name: string; value: string }) => [s.name.split('/')[1], s.value]));
    };
    expect(failover(primary)).toMatchObject({ 'aws-failover': 'PRIMARY', 'set-identifier': primary.region, 'aws-health-check-id': expect.stringMatching(/aws_route53_health_check/) });
    expect(failover(standby)).toMatchObject({ 'aws-failover': 'SECONDARY', 'set-identifier': standby.region });
    const checks = resourcesOf(synthKubernetesEnvironment(primary).json, 'aws_route53_health_check').filter((c) => c.type === 'HTTPS');
    for (const check of checks) expect(check).toMatchObject({ fqdn: `origin-${primary.region}.${primary.edge.domainName}`, enable_sni: true, request_interval: 30, failure_threshold: 3 });
    expect(checks.map((c) => c.resource_path).sort()).toEqual(['/api/health', '/health']);
  });

  it("pages when the primary's health check fails, from us-east-1 where Route53 publishes it, through a forwarder there", () => {
    const [alarm, ...others] = resourcesOf(synthKubernetesEnvironment(primary).json, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/Route53');
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({
      alarm_name: 'hexabid-production-origin-health-check-failing',
      region: 'us-east-1',
      metric_name: 'HealthCheckStatus',
      dimensions: { HealthCheckId: expect.stringMatching(/^\$\{aws_route53_health_check\./) },
      alarm_actions: [expect.stringMatching(/outputs\.health_check_alerts_critical_topic_arn\}$/)],
      treat_missing_data: 'breaching',
    });
    const infra = synthEnvironment(primary).json;
    const watch = Object.entries(infra.resource.aws_sns_topic!).filter(([, t]) => /^hexabid-production-us-east-1-alerts-/.test(t.name));
    expect(watch.map(([, t]) => t.region)).toEqual(['us-east-1', 'us-east-1']);
    expect(infra.output!.health_check_alerts_critical_topic_arn!.value).toBe(`\${aws_sns_topic.${watch.find(([, t]) => t.name.endsWith('critical'))![0]}.arn}`);
    const [forwarder] = Object.entries(infra.resource.aws_lambda_function!).find(([, f]) => f.function_name === 'hexabid-production-us-east-1-alarm-forwarder')!;
    expect(infra.resource.aws_lambda_function![forwarder].region).toBe('us-east-1');
    for (const [id] of watch) {
      expect(resourcesOf(infra, 'aws_sns_topic_subscription')).toContainEqual(expect.objectContaining({ topic_arn: `\${aws_sns_topic.${id}.arn}`, protocol: 'lambda', endpoint: `\${aws_lambda_function.${forwarder}.arn}`, region: 'us-east-1' }));
      expect(resourcesOf(infra, 'aws_lambda_permission')).toContainEqual(expect.objectContaining({ principal: 'sns.amazonaws.com', source_arn: `\${aws_sns_topic.${id}.arn}` }));
    }
  });
});

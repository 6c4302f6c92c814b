import { describe, expect, it } from 'vitest';
import { accountOf, ACCOUNTS } from '../environments/account.ts';
import { bootstrapStackName } from '../environments/stack-names.ts';
import { ENVIRONMENTS } from '../environments/index.ts';
import { productionAt } from '../environments/production.ts';
import { ipsPerNode, postgresMaxConnections } from '../lib/aws-catalog.ts';
import { parseCidr, usableSubnetAddresses } from '../lib/cidr.ts';
import { maxPodsOf } from '../modules/internal/node-config.ts';
import { runbookAnchorOf } from '../content/monitoring/runbook-sections.ts';
import { receiversOf } from '../modules/monitoring/alarm-topics.ts';
import type { EnvironmentConfig } from '../environments/types.ts';
import { launchTemplateOf } from './environments/sizing.ts';
import { parsePolicy, resourcesOf, synthBootstrap, synthEnvironment, synthFootprint, synthKubernetesEnvironment, type TfJson } from './helpers/synth.ts';

// Each environment's AWS footprint: a standby's always-on stack and its failover stack together.
const stacks: [string, TfJson][] = [
  ...ENVIRONMENTS.map((e) => [e.name, synthFootprint(e)] as [string, TfJson]),
  ['production-scaled', synthEnvironment(productionAt('scaled1000Tenants'), 'production-scaled').json],
];
const productionStacks = stacks.filter(([name]) => name.startsWith('production'));
const configs: [string, EnvironmentConfig][] = [...ENVIRONMENTS.map((e) => [e.name, e] as [string, EnvironmentConfig]), ['production-scaled', productionAt('scaled1000Tenants')]];

describe.each(stacks)('invariants of %s', (_name, json) => {
  it('encrypts every data store with a customer-managed key', () => {
    for (const db of resourcesOf(json, 'aws_db_instance')) {
      expect(db.storage_encrypted).toBe(true);
      expect(db.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    }
    for (const cache of resourcesOf(json, 'aws_elasticache_replication_group')) {
      expect(cache.at_rest_encryption_enabled).toBe('true');
      expect(cache.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    }
    for (const domain of resourcesOf(json, 'aws_opensearch_domain')) {
      expect(domain.encrypt_at_rest).toMatchObject({ enabled: true, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./) });
      expect(domain.node_to_node_encryption.enabled).toBe(true);
    }
    for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    for (const group of resourcesOf(json, 'aws_cloudwatch_log_group')) expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    for (const sse of resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')) {
      expect(['aws:kms', 'AES256']).toContain(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm);
    }
    expect(resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')).toHaveLength(resourcesOf(json, 'aws_s3_bucket').length);
    for (const template of resourcesOf(json, 'aws_launch_template')) expect(template.block_device_mappings[0].ebs.encrypted).toBe('true');
  });

  it('rotates every KMS key and gives each an explicit policy', () => {
    for (const key of resourcesOf(json, 'aws_kms_key')) {
      expect(key.enable_key_rotation).toBe(true);
      expect(parsePolicy(key.policy).Statement.length).toBeGreaterThan(0);
    }
  });

  it('makes nothing data-bearing public', () => {
    for (const db of resourcesOf(json, 'aws_db_instance')) expect(db.publicly_accessible).toBe(false);
    const buckets = resourcesOf(json, 'aws_s3_bucket').length;
    const blocks = resourcesOf(json, 'aws_s3_bucket_public_access_block');
    expect(blocks).toHaveLength(buckets);
    for (const block of blocks) {
      expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    for (const o of resourcesOf(json, 'aws_s3_bucket_ownership_controls')) expect(o.rule.object_ownership).toBe('BucketOwnerEnforced');
    for (const domain of resourcesOf(json, 'aws_opensearch_domain')) {
      expect(domain.vpc_options.subnet_ids.length).toBeGreaterThan(0);
      const statements = parsePolicy(domain.access_policies).Statement;
      expect(statements.every((s) => s.Principal !== '*' && s.Principal?.AWS !== '*')).toBe(true);
    }
    for (const subnet of resourcesOf(json, 'aws_subnet')) expect(subnet.map_public_ip_on_launch).toBe(false);
    for (const cluster of resourcesOf(json, 'aws_eks_cluster')) {
      expect(cluster.vpc_config.endpoint_private_access).toBe(true);
      if (cluster.vpc_config.endpoint_public_access) expect(cluster.vpc_config.public_access_cidrs).not.toContain('0.0.0.0/0');
    }
  });

  it('enforces TLS everywhere', () => {
    const params = resourcesOf(json, 'aws_db_parameter_group').flatMap((g) => g.parameter);
    expect(params).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    for (const cache of resourcesOf(json, 'aws_elasticache_replication_group')) {
      expect(cache.transit_encryption_enabled).toBe(true);
      expect(cache.transit_encryption_mode).toBe('required');
    }
    for (const domain of resourcesOf(json, 'aws_opensearch_domain')) {
      expect(domain.domain_endpoint_options).toEqual({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' });
    }
    const policies = resourcesOf(json, 'aws_s3_bucket_policy');
    expect(policies).toHaveLength(resourcesOf(json, 'aws_s3_bucket').length);
    for (const policy of policies) {
      expect(parsePolicy(policy.policy).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': false } } }),
      );
    }
  });

  it('admits 0.0.0.0/0 through no security group', () => {
    const ingress = [
      ...resourcesOf(json, 'aws_vpc_security_group_ingress_rule'),
      ...resourcesOf(json, 'aws_security_group').flatMap((g) => g.ingress ?? []),
      ...resourcesOf(json, 'aws_security_group_rule').filter((r) => r.type === 'ingress'),
    ];
    for (const rule of ingress) {
      const open = [rule.cidr_ipv4, ...(rule.cidr_blocks ?? [])].includes('0.0.0.0/0');
      // The only exception the project allows: a load balancer on 80/443.
      if (open) expect([80, 443]).toContain(rule.from_port);
    }
    // Ingress names the security group it admits, except a NAT instance's, which forwards for the whole VPC and admits only its range.
    const vpcRanges = resourcesOf(json, 'aws_vpc').map((v) => v.cidr_block);
    const natInstanceGroups = resourcesOf(json, 'aws_instance').flatMap((i) => i.vpc_security_group_ids ?? []);
    for (const rule of ingress.filter((r) => r.referenced_security_group_id === undefined)) {
      expect(natInstanceGroups, JSON.stringify(rule)).toContain(rule.security_group_id);
      expect(vpcRanges).toContain(rule.cidr_ipv4);
    }
    for (const sg of resourcesOf(json, 'aws_default_security_group')) {
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
    }
  });

  it('gives the private subnets room for every pod IP, even with one zone lost', () => {
    // With prefix delegation a group's launch template sets its maxPods, and its pods take /28 prefixes.
    const demand = resourcesOf(json, 'aws_eks_node_group').reduce((n, g) => {
      const maxPods = maxPodsOf(launchTemplateOf(json, g).user_data ?? '');
      return n + g.scaling_config.max_size * Math.max(...(g.instance_types as string[]).map((t) => ipsPerNode(t, maxPods)));
    }, 0);
    const sizes = resourcesOf(json, 'aws_subnet')
      .filter((s) => s.tags.tier === 'private')
      .map((s) => usableSubnetAddresses(parseCidr(s.cidr_block)!));
    expect(sizes.reduce((a, b) => a + b, 0) - Math.max(...sizes)).toBeGreaterThanOrEqual(demand);
  });

  it('turns prefix delegation on with an explicit maxPods in every group, and reserves prefix room in every private subnet, or neither', () => {
    const cni = resourcesOf(json, 'aws_eks_addon').filter((a) => a.addon_name === 'vpc-cni');
    for (const addon of cni) {
      const prefixes = JSON.parse(addon.configuration_values).env?.ENABLE_PREFIX_DELEGATION === 'true';
      const groups = resourcesOf(json, 'aws_eks_node_group').map((g) => maxPodsOf(launchTemplateOf(json, g).user_data ?? ''));
      expect(groups.every((maxPods) => (maxPods !== undefined) === prefixes)).toBe(true);
      const privateSubnets = resourcesOf(json, 'aws_subnet').filter((s) => s.tags.tier === 'private');
      expect(resourcesOf(json, 'aws_ec2_subnet_cidr_reservation').filter((r) => r.reservation_type === 'prefix')).toHaveLength(prefixes ? privateSubnets.length : 0);
    }
  });

  it("gives the cache's default user no key pattern: it may read stats, never a key", () => {
    const users = resourcesOf(json, 'aws_elasticache_user');
    const defaults = users.filter((u) => u.user_name === 'default');
    if (users.length > 0) expect(defaults).toHaveLength(1);
    for (const user of defaults) {
      // ~pattern and %R~/%W~ grant keys, allkeys too; &pattern grants channels; +@all any command.
      expect(String(user.access_string).split(' ').filter((r) => /^(%[RW]{1,2})?~|^allkeys$|^&|^\+@all$/.test(r)), String(user.access_string)).toEqual([]);
    }
  });

  it('keeps the database tier off the internet', () => {
    const dbSubnets = resourcesOf(json, 'aws_subnet').filter((s) => s.tags.tier === 'database');
    expect(dbSubnets).toHaveLength(3);
    const routes = resourcesOf(json, 'aws_route');
    const databaseTables = Object.entries(json.resource.aws_route_table ?? {}).filter(([, t]) => t.tags.Name.endsWith('-database'));
    expect(databaseTables).toHaveLength(1);
    const tableRef = `\${aws_route_table.${databaseTables[0]![0]}.id}`;
    expect(routes.filter((r) => r.route_table_id === tableRef)).toEqual([]);
  });

  it('tags every resource through the provider, and names with hexabid-<env>', () => {
    const [provider] = json.provider.aws!;
    expect(Object.keys(provider.default_tags[0].tags).sort()).toEqual(['cost-center', 'environment', 'managed-by', 'project']);
    for (const bucket of resourcesOf(json, 'aws_s3_bucket')) expect(bucket.bucket).toMatch(/^hexabid-[a-z]+-/);
    for (const role of resourcesOf(json, 'aws_iam_role')) expect(role.name).toMatch(/^hexabid-[a-z]+-/);
  });

  it('stores state in S3 with native locking and encryption', () => {
    expect(json.terraform.backend.s3).toMatchObject({ encrypt: true, use_lockfile: true });
  });

  it('requires the Terraform that write-only arguments and S3 locking need', () => {
    expect(json.terraform.required_version).toBe('>= 1.11');
  });

  it('puts no secret in outputs or code', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(password|auth_token|secret_string)"\s*:\s*"[^$]/);
    for (const output of Object.values(json.output ?? {})) expect(JSON.stringify(output.value)).not.toMatch(/password|random_password|secret_string/);
  });
});

describe.each(configs)('alarms of %s', (name, config) => {
  const json = synthFootprint(config, name);
  const t = config.monitoring.alarms;
  const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm');
  /** metric name → threshold, of the alarms on one dimension value. */
  const on = (dimension: string, value: string) =>
    Object.fromEntries(alarms.filter((a) => a.dimensions?.[dimension] === value).map((a) => [a.metric_name, a.threshold]));

  it('CloudWatch alarms exist for each managed store, with thresholds from config, to the topics', () => {
    const dbs = Object.entries(json.resource.aws_db_instance ?? {});
    expect(dbs.length).toBeGreaterThan(0);
    for (const [id, db] of dbs) {
      // The connections threshold is a share of the class's max_connections (RDS's formula over its memory).
      const connections = Math.floor((postgresMaxConnections(db.instance_class) * t.databaseConnectionsPercent) / 100);
      const expected: Record<string, number> = { CPUUtilization: t.databaseCpuPercent, FreeStorageSpace: t.databaseFreeStorageGiB * 1024 ** 3, DatabaseConnections: connections };
      if (db.replicate_source_db !== undefined) expected.ReplicaLag = t.replicaLagSeconds;
      expect(on('DBInstanceIdentifier', `\${aws_db_instance.${id}.identifier}`), id).toEqual(expected);
    }
    for (const [id, group] of Object.entries(json.resource.aws_elasticache_replication_group ?? {})) {
      for (let node = 1; node <= group.num_cache_clusters; node++) {
        const clusterId = `\${aws_elasticache_replication_group.${id}.replication_group_id}-00${node}`;
        expect(on('CacheClusterId', clusterId), clusterId).toEqual({ DatabaseMemoryUsagePercentage: t.cacheMemoryPercent, Evictions: t.cacheEvictionsPer5Minutes });
      }
      expect(alarms.filter((a) => a.dimensions?.CacheClusterId?.startsWith(`\${aws_elasticache_replication_group.${id}.`))).toHaveLength(2 * group.num_cache_clusters);
    }
    for (const id of Object.keys(json.resource.aws_opensearch_domain ?? {})) {
      expect(on('DomainName', `\${aws_opensearch_domain.${id}.domain_name}`)).toEqual({
        'ClusterStatus.red': 1,
        'ClusterStatus.yellow': 1,
        FreeStorageSpace: t.searchFreeStorageGiB * 1024,
        JVMMemoryPressure: t.searchJvmMemoryPressurePercent,
      });
    }
    const nats = Object.keys(json.resource.aws_nat_gateway ?? {});
    // Every environment has NAT gateways but one that runs a NAT instance instead.
    expect(nats.length > 0 || Object.keys(json.resource.aws_instance ?? {}).length === 1).toBe(true);
    for (const id of nats) expect(on('NatGatewayId', `\${aws_nat_gateway.${id}.id}`)).toEqual({ ErrorPortAllocation: 0, PacketsDropCount: 0 });

    // Each severity's topic, and with disaster recovery the same two in us-east-1, where Route53's health-check
    // metrics are, beside the Alertmanager heartbeat topic (which no alarm notifies).
    const alertTopics = Object.entries(json.resource.aws_sns_topic ?? {}).filter(([, t]) => /-alerts-(critical|warning)$/.test(t.name));
    const topics = alertTopics.map(([id]) => `\${aws_sns_topic.${id}.arn}`);
    expect(topics).toHaveLength(config.disasterRecovery ? 4 : 2);
    expect(Object.keys(json.resource.aws_sns_topic ?? {})).toHaveLength(config.disasterRecovery ? 5 : 2);
    // A standby's failover stack alarms to the topics of its always-on stack, read from its state.
    if (config.standbyFor) topics.push(...['critical', 'warning'].map((s) => `\${data.terraform_remote_state.Standby_State_1D99A03C.outputs.alerts_${s}_topic_arn}`));
    for (const alarm of alarms) {
      expect(alarm.alarm_actions, alarm.alarm_name).toHaveLength(1);
      expect(topics).toContain(alarm.alarm_actions[0]);
      expect(alarm.ok_actions, alarm.alarm_name).toEqual(alarm.alarm_actions);
      const link = /https:\/\/\S+/.exec(alarm.alarm_description)?.[0] ?? '';
      expect(runbookAnchorOf(link), `${alarm.alarm_name} links ${link}`).toBeDefined();
    }
  });

  it('encrypts every SNS topic and SQS queue with a customer-managed key', () => {
    for (const topic of resourcesOf(json, 'aws_sns_topic')) expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    for (const queue of resourcesOf(json, 'aws_sqs_queue')) expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it('sends each severity to the receivers config names', () => {
    const forwarders = resourcesOf(json, 'aws_lambda_function').filter((f) => String(f.function_name).endsWith('-alarm-forwarder'));
    expect(forwarders.length).toBeGreaterThan(0);
    for (const forwarder of forwarders) {
      expect(forwarder.environment.variables).toMatchObject({
        RECEIVER_CRITICAL: receiversOf('critical', config.monitoring.receivers).join(','),
        RECEIVER_WARNING: receiversOf('warning', config.monitoring.receivers).join(','),
      });
    }
  });
});

const kubernetesStacks: [string, TfJson][] = ENVIRONMENTS.map((e) => [`${e.name}-k8s`, synthKubernetesEnvironment(e).json]);

describe.each(kubernetesStacks)('invariants of %s', (_name, json) => {
  it('rotates every KMS key, tags through the provider and names with hexabid-<env>', () => {
    for (const key of resourcesOf(json, 'aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
    expect(Object.keys(json.provider.aws![0].default_tags[0].tags).sort()).toEqual(['cost-center', 'environment', 'managed-by', 'project']);
    for (const role of resourcesOf(json, 'aws_iam_role')) expect(role.name).toMatch(/^hexabid-[a-z]+-/);
    for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) expect(secret.name).toMatch(/^hexabid\/[a-z]+\//);
  });

  it('stores state in S3 with native locking and encryption, under Terraform 1.11 or newer', () => {
    expect(json.terraform.backend.s3).toMatchObject({ encrypt: true, use_lockfile: true });
    expect(json.terraform.required_version).toBe('>= 1.11');
  });

  it('never carries a secret value: secret versions write-only, no Kubernetes Secrets, no sensitive Helm values', () => {
    for (const type of ['kubernetes_secret', 'kubernetes_secret_v1']) expect(resourcesOf(json, type)).toEqual([]);
    // A generated credential (Grafana's admin) is written through the write-only argument, so state never holds it.
    for (const version of resourcesOf(json, 'aws_secretsmanager_secret_version')) {
      expect(version).not.toHaveProperty('secret_string');
      expect(version).not.toHaveProperty('secret_binary');
      expect(version.secret_string_wo).toMatch(/^\$\{jsonencode\(/);
    }
    for (const release of resourcesOf(json, 'helm_release')) {
      expect(release).not.toHaveProperty('set_sensitive');
      expect(JSON.stringify(release.values ?? [])).not.toMatch(/(password|api-key|auth-token|secret)\W*:\s*["']?[A-Za-z0-9+/]{8,}/i);
    }
    for (const output of Object.values(json.output ?? {})) expect(JSON.stringify(output.value)).not.toMatch(/password|secret_string/);
  });
});

describe.each(productionStacks)('production guard rails of %s', (_name, json) => {
  it('protects, snapshots and backs up every database', () => {
    const dbs = resourcesOf(json, 'aws_db_instance');
    expect(dbs.length).toBeGreaterThan(0);
    for (const db of dbs) expect(db.deletion_protection).toBe(true);
    if (_name === 'production-dr') {
      // A standby's database is a cross-region replica of production's, which the failover promotes.
      const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
      expect(dbs.map((d) => d.replicate_source_db)).toEqual([`arn:aws:rds:${primary.region}:${accountOf(primary).accountId}:db:hexabid-production`]);
      return;
    }
    const primary = dbs.find((d) => d.replicate_source_db === undefined)!;
    expect(primary).toMatchObject({ multi_az: true, skip_final_snapshot: false, backup_retention_period: 30, delete_automated_backups: false });
    expect(primary.final_snapshot_identifier).toBe('hexabid-production-final-${formatdate("YYYYMMDDhhmmss", timestamp())}');
  });

  it('never force-destroys a bucket', () => {
    for (const bucket of resourcesOf(json, 'aws_s3_bucket')) expect(bucket.force_destroy).toBe(false);
  });
});

describe.each([...stacks, ...kubernetesStacks, ...ACCOUNTS.map((a) => [bootstrapStackName(a), synthBootstrap(a).json] as [string, TfJson])])('Terraform expressions of %s', (_name, json) => {
  it('holds no literal ${…} or %{…} meant for another tool, which Terraform would read as its own and refuse at plan', () => {
    // Every `${` in Terraform JSON starts an expression; Terraform's names and functions are lower case, so `${VAR}`
    // (a shell variable) or `${PROP(…)}` (a Grafana label) is text for someone else and must be written `$${`.
    const text = JSON.stringify(json);
    expect(text.match(/(?<!\$)\$\{[A-Z][^}]{0,40}/g) ?? []).toEqual([]);
    expect(text.match(/(?<!%)%\{(?!\s*(if|for|else|endif|endfor)\b)/g) ?? []).toEqual([]);
  });
});

import type { StackResource } from './stack-resource.ts';
import { type StackInput, StackSet } from './stack-set.ts';
import type { TfValue } from './terraform-template.ts';

/** How far a name must be unique. */
export type NameScope = 'global' | 'account' | 'region' | 'cluster';

/** A fixed name a resource takes, with where it must be unique. */
export interface FixedName {
  /** What the name is of: `IAM role`, `secret`, `Kubernetes namespace`. */
  readonly kind: string;
  readonly scope: NameScope;
  readonly name: string;
  /** `account`, `account/region`, or `account/region/cluster[/namespace]`: where it must be unique. */
  readonly within: string;
  readonly stack: string;
  readonly address: string;
}

/** A name two resources take in the same place: the second create fails. */
export interface DuplicateName {
  readonly kind: string;
  readonly scope: NameScope;
  readonly name: string;
  readonly within: string;
  /** `stack address` of each resource that takes it. */
  readonly takenBy: readonly string[];
}

type Extract = (set: StackSet, res: StackResource) => string[];

const field = (key: string): Extract => (set, res) => (set.has(res, key) ? [String(set.field(res, key))] : []);

/** Resource types that take a fixed, unique name: the argument, what it names, and its scope (AWS's quotas and API errors). */
const NAMES: Readonly<Record<string, { kind: string; scope: NameScope; names: Extract; caseInsensitive?: boolean }>> = {
  aws_s3_bucket: { kind: 'S3 bucket', scope: 'global', names: field('bucket') },
  aws_iam_role: { kind: 'IAM role', scope: 'account', names: field('name'), caseInsensitive: true },
  aws_iam_policy: { kind: 'IAM policy', scope: 'account', names: field('name'), caseInsensitive: true },
  aws_iam_user: { kind: 'IAM user', scope: 'account', names: field('name'), caseInsensitive: true },
  aws_iam_instance_profile: { kind: 'IAM instance profile', scope: 'account', names: field('name'), caseInsensitive: true },
  aws_iam_openid_connect_provider: { kind: 'IAM OIDC provider', scope: 'account', names: field('url') },
  aws_iam_service_linked_role: { kind: 'IAM service-linked role', scope: 'account', names: (set, res) => [`${String(set.field(res, 'aws_service_name'))}${set.has(res, 'custom_suffix') ? `_${String(set.field(res, 'custom_suffix'))}` : ''}`] },
  aws_cloudwatch_log_group: { kind: 'log group', scope: 'region', names: field('name') },
  aws_cloudwatch_log_resource_policy: { kind: 'Logs resource policy', scope: 'region', names: field('policy_name') },
  aws_cloudwatch_metric_alarm: { kind: 'CloudWatch alarm', scope: 'region', names: field('alarm_name') },
  aws_secretsmanager_secret: {
    kind: 'secret', scope: 'region',
    names: (set, res) => (set.has(res, 'name') ? [String(set.field(res, 'name'))] : []),
  },
  aws_kms_alias: { kind: 'KMS alias', scope: 'region', names: field('name') },
  aws_sns_topic: { kind: 'SNS topic', scope: 'region', names: field('name') },
  aws_sqs_queue: { kind: 'SQS queue', scope: 'region', names: field('name') },
  aws_lambda_function: { kind: 'Lambda function', scope: 'region', names: field('function_name') },
  aws_eks_cluster: { kind: 'EKS cluster', scope: 'region', names: field('name') },
  aws_db_instance: { kind: 'RDS DB instance', scope: 'region', names: field('identifier'), caseInsensitive: true },
  aws_db_parameter_group: { kind: 'RDS parameter group', scope: 'region', names: field('name'), caseInsensitive: true },
  aws_db_subnet_group: { kind: 'RDS subnet group', scope: 'region', names: field('name'), caseInsensitive: true },
  aws_elasticache_replication_group: { kind: 'ElastiCache replication group', scope: 'region', names: field('replication_group_id'), caseInsensitive: true },
  aws_elasticache_subnet_group: { kind: 'ElastiCache subnet group', scope: 'region', names: field('name'), caseInsensitive: true },
  aws_elasticache_user: { kind: 'ElastiCache user', scope: 'region', names: field('user_id') },
  aws_elasticache_user_group: { kind: 'ElastiCache user group', scope: 'region', names: field('user_group_id') },
  aws_opensearch_domain: { kind: 'OpenSearch domain', scope: 'region', names: field('domain_name') },
  aws_ecr_repository: { kind: 'ECR repository', scope: 'region', names: field('name') },
  aws_launch_template: { kind: 'launch template', scope: 'region', names: field('name') },
  aws_wafv2_web_acl: { kind: 'WAF web ACL', scope: 'region', names: field('name') },
  aws_serverlessapplicationrepository_cloudformation_stack: {
    kind: 'CloudFormation stack', scope: 'region', names: (set, res) => [`serverlessrepo-${String(set.field(res, 'name'))}`],
  },
};

/** Kubernetes objects: unique per cluster (and namespace, for namespaced kinds). */
const KUBE: Readonly<Record<string, { kind: string; namespaced: boolean }>> = {
  kubernetes_namespace_v1: { kind: 'Kubernetes namespace', namespaced: false },
  kubernetes_cluster_role_v1: { kind: 'Kubernetes ClusterRole', namespaced: false },
  kubernetes_cluster_role_binding_v1: { kind: 'Kubernetes ClusterRoleBinding', namespaced: false },
  kubernetes_storage_class_v1: { kind: 'Kubernetes StorageClass', namespaced: false },
  kubernetes_role_v1: { kind: 'Kubernetes Role', namespaced: true },
  kubernetes_role_binding_v1: { kind: 'Kubernetes RoleBinding', namespaced: true },
  kubernetes_service_account_v1: { kind: 'Kubernetes ServiceAccount', namespaced: true },
  kubernetes_config_map_v1: { kind: 'Kubernetes ConfigMap', namespaced: true },
  kubernetes_secret_v1: { kind: 'Kubernetes Secret', namespaced: true },
  kubernetes_job_v1: { kind: 'Kubernetes Job', namespaced: true },
  kubernetes_cron_job_v1: { kind: 'Kubernetes CronJob', namespaced: true },
  kubernetes_limit_range_v1: { kind: 'Kubernetes LimitRange', namespaced: true },
  kubernetes_resource_quota_v1: { kind: 'Kubernetes ResourceQuota', namespaced: true },
};

function first(value: TfValue): Record<string, TfValue> {
  return (Array.isArray(value) ? value[0] : value) as Record<string, TfValue>;
}

/** Every fixed name the stacks take, resolved, with the place it must be unique in. */
export function fixedNames(set: StackSet): FixedName[] {
  const out: FixedName[] = [];
  for (const [type, spec] of Object.entries(NAMES)) {
    for (const res of set.resources(type)) {
      const loc = set.location(res);
      const within = spec.scope === 'global' ? loc.partition : spec.scope === 'account' ? loc.account : `${loc.account}/${loc.region}`;
      for (const raw of spec.names(set, res)) {
        const name = spec.caseInsensitive ? raw.toLowerCase() : raw;
        out.push({ kind: spec.kind, scope: spec.scope, name, within, stack: res.stack, address: res.address });
        // A secret's replicas take its name in their regions.
        if (type === 'aws_secretsmanager_secret' && set.has(res, 'replica')) {
          const replicas = set.field(res, 'replica');
          for (const r of (Array.isArray(replicas) ? replicas : [replicas]) as Record<string, TfValue>[]) {
            out.push({ kind: spec.kind, scope: spec.scope, name, within: `${loc.account}/${String(r['region'])}`, stack: res.stack, address: `${res.address} replica` });
          }
        }
      }
      // A rotation application creates a function named by its parameter.
      if (type === 'aws_serverlessapplicationrepository_cloudformation_stack' && set.has(res, 'parameters')) {
        const fn = (set.field(res, 'parameters') as Record<string, TfValue>)['functionName'];
        if (typeof fn === 'string') out.push({ kind: 'Lambda function', scope: 'region', name: fn, within: `${loc.account}/${loc.region}`, stack: res.stack, address: res.address });
      }
    }
  }
  for (const stack of set.stackNames) {
    const data = set.resources('aws_eks_cluster', 'data').find((d) => d.stack === stack);
    if (!data) continue;
    const loc = set.location(data);
    const cluster = `${loc.account}/${loc.region}/${String(set.field(data, 'name'))}`;
    for (const [type, spec] of Object.entries(KUBE)) {
      for (const res of set.resources(type).filter((r) => r.stack === stack)) {
        const meta = first(set.field(res, 'metadata'));
        const namespace = spec.namespaced ? `/${String(meta['namespace'] ?? 'default')}` : '';
        out.push({ kind: spec.kind, scope: 'cluster', name: String(meta['name']), within: `${cluster}${namespace}`, stack, address: res.address });
      }
    }
    for (const res of set.resources('helm_release').filter((r) => r.stack === stack)) {
      const namespace = set.has(res, 'namespace') ? String(set.field(res, 'namespace')) : 'default';
      out.push({ kind: 'Helm release', scope: 'cluster', name: String(set.field(res, 'name')), within: `${cluster}/${namespace}`, stack, address: res.address });
    }
  }
  return out;
}

/** Names that two resources of the given stacks take in the same place. */
export function findDuplicateNames(stacks: readonly StackInput[] | StackSet): DuplicateName[] {
  const set = stacks instanceof StackSet ? stacks : new StackSet(stacks);
  const groups = new Map<string, FixedName[]>();
  for (const n of fixedNames(set)) {
    const key = `${n.kind}\u0000${n.within}\u0000${n.name}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => ({ kind: g[0]!.kind, scope: g[0]!.scope, name: g[0]!.name, within: g[0]!.within, takenBy: g.map((n) => `${n.stack} ${n.address}`) }));
}

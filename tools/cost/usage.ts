/**
 * Usage assumptions, one file per environment (tools/cost/usage/<env>.yaml), in the
 * manner of Infracost's usage file: what the stacks cannot say (GB stored, GB
 * transferred, log GB ingested, requests) is assumed here, and every line it
 * feeds is marked usage-based.
 *
 *   version: 0.1
 *   resource_type_default_usage:      # every resource of the type
 *     aws_nat_gateway:
 *       monthly_data_processed_gb: 50
 *   resource_usage:                   # one resource, by address; `*` stands for the construct hash
 *     aws_s3_bucket.Documents_Bucket_*:
 *       storage_gb: 100
 *   data_transfer:
 *     monthly_outbound_internet_gb: 100
 *
 * A key the schema below does not know, or a `resource_usage` address that
 * matches nothing in the environment's stacks, is an error: a renamed
 * resource cannot leave its usage behind unnoticed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Usage keys per resource type, with what each means. `aws_lb` is the ALB the AWS Load Balancer Controller makes. */
export const USAGE_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aws_nat_gateway: { monthly_data_processed_gb: 'GB each NAT gateway processes a month (in and out)' },
  aws_vpc_endpoint: { monthly_data_processed_gb: 'GB each interface endpoint processes a month' },
  aws_cloudwatch_log_group: {
    monthly_data_ingested_gb: 'GB ingested into each log group a month',
    storage_gb: 'GB archived in the log group (overrides the estimate from ingestion and retention)',
    compressed_storage_fraction: 'archived size as a fraction of ingested size (CloudWatch stores logs compressed)',
  },
  aws_s3_bucket: {
    storage_gb: 'GB stored (priced as S3 Standard)',
    monthly_tier_1_requests: 'PUT, COPY, POST and LIST requests a month',
    monthly_tier_2_requests: 'GET and other requests a month',
  },
  aws_s3_bucket_replication_configuration: { monthly_replicated_gb: 'GB replicated to the destination bucket a month' },
  aws_ecr_repository: { storage_gb: 'GB of images stored (and in each Region it is replicated to)' },
  aws_ecr_replication_configuration: { monthly_replicated_gb: 'GB of image layers copied to the other Regions a month' },
  aws_db_instance: {
    additional_backup_storage_gb: 'GB of backups beyond the free allowance (100% of the provisioned storage)',
    storage_gb: 'GB of storage, for a replica whose source is in no synthesized stack',
    monthly_cross_region_replication_gb: 'GB a cross-Region read replica receives from its source a month',
  },
  aws_kms_key: { monthly_requests: 'API requests to each key a month' },
  aws_secretsmanager_secret: { monthly_requests: 'API calls to each secret a month' },
  aws_route53_zone: { monthly_standard_queries: 'standard queries to each zone a month (alias queries to AWS resources are free)' },
  aws_wafv2_web_acl: { monthly_requests: 'requests each web ACL inspects a month' },
  aws_lambda_function: { monthly_requests: 'invocations a month', request_duration_ms: 'average duration of an invocation, in ms' },
  aws_sns_topic: { monthly_requests: 'publishes a month' },
  aws_sqs_queue: { monthly_requests: 'requests a month' },
  aws_eks_node_group: {
    sustained_cpu_percent: "average CPU use of each node over the month, in percent of its vCPUs; above a T instance's baseline it pays unlimited-mode surplus credits",
  },
  aws_lb: {
    new_connections: 'new connections per second, averaged over the month',
    active_connections: 'active connections per minute, averaged over the month',
    processed_bytes_gb: 'GB processed per hour, averaged over the month',
    rule_evaluations: 'rule evaluations per second, averaged over the month',
  },
};

export const DATA_TRANSFER_KEYS: Readonly<Record<string, string>> = {
  monthly_outbound_internet_gb: 'GB sent to the internet a month (responses through the ALB, egress through NAT)',
  monthly_cross_zone_gb: 'GB sent between zones a month (pods to pods, nodes to the cache, search and database replicas), each side charged',
};

/** A usage file that cannot be read or does not fit the schema; the message names the file and the key. */
export class UsageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageFileError';
  }
}

interface AddressPattern {
  readonly key: string;
  readonly type: string;
  readonly name: RegExp;
  readonly exact: boolean;
  readonly values: ReadonlyMap<string, number>;
}

export interface UsageFile {
  readonly path: string;
  readonly typeDefaults: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly resources: readonly AddressPattern[];
  readonly dataTransfer: ReadonlyMap<string, number>;
}

function numbers(path: string, where: string, value: unknown, allowed: Readonly<Record<string, string>>): Map<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageFileError(`${path}: ${where} must be a map of usage keys to numbers`);
  const out = new Map<string, number>();
  for (const [key, raw] of Object.entries(value)) {
    if (!(key in allowed)) throw new UsageFileError(`${path}: ${where}.${key} is not a usage key; known keys: ${Object.keys(allowed).join(', ')}`);
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) throw new UsageFileError(`${path}: ${where}.${key} must be a number ≥ 0, not ${JSON.stringify(raw)}`);
    out.set(key, raw);
  }
  return out;
}

/** Parses and checks a usage file's text. */
export function parseUsage(text: string, path: string): UsageFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageFileError(`${path} is not YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageFileError(`${path}: expected a map at the top`);
  const top = doc as Record<string, unknown>;
  const unknown = Object.keys(top).filter((k) => !['version', 'resource_type_default_usage', 'resource_usage', 'data_transfer'].includes(k));
  if (unknown.length > 0) throw new UsageFileError(`${path}: unknown top-level key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  if (String(top.version) !== '0.1') throw new UsageFileError(`${path}: version must be 0.1, as in Infracost's usage file`);

  const typeDefaults = new Map<string, ReadonlyMap<string, number>>();
  for (const [type, values] of Object.entries((top.resource_type_default_usage ?? {}) as Record<string, unknown>)) {
    const allowed = USAGE_KEYS[type];
    if (!allowed) throw new UsageFileError(`${path}: resource_type_default_usage.${type}: no usage is priced for ${type}; types with usage: ${Object.keys(USAGE_KEYS).join(', ')}`);
    typeDefaults.set(type, numbers(path, `resource_type_default_usage.${type}`, values, allowed));
  }

  const resources: AddressPattern[] = [];
  for (const [key, values] of Object.entries((top.resource_usage ?? {}) as Record<string, unknown>)) {
    const match = /^([a-z0-9_]+)\.([A-Za-z0-9_*-]+)$/.exec(key);
    if (!match) throw new UsageFileError(`${path}: resource_usage key "${key}" must be a Terraform address, <type>.<name>, with * for any characters`);
    const type = match[1]!;
    const allowed = USAGE_KEYS[type];
    if (!allowed) throw new UsageFileError(`${path}: resource_usage.${key}: no usage is priced for ${type}`);
    const name = new RegExp(`^${match[2]!.replace(/\*/g, '.*')}$`);
    resources.push({ key, type, name, exact: !key.includes('*'), values: numbers(path, `resource_usage.${key}`, values, allowed) });
  }
  // An exact address wins over a pattern, and a longer pattern over a shorter one.
  resources.sort((a, b) => Number(b.exact) - Number(a.exact) || b.key.length - a.key.length);

  const dataTransfer = numbers(path, 'data_transfer', top.data_transfer ?? {}, DATA_TRANSFER_KEYS);
  return { path, typeDefaults, resources, dataTransfer };
}

/** The usage file of an environment, `<dir>/<environment>.yaml`; undefined when there is none. */
export function loadUsage(dir: string, environment: string): UsageFile | undefined {
  const path = join(dir, `${environment}.yaml`);
  if (!existsSync(path)) return undefined;
  return parseUsage(readFileSync(path, 'utf8'), path);
}

/** Something usage can be looked up for: a resource of the stacks, or one the estimator infers (the ALB). */
export interface UsageSubject {
  readonly type: string;
  readonly name: string;
}

/** Looks up usage for resources; an empty file when an environment has none. */
export class Usage {
  constructor(readonly file: UsageFile) {}

  static empty(path: string): Usage {
    return new Usage({ path, typeDefaults: new Map(), resources: [], dataTransfer: new Map() });
  }

  /** The value for a subject's key: its own address first, then its type's default; undefined when neither gives one. */
  value(subject: UsageSubject, key: string): number | undefined {
    const own = this.file.resources.find((p) => p.type === subject.type && p.name.test(subject.name) && p.values.has(key));
    return own?.values.get(key) ?? this.file.typeDefaults.get(subject.type)?.get(key);
  }

  dataTransfer(key: string): number | undefined {
    return this.file.dataTransfer.get(key);
  }

  /** `resource_usage` keys that match none of these resources: stale after a rename. */
  unmatched(subjects: readonly UsageSubject[]): string[] {
    return this.file.resources.filter((p) => !subjects.some((s) => s.type === p.type && p.name.test(s.name))).map((p) => p.key);
  }
}

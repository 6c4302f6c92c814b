import { ELB_ACCOUNTS } from './elb-accounts.ts';
import type { Placeholders } from './placeholders.ts';
import { sarApplication, sarRoleName } from './sar-templates.ts';
import type { Location, StackLookup, StackResource } from './stack-resource.ts';
import type { TfValue } from './terraform-template.ts';

/** What an attribute computation may read. */
export interface AttributeContext {
  readonly set: StackLookup;
  field(key: string): TfValue;
  has(key: string): boolean;
  location(): Location;
  readonly placeholders: Placeholders;
}

function str(value: TfValue, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  return value;
}

/** A name Terraform generates when none is given (`name_prefix` + suffix, or `terraform-...`). */
function nameOf(ctx: AttributeContext, key = 'name'): string {
  if (ctx.has(key)) return str(ctx.field(key), key);
  const prefix = ctx.has(`${key}_prefix`) ? str(ctx.field(`${key}_prefix`), `${key}_prefix`) : 'terraform-';
  return `${prefix}${ctx.placeholders.hexId('generated-name', 26)}`;
}

function arn(loc: Location, service: string, resource: string, regional = true, withAccount = true): string {
  return `arn:${loc.partition}:${service}:${regional ? loc.region : ''}:${withAccount ? loc.account : ''}:${resource}`;
}

/** The KMS key an ID, alias name or ARN designates, among the stacks' keys in that account and region. */
function kmsKey(ctx: AttributeContext, keyId: string): StackResource | undefined {
  const loc = ctx.location();
  const set = ctx.set;
  if (keyId.startsWith('alias/') || keyId.includes(':alias/')) {
    const alias = keyId.slice(keyId.indexOf('alias/'));
    const found = set.findBy('aws_kms_alias', loc, (res) => set.field(res, 'name') === alias);
    if (!found) return undefined;
    const target = str(set.field(found, 'target_key_id'), 'target_key_id');
    return kmsKey({ ...ctx, location: () => set.location(found) }, target);
  }
  return set.findBy('aws_kms_key', loc, (res) => {
    const id = set.attribute(res.stack, 'resource', 'aws_kms_key', res.name, ['key_id']);
    const a = set.attribute(res.stack, 'resource', 'aws_kms_key', res.name, ['arn']);
    return id === keyId || a === keyId;
  });
}

type Computer = (ctx: AttributeContext, attr: string, res: StackResource) => TfValue | undefined;

const RESOURCES: Readonly<Record<string, Computer>> = {
  // A rule of the default event bus (the only one the stacks use): its ARN has no bus name.
  aws_cloudwatch_event_rule: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    if (ctx.has('event_bus_name') && ctx.field('event_bus_name') !== 'default') throw new Error(`rule ${name} is on event bus ${String(ctx.field('event_bus_name'))}, which is not modelled`);
    if (attr === 'arn') return arn(ctx.location(), 'events', `rule/${name}`);
    if (attr === 'id') return name;
    return undefined;
  },
  aws_iam_role: (ctx, attr) => {
    const name = nameOf(ctx);
    const path = ctx.has('path') ? str(ctx.field('path'), 'path') : '/';
    const loc = ctx.location();
    if (attr === 'name' || attr === 'id') return name;
    if (attr === 'arn') return `arn:${loc.partition}:iam::${loc.account}:role${path}${name}`;
    if (attr === 'unique_id') return `AROA${ctx.placeholders.alnum('unique-id', 17, true)}`;
    return undefined;
  },
  aws_iam_policy: (ctx, attr) => {
    const name = nameOf(ctx);
    const path = ctx.has('path') ? str(ctx.field('path'), 'path') : '/';
    const loc = ctx.location();
    const a = `arn:${loc.partition}:iam::${loc.account}:policy${path}${name}`;
    if (attr === 'name') return name;
    if (attr === 'arn' || attr === 'id') return a;
    return undefined;
  },
  aws_iam_openid_connect_provider: (ctx, attr) => {
    const loc = ctx.location();
    const url = str(ctx.field('url'), 'url').replace(/^https:\/\//, '');
    if (attr === 'arn' || attr === 'id') return `arn:${loc.partition}:iam::${loc.account}:oidc-provider/${url}`;
    return undefined;
  },
  aws_kms_key: (ctx, attr) => {
    const id = ctx.placeholders.uuid('key-id');
    if (attr === 'key_id' || attr === 'id') return id;
    if (attr === 'arn') return arn(ctx.location(), 'kms', `key/${id}`);
    return undefined;
  },
  aws_kms_alias: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    if (attr === 'id') return name;
    if (attr === 'arn') return arn(ctx.location(), 'kms', name);
    if (attr === 'target_key_arn') {
      const key = kmsKey(ctx, str(ctx.field('target_key_id'), 'target_key_id'));
      if (!key) throw new Error('the alias targets no key of the stacks');
      return ctx.set.attribute(key.stack, 'resource', 'aws_kms_key', key.name, ['arn']);
    }
    return undefined;
  },
  aws_s3_bucket: (ctx, attr) => {
    const bucket = nameOf(ctx, 'bucket');
    const loc = ctx.location();
    if (attr === 'id' || attr === 'bucket') return bucket;
    if (attr === 'arn') return `arn:${loc.partition}:s3:::${bucket}`;
    if (attr === 'region') return loc.region;
    if (attr === 'bucket_domain_name') return `${bucket}.s3.amazonaws.com`;
    if (attr === 'bucket_regional_domain_name') return `${bucket}.s3.${loc.region}.amazonaws.com`;
    return undefined;
  },
  aws_secretsmanager_secret: (ctx, attr) => {
    const name = nameOf(ctx);
    // Secrets Manager appends a hyphen and six random characters to the name.
    const a = arn(ctx.location(), 'secretsmanager', `secret:${name}-${ctx.placeholders.alnum('secret-suffix', 6)}`);
    if (attr === 'name') return name;
    if (attr === 'arn' || attr === 'id') return a;
    return undefined;
  },
  aws_sns_topic: (ctx, attr) => {
    const name = nameOf(ctx);
    if (attr === 'name') return name;
    if (attr === 'arn' || attr === 'id') return arn(ctx.location(), 'sns', name);
    return undefined;
  },
  aws_sqs_queue: (ctx, attr) => {
    const name = nameOf(ctx);
    const loc = ctx.location();
    if (attr === 'name') return name;
    if (attr === 'arn') return arn(loc, 'sqs', name);
    if (attr === 'url' || attr === 'id') return `https://sqs.${loc.region}.amazonaws.com/${loc.account}/${name}`;
    return undefined;
  },
  aws_lambda_function: (ctx, attr) => {
    const name = str(ctx.field('function_name'), 'function_name');
    const loc = ctx.location();
    const a = arn(loc, 'lambda', `function:${name}`);
    if (attr === 'arn') return a;
    if (attr === 'id') return name;
    if (attr === 'qualified_arn') return `${a}:$LATEST`;
    if (attr === 'invoke_arn') return `arn:${loc.partition}:apigateway:${loc.region}:lambda:path/2015-03-31/functions/${a}/invocations`;
    return undefined;
  },
  aws_cloudwatch_log_group: (ctx, attr) => {
    const name = nameOf(ctx);
    if (attr === 'name' || attr === 'id') return name;
    // The provider returns the ARN without the trailing `:*` (AWS provider 4.0 and later).
    if (attr === 'arn') return arn(ctx.location(), 'logs', `log-group:${name}`);
    return undefined;
  },
  aws_opensearch_domain: (ctx, attr) => {
    const name = str(ctx.field('domain_name'), 'domain_name');
    const loc = ctx.location();
    if (attr === 'arn' || attr === 'id') return arn(loc, 'es', `domain/${name}`);
    if (attr === 'domain_id') return `${loc.account}/${name}`;
    if (attr === 'endpoint') return `vpc-${name}-${ctx.placeholders.alnum('endpoint', 26).toLowerCase()}.${loc.region}.es.amazonaws.com`;
    return undefined;
  },
  aws_eks_cluster: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    const loc = ctx.location();
    const id = ctx.placeholders.hexId('oidc', 32).toUpperCase();
    if (attr === 'arn') return arn(loc, 'eks', `cluster/${name}`);
    if (attr === 'id') return name;
    if (attr === 'endpoint') return `https://${id}.gr7.${loc.region}.eks.amazonaws.com`;
    if (attr === 'identity') return [{ oidc: [{ issuer: `https://oidc.eks.${loc.region}.amazonaws.com/id/${id}` }] }];
    if (attr === 'certificate_authority') return [{ data: 'Y2VydGlmaWNhdGUtcGxhY2Vob2xkZXI=' }];
    if (attr === 'vpc_config') {
      const config = (ctx.has('vpc_config') ? ctx.field('vpc_config') : {}) as Record<string, TfValue>;
      const block = Array.isArray(config) ? (config[0] as Record<string, TfValue>) : config;
      return [{ ...block, cluster_security_group_id: `sg-${ctx.placeholders.hexId('cluster-sg', 17)}`, vpc_id: `vpc-${ctx.placeholders.hexId('vpc', 17)}` }];
    }
    return undefined;
  },
  aws_db_instance: (ctx, attr) => {
    const id = nameOf(ctx, 'identifier');
    const loc = ctx.location();
    const address = `${id}.${ctx.placeholders.alnum('endpoint', 12).toLowerCase()}.${loc.region}.rds.amazonaws.com`;
    const port = ctx.has('port') ? ctx.field('port') : 5432;
    if (attr === 'identifier') return id;
    if (attr === 'arn') return arn(loc, 'rds', `db:${id}`);
    if (attr === 'address') return address;
    if (attr === 'endpoint') return `${address}:${String(port)}`;
    if (attr === 'port') return port;
    if (attr === 'id' || attr === 'resource_id') return `db-${ctx.placeholders.alnum('resource-id', 26, true)}`;
    return undefined;
  },
  aws_elasticache_replication_group: (ctx, attr) => {
    const id = str(ctx.field('replication_group_id'), 'replication_group_id');
    const loc = ctx.location();
    const suffix = `${ctx.placeholders.alnum('endpoint', 6).toLowerCase()}.${loc.region}.cache.amazonaws.com`;
    if (attr === 'id') return id;
    if (attr === 'arn') return arn(loc, 'elasticache', `replicationgroup:${id}`);
    if (attr === 'primary_endpoint_address') return `master.${id}.${suffix}`;
    if (attr === 'reader_endpoint_address') return `replica.${id}.${suffix}`;
    return undefined;
  },
  aws_elasticache_user: (ctx, attr) => {
    const id = str(ctx.field('user_id'), 'user_id');
    if (attr === 'id') return id;
    if (attr === 'arn') return arn(ctx.location(), 'elasticache', `user:${id}`);
    return undefined;
  },
  aws_elasticache_user_group: (ctx, attr) => {
    const id = str(ctx.field('user_group_id'), 'user_group_id');
    if (attr === 'id') return id;
    if (attr === 'arn') return arn(ctx.location(), 'elasticache', `usergroup:${id}`);
    return undefined;
  },
  aws_ecr_repository: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    const loc = ctx.location();
    if (attr === 'id') return name;
    if (attr === 'arn') return arn(loc, 'ecr', `repository/${name}`);
    if (attr === 'registry_id') return loc.account;
    if (attr === 'repository_url') return `${loc.account}.dkr.ecr.${loc.region}.amazonaws.com/${name}`;
    return undefined;
  },
  aws_wafv2_web_acl: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    const scope = ctx.has('scope') && ctx.field('scope') === 'CLOUDFRONT' ? 'global' : 'regional';
    const id = ctx.placeholders.uuid('web-acl');
    if (attr === 'id') return id;
    if (attr === 'arn') return arn(ctx.location(), 'wafv2', `${scope}/webacl/${name}/${id}`);
    return undefined;
  },
  aws_acm_certificate: (ctx, attr) => {
    const a = arn(ctx.location(), 'acm', `certificate/${ctx.placeholders.uuid('certificate')}`);
    return attr === 'arn' || attr === 'id' ? a : undefined;
  },
  aws_acm_certificate_validation: (ctx, attr) => (attr === 'id' ? ctx.field('certificate_arn') : undefined),
  aws_route53_zone: (ctx, attr) => {
    const id = `Z${ctx.placeholders.alnum('zone-id', 20, true)}`;
    if (attr === 'zone_id' || attr === 'id') return id;
    if (attr === 'arn') return `arn:${ctx.location().partition}:route53:::hostedzone/${id}`;
    if (attr === 'name_servers') return [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-placeholder.net`);
    return undefined;
  },
  aws_route53_health_check: (ctx, attr) => (attr === 'id' ? ctx.placeholders.uuid('health-check') : undefined),
  aws_serverlessapplicationrepository_cloudformation_stack: (ctx, attr) => {
    const applicationId = str(ctx.field('application_id'), 'application_id');
    const model = sarApplication(applicationId);
    const loc = ctx.location();
    if (attr === 'id') return arn(loc, 'cloudformation', `stack/serverlessrepo-${str(ctx.field('name'), 'name')}/${ctx.placeholders.uuid('stack')}`);
    if (attr === 'outputs') {
      if (!model) throw new Error(`the Serverless Application Repository application ${applicationId} is not modelled`);
      const parameters = (ctx.has('parameters') ? ctx.field('parameters') : {}) as Record<string, string>;
      return model.outputs({ ...loc, parameters });
    }
    return undefined;
  },
};

/** Resources whose only generated attribute is an ID with an AWS prefix (`vpc-...`), plus their ARN. */
const PREFIXED_IDS: Readonly<Record<string, { prefix: string; arnType?: string }>> = {
  aws_vpc: { prefix: 'vpc', arnType: 'vpc' },
  aws_subnet: { prefix: 'subnet', arnType: 'subnet' },
  aws_security_group: { prefix: 'sg', arnType: 'security-group' },
  aws_internet_gateway: { prefix: 'igw', arnType: 'internet-gateway' },
  aws_nat_gateway: { prefix: 'nat', arnType: 'natgateway' },
  aws_route_table: { prefix: 'rtb', arnType: 'route-table' },
  aws_network_acl: { prefix: 'acl', arnType: 'network-acl' },
  aws_eip: { prefix: 'eipalloc', arnType: 'elastic-ip' },
  aws_launch_template: { prefix: 'lt', arnType: 'launch-template' },
  aws_vpc_endpoint: { prefix: 'vpce', arnType: 'vpc-endpoint' },
  aws_default_security_group: { prefix: 'sg', arnType: 'security-group' },
  aws_flow_log: { prefix: 'fl' },
};

function prefixedId(ctx: AttributeContext, attr: string, type: string): TfValue | undefined {
  const spec = PREFIXED_IDS[type]!;
  const id = `${spec.prefix}-${ctx.placeholders.hexId('id', 17)}`;
  if (attr === 'id' || (type === 'aws_eip' && attr === 'allocation_id')) return id;
  if (attr === 'arn' && spec.arnType) return arn(ctx.location(), 'ec2', `${spec.arnType}/${id}`);
  if (type === 'aws_launch_template' && (attr === 'latest_version' || attr === 'default_version')) return 1;
  if (type === 'aws_vpc_endpoint' && attr === 'dns_entry') {
    const service = String(ctx.field('service_name')).split('.').pop();
    return [{ dns_name: `${id}-${ctx.placeholders.alnum('dns', 8).toLowerCase()}.${service}.${ctx.location().region}.vpce.amazonaws.com`, hosted_zone_id: `Z${ctx.placeholders.alnum('dns-zone', 13, true)}` }];
  }
  return undefined;
}

/** Names the resource has in its own configuration, read as its ID. */
const ID_FROM_FIELD: Readonly<Record<string, string>> = {
  aws_db_parameter_group: 'name',
  aws_db_subnet_group: 'name',
  aws_elasticache_subnet_group: 'name',
  aws_cloudwatch_log_resource_policy: 'policy_name',
};

const DATA: Readonly<Record<string, Computer>> = {
  aws_caller_identity: (ctx, attr) => (attr === 'account_id' || attr === 'id' ? ctx.location().account : undefined),
  aws_partition: (ctx, attr) => {
    if (attr === 'partition' || attr === 'id') return ctx.location().partition;
    if (attr === 'dns_suffix') return ctx.location().partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    return undefined;
  },
  aws_region: (ctx, attr) => {
    const region = ctx.location().region;
    if (attr === 'region' || attr === 'name' || attr === 'id') return region;
    if (attr === 'endpoint') return `ec2.${region}.amazonaws.com`;
    return undefined;
  },
  aws_elb_service_account: (ctx, attr) => {
    const region = ctx.location().region;
    const account = ELB_ACCOUNTS[region];
    if (!account) throw new Error(`${region} has no Elastic Load Balancing account (the data source fails there)`);
    if (attr === 'id') return account;
    if (attr === 'arn') return `arn:${ctx.location().partition}:iam::${account}:root`;
    return undefined;
  },
  aws_kms_key: (ctx, attr) => {
    const keyId = str(ctx.field('key_id'), 'key_id');
    const key = kmsKey(ctx, keyId);
    if (!key) throw new Error(`no KMS key of the stacks answers to ${keyId} in ${ctx.location().account}/${ctx.location().region}`);
    const a = attr === 'id' ? 'key_id' : attr;
    return ctx.set.attribute(key.stack, 'resource', 'aws_kms_key', key.name, [a]);
  },
  aws_s3_bucket: (ctx, attr) => {
    const name = str(ctx.field('bucket'), 'bucket');
    const bucket = ctx.set.resources('aws_s3_bucket').find((res) => ctx.set.attribute(res.stack, 'resource', 'aws_s3_bucket', res.name, ['bucket']) === name);
    if (!bucket) throw new Error(`no bucket of the stacks is named ${name}`);
    return ctx.set.attribute(bucket.stack, 'resource', 'aws_s3_bucket', bucket.name, [attr]);
  },
  aws_eks_cluster: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name');
    const cluster = ctx.set.findBy('aws_eks_cluster', ctx.location(), (res) => ctx.set.field(res, 'name') === name);
    if (!cluster) throw new Error(`no EKS cluster of the stacks is named ${name}`);
    return ctx.set.attribute(cluster.stack, 'resource', 'aws_eks_cluster', cluster.name, [attr]);
  },
  aws_lambda_function: (ctx, attr) => {
    const name = str(ctx.field('function_name'), 'function_name');
    const here = ctx.location();
    const own = ctx.set.findBy('aws_lambda_function', here, (res) => ctx.set.field(res, 'function_name') === name);
    if (own) return ctx.set.attribute(own.stack, 'resource', 'aws_lambda_function', own.name, [attr]);
    // A function a Serverless Application Repository stack made: its name is a parameter, its role CloudFormation's.
    for (const res of ctx.set.resources('aws_serverlessapplicationrepository_cloudformation_stack')) {
      const loc = ctx.set.location(res);
      const model = sarApplication(str(ctx.set.field(res, 'application_id'), 'application_id'));
      if (!model || loc.account !== here.account || loc.region !== here.region) continue;
      const parameters = (ctx.set.has(res, 'parameters') ? ctx.set.field(res, 'parameters') : {}) as Record<string, string>;
      if (model.function({ ...loc, parameters }).functionName !== name) continue;
      if (attr === 'arn' || attr === 'id') return arn(loc, 'lambda', `function:${name}`);
      if (attr === 'role') return `arn:${loc.partition}:iam::${loc.account}:role/${sarRoleName(str(ctx.set.field(res, 'name'), 'name'), `${res.stack}/${res.address}`)}`;
      return undefined;
    }
    throw new Error(`no Lambda function of the stacks is named ${name} in ${here.account}/${here.region}`);
  },
  aws_route53_zone: (ctx, attr) => {
    const name = str(ctx.field('name'), 'name').replace(/\.$/, '');
    const zone = ctx.set.resources('aws_route53_zone').find((res) => String(ctx.set.field(res, 'name')).replace(/\.$/, '') === name && ctx.set.location(res).account === ctx.location().account);
    if (!zone) throw new Error(`no hosted zone of the stacks is named ${name}`);
    return ctx.set.attribute(zone.stack, 'resource', 'aws_route53_zone', zone.name, [attr]);
  },
};

/**
 * The value AWS (or Terraform) gives an attribute that the configuration does
 * not set, or undefined when the attribute is one of the resource's own
 * arguments. Throws for a resource type whose generated attributes are not
 * modelled, rather than guess.
 */
export function computedAttribute(res: StackResource, attr: string, ctx: AttributeContext): TfValue | undefined {
  if (res.mode === 'data') {
    const computer = DATA[res.type];
    if (!computer) {
      if (res.type === 'terraform_remote_state') throw new Error('read a remote state through outputs.<name>');
      throw new Error(`data source ${res.type} is not modelled`);
    }
    const value = computer(ctx, attr, res);
    if (value === undefined && res.body[attr] === undefined) throw new Error(`attribute ${attr} of data source ${res.type} is not modelled`);
    return value;
  }
  const computer = RESOURCES[res.type];
  if (computer) return computer(ctx, attr, res);
  if (PREFIXED_IDS[res.type]) return prefixedId(ctx, attr, res.type);
  const idField = ID_FROM_FIELD[res.type];
  if (idField && attr === 'id') return ctx.field(idField);
  if (res.type.startsWith('kubernetes_') || res.type === 'helm_release' || res.type.startsWith('aws_eks_')) return undefined;
  if (res.body[attr] !== undefined) return undefined;
  throw new Error(`the generated attributes of ${res.type} are not modelled (asked for ${attr})`);
}

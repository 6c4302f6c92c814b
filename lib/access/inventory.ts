import { parseArn, rootArn } from './arn.ts';
import { awsManagedPolicy, isAwsManagedPolicyArn } from './aws-managed-policies.ts';
import { parsePolicy } from './policy-document.ts';
import { sarApplication, sarRoleName } from './sar-templates.ts';
import type { Location, StackResource } from './stack-resource.ts';
import { AccessModelLoadError, type StackSet } from './stack-set.ts';
import type { TfValue } from './terraform-template.ts';
import type { Policy, PolicyDocument, PolicySource, RequestContext } from './types.ts';

/** An IAM role with everything that decides what it may do and who may become it. */
export interface RoleEntry {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly account: string;
  readonly partition: string;
  readonly stack: string;
  readonly address: string;
  /** Its trust policy: the resource-based policy of `sts:AssumeRole*` on it. */
  readonly trust: Policy;
  /** Inline, customer-managed and AWS-managed identity policies. */
  readonly policies: readonly Policy[];
  readonly permissionsBoundary?: Policy;
  /** Tags, provider default tags included (`aws:PrincipalTag/...`). */
  readonly tags: Readonly<Record<string, string>>;
  /** `terraform` for roles the stacks create; `sar-template` for roles an application's template creates. */
  readonly origin: 'terraform' | 'sar-template';
}

/** A resource a policy can name, with the policies attached to it. */
export interface ResourceEntry {
  readonly arn: string;
  readonly type: string;
  readonly stack: string;
  readonly address: string;
  readonly account: string;
  readonly region: string;
  /** Its name, where the stacks give one (a zone's without the trailing dot). */
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Resource-based policies (bucket, key, secret, topic, queue, domain, repository, function, log, trust). */
  readonly policies: readonly Policy[];
  /** The KMS key that encrypts it, when the stacks say. */
  readonly kmsKeyArn?: string;
  /** Resource-specific context keys AWS adds to requests on it. */
  readonly context?: RequestContext;
}

/** Something that runs with a role: a function, a pod, an add-on, a rotation function. */
export interface Workload {
  readonly kind: 'lambda' | 'pod-identity' | 'eks-addon' | 'rotation-function' | 'eks-node';
  /** A readable name: function name, `cluster/namespace/service-account`. */
  readonly name: string;
  readonly roleArn: string;
  readonly stack: string;
  readonly address: string;
  readonly account: string;
  readonly region: string;
  readonly cluster?: string;
  readonly clusterArn?: string;
  readonly namespace?: string;
  readonly serviceAccount?: string;
}

/** An IAM OIDC identity provider. */
export interface OidcProviderEntry {
  readonly arn: string;
  /** Issuer without `https://`, the prefix of its condition keys. */
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly account: string;
  readonly stack: string;
  readonly address: string;
}

/** Something the inventory noticed that is not an evaluation question. */
export interface InventoryProblem {
  readonly stack: string;
  readonly address: string;
  readonly problem: string;
}

/** Every principal, policy and resource of the stacks. */
export interface Inventory {
  readonly roles: readonly RoleEntry[];
  readonly resources: readonly ResourceEntry[];
  readonly workloads: readonly Workload[];
  readonly oidcProviders: readonly OidcProviderEntry[];
  /** Every policy indexed, with the kind it is. */
  readonly policies: readonly Policy[];
  /** CloudWatch Logs resource policies per `account/region`: they apply to every log group there. */
  readonly logResourcePolicies: ReadonlyMap<string, readonly Policy[]>;
  readonly problems: readonly InventoryProblem[];
}

function str(value: TfValue, res: StackResource, field: string): string {
  if (typeof value !== 'string') throw new AccessModelLoadError(res.stack, res.address, `${field} is not a string`);
  return value;
}

function blocks(value: TfValue | undefined): Record<string, TfValue>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, TfValue>[];
}

/** Builds the inventory; fails on any reference that does not resolve. */
export function buildInventory(set: StackSet): Inventory {
  const policies: Policy[] = [];
  const problems: InventoryProblem[] = [];
  const resources = new Map<string, ResourceEntry & { policies: Policy[]; context?: RequestContext }>();
  const roles: (RoleEntry & { policies: Policy[] })[] = [];
  const workloads: Workload[] = [];
  const oidcProviders: OidcProviderEntry[] = [];
  const logResourcePolicies = new Map<string, Policy[]>();

  const attr = (res: StackResource, name: string): string => str(set.attribute(res.stack, res.mode, res.type, res.name, [name]), res, name);
  const source = (res: StackResource, kind: PolicySource['kind'], label?: string): PolicySource => ({
    kind, stack: res.stack, address: res.address, ...(label ? { label } : {}),
  });
  const parse = (res: StackResource, field: string, kind: PolicySource['kind'], label?: string, raw?: unknown): Policy => {
    const text = set.render(res, raw ?? res.body[field], field);
    let document: unknown = text;
    if (typeof text === 'string') {
      try {
        document = JSON.parse(text) as unknown;
      } catch (error) {
        throw new AccessModelLoadError(res.stack, `${res.address} ${field}`, `the rendered policy is not JSON (${(error as Error).message})`);
      }
    }
    const policy = parsePolicy(document, source(res, kind, label));
    policies.push(policy);
    return policy;
  };
  const addResource = (res: StackResource, arn: string, extra: Partial<ResourceEntry> = {}): ResourceEntry & { policies: Policy[] } => {
    const loc = set.location(res);
    const existing = resources.get(arn);
    if (existing) return existing;
    const name = set.has(res, 'name') ? set.field(res, 'name') : undefined;
    const entry = {
      arn, type: res.type, stack: res.stack, address: res.address, account: loc.account, region: loc.region, tags: set.tags(res), policies: [] as Policy[],
      ...(typeof name === 'string' ? { name: name.replace(/\.$/, '') } : {}),
      ...extra,
    } as ResourceEntry & { policies: Policy[] };
    resources.set(arn, entry);
    return entry;
  };
  const managed = new Map<string, Policy>();
  const managedPolicy = (arn: string, via: StackResource): Policy | undefined => {
    const hit = managed.get(arn);
    if (hit) return hit;
    let policy: Policy;
    if (isAwsManagedPolicyArn(arn)) {
      const record = awsManagedPolicy(arn);
      policy = parsePolicy(record.document, { kind: 'aws-managed', stack: 'aws', address: record.arn, label: `${record.name} ${record.versionId}` });
    } else {
      const own = set.resources('aws_iam_policy').find((p) => attr(p, 'arn') === arn);
      if (!own) {
        problems.push({ stack: via.stack, address: via.address, problem: `attaches ${arn}, which no given stack creates` });
        return undefined;
      }
      policy = parse(own, 'policy', 'customer-managed', attr(own, 'name'));
    }
    managed.set(arn, policy);
    if (!policies.includes(policy)) policies.push(policy);
    return policy;
  };

  // Roles, with their trust, inline blocks, boundary and tags.
  for (const res of set.resources('aws_iam_role')) {
    const loc = set.location(res);
    const arn = attr(res, 'arn');
    const name = attr(res, 'name');
    const trust = parse(res, 'assume_role_policy', 'trust', name);
    const own: Policy[] = blocks(res.body['inline_policy'] as TfValue).map((block, i) => {
      const label = typeof block['name'] === 'string' ? block['name'] : `inline_policy[${i}]`;
      return parse(res, 'inline_policy', 'inline', label, block['policy']);
    });
    const boundaryArn = set.has(res, 'permissions_boundary') ? str(set.field(res, 'permissions_boundary'), res, 'permissions_boundary') : undefined;
    const boundary = boundaryArn ? managedPolicy(boundaryArn, res) : undefined;
    if (boundaryArn && !boundary) throw new AccessModelLoadError(res.stack, res.address, `its permissions boundary ${boundaryArn} is not in the stacks`);
    for (const m of set.has(res, 'managed_policy_arns') ? (set.field(res, 'managed_policy_arns') as string[]) : []) {
      const p = managedPolicy(m, res);
      if (p) own.push(p);
    }
    const path = set.has(res, 'path') ? str(set.field(res, 'path'), res, 'path') : '/';
    roles.push({
      arn, name, path, account: loc.account, partition: loc.partition, stack: res.stack, address: res.address,
      trust, policies: own, ...(boundary ? { permissionsBoundary: boundary } : {}), tags: set.tags(res), origin: 'terraform',
    });
    addResource(res, arn).policies.push(trust);
  }
  // Rotation functions that Serverless Application Repository stacks create, and their roles,
  // which the stacks may give inline policies of their own.
  for (const res of set.resources('aws_serverlessapplicationrepository_cloudformation_stack')) {
    const applicationId = str(set.field(res, 'application_id'), res, 'application_id');
    const model = sarApplication(applicationId);
    if (!model) {
      problems.push({ stack: res.stack, address: res.address, problem: `the application ${applicationId} is not modelled; its role is not in the inventory` });
      continue;
    }
    const loc = set.location(res);
    const parameters = (set.has(res, 'parameters') ? set.field(res, 'parameters') : {}) as Record<string, string>;
    const fn = model.function({ ...loc, parameters });
    const stackName = str(set.field(res, 'name'), res, 'name');
    const roleName = sarRoleName(stackName, `${res.stack}/${res.address}`);
    const roleArn = `arn:${loc.partition}:iam::${loc.account}:role/${roleName}`;
    const label = `${model.application} ${String(set.field(res, 'semantic_version'))}`;
    const modelled = (document: PolicyDocument, what: string): Policy => {
      const p = parsePolicy(document, { kind: 'modelled', stack: res.stack, address: res.address, label: `${label} ${what}` });
      policies.push(p);
      return p;
    };
    const trust = modelled(fn.trust, 'trust');
    roles.push({
      arn: roleArn, name: roleName, path: '/', account: loc.account, partition: loc.partition, stack: res.stack, address: res.address,
      trust, policies: fn.policies.map((d) => modelled(d, 'execution role')), tags: set.tags(res), origin: 'sar-template',
    });
    const fnArn = `arn:${loc.partition}:lambda:${loc.region}:${loc.account}:function:${fn.functionName}`;
    resources.set(roleArn, { arn: roleArn, type: 'aws_iam_role', stack: res.stack, address: res.address, account: loc.account, region: loc.region, tags: set.tags(res), policies: [trust] });
    resources.set(fnArn, { arn: fnArn, type: 'aws_lambda_function', stack: res.stack, address: res.address, account: loc.account, region: loc.region, tags: set.tags(res), policies: [modelled(fn.resourcePolicy, 'function policy')] });
    workloads.push({ kind: 'rotation-function', name: fn.functionName, roleArn, stack: res.stack, address: res.address, account: loc.account, region: loc.region });
  }

  const roleByName = (account: string, name: string): (RoleEntry & { policies: Policy[] }) | undefined =>
    roles.find((r) => r.account === account && (r.name === name || r.arn === name));

  for (const res of set.resources('aws_iam_role_policy')) {
    const role = roleByName(set.location(res).account, str(set.field(res, 'role'), res, 'role'));
    const name = set.has(res, 'name') ? str(set.field(res, 'name'), res, 'name') : undefined;
    const policy = parse(res, 'policy', 'inline', name);
    if (!role) problems.push({ stack: res.stack, address: res.address, problem: 'attaches to a role no given stack creates' });
    else role.policies.push(policy);
  }
  for (const res of set.resources('aws_iam_role_policy_attachment')) {
    const role = roleByName(set.location(res).account, str(set.field(res, 'role'), res, 'role'));
    const policy = managedPolicy(str(set.field(res, 'policy_arn'), res, 'policy_arn'), res);
    if (!role) problems.push({ stack: res.stack, address: res.address, problem: 'attaches to a role no given stack creates' });
    else if (policy) role.policies.push(policy);
  }
  for (const res of set.resources('aws_iam_policy')) {
    const arn = attr(res, 'arn');
    if (!managed.has(arn)) managedPolicy(arn, res);
  }

  // Identity providers.
  for (const res of set.resources('aws_iam_openid_connect_provider')) {
    oidcProviders.push({
      arn: attr(res, 'arn'),
      issuer: str(set.field(res, 'url'), res, 'url').replace(/^https:\/\//, ''),
      clientIds: set.has(res, 'client_id_list') ? (set.field(res, 'client_id_list') as string[]) : [],
      account: set.location(res).account,
      stack: res.stack,
      address: res.address,
    });
  }

  // Resources that policies name, with their resource-based policies.
  const simple: Record<string, string | undefined> = {
    aws_s3_bucket: undefined, aws_sns_topic: 'policy', aws_sqs_queue: 'policy', aws_secretsmanager_secret: 'policy',
    aws_opensearch_domain: 'access_policies', aws_ecr_repository: undefined, aws_lambda_function: undefined,
    aws_cloudwatch_log_group: undefined, aws_eks_cluster: undefined, aws_db_instance: undefined,
    aws_elasticache_replication_group: undefined, aws_elasticache_user: undefined, aws_kms_key: 'policy',
    aws_route53_zone: undefined,
  };
  const keyArnOf = (res: StackResource, field: string, where: Location): string | undefined => {
    if (!set.has(res, field)) return undefined;
    const value = str(set.field(res, field), res, field);
    if (value.startsWith('arn:') && !value.includes(':alias/')) return value;
    const key = set.findBy('aws_kms_alias', where, (a) => set.field(a, 'name') === value.replace(/^.*:(alias\/)/, '$1'));
    if (key) return str(set.attribute(key.stack, 'resource', 'aws_kms_alias', key.name, ['target_key_arn']), key, 'target_key_arn');
    const byId = set.findBy('aws_kms_key', where, (k) => set.attribute(k.stack, 'resource', 'aws_kms_key', k.name, ['key_id']) === value);
    return byId ? attr(byId, 'arn') : value;
  };
  for (const [type, policyField] of Object.entries(simple)) {
    for (const res of set.resources(type)) {
      const loc = set.location(res);
      const kmsField = { aws_secretsmanager_secret: 'kms_key_id', aws_cloudwatch_log_group: 'kms_key_id', aws_sns_topic: 'kms_master_key_id', aws_sqs_queue: 'kms_master_key_id' }[type];
      const kmsKeyArn = kmsField ? keyArnOf(res, kmsField, loc) : undefined;
      const entry = addResource(res, attr(res, 'arn'), kmsKeyArn ? { kmsKeyArn } : {});
      if (policyField && set.has(res, policyField)) entry.policies.push(parse(res, policyField, 'resource', entry.arn));
      if (type === 'aws_kms_key' && !set.has(res, 'policy')) {
        // AWS's default key policy: the account may use the key through IAM (KMS Developer Guide, "Default key policy").
        entry.policies.push(parsePolicy(
          { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: rootArn(loc.account, loc.partition) }, Action: 'kms:*', Resource: '*' }] },
          source(res, 'modelled', 'default key policy'),
        ));
      }
      if (type === 'aws_secretsmanager_secret') {
        for (const replica of blocks(set.has(res, 'replica') ? set.field(res, 'replica') : undefined)) {
          const region = String(replica['region']);
          const replicaArn = entry.arn.replace(`:secretsmanager:${loc.region}:`, `:secretsmanager:${region}:`);
          const replicaKey = typeof replica['kms_key_id'] === 'string' ? replica['kms_key_id'] : undefined;
          const replicaKeyArn = replicaKey?.startsWith('arn:') && !replicaKey.includes(':alias/') ? replicaKey : replicaKey ? keyArnFromAlias(set, replicaKey, { ...loc, region }) : undefined;
          resources.set(replicaArn, { ...entry, arn: replicaArn, region, policies: entry.policies, ...(replicaKeyArn ? { kmsKeyArn: replicaKeyArn } : {}) });
        }
      }
    }
  }
  // Keys that encrypt a resource through a nested block: bucket default encryption, domain at rest, repository.
  const nestedKeys: [string, string, (body: Record<string, TfValue>) => TfValue | undefined, (res: StackResource) => string][] = [
    ['aws_s3_bucket_server_side_encryption_configuration', 'rule', (b) => firstBlock(firstBlock(b['rule'])?.['apply_server_side_encryption_by_default'])?.['kms_master_key_id'],
      (res) => `arn:${set.location(res).partition}:s3:::${str(set.field(res, 'bucket'), res, 'bucket')}`],
  ];
  for (const [type, field, pick, target] of nestedKeys) {
    for (const res of set.resources(type)) {
      const key = pick({ [field]: set.field(res, field) });
      const entry = resources.get(target(res));
      if (typeof key === 'string' && entry) (entry as { kmsKeyArn?: string }).kmsKeyArn = key.startsWith('arn:') && !key.includes(':alias/') ? key : keyArnFromAlias(set, key, set.location(res)) ?? key;
    }
  }
  for (const [type, pick] of [
    ['aws_opensearch_domain', (res: StackResource) => firstBlock(set.has(res, 'encrypt_at_rest') ? set.field(res, 'encrypt_at_rest') : undefined)?.['kms_key_id']],
    ['aws_ecr_repository', (res: StackResource) => firstBlock(set.has(res, 'encryption_configuration') ? set.field(res, 'encryption_configuration') : undefined)?.['kms_key']],
  ] as const) {
    for (const res of set.resources(type)) {
      const key = pick(res);
      const entry = resources.get(attr(res, 'arn'));
      if (typeof key === 'string' && entry) (entry as { kmsKeyArn?: string }).kmsKeyArn = key;
    }
  }
  for (const res of set.resources('aws_kms_key_policy')) {
    resourceFor(res, str(set.field(res, 'key_id'), res, 'key_id'), 'aws_kms_key').policies.push(parse(res, 'policy', 'resource'));
  }
  function keyArnFromAlias(s: StackSet, alias: string, where: Location): string | undefined {
    const a = s.findBy('aws_kms_alias', where, (r) => s.field(r, 'name') === alias.replace(/^.*:(alias\/)/, '$1'));
    return a ? (s.attribute(a.stack, 'resource', 'aws_kms_alias', a.name, ['target_key_arn']) as string) : undefined;
  }
  function resourceFor(res: StackResource, idOrArn: string, type: string): ResourceEntry & { policies: Policy[] } {
    const loc = set.location(res);
    const found = [...resources.values()].find((r) => r.type === type && r.account === loc.account && (r.arn === idOrArn || r.arn.endsWith(`/${idOrArn}`) || r.arn.endsWith(`:${idOrArn}`)));
    if (!found) throw new AccessModelLoadError(res.stack, res.address, `names ${idOrArn}, which is no ${type} of the stacks`);
    return found as ResourceEntry & { policies: Policy[] };
  }
  for (const res of set.resources('aws_s3_bucket_policy')) {
    const bucket = str(set.field(res, 'bucket'), res, 'bucket');
    resourceFor(res, `arn:${set.location(res).partition}:s3:::${bucket}`, 'aws_s3_bucket').policies.push(parse(res, 'policy', 'resource', bucket));
  }
  for (const res of set.resources('aws_sns_topic_policy')) {
    resourceFor(res, str(set.field(res, 'arn'), res, 'arn'), 'aws_sns_topic').policies.push(parse(res, 'policy', 'resource'));
  }
  for (const res of set.resources('aws_sqs_queue_policy')) {
    const url = str(set.field(res, 'queue_url'), res, 'queue_url');
    const loc = set.location(res);
    const name = url.slice(url.lastIndexOf('/') + 1);
    resourceFor(res, `arn:${loc.partition}:sqs:${loc.region}:${loc.account}:${name}`, 'aws_sqs_queue').policies.push(parse(res, 'policy', 'resource'));
  }
  for (const res of set.resources('aws_secretsmanager_secret_policy')) {
    resourceFor(res, str(set.field(res, 'secret_arn'), res, 'secret_arn'), 'aws_secretsmanager_secret').policies.push(parse(res, 'policy', 'resource'));
  }
  for (const res of set.resources('aws_opensearch_domain_policy')) {
    const loc = set.location(res);
    const name = str(set.field(res, 'domain_name'), res, 'domain_name');
    resourceFor(res, `arn:${loc.partition}:es:${loc.region}:${loc.account}:domain/${name}`, 'aws_opensearch_domain').policies.push(parse(res, 'access_policies', 'resource'));
  }
  for (const res of set.resources('aws_ecr_repository_policy')) {
    const loc = set.location(res);
    const name = str(set.field(res, 'repository'), res, 'repository');
    resourceFor(res, `arn:${loc.partition}:ecr:${loc.region}:${loc.account}:repository/${name}`, 'aws_ecr_repository').policies.push(parse(res, 'policy', 'resource'));
  }
  for (const res of set.resources('aws_ecr_registry_policy')) {
    const loc = set.location(res);
    const policy = parse(res, 'policy', 'resource', 'registry policy');
    for (const repo of resources.values()) if (repo.type === 'aws_ecr_repository' && repo.account === loc.account && repo.region === loc.region) repo.policies.push(policy);
  }
  for (const res of set.resources('aws_cloudwatch_log_resource_policy')) {
    const loc = set.location(res);
    const key = `${loc.account}/${loc.region}`;
    const policy = parse(res, 'policy_document', 'resource', set.has(res, 'policy_name') ? String(set.field(res, 'policy_name')) : undefined);
    logResourcePolicies.set(key, [...(logResourcePolicies.get(key) ?? []), policy]);
  }
  for (const res of set.resources('aws_lambda_permission')) {
    const loc = set.location(res);
    const fn = str(set.field(res, 'function_name'), res, 'function_name');
    const fnArn = fn.startsWith('arn:') ? fn.replace(/:\$LATEST$/, '') : `arn:${loc.partition}:lambda:${loc.region}:${loc.account}:function:${fn}`;
    const principal = str(set.field(res, 'principal'), res, 'principal');
    const condition: Record<string, Record<string, string>> = {};
    if (set.has(res, 'source_arn')) condition['ArnLike'] = { 'AWS:SourceArn': str(set.field(res, 'source_arn'), res, 'source_arn') };
    if (set.has(res, 'source_account')) condition['StringEquals'] = { 'AWS:SourceAccount': str(set.field(res, 'source_account'), res, 'source_account') };
    if (set.has(res, 'principal_org_id')) condition['StringEquals'] = { ...condition['StringEquals'], 'aws:PrincipalOrgID': str(set.field(res, 'principal_org_id'), res, 'principal_org_id') };
    const statement = {
      Sid: set.has(res, 'statement_id') ? String(set.field(res, 'statement_id')) : res.name,
      Effect: 'Allow',
      Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : principal === '*' ? '*' : { AWS: principal },
      Action: str(set.field(res, 'action'), res, 'action'),
      Resource: fnArn,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    const policy = parsePolicy({ Version: '2012-10-17', Statement: [statement] }, source(res, 'resource', fn));
    policies.push(policy);
    const target = resources.get(fnArn);
    if (!target) problems.push({ stack: res.stack, address: res.address, problem: `permits invoking ${fnArn}, which no given stack creates` });
    else target.policies.push(policy);
  }

  // Log groups: the Logs resource policies of their account and region apply.
  for (const entry of resources.values()) {
    if (entry.type === 'aws_cloudwatch_log_group') entry.policies.push(...(logResourcePolicies.get(`${entry.account}/${entry.region}`) ?? []));
  }

  // A KMS key's aliases reach requests on it as kms:ResourceAliases (AWS KMS, "ABAC for AWS KMS").
  for (const res of set.resources('aws_kms_alias')) {
    const key = resources.get(str(set.attribute(res.stack, 'resource', 'aws_kms_alias', res.name, ['target_key_arn']), res, 'target_key_arn'));
    if (!key) continue;
    const aliases = key.context?.['kms:ResourceAliases'];
    key.context = { ...key.context, 'kms:ResourceAliases': [...(Array.isArray(aliases) ? aliases : []), str(set.field(res, 'name'), res, 'name')] };
  }

  // Secrets name their rotation function through a resource context key.
  for (const res of set.resources('aws_secretsmanager_secret_rotation')) {
    const secret = resources.get(str(set.field(res, 'secret_id'), res, 'secret_id'));
    if (!secret) throw new AccessModelLoadError(res.stack, res.address, 'rotates a secret no given stack creates');
    const fn = str(set.field(res, 'rotation_lambda_arn'), res, 'rotation_lambda_arn');
    secret.context = { ...secret.context, 'secretsmanager:resource/AllowRotationLambdaArn': fn, 'secretsmanager:RotationLambdaARN': fn };
    for (const replica of resources.values()) {
      if (replica !== secret && replica.type === 'aws_secretsmanager_secret' && replica.address === secret.address && replica.stack === secret.stack) {
        (replica as { context?: RequestContext }).context = secret.context;
      }
    }
  }


  // Workloads.
  for (const res of set.resources('aws_lambda_function')) {
    const loc = set.location(res);
    workloads.push({ kind: 'lambda', name: attr(res, 'function_name'), roleArn: str(set.field(res, 'role'), res, 'role'), stack: res.stack, address: res.address, account: loc.account, region: loc.region });
  }
  const clusterArn = (name: string, loc: Location): string => `arn:${loc.partition}:eks:${loc.region}:${loc.account}:cluster/${name}`;
  for (const res of set.resources('aws_eks_pod_identity_association')) {
    const loc = set.location(res);
    const cluster = str(set.field(res, 'cluster_name'), res, 'cluster_name');
    const namespace = str(set.field(res, 'namespace'), res, 'namespace');
    const serviceAccount = str(set.field(res, 'service_account'), res, 'service_account');
    workloads.push({
      kind: 'pod-identity', name: `${cluster}/${namespace}/${serviceAccount}`, roleArn: str(set.field(res, 'role_arn'), res, 'role_arn'),
      stack: res.stack, address: res.address, account: loc.account, region: loc.region, cluster, clusterArn: clusterArn(cluster, loc), namespace, serviceAccount,
    });
  }
  for (const res of set.resources('aws_eks_addon')) {
    const loc = set.location(res);
    const cluster = str(set.field(res, 'cluster_name'), res, 'cluster_name');
    for (const block of blocks(set.has(res, 'pod_identity_association') ? set.field(res, 'pod_identity_association') : undefined)) {
      // AWS's add-ons (vpc-cni, aws-ebs-csi-driver) install their service accounts in kube-system.
      const serviceAccount = String(block['service_account']);
      workloads.push({
        kind: 'eks-addon', name: `${cluster}/kube-system/${serviceAccount}`, roleArn: String(block['role_arn']), stack: res.stack, address: res.address,
        account: loc.account, region: loc.region, cluster, clusterArn: clusterArn(cluster, loc), namespace: 'kube-system', serviceAccount,
      });
    }
  }
  for (const res of set.resources('aws_eks_node_group')) {
    const loc = set.location(res);
    const cluster = str(set.field(res, 'cluster_name'), res, 'cluster_name');
    workloads.push({
      kind: 'eks-node', name: `${cluster}/${res.name}`, roleArn: str(set.field(res, 'node_role_arn'), res, 'node_role_arn'), stack: res.stack, address: res.address,
      account: loc.account, region: loc.region, cluster, clusterArn: clusterArn(cluster, loc),
    });
  }
  for (const w of workloads) {
    if (!roles.some((r) => r.arn === w.roleArn)) problems.push({ stack: w.stack, address: w.address, problem: `runs with ${w.roleArn}, which no given stack creates` });
  }

  return { roles, resources: [...resources.values()], workloads, oidcProviders, policies, logResourcePolicies, problems };
}

function firstBlock(value: TfValue | undefined): Record<string, TfValue> | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value[0] : value) as Record<string, TfValue> | undefined;
}

/** The account of an ARN, when it has one. */
export function arnAccount(arn: string): string | undefined {
  return parseArn(arn)?.account || undefined;
}

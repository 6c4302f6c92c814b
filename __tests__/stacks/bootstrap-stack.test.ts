import { describe, expect, it } from 'vitest';
import { ACCOUNT, ciApplyRoleName, clusterAdminRoleArns, imageRegistry, ROLE_NAMES, roleArn, stateBackendConfig } from '../../environments/account.ts';
import { bootstrapConfig } from '../../environments/bootstrap.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { NODE_INSTANCE_TYPES } from '../../lib/aws-catalog.ts';
import { STATE_OBJECT_ACTIONS } from '../../modules/account/state-storage.ts';
import { Testing } from 'cdktf';
import { BOOTSTRAP_LOCAL_STATE_PATH, BootstrapStack } from '../../stacks/bootstrap-stack.ts';
import { onlyResource, parsePolicy, resourcesOf, synthBootstrap, synthEnvironment } from '../helpers/synth.ts';

const { json } = synthBootstrap();
const state = stateBackendConfig();
const roles = resourcesOf(json, 'aws_iam_role');
const role = (name: string) => {
  const found = roles.find((r) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return found;
};
/** The role's attachments and inline policies, found by the role's Terraform reference. */
function policiesOf(name: string): { managed: string[]; inline: Record<string, any>[] } {
  const [key] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === name)!;
  const ref = `\${aws_iam_role.${key}.name}`;
  return {
    managed: resourcesOf(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === ref).map((a) => a.policy_arn),
    inline: resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === ref).flatMap((p) => parsePolicy(p.policy).Statement),
  };
}
const stateBucketKey = Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => b.bucket === state.bucket)![0];
const stateBucketRef = (suffix: string) => `\${aws_s3_bucket.${stateBucketKey}.${suffix}}`;

describe('hexabid-bootstrap', () => {
  describe('state', () => {
    it('keeps its own state in the bucket it creates, after the first apply', () => {
      expect(json.terraform.backend.s3).toEqual({
        bucket: state.bucket, key: 'hexabid-bootstrap/terraform.tfstate', region: 'ap-south-1', encrypt: true, kms_key_id: 'alias/hexabid-terraform-state', use_lockfile: true,
      });
      expect(synthBootstrap({ localState: true }).json.terraform.backend).toEqual({ local: { path: BOOTSTRAP_LOCAL_STATE_PATH } });
      for (const options of [{}, { localState: true }]) expect(synthBootstrap(options).json.terraform.required_version).toBe('>= 1.11');
    });

    it('names the bucket after the account and region, the same name every stack uses', () => {
      expect(state.bucket).toBe(`hexabid-tfstate-${ACCOUNT.accountId}-ap-south-1`);
      expect(synthEnvironment(ENVIRONMENTS[0]!).json.terraform.backend.s3.bucket).toBe(state.bucket);
    });

    it('is versioned, encrypted with its own rotating key, logged, and blocks public access', () => {
      const ref = stateBucketRef('id');
      const sse = resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration').find((e) => e.bucket === ref)!;
      expect(sse.rule[0]).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true });
      expect(resourcesOf(json, 'aws_s3_bucket_versioning').find((v) => v.bucket === ref)!.versioning_configuration.status).toBe('Enabled');
      expect(resourcesOf(json, 'aws_s3_bucket_public_access_block').find((b) => b.bucket === ref)).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      expect(resourcesOf(json, 'aws_s3_bucket_logging').find((l) => l.bucket === ref)).toBeDefined();
      // Backends name the key by the alias the bootstrap gives it.
      expect(resourcesOf(json, 'aws_kms_alias').map((a) => a.name)).toContain(state.kmsKeyId);
    });

    it('admits only the admin, plan and apply roles to state objects; never the read-only role', () => {
      const policy = resourcesOf(json, 'aws_s3_bucket_policy').find((p) => p.bucket === stateBucketRef('id'))!;
      const statements = parsePolicy(policy.policy).Statement;
      const onlyNamed = statements.find((s) => s.Sid === 'OnlyNamedRolesTouchState')!;
      // The standby's apply role keeps its state in its own region's bucket, so it has nothing here.
      const expected = [roleArn(ROLE_NAMES.platformAdmin), roleArn(ROLE_NAMES.ciPlan), ...ENVIRONMENTS.filter((e) => !e.standbyFor).map((e) => roleArn(ciApplyRoleName(e.name)))];
      expect(onlyNamed).toEqual({
        Sid: 'OnlyNamedRolesTouchState',
        Effect: 'Deny',
        Principal: '*',
        Action: [...STATE_OBJECT_ACTIONS],
        Resource: `${stateBucketRef('arn')}/*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': expected } },
      });
      expect(JSON.stringify(onlyNamed)).not.toContain(ROLE_NAMES.readOnly);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } }));
    });
  });

  describe('roles', () => {
    it('lets operators assume the admin and read-only roles through the account IAM', () => {
      for (const name of [ROLE_NAMES.platformAdmin, ROLE_NAMES.readOnly]) {
        expect(parsePolicy(role(name).assume_role_policy).Statement).toEqual([
          { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT.accountId}:root`] }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
        ]);
      }
      expect(policiesOf(ROLE_NAMES.platformAdmin).managed).toEqual([expect.stringMatching(/:iam::aws:policy\/AdministratorAccess$/)]);
      expect(policiesOf(ROLE_NAMES.readOnly).managed).toEqual([expect.stringMatching(/:iam::aws:policy\/ReadOnlyAccess$/)]);
      expect(policiesOf(ROLE_NAMES.readOnly).inline).toEqual([]);
    });

    it('gives CI a plan role for pull requests and main, and an apply role per GitHub environment', () => {
      const repo = `repo:${ACCOUNT.githubRepository}`;
      const trust = (name: string) => parsePolicy(role(name).assume_role_policy).Statement;
      expect(trust(ROLE_NAMES.ciPlan)).toEqual([
        {
          Effect: 'Allow',
          Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\./) },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`] } },
        },
      ]);
      for (const environment of ENVIRONMENTS) {
        const name = ciApplyRoleName(environment.name);
        expect(trust(name)[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([`${repo}:environment:${environment.name}`]);
        expect(role(name).max_session_duration).toBe(14400);
      }
      expect(onlyResource(json, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    });

    it('lets the plan role read state and take the lock, but write nothing else', () => {
      const { managed, inline } = policiesOf(ROLE_NAMES.ciPlan);
      expect(managed).toEqual([expect.stringMatching(/:iam::aws:policy\/ReadOnlyAccess$/)]);
      const writes = inline.filter((s) => [s.Action].flat().some((a: string) => /^s3:(Put|Delete)/.test(a)));
      // The lock files of both state buckets: the primary region's, and the DR region's (a standby's stacks).
      const drBucket = Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => b.bucket === stateBackendConfig(ACCOUNT, ACCOUNT.drRegion).bucket)![0];
      expect(writes).toEqual([
        expect.objectContaining({ Resource: `${stateBucketRef('arn')}/*.tflock` }),
        expect.objectContaining({ Resource: `\${aws_s3_bucket.${drBucket}.arn}/*.tflock` }),
      ]);
      expect(inline.find((s) => s.Sid === 'ReadBackGeneratedCredentials')!.Resource).toEqual([
        `arn:aws:secretsmanager:ap-south-1:${ACCOUNT.accountId}:secret:hexabid/*/cache/auth-*`,
      ]);
    });

    it('creates every role the clusters name as administrators', () => {
      const names = new Set(roles.map((r) => `arn:aws:iam::${ACCOUNT.accountId}:role/${r.name}`));
      for (const environment of ENVIRONMENTS) {
        expect(environment.cluster.adminRoleArns).toEqual(clusterAdminRoleArns(environment.name));
        for (const arn of environment.cluster.adminRoleArns) expect(names).toContain(arn);
      }
    });
  });

  it('creates an immutable, scanned, KMS-encrypted ECR repository per image, each with a lifecycle', () => {
    const repositories = resourcesOf(json, 'aws_ecr_repository');
    expect(repositories.map((r) => r.name).sort()).toEqual(['hexabid/api', 'hexabid/frontend', 'hexabid/scraper', 'hexabid/worker']);
    for (const repository of repositories) {
      expect(repository).toMatchObject({ image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
      expect(repository.encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: expect.stringMatching(/^\$\{aws_kms_key\./) }]);
    }
    const lifecycles = resourcesOf(json, 'aws_ecr_lifecycle_policy');
    expect(lifecycles).toHaveLength(4);
    expect(JSON.parse(lifecycles[0]!.policy).rules.map((r: any) => r.selection.tagStatus)).toEqual(['untagged', 'any']);
    // The release pulls from these repositories in every environment; a standby from their copies in its region.
    for (const environment of ENVIRONMENTS) expect(environment.app.imageRegistry).toBe(imageRegistry(ACCOUNT, environment.region));
    expect(onlyResource(json, 'aws_ecr_replication_configuration').replication_configuration).toEqual({
      rule: [{ destination: [{ region: 'ap-south-2', registry_id: expect.any(String) }], repository_filter: [{ filter: 'hexabid/', filter_type: 'PREFIX_MATCH' }] }],
    });
  });

  it('creates the apex zone and outputs its name servers for the registrar, unless the account says it exists', () => {
    expect(onlyResource(json, 'aws_route53_zone').name).toBe('hexabid.in');
    expect(json.output!.apex_zone_name_servers!.value).toMatch(/^\$\{aws_route53_zone\..*\.name_servers\}$/);
    const existing = bootstrapConfig(ENVIRONMENTS, { ...ACCOUNT, createApexZone: false });
    const without = JSON.parse(Testing.synth(new BootstrapStack(Testing.app({ stackTraces: false }), existing)));
    expect(without.resource.aws_route53_zone).toBeUndefined();
    expect(without.output.apex_zone_name_servers).toBeUndefined();
  });

  it('enables the DR region and the OpenSearch service-linked role', () => {
    expect(onlyResource(json, 'aws_account_region')).toMatchObject({ region_name: 'ap-south-2', enabled: true });
    expect(onlyResource(json, 'aws_iam_service_linked_role').aws_service_name).toBe('opensearchservice.amazonaws.com');
  });

  it('raises the Elastic IP and On-Demand vCPU quotas to what the environments need, never below the current value', () => {
    const quotas: Record<string, any> = Object.fromEntries(resourcesOf(json, 'aws_servicequotas_service_quota').map((q) => [`${q.quota_code}${q.region ? `-${q.region}` : ''}`, q]));
    const primary = ENVIRONMENTS.filter((e) => e.region === ACCOUNT.region);
    const natGateways = primary.reduce((n, e) => n + (e.network.natGateways === 'single' ? 1 : e.network.availabilityZones.length), 0);
    expect(quotas['L-0263D0A3']!.value).toMatch(new RegExp(`^\\$\\{max\\(data\\.aws_servicequotas_service_quota\\.[^)]*\\.value, ${natGateways}\\)\\}$`));
    const vcpus = primary.flatMap((e) =>
      Object.values(e.cluster.nodeGroups).map((g) => (g.maxSize + e.network.availabilityZones.length) * NODE_INSTANCE_TYPES[g.instanceTypes[0]!]!.vcpus),
    ).reduce((a, b) => a + b, 0);
    expect(quotas['L-1216C47A']!.value).toContain(`, ${vcpus})`);
    for (const quota of Object.values(quotas)) expect(quota.lifecycle).toEqual({ ignore_changes: ['value'] });
    expect(bootstrapConfig(ENVIRONMENTS).quotas.find((q) => q.region === undefined)!.minimum).toBe(natGateways);
    // The standby's region gets its own, requested before any failover needs them: production-dr's one NAT gateway, and its nodes.
    expect(quotas['L-0263D0A3-ap-south-2']!.value).toMatch(/, 1\)\}$/);
    expect(quotas['L-1216C47A-ap-south-2']!.value).toContain(`, ${(10 + 3) * 4 + (10 + 3) * 2})`);
    expect(quotas['L-1216C47A-ap-south-2']!.depends_on).toEqual([expect.stringMatching(/^aws_account_region\./)]);
  });

  it('encrypts with rotating keys, blocks public access everywhere, and tags through the provider', () => {
    for (const key of resourcesOf(json, 'aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
    expect(resourcesOf(json, 'aws_s3_bucket_public_access_block')).toHaveLength(resourcesOf(json, 'aws_s3_bucket').length);
    for (const bucket of resourcesOf(json, 'aws_s3_bucket')) expect(bucket.force_destroy).toBe(false);
    expect(json.provider.aws![0]).toMatchObject({ allowed_account_ids: [ACCOUNT.accountId], region: 'ap-south-1' });
    expect(json.provider.aws![0].default_tags[0].tags).toEqual({ project: 'hexabid', environment: 'shared', 'managed-by': 'cdktf', 'cost-center': 'hexabid-platform' });
  });
});

describe('hexabid-bootstrap scoping of CI', () => {
  const { json } = synthBootstrap();
  const state = stateBackendConfig();
  const stateBucketKey = Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => b.bucket === state.bucket)![0];
  const statements = parsePolicy(resourcesOf(json, 'aws_s3_bucket_policy').find((p) => p.bucket === `\${aws_s3_bucket.${stateBucketKey}.id}`)!.policy).Statement;

  it.each(ENVIRONMENTS.filter((e) => e.region === ACCOUNT.region))("denies $name's apply role every state but its own two stacks'", (environment) => {
    const apply = roleArn(ciApplyRoleName(environment.name));
    const scoped = statements.filter((s) => s.Condition?.ArnEquals?.['aws:PrincipalArn'] === apply);
    expect(scoped).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: [...STATE_OBJECT_ACTIONS],
        NotResource: [`\${aws_s3_bucket.${stateBucketKey}.arn}/hexabid-${environment.name}/*`, `\${aws_s3_bucket.${stateBucketKey}.arn}/hexabid-${environment.name}-k8s/*`],
      }),
    ]);
  });

  it('lets the plan role open the port-forward session to cluster nodes only, and no other session', () => {
    const roleKey = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === ROLE_NAMES.ciPlan)![0];
    const inline = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${roleKey}.name}`).flatMap((p) => parsePolicy(p.policy).Statement);
    const ssm = inline.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ssm:')));
    // In each region a cluster runs: production's, and its standby's once it fails over.
    expect(ssm).toEqual(['ap-south-1', 'ap-south-2'].flatMap((region) => [
      expect.objectContaining({ Action: 'ssm:StartSession', Resource: expect.stringMatching(new RegExp(`:ec2:${region}:\\d+:instance/\\*$`)), Condition: { StringLike: { 'ssm:resourceTag/eks:cluster-name': 'hexabid-*' } } }),
      expect.objectContaining({ Action: 'ssm:StartSession', Resource: `arn:aws:ssm:${region}::document/AWS-StartPortForwardingSessionToRemoteHost` }),
    ]));
  });
});

describe('hexabid-bootstrap state in the DR region', () => {
  const { json } = synthBootstrap();
  const dr = stateBackendConfig(ACCOUNT, ACCOUNT.drRegion);
  const bucketKey = Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => b.bucket === dr.bucket)![0];
  const bucket = `\${aws_s3_bucket.${bucketKey}.arn}`;
  const statements = parsePolicy(resourcesOf(json, 'aws_s3_bucket_policy').find((p) => p.bucket === `\${aws_s3_bucket.${bucketKey}.id}`)!.policy).Statement;
  const scopedTo = (environment: string) => statements.filter((s) => s.Condition?.ArnEquals?.['aws:PrincipalArn'] === roleArn(ciApplyRoleName(environment))).flatMap((s) => s.NotResource);

  it("is built in the DR region, once it is enabled, under the same key alias", () => {
    expect(json.resource.aws_s3_bucket![bucketKey]).toMatchObject({ provider: 'aws.dr', depends_on: [expect.stringMatching(/^aws_account_region\./)] });
    expect(resourcesOf(json, 'aws_kms_alias').filter((a) => a.name === dr.kmsKeyId)).toHaveLength(2);
    expect(json.output!.dr_state_bucket!.value).toBe(`\${aws_s3_bucket.${bucketKey}.id}`);
  });

  it("lets production's deploys write the standby's always-on stack, and the standby's role its own three stacks, nothing else", () => {
    expect(scopedTo('production')).toEqual([`${bucket}/hexabid-production-dr-standby/*`]);
    expect(scopedTo('production-dr')).toEqual(['hexabid-production-dr-standby', 'hexabid-production-dr', 'hexabid-production-dr-k8s'].map((s) => `${bucket}/${s}/*`));
    // dev and staging have no state here, so no access at all.
    const allowed = statements.find((s) => s.Sid === 'OnlyNamedRolesTouchState')!.Condition.ArnNotLike['aws:PrincipalArn'];
    expect(allowed).not.toContain(roleArn(ciApplyRoleName('staging')));
    expect(allowed).not.toContain(roleArn(ciApplyRoleName('dev')));
  });
});

describe("hexabid-bootstrap's role for the app pipeline", () => {
  const { json } = synthBootstrap();
  const [key, pushRole] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === ROLE_NAMES.imagePush)!;
  const inline = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${key}.name}`).flatMap((p) => parsePolicy(p.policy).Statement);

  it("is assumable only from the main branch of the app's repository", () => {
    expect(parsePolicy(pushRole.assume_role_policy).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      `repo:${ACCOUNT.appRepository}:ref:refs/heads/main`,
    ]);
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${key}.name}`)).toEqual([]);
  });

  it('pushes to the four image repositories and nowhere else', () => {
    const push = inline.find((s) => s.Sid === 'PushImages')!;
    expect(push.Resource).toHaveLength(4);
    for (const arn of push.Resource) expect(arn).toMatch(/^\$\{aws_ecr_repository\./);
    expect(inline.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['ecr:GetAuthorizationToken']);
  });
});

describe("hexabid-bootstrap's developer role", () => {
  const { json } = synthBootstrap();
  const [key, developer] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === ROLE_NAMES.developer)!;
  const inline = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${key}.name}`).flatMap((p) => parsePolicy(p.policy).Statement);

  it('is assumable through the account IAM, with no managed policy', () => {
    expect(parsePolicy(developer.assume_role_policy).Statement[0].Principal).toEqual({ AWS: [`arn:aws:iam::${ACCOUNT.accountId}:root`] });
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${key}.name}`)).toEqual([]);
  });

  it('reads only the app namespaces\' logs, opens only the tunnel, and writes nothing', () => {
    const logs = inline.find((s) => s.Sid === 'ReadContainerLogs')!;
    for (const environment of ENVIRONMENTS) expect(logs.Resource).toContain(`arn:aws:logs:ap-south-1:${ACCOUNT.accountId}:log-group:/hexabid/${environment.name}/containers/${environment.kubernetes.appNamespace}`);
    expect(JSON.stringify(logs.Resource)).not.toMatch(/kube-system|hexabid-system/);
    const actions = inline.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.filter((a) => !/^(eks|ec2|logs):(Describe|List|Get|Filter|StartQuery)|^ssm:StartSession$/.test(a))).toEqual([]);
  });
});

describe("hexabid-bootstrap's replica image repositories", () => {
  const { json } = synthBootstrap();
  const config = bootstrapConfig(ENVIRONMENTS);
  const providerRegion = (alias: string | undefined) => json.provider.aws!.find((p) => (alias ? `aws.${p.alias}` === alias : p.alias === undefined))!.region;
  const keyRef = (ref: string) => json.resource.aws_kms_key![/^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(ref)![1]!]!;

  it('gives the repositories ECR creates by replication a customer key of their region and immutable tags, as the primary ones have', () => {
    const templates = resourcesOf(json, 'aws_ecr_repository_creation_template');
    expect(config.imageReplicationRegions.length).toBeGreaterThan(0);
    expect(templates.map((t) => providerRegion(t.provider)).sort()).toEqual([...config.imageReplicationRegions].sort());
    for (const template of templates) {
      expect(template).toMatchObject({ prefix: 'hexabid', applied_for: ['REPLICATION'], image_tag_mutability: 'IMMUTABLE' });
      const [encryption] = template.encryption_configuration;
      expect(encryption.encryption_type).toBe('KMS');
      // A KMS key never leaves its region: the replica's key is the template's region's.
      expect(keyRef(encryption.kms_key).provider).toBe(template.provider);
      expect(JSON.parse(template.lifecycle_policy).rules.length).toBeGreaterThan(0);
      // ECR needs a role of its own to create repositories under a customer key.
      const roleKey = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(template.custom_role_arn)![1]!;
      expect(parsePolicy(json.resource.aws_iam_role![roleKey]!.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'ecr.amazonaws.com' });
    }
  });

  it('starts replicating only once the templates exist, so no replica is created with the defaults', () => {
    const replication = onlyResource(json, 'aws_ecr_replication_configuration');
    const templateIds = Object.keys(json.resource.aws_ecr_repository_creation_template ?? {});
    expect(templateIds.length).toBeGreaterThan(0);
    for (const id of templateIds) expect(replication.depends_on ?? []).toContain(`aws_ecr_repository_creation_template.${id}`);
  });
});

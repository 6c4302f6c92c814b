import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  accountOf,
  ACCOUNTS,
  CI_APPLY_BOUNDARY_NAME,
  ciApplyRoleName,
  clusterAdminRoleArns,
  imageRegistry,
  NON_PRODUCTION_ACCOUNT,
  PRODUCTION_ACCOUNT,
  PRODUCTION_PLAN_GITHUB_ENVIRONMENT,
  ROLE_NAMES,
  roleArn,
  stateBackendConfig,
  type AccountConfig,
} from '../../environments/account.ts';
import { bootstrapConfig, ELASTIC_IP_HEADROOM } from '../../environments/bootstrap.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { NODE_INSTANCE_TYPES } from '../../lib/aws-catalog.ts';
import { STATE_OBJECT_ACTIONS } from '../../modules/account/state-storage.ts';
import { bootstrapLocalStatePath, BootstrapStack, TUNNEL_SESSION_DOCUMENT } from '../../stacks/bootstrap-stack.ts';
import { bootstrapStackName } from '../../environments/stack-names.ts';
import { onlyResource, parsePolicy, resourcesOf, synthBootstrap, synthEnvironment, type TfJson } from '../helpers/synth.ts';

/** An account's environments, from the config alone. */
const environmentsOf = (account: AccountConfig) => ENVIRONMENTS.filter((e) => e.accountId === account.accountId);

/** The roles, their policies and the state bucket of one account's synthesized bootstrap. */
function bootstrapOf(account: AccountConfig) {
  const { json } = synthBootstrap(account);
  const state = stateBackendConfig(account);
  const roles = resourcesOf(json, 'aws_iam_role');
  const role = (name: string) => {
    const found = roles.find((r) => r.name === name);
    if (!found) throw new Error(`no role ${name} in ${bootstrapStackName(account)}`);
    return found;
  };
  const policiesOf = (name: string): { managed: string[]; inline: Record<string, any>[] } => {
    const [key] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === name)!;
    const ref = `\${aws_iam_role.${key}.name}`;
    return {
      managed: resourcesOf(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === ref).map((a) => a.policy_arn),
      inline: resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === ref).flatMap((p) => parsePolicy(p.policy).Statement),
    };
  };
  const bucketKey = (bucket: string) => Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => b.bucket === bucket)![0];
  const bucketPolicy = (bucket: string) => parsePolicy(resourcesOf(json, 'aws_s3_bucket_policy').find((p) => p.bucket === `\${aws_s3_bucket.${bucketKey(bucket)}.id}`)!.policy).Statement;
  return { json, state, roles, role, policiesOf, bucketKey, bucketPolicy };
}

describe.each(ACCOUNTS.map((a) => [bootstrapStackName(a), a] as const))('%s', (stack, account) => {
  const { json, state, roles, role, policiesOf, bucketKey, bucketPolicy } = bootstrapOf(account);
  const environments = environmentsOf(account);
  const stateBucketRef = (suffix: string) => `\${aws_s3_bucket.${bucketKey(state.bucket)}.${suffix}}`;

  describe('state', () => {
    it('keeps its own state in the bucket it creates, after the first apply', () => {
      expect(json.terraform.backend.s3).toEqual({
        bucket: state.bucket, key: `${stack}/terraform.tfstate`, region: 'ap-south-1', encrypt: true, kms_key_id: 'alias/hexabid-terraform-state', use_lockfile: true,
      });
      expect(synthBootstrap(account, { localState: true }).json.terraform.backend).toEqual({ local: { path: bootstrapLocalStatePath(stack) } });
      for (const options of [{}, { localState: true }]) expect(synthBootstrap(account, options).json.terraform.required_version).toBe('>= 1.11');
    });

    it("names the bucket after the account and region, the same name its environments' stacks use", () => {
      expect(state.bucket).toBe(`hexabid-tfstate-${account.accountId}-ap-south-1`);
      for (const environment of environments.filter((e) => e.region === account.region)) {
        expect(synthEnvironment(environment).json.terraform.backend.s3.bucket).toBe(state.bucket);
      }
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

    it("admits only the account's admin, plan and apply roles to state objects; never the read-only role", () => {
      const onlyNamed = bucketPolicy(state.bucket).find((s) => s.Sid === 'OnlyNamedRolesTouchState')!;
      // A standby's apply role keeps its state in its own region's bucket, so it has nothing here.
      const expected = [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ROLE_NAMES.ciPlan, account), ...environments.filter((e) => !e.standbyFor).map((e) => roleArn(ciApplyRoleName(e.name), account))];
      expect(onlyNamed).toEqual({
        Sid: 'OnlyNamedRolesTouchState',
        Effect: 'Deny',
        Principal: '*',
        Action: [...STATE_OBJECT_ACTIONS],
        Resource: `${stateBucketRef('arn')}/*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': expected } },
      });
      expect(JSON.stringify(onlyNamed)).not.toContain(ROLE_NAMES.readOnly);
      expect(bucketPolicy(state.bucket)).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } }));
    });

    it.each(environmentsOf(account).filter((e) => e.region === account.region && !e.standbyFor).map((e) => [e.name, e] as const))(
      "denies %s's apply role every state but its own stacks'",
      (_name, environment) => {
        const apply = roleArn(ciApplyRoleName(environment.name), account);
        const scoped = bucketPolicy(state.bucket).filter((s) => s.Condition?.ArnEquals?.['aws:PrincipalArn'] === apply);
        const own = [`hexabid-${environment.name}`, `hexabid-${environment.name}-k8s`, ...(environment.disasterRecovery ? [] : [])];
        expect(scoped).toEqual([expect.objectContaining({ Effect: 'Deny', Action: [...STATE_OBJECT_ACTIONS], NotResource: own.map((s) => `${stateBucketRef('arn')}/${s}/*`) })]);
      },
    );
  });

  describe('roles', () => {
    it('lets only the named people of the account assume the people roles: Identity Center roles, and IAM users only with MFA', () => {
      for (const [name, patterns] of [[ROLE_NAMES.platformAdmin, account.operators.platformAdmin], [ROLE_NAMES.readOnly, account.operators.readOnly], [ROLE_NAMES.developer, account.operators.developer]] as const) {
        const trust = parsePolicy(role(name).assume_role_policy).Statement;
        expect(trust).toEqual([
          {
            Sid: 'NamedRoles',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
            Condition: { ArnLike: { 'aws:PrincipalArn': patterns } },
          },
        ]);
      }
      expect(policiesOf(ROLE_NAMES.platformAdmin).managed).toEqual([expect.stringMatching(/:iam::aws:policy\/AdministratorAccess$/)]);
      expect(policiesOf(ROLE_NAMES.readOnly).managed).toEqual([expect.stringMatching(/:iam::aws:policy\/ReadOnlyAccess$/)]);
      expect(policiesOf(ROLE_NAMES.readOnly).inline).toEqual([]);
    });

    it("gives CI a plan role that pull requests may use only outside production, and an apply role per GitHub environment, within the boundary", () => {
      const repo = `repo:${account.githubRepository}`;
      const trust = (name: string) => parsePolicy(role(name).assume_role_policy).Statement;
      const subjects = environments.some((e) => e.isProduction) ? [`${repo}:environment:${PRODUCTION_PLAN_GITHUB_ENVIRONMENT}`] : [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`];
      expect(trust(ROLE_NAMES.ciPlan)).toEqual([
        {
          Effect: 'Allow',
          Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\./) },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': subjects } },
        },
      ]);
      const boundary = onlyResource(json, 'aws_iam_policy');
      expect(boundary.name).toBe(CI_APPLY_BOUNDARY_NAME);
      for (const environment of environments) {
        const name = ciApplyRoleName(environment.name);
        expect(trust(name)[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([`${repo}:environment:${environment.name}`]);
        expect(role(name).max_session_duration).toBe(14400);
        expect(role(name).permissions_boundary).toMatch(/^\$\{aws_iam_policy\..*\.arn\}$/);
      }
      // Only this account's environments have apply roles here.
      expect(roles.filter((r) => r.name.startsWith('hexabid-ci-apply-')).map((r) => r.name).sort()).toEqual(environments.map((e) => ciApplyRoleName(e.name)).sort());
      expect(onlyResource(json, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    });

    it('lets the plan role read state and never write it, not even a lock', () => {
      const { managed, inline } = policiesOf(ROLE_NAMES.ciPlan);
      expect(managed).toEqual([expect.stringMatching(/:iam::aws:policy\/ReadOnlyAccess$/)]);
      expect(inline.filter((s) => [s.Action].flat().some((a: string) => /^s3:(Put|Delete)/.test(a)))).toEqual([]);
      expect(inline.find((s) => s.Sid === 'ReadBackGeneratedCredentials')!.Resource).toEqual([`arn:aws:secretsmanager:*:${account.accountId}:secret:hexabid/*`]);
    });

    it('creates every role the clusters of the account name as administrators', () => {
      const names = new Set(roles.map((r) => `arn:aws:iam::${account.accountId}:role/${r.name}`));
      for (const environment of environments) {
        expect(environment.cluster.adminRoleArns).toEqual(clusterAdminRoleArns(environment.name, account));
        for (const arn of environment.cluster.adminRoleArns) expect(names).toContain(arn);
      }
    });

    it('lets developers and the plan role open only the tunnel document on cluster nodes, with the document check on', () => {
      for (const name of [ROLE_NAMES.ciPlan, ROLE_NAMES.developer]) {
        const ssm = policiesOf(name).inline.filter((s) => s.Action === 'ssm:StartSession');
        expect(ssm.length, name).toBe(2 * new Set(environments.map((e) => e.region)).size);
        for (const statement of ssm) {
          expect(statement.Condition.BoolIfExists, name).toEqual({ 'ssm:SessionDocumentAccessCheck': 'true' });
          expect(statement.Resource, name).toMatch(new RegExp(`(:instance/\\*|document/${TUNNEL_SESSION_DOCUMENT})$`));
        }
      }
    });

    it("lets developers read only their environments' app container logs, each in its own region", () => {
      const logs = policiesOf(ROLE_NAMES.developer).inline.find((s) => s.Sid === 'ReadContainerLogs')!;
      for (const environment of environments) {
        expect(logs.Resource).toContain(`arn:aws:logs:${environment.region}:${account.accountId}:log-group:/hexabid/${environment.name}/containers/${environment.kubernetes.appNamespace}`);
      }
      expect(JSON.stringify(logs.Resource)).not.toMatch(/kube-system|hexabid-system/);
      for (const other of ENVIRONMENTS.filter((e) => e.accountId !== account.accountId)) expect(JSON.stringify(logs.Resource)).not.toContain(`/hexabid/${other.name}/`);
    });
  });

  it('enables every opt-in region its environments use, and the OpenSearch service-linked role', () => {
    const optIn = [...new Set(environments.flatMap((e) => [e.region, e.documents.replicationRegion ?? e.region]))].filter((r) => r === 'ap-south-2');
    expect(resourcesOf(json, 'aws_account_region').map((r) => r.region_name)).toEqual(optIn);
    expect(onlyResource(json, 'aws_iam_service_linked_role').aws_service_name).toBe('opensearchservice.amazonaws.com');
  });

  it("raises the Elastic IP, On-Demand and Spot vCPU quotas to what the account's environments need, with headroom, never below the current value", () => {
    const quotas: Record<string, any> = Object.fromEntries(resourcesOf(json, 'aws_servicequotas_service_quota').map((q) => [`${q.quota_code}${q.region ? `-${q.region}` : ''}`, q]));
    const primary = environments.filter((e) => e.region === account.region);
    // One Elastic IP per NAT gateway, or the NAT instance's one.
    const natGateways = primary.reduce((n, e) => n + (e.network.natGateways === 'one-per-az' ? e.network.availabilityZones.length : 1), 0);
    expect(quotas['L-0263D0A3']!.value).toMatch(new RegExp(`^\\$\\{max\\(data\\.aws_servicequotas_service_quota\\.[^)]*\\.value, ${natGateways + ELASTIC_IP_HEADROOM}\\)\\}$`));
    const vcpus = (capacityType: string) =>
      primary
        .flatMap((e) =>
          Object.values(e.cluster.nodeGroups)
            .filter((g) => g.capacityType === capacityType)
            .map((g) => (g.maxSize + e.network.availabilityZones.length) * Math.max(...g.instanceTypes.map((t) => NODE_INSTANCE_TYPES[t]!.vcpus))),
        )
        .reduce((a, b) => a + b, 0);
    expect(quotas['L-1216C47A']!.value).toContain(`, ${vcpus('ON_DEMAND')})`);
    // Spot groups draw on a quota of their own, which the on-demand one leaves out; an account without them asks for none.
    if (vcpus('SPOT') > 0) expect(quotas['L-34B43A08']!.value).toContain(`, ${vcpus('SPOT')})`);
    else expect(quotas['L-34B43A08']).toBeUndefined();
    for (const quota of Object.values(quotas)) expect(quota.lifecycle).toEqual({ ignore_changes: ['value'] });
  });

  it('encrypts with rotating keys, blocks public access everywhere, and tags through the provider', () => {
    for (const key of resourcesOf(json, 'aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
    expect(resourcesOf(json, 'aws_s3_bucket_public_access_block')).toHaveLength(resourcesOf(json, 'aws_s3_bucket').length);
    for (const bucket of resourcesOf(json, 'aws_s3_bucket')) expect(bucket.force_destroy).toBe(false);
    expect(json.provider.aws![0]).toMatchObject({ allowed_account_ids: [account.accountId], region: 'ap-south-1' });
    expect(json.provider.aws![0].default_tags[0].tags).toEqual({ project: 'hexabid', environment: `shared-${account.name}`, 'managed-by': 'cdktf', 'cost-center': 'hexabid-platform' });
  });
});

describe('the two accounts', () => {
  it('run production and its standby in the production account, dev and staging in the other', () => {
    for (const environment of ENVIRONMENTS) expect(accountOf(environment), environment.name).toBe(environment.isProduction ? PRODUCTION_ACCOUNT : NON_PRODUCTION_ACCOUNT);
    expect(PRODUCTION_ACCOUNT.accountId).not.toBe(NON_PRODUCTION_ACCOUNT.accountId);
  });

  it("trust nothing of each other: no bootstrap names the other account's principals", () => {
    for (const account of ACCOUNTS) {
      const other = ACCOUNTS.find((a) => a !== account)!;
      const { json } = synthBootstrap(account);
      const policies = [
        ...resourcesOf(json, 'aws_iam_role').map((r) => r.assume_role_policy as string),
        ...resourcesOf(json, 'aws_iam_role_policy').map((p) => p.policy as string),
        ...resourcesOf(json, 'aws_s3_bucket_policy').map((p) => p.policy as string),
      ];
      for (const policy of policies) expect(policy).not.toContain(`:${other.accountId}:`);
    }
  });
});

describe("the production account's registry and zone", () => {
  const { json } = synthBootstrap(PRODUCTION_ACCOUNT);

  it('holds an immutable, scanned, KMS-encrypted ECR repository per image, each with a lifecycle, replicated to the DR region and the non-production account', () => {
    const repositories = resourcesOf(json, 'aws_ecr_repository');
    expect(repositories.map((r) => r.name).sort()).toEqual(['hexabid/api', 'hexabid/frontend', 'hexabid/scraper', 'hexabid/worker']);
    for (const repository of repositories) {
      expect(repository).toMatchObject({ image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
      expect(repository.encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: expect.stringMatching(/^\$\{aws_kms_key\./) }]);
    }
    expect(resourcesOf(json, 'aws_ecr_lifecycle_policy')).toHaveLength(4);
    const rule = onlyResource(json, 'aws_ecr_replication_configuration').replication_configuration.rule[0];
    expect(rule.destination).toEqual([
      { region: PRODUCTION_ACCOUNT.drRegion, registry_id: PRODUCTION_ACCOUNT.accountId },
      { region: NON_PRODUCTION_ACCOUNT.region, registry_id: NON_PRODUCTION_ACCOUNT.accountId },
    ]);
    // Replication into a region that is not enabled yet fails; the replicas there wait for their template (below).
    expect(onlyResource(json, 'aws_ecr_replication_configuration').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_account_region\./), expect.stringMatching(/^aws_ecr_repository_creation_template\./)]),
    );
    // Every environment pulls from its own account's registry in its own region.
    for (const environment of ENVIRONMENTS) expect(environment.app.imageRegistry).toBe(imageRegistry(accountOf(environment), environment.region));
  });

  it('creates the apex zone and outputs its name servers for the registrar, unless the account says it exists', () => {
    expect(onlyResource(json, 'aws_route53_zone').name).toBe('hexabid.in');
    expect(json.output!.apex_zone_name_servers!.value).toMatch(/^\$\{aws_route53_zone\..*\.name_servers\}$/);
    const existing = bootstrapConfig(ENVIRONMENTS, { ...PRODUCTION_ACCOUNT, createApexZone: false });
    const without = JSON.parse(Testing.synth(new BootstrapStack(Testing.app({ stackTraces: false }), existing))) as TfJson;
    expect(without.resource.aws_route53_zone).toBeUndefined();
    expect(without.output!.apex_zone_name_servers).toBeUndefined();
  });

  it("delegates each non-production environment's name to the non-production delegation set, once its name servers are set", () => {
    const servers = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];
    const config = bootstrapConfig(ENVIRONMENTS, PRODUCTION_ACCOUNT);
    const delegated = JSON.parse(Testing.synth(new BootstrapStack(Testing.app({ stackTraces: false }), { ...config, dns: { ...config.dns, delegations: environmentsOf(NON_PRODUCTION_ACCOUNT).map((e) => ({ name: e.edge.domainName, nameServers: servers })) } }))) as TfJson;
    const records = resourcesOf(delegated, 'aws_route53_record');
    expect(records.map((r) => [r.name, r.type, r.records])).toEqual(environmentsOf(NON_PRODUCTION_ACCOUNT).map((e) => [e.edge.domainName, 'NS', servers]));
    // A fresh clone has no name servers yet, so the production bootstrap delegates nothing until they are set.
    expect(config.dns.delegations).toEqual([]);
  });

  it('gives the push role to the main branch of the app repository, for these repositories only', () => {
    const [key, pushRole] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === ROLE_NAMES.imagePush)!;
    expect(parsePolicy(pushRole.assume_role_policy).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([`repo:${PRODUCTION_ACCOUNT.appRepository}:ref:refs/heads/main`]);
    const inline = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${key}.name}`).flatMap((p) => parsePolicy(p.policy).Statement);
    expect(inline.find((s) => s.Sid === 'PushImages')!.Resource).toHaveLength(4);
    expect(inline.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['ecr:GetAuthorizationToken']);
  });
});

describe("the non-production account's registry and zones", () => {
  const { json } = synthBootstrap(NON_PRODUCTION_ACCOUNT);

  it('has no repositories of its own: it lets the production account replicate into it, and nothing else', () => {
    expect(resourcesOf(json, 'aws_ecr_repository')).toEqual([]);
    expect(json.resource.aws_iam_role).not.toHaveProperty(ROLE_NAMES.imagePush);
    expect(parsePolicy(onlyResource(json, 'aws_ecr_registry_policy').policy).Statement).toEqual([
      {
        Sid: 'ReplicationFromSourceAccount',
        Effect: 'Allow',
        Principal: { AWS: `arn:\${data.aws_partition.AwsContext_Partition_821FC74B.partition}:iam::${PRODUCTION_ACCOUNT.accountId}:root` },
        Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
        Resource: [expect.stringMatching(/:repository\/hexabid\/\*$/)],
      },
    ]);
  });

  it("creates each of its environments' zones on one reusable delegation set, and outputs its four name servers", () => {
    expect(resourcesOf(json, 'aws_route53_zone').map((z) => [z.name, z.delegation_set_id])).toEqual(
      environmentsOf(NON_PRODUCTION_ACCOUNT).map((e) => [e.edge.domainName, expect.stringMatching(/^\$\{aws_route53_delegation_set\./)]),
    );
    expect(json.output!.delegation_name_servers!.value).toMatch(/^\$\{aws_route53_delegation_set\..*\.name_servers\}$/);
  });
});

describe.each(ACCOUNTS)("the $name bootstrap's replica image repositories", (account) => {
  const { json } = synthBootstrap(account);
  const config = bootstrapConfig(ENVIRONMENTS, account);
  // A resource names its provider `aws.<alias>`, or `aws` (or nothing) for the default one.
  const providerRegion = (alias: string | undefined) => json.provider.aws!.find((p) => (alias && alias !== 'aws' ? `aws.${p.alias}` === alias : p.alias === undefined))!.region;
  const keyRef = (ref: string) => json.resource.aws_kms_key![/^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(ref)![1]!]!;
  // ECR creates the replicas in the destination registry: a source account templates its own other regions, a replica account its own region.
  const templateRegions =
    config.images.role === 'source'
      ? config.images.replicationDestinations.filter((d) => (d.accountId ?? account.accountId) === account.accountId).map((d) => d.region)
      : [account.region];

  it('gives the repositories ECR creates by replication a customer key of their region and immutable tags, as the primary ones have', () => {
    const templates = resourcesOf(json, 'aws_ecr_repository_creation_template');
    expect(templateRegions.length).toBeGreaterThan(0);
    expect(templates.map((t) => providerRegion(t.provider)).sort()).toEqual([...templateRegions].sort());
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

  it('starts replicating only once the templates of its own registry exist, so no replica there is created with the defaults', () => {
    const replications = resourcesOf(json, 'aws_ecr_replication_configuration');
    expect(replications).toHaveLength(config.images.role === 'source' ? 1 : 0);
    const templateIds = Object.keys(json.resource.aws_ecr_repository_creation_template ?? {});
    expect(templateIds.length).toBeGreaterThan(0);
    for (const replication of replications) {
      for (const id of templateIds) expect(replication.depends_on ?? []).toContain(`aws_ecr_repository_creation_template.${id}`);
    }
  });
});

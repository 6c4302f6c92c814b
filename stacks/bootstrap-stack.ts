import { Route53DelegationSet } from '@cdktf/provider-aws/lib/route53-delegation-set';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { CI_APPLY_BOUNDARY_NAME, ciApplyRoleName, IMAGE_REPOSITORY_PREFIX, ROLE_NAMES } from '../environments/account.ts';
import type { BootstrapConfig, BootstrapEnvironment } from '../environments/bootstrap.ts';
import { AccountPrerequisites } from '../modules/account/account-prerequisites.ts';
import { CostAllocationTags } from '../modules/account/cost-allocation-tags.ts';
import { CostAnomalyDetection } from '../modules/account/cost-anomaly-detection.ts';
import { ImageReplicaRegistry } from '../modules/account/image-replica-registry.ts';
import { imageLifecyclePolicy, ImageRepositories } from '../modules/account/image-repositories.ts';
import { ReplicaRepositoryTemplate } from '../modules/account/replica-repository-template.ts';
import { TerraformStateStorage } from '../modules/account/state-storage.ts';
import { DnsZone } from '../modules/edge/dns-zone.ts';
import { AccessRole, githubActionsTrust, peopleTrust } from '../modules/identity/access-role.ts';
import { CiApplyBoundary } from '../modules/identity/ci-apply-boundary.ts';
import { GithubOidcProvider } from '../modules/identity/github-oidc-provider.ts';
import { dependOn } from '../modules/internal/depend-on.ts';
import type { PolicyStatement } from '../modules/internal/iam.ts';
import { terraformLiteral } from '../modules/internal/terraform-literal.ts';
import { generatedCredentialPlanStatements } from '../modules/security/generated-credential.ts';
import { containerLogGroupName, infrastructureStackName } from '../environments/stack-names.ts';
import { alertTopicName } from '../modules/monitoring/alarm-topics.ts';
import { awsProvider, requireTerraformVersion, stateBackend, type StackFoundationConfig } from './stack-foundation.ts';

/**
 * Where a bootstrap's own state lives before its bucket exists: a file in
 * the project root, relative to `cdktf.out/stacks/<stack>`.
 */
export function bootstrapLocalStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

/** An apply of a whole environment (RDS, OpenSearch, EKS) can run past an hour. */
const LONG_SESSION_SECONDS = 4 * 3600;

/** The session document of the cluster tunnel, the only one anyone may start on a node. */
export const TUNNEL_SESSION_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

export interface BootstrapStackOptions {
  /**
   * Keep state in a local file: only for the very first apply, which creates
   * the state bucket. Afterwards state moves into the bucket (docs/BOOTSTRAP.md).
   * @default false
   */
  readonly localState?: boolean;
}

/**
 * Everything an account's environments assume exists: the state buckets and
 * keys, the roles people and CI use (CI's apply roles within a boundary),
 * GitHub's OIDC trust, the image registry, the DNS zones, the DR region and
 * the quotas. One per account (`hexabid-bootstrap-<account>`).
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, config: BootstrapConfig, options: BootstrapStackOptions = {}) {
    super(scope, config.stackName);
    const account = config.account;
    const foundation: StackFoundationConfig = { name: `shared-${account.name}`, accountId: account.accountId, region: account.region, costCenter: config.costCenter, state: config.state };
    const primaryProvider = awsProvider(this, foundation);
    requireTerraformVersion(this);
    if (options.localState) new LocalBackend(this, { path: bootstrapLocalStatePath(config.stackName) });
    else stateBackend(this, foundation, config.stackName);

    const prerequisites = new AccountPrerequisites(this, 'Account', {
      optInRegions: config.optInRegions,
      serviceLinkedRoles: config.serviceLinkedRoles,
      quotas: config.quotas,
    });

    const state = new TerraformStateStorage(this, 'State', {
      bucketName: config.state.bucket,
      keyAliasName: config.state.kmsKeyId.replace(/^alias\//, ''),
      stateAccessRoleArns: config.stateAccessRoleArns,
      // Each environment's apply role reaches that environment's state only.
      keyPrefixesByRole: config.stateKeyPrefixesByRole,
    });
    // The DR region's bucket: a standby's stacks must plan and apply while the primary region is down.
    // Its credentials are not checked against the region at init: on the first apply the region is still being enabled.
    const drProvider = config.drState ? awsProvider(this, foundation, { id: 'aws-dr', alias: 'dr', region: config.drState.state.region, skipCredentialsValidation: true }) : undefined;
    const drState =
      config.drState && drProvider
        ? new TerraformStateStorage(this, 'DrState', {
            bucketName: config.drState.state.bucket,
            keyAliasName: config.drState.state.kmsKeyId.replace(/^alias\//, ''),
            stateAccessRoleArns: config.drState.accessRoleArns,
            keyPrefixesByRole: config.drState.keyPrefixesByRole,
            provider: drProvider,
          })
        : undefined;
    // A region must be enabled before anything is built in it.
    if (drState) dependOn(drState, prerequisites.enabledRegions);

    const people = account.operators;
    const admin = new AccessRole(this, 'PlatformAdmin', {
      roleName: ROLE_NAMES.platformAdmin,
      description: `Platform operators: administer the ${account.name} account and its clusters, read and write state`,
      trust: peopleTrust(account.accountId, people.platformAdmin),
      managedPolicies: ['AdministratorAccess'],
      maxSessionDurationSeconds: LONG_SESSION_SECONDS,
    });
    const readOnly = new AccessRole(this, 'ReadOnly', {
      roleName: ROLE_NAMES.readOnly,
      description: `Support and audit: read the ${account.name} account; denied state, which holds generated credentials`,
      trust: peopleTrust(account.accountId, people.readOnly.length > 0 ? people.readOnly : people.platformAdmin),
      managedPolicies: ['ReadOnlyAccess'],
    });
    const developer = new AccessRole(this, 'Developer', {
      roleName: ROLE_NAMES.developer,
      description: `Developers: their app namespaces in the ${account.name} account's clusters through the tunnel, and their container logs`,
      trust: peopleTrust(account.accountId, people.developer.length > 0 ? people.developer : people.platformAdmin),
      statements: developerStatements(account.accountId, config.clusterRegions, config.environments),
    });

    const github = new GithubOidcProvider(this, 'GithubOidc');
    const repo = `repo:${account.githubRepository}`;
    const plan = new AccessRole(this, 'CiPlan', {
      roleName: ROLE_NAMES.ciPlan,
      description: `CI plans of the ${account.name} account's stacks, from ${config.planTrustSubjects.map((s) => s.replace(`${repo}:`, '')).join(' and ')} of ${account.githubRepository}`,
      trust: githubActionsTrust(github.providerArn, config.planTrustSubjects),
      managedPolicies: ['ReadOnlyAccess'],
      statements: [
        ...state.planStatements(),
        ...(drState?.planStatements('Dr') ?? []),
        // A refresh reads every secret version and generated password the stacks manage.
        ...generatedCredentialPlanStatements([`arn:aws:secretsmanager:*:${account.accountId}:secret:hexabid/*`]),
        // Each plan's policy documents go through IAM Access Analyzer (tools/ci/access-analyzer.ts).
        { Sid: 'ValidatePolicies', Effect: 'Allow', Action: 'access-analyzer:ValidatePolicy', Resource: '*' },
        ...config.clusterRegions.flatMap((region) => clusterTunnelStatements(region, account.accountId)),
      ],
    });

    const protectedRoles = [ROLE_NAMES.platformAdmin, ROLE_NAMES.readOnly, ROLE_NAMES.developer, 'hexabid-ci-*'];
    const boundary = new CiApplyBoundary(this, 'CiApplyBoundary', {
      policyName: CI_APPLY_BOUNDARY_NAME,
      protectedRoleNames: protectedRoles,
      stateBucketNames: [config.state.bucket, ...(config.drState ? [config.drState.state.bucket] : [])],
      protectedKeyAliases: [config.state.kmsKeyId.replace(/^alias\//, '')],
    });
    const apply = config.environments.map(
      (environment) =>
        new AccessRole(this, `CiApply-${environment.name}`, {
          roleName: ciApplyRoleName(environment.name),
          description: `CI applies ${environment.name}, only from the GitHub environment "${environment.name}" of ${account.githubRepository}`,
          trust: githubActionsTrust(github.providerArn, [`${repo}:environment:${environment.name}`]),
          managedPolicies: ['AdministratorAccess'],
          permissionsBoundaryArn: boundary.policyArn,
          maxSessionDurationSeconds: LONG_SESSION_SECONDS,
        }),
    );

    const outputs: Record<string, { value: string | readonly string[] | Record<string, string> | Record<string, number>; description: string }> = {};
    // ECR creates the replica repositories itself: a template in each replica region of this account gives them the primary's settings.
    const regionProvider = (region: string) =>
      region === account.region ? primaryProvider : drProvider && region === config.drState?.state.region ? drProvider : awsProvider(this, foundation, { id: `aws-${region}`, alias: region, region });
    const replicaTemplates = (regions: readonly string[]) => {
      if (regions.length === 0) return undefined;
      const templates = new ReplicaRepositoryTemplate(this, 'ImageReplicas', {
        repositoryPrefix: IMAGE_REPOSITORY_PREFIX,
        replicaRegions: regions.map((region) => ({ region, provider: regionProvider(region) })),
        lifecyclePolicy: imageLifecyclePolicy(),
      });
      dependOn(templates, prerequisites.enabledRegions);
      return templates;
    };
    const images = config.images;
    if (images.role === 'source') {
      const ownReplicaRegions = images.replicationDestinations.filter((d) => (d.accountId ?? account.accountId) === account.accountId).map((d) => d.region);
      const repositories = new ImageRepositories(this, 'Images', {
        repositoryNames: images.repositoryNames,
        keyAliasName: 'hexabid-images',
        replicationDestinations: images.replicationDestinations,
        // Another account's replicas wait for that account's bootstrap, which is applied first.
        replicationDependsOn: replicaTemplates(ownReplicaRegions)?.templates,
      });
      // Replication into a region that is not enabled yet fails: the region first.
      dependOn(repositories, prerequisites.enabledRegions);
      const imagePush = new AccessRole(this, 'CiImagePush', {
        roleName: ROLE_NAMES.imagePush,
        description: `The app's pipeline pushes images, from the main branch of ${account.appRepository}`,
        trust: githubActionsTrust(github.providerArn, [`repo:${account.appRepository}:ref:refs/heads/main`]),
        statements: repositories.pushStatements(),
      });
      outputs.image_repository_urls = { value: repositories.repositoryUrls, description: 'ECR repository per image' };
      outputs.ci_image_push_role_arn = { value: imagePush.roleArn, description: "Role the app's pipeline assumes to push images" };
    } else {
      new ImageReplicaRegistry(this, 'ImageReplicaRegistry', { sourceAccountId: images.sourceAccountId, repositoryPrefixes: [IMAGE_REPOSITORY_PREFIX] });
      replicaTemplates([account.region]);
    }

    const dns = config.dns;
    if (dns.apex) {
      const apex = new DnsZone(this, 'ApexZone', { zoneName: dns.apex.zoneName, create: dns.apex.create });
      for (const delegation of dns.delegations) apex.delegate(delegation.name, delegation.nameServers);
      if (dns.apex.create) outputs.apex_zone_name_servers = { value: apex.nameServers, description: `Name servers of ${dns.apex.zoneName}: set them at the registrar` };
    }
    if (dns.environmentZones.length > 0) {
      // One set of four name servers for every environment zone of the account, so the apex delegates to them once.
      const delegationSet = new Route53DelegationSet(this, 'DelegationSet', { referenceName: `hexabid-${account.name}` });
      for (const zoneName of dns.environmentZones) new DnsZone(this, `Zone-${zoneName}`, { zoneName, create: true, delegationSetId: delegationSet.id });
      outputs.delegation_name_servers = { value: delegationSet.nameServers, description: 'Name servers of every environment zone of this account: NON_PRODUCTION_NAME_SERVERS in environments/account.ts' };
    }

    // Real spend: anomalies as they happen, and the tag each environment's budget counts (offered by AWS only after its first use).
    const watcher = config.costWatch.anomalyWatcher;
    new CostAnomalyDetection(this, 'CostAnomalies', {
      namePrefix: 'hexabid',
      subscriberTopicArn: `arn:aws:sns:${watcher.region}:${account.accountId}:${alertTopicName(infrastructureStackName(watcher), 'warning')}`,
    });
    if (!options.localState) new CostAllocationTags(this, 'CostAllocationTags', { tagKeys: config.costWatch.allocationTagKeys });

    Object.assign(outputs, {
      state_bucket: { value: state.bucketName, description: 'Terraform state of every stack of the account' },
      state_kms_key_arn: { value: state.kmsKeyArn, description: 'KMS key of the state bucket' },
      state_access_logs_bucket: { value: state.accessLogsBucketName, description: 'Server access logs of the state bucket' },
      ...(drState ? { dr_state_bucket: { value: drState.bucketName, description: "Terraform state of the stacks that must work while the primary region is down (a standby's)" } } : {}),
      platform_admin_role_arn: { value: admin.roleArn, description: 'Role for platform operators (cluster-admin in the account)' },
      read_only_role_arn: { value: readOnly.roleArn, description: 'Read-only role (no state access)' },
      developer_role_arn: { value: developer.roleArn, description: "Developers: their app namespaces (EKS access entries), container logs" },
      github_oidc_provider_arn: { value: github.providerArn, description: 'GitHub Actions OIDC provider' },
      ci_plan_role_arn: { value: plan.roleArn, description: 'Role CI assumes to plan' },
      ci_apply_role_arns: { value: Object.fromEntries(apply.map((r, i) => [config.environments[i]!.name, r.roleArn])), description: 'Role CI assumes to apply, per environment' },
      ci_apply_boundary_arn: { value: boundary.policyArn, description: 'Permissions boundary of every CI apply role' },
      service_quotas: { value: prerequisites.quotaValues, description: 'Quota values requested (the larger of current and needed)' },
    });
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

/**
 * The private cluster endpoints are reached through an SSM port forward from
 * a node (`npm run tunnel`): the port-forwarding document only, on the nodes
 * of HexaBid's clusters only. The document check makes a session without
 * `--document-name` (a shell) fail instead of falling back to the default.
 */
export function clusterTunnelStatements(region: string, accountId: string): PolicyStatement[] {
  const sid = (name: string) => `${name}${region.replace(/[^A-Za-z0-9]/g, '')}`;
  return [
    {
      Sid: sid('TunnelThroughClusterNodes'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:aws:ec2:${region}:${accountId}:instance/*`,
      Condition: { StringLike: { 'ssm:resourceTag/eks:cluster-name': 'hexabid-*' }, BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    },
    {
      Sid: sid('TunnelDocument'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:aws:ssm:${region}::document/${TUNNEL_SESSION_DOCUMENT}`,
      Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    },
    // Their own sessions only: the session ID starts with the caller's user ID.
    { Sid: sid('EndOwnSessions'), Effect: 'Allow', Action: ['ssm:TerminateSession', 'ssm:ResumeSession'], Resource: terraformLiteral(`arn:aws:ssm:${region}:${accountId}:session/\${aws:userid}-*`) },
  ];
}

/**
 * What a developer needs outside the cluster: find the clusters and open the
 * tunnel to them (the cluster's access entry then limits them to the app
 * namespace), and query their environments' app container logs, each in its
 * environment's own region, no other's.
 */
function developerStatements(accountId: string, regions: readonly string[], environments: readonly BootstrapEnvironment[]): PolicyStatement[] {
  const logGroups = environments.flatMap((e) => {
    const group = `arn:aws:logs:${e.region}:${accountId}:log-group:${containerLogGroupName(e.name, e.appNamespace)}`;
    // The group itself, and its streams: Logs names a group with or without the trailing `:*`.
    return [group, `${group}:*`];
  });
  return [
    {
      Sid: 'FindClusters',
      Effect: 'Allow',
      Action: ['eks:DescribeCluster', 'eks:ListClusters', 'ec2:DescribeInstances'],
      Resource: '*',
    },
    ...regions.flatMap((region) => clusterTunnelStatements(region, accountId)),
    { Sid: 'ListLogGroups', Effect: 'Allow', Action: ['logs:DescribeLogGroups', 'logs:GetQueryResults'], Resource: '*' },
    {
      Sid: 'ReadContainerLogs',
      Effect: 'Allow',
      Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetLogGroupFields'],
      Resource: logGroups,
    },
  ];
}


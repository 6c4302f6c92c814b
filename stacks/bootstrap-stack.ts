import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { PolicyStatement } from '../modules/internal/iam.ts';
import { ciApplyRoleName, ROLE_NAMES } from '../environments/account.ts';
import type { BootstrapConfig } from '../environments/bootstrap.ts';
import { AccessRole, githubActionsTrust, principalsTrust } from '../modules/identity/access-role.ts';
import { AccountPrerequisites } from '../modules/account/account-prerequisites.ts';
import { DnsZone } from '../modules/edge/dns-zone.ts';
import { generatedCredentialPlanStatements } from '../modules/security/generated-credential.ts';
import { GithubOidcProvider } from '../modules/identity/github-oidc-provider.ts';
import { ImageRepositories, imageLifecyclePolicy } from '../modules/account/image-repositories.ts';
import { ReplicaRepositoryTemplate } from '../modules/account/replica-repository-template.ts';
import { CostAllocationTags } from '../modules/account/cost-allocation-tags.ts';
import { CostAnomalyDetection } from '../modules/account/cost-anomaly-detection.ts';
import { TerraformStateStorage } from '../modules/account/state-storage.ts';
import { BOOTSTRAP_STACK_NAME, containerLogGroupName } from './stack-names.ts';
import { awsProvider, requireTerraformVersion, stateBackend, type StackFoundationConfig } from './stack-foundation.ts';
import { dependOn } from '../modules/internal/depend-on.ts';

/** The account-wide stack, applied once before any environment. */
export { BOOTSTRAP_STACK_NAME };

/**
 * Where the bootstrap's own state lives before its bucket exists: a file in
 * the project root, relative to `cdktf.out/stacks/hexabid-bootstrap`.
 */
export const BOOTSTRAP_LOCAL_STATE_PATH = `../../../terraform.${BOOTSTRAP_STACK_NAME}.tfstate`;

/** An apply of a whole environment (RDS, OpenSearch, EKS) can run past an hour. */
const LONG_SESSION_SECONDS = 4 * 3600;

export interface BootstrapStackOptions {
  /**
   * Keep state in a local file: only for the very first apply, which creates
   * the state bucket. Afterwards state moves into the bucket (README).
   * @default false
   */
  readonly localState?: boolean;
}

/**
 * Everything an environment assumes exists in the account: the state bucket
 * and key, the roles people and CI use, GitHub's OIDC trust, the image
 * repositories, the apex zone, the DR region and the quotas.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, config: BootstrapConfig, options: BootstrapStackOptions = {}) {
    super(scope, BOOTSTRAP_STACK_NAME);
    const account = config.account;
    const foundation: StackFoundationConfig = { name: 'shared', accountId: account.accountId, region: account.region, costCenter: config.costCenter, state: config.state };
    awsProvider(this, foundation);
    requireTerraformVersion(this);
    if (options.localState) new LocalBackend(this, { path: BOOTSTRAP_LOCAL_STATE_PATH });
    else stateBackend(this, foundation, BOOTSTRAP_STACK_NAME);

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
    const drState = config.drState && drProvider
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

    const admin = new AccessRole(this, 'PlatformAdmin', {
      roleName: ROLE_NAMES.platformAdmin,
      description: 'Platform operators: administers the account and every cluster, reads and writes state',
      trust: principalsTrust(config.operatorPrincipalArns),
      managedPolicies: ['AdministratorAccess'],
      maxSessionDurationSeconds: LONG_SESSION_SECONDS,
    });
    const readOnly = new AccessRole(this, 'ReadOnly', {
      roleName: ROLE_NAMES.readOnly,
      description: 'Support and audit: reads the account; denied state, which holds generated credentials',
      trust: principalsTrust(config.operatorPrincipalArns),
      managedPolicies: ['ReadOnlyAccess'],
    });

    const developer = new AccessRole(this, 'Developer', {
      roleName: ROLE_NAMES.developer,
      description: "Developers: edit the clusters' app namespaces through the tunnel, and read their container logs",
      trust: principalsTrust(config.operatorPrincipalArns),
      statements: developerStatements(
        account.region,
        account.accountId,
        Object.entries(config.appNamespaces).map(([environment, namespace]) => containerLogGroupName(environment, namespace)),
      ),
    });

    const github = new GithubOidcProvider(this, 'GithubOidc');
    const repo = `repo:${account.githubRepository}`;
    const plan = new AccessRole(this, 'CiPlan', {
      roleName: ROLE_NAMES.ciPlan,
      description: `CI plans for pull requests and drift checks on main of ${account.githubRepository}`,
      trust: githubActionsTrust(github.providerArn, [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`]),
      managedPolicies: ['ReadOnlyAccess'],
      statements: [
        ...state.planStatements(),
        ...(drState?.planStatements('Dr') ?? []),
        ...generatedCredentialPlanStatements([`arn:aws:secretsmanager:${account.region}:${account.accountId}:secret:hexabid/*/cache/auth-*`]),
        ...config.clusterRegions.flatMap((region, i) => clusterTunnelStatements(region, account.accountId, i === 0 ? '' : region)),
      ],
    });
    const apply = config.environmentNames.map(
      (environment) =>
        new AccessRole(this, `CiApply-${environment}`, {
          roleName: ciApplyRoleName(environment),
          description: `CI applies ${environment}, only from the GitHub environment "${environment}" of ${account.githubRepository}`,
          trust: githubActionsTrust(github.providerArn, [`${repo}:environment:${environment}`]),
          managedPolicies: ['AdministratorAccess'],
          maxSessionDurationSeconds: LONG_SESSION_SECONDS,
        }),
    );

    // Replicas are created by ECR: a template per region gives them the primary repositories' settings.
    const replicaProvider = (region: string) => (drProvider && region === config.drState?.state.region ? drProvider : awsProvider(this, foundation, { id: `aws-${region}`, alias: region, region }));
    const replicaTemplate = config.imageReplicationRegions.length > 0
      ? new ReplicaRepositoryTemplate(this, 'ImageReplicas', { repositoryPrefix: 'hexabid', replicaRegions: config.imageReplicationRegions.map((region) => ({ region, provider: replicaProvider(region) })), lifecyclePolicy: imageLifecyclePolicy() })
      : undefined;
    if (replicaTemplate) dependOn(replicaTemplate, prerequisites.enabledRegions);
    const images = new ImageRepositories(this, 'Images', { repositoryNames: config.imageRepositories, keyAliasName: 'hexabid-images', replicationRegions: config.imageReplicationRegions, replicationDependsOn: replicaTemplate?.templates });
    const imagePush = new AccessRole(this, 'CiImagePush', {
      roleName: ROLE_NAMES.imagePush,
      description: `The app's pipeline pushes images, from the main branch of ${account.appRepository}`,
      trust: githubActionsTrust(github.providerArn, [`repo:${account.appRepository}:ref:refs/heads/main`]),
      statements: images.pushStatements(),
    });
    const zone = config.hostedZone.create ? new DnsZone(this, 'ApexZone', { zoneName: config.hostedZone.zoneName, create: true }) : undefined;

    // Real spend: anomalies as they happen, and the tag each environment's budget counts (offered by AWS only after its first use).
    new CostAnomalyDetection(this, 'CostAnomalies', { namePrefix: 'hexabid', subscriberTopicArn: config.costWatch.anomalyTopicArn });
    if (!options.localState) new CostAllocationTags(this, 'CostAllocationTags', { tagKeys: config.costWatch.allocationTagKeys });

    const outputs: Record<string, { value: string | string[] | Record<string, string> | Record<string, number>; description: string }> = {
      state_bucket: { value: state.bucketName, description: 'Terraform state of every stack' },
      state_kms_key_arn: { value: state.kmsKeyArn, description: 'KMS key of the state bucket' },
      state_access_logs_bucket: { value: state.accessLogsBucketName, description: 'Server access logs of the state bucket' },
      ...(drState ? { dr_state_bucket: { value: drState.bucketName, description: "Terraform state of the stacks that must work while the primary region is down (a standby's)" } } : {}),
      platform_admin_role_arn: { value: admin.roleArn, description: 'Role for platform operators (cluster-admin everywhere)' },
      read_only_role_arn: { value: readOnly.roleArn, description: 'Read-only role (no state access)' },
      developer_role_arn: { value: developer.roleArn, description: 'Developers: edit in each app namespace (EKS access entries), container logs' },
      github_oidc_provider_arn: { value: github.providerArn, description: 'GitHub Actions OIDC provider' },
      ci_plan_role_arn: { value: plan.roleArn, description: 'Role CI assumes to plan' },
      ci_apply_role_arns: { value: Object.fromEntries(apply.map((r, i) => [config.environmentNames[i]!, r.roleArn])), description: 'Role CI assumes to apply, per environment' },
      ci_image_push_role_arn: { value: imagePush.roleArn, description: "Role the app's pipeline assumes to push images" },
      image_repository_urls: { value: images.repositoryUrls, description: 'ECR repository per image' },
      service_quotas: { value: prerequisites.quotaValues, description: 'Quota values requested (the larger of current and needed)' },
    };
    if (zone) outputs.apex_zone_name_servers = { value: zone.nameServers, description: `Name servers of ${config.hostedZone.zoneName}: set them at the registrar` };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

/**
 * The private cluster endpoints are reached through an SSM port forward from
 * a node (`npm run tunnel`), so the plan role may start that one session
 * document, on the nodes of HexaBid's clusters only.
 */
function clusterTunnelStatements(region: string, accountId: string, sidSuffix = ''): PolicyStatement[] {
  const sid = (name: string) => `${name}${sidSuffix.replace(/[^A-Za-z0-9]/g, '')}`;
  return [
    {
      Sid: sid('TunnelThroughClusterNodes'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:aws:ec2:${region}:${accountId}:instance/*`,
      Condition: { StringLike: { 'ssm:resourceTag/eks:cluster-name': 'hexabid-*' } },
    },
    { Sid: sid('TunnelDocument'), Effect: 'Allow', Action: 'ssm:StartSession', Resource: `arn:aws:ssm:${region}::document/AWS-StartPortForwardingSessionToRemoteHost` },
  ];
}

/**
 * What a developer needs outside the cluster: find the cluster and open the
 * tunnel to it (the cluster's access entry then limits them to the app
 * namespace), and query the app namespaces' container logs, no other's.
 */
function developerStatements(region: string, accountId: string, appLogGroups: readonly string[]): PolicyStatement[] {
  return [
    { Sid: 'FindClusters', Effect: 'Allow', Action: ['eks:DescribeCluster', 'eks:ListClusters', 'ec2:DescribeInstances'], Resource: '*' },
    ...clusterTunnelStatements(region, accountId),
    { Sid: 'ListLogGroups', Effect: 'Allow', Action: ['logs:DescribeLogGroups', 'logs:GetQueryResults'], Resource: '*' },
    {
      Sid: 'ReadContainerLogs',
      Effect: 'Allow',
      Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetLogGroupFields'],
      // The group itself, and its streams: Logs names a group with or without the trailing `:*`.
      Resource: appLogGroups.flatMap((group) => [`arn:aws:logs:${region}:${accountId}:log-group:${group}`, `arn:aws:logs:${region}:${accountId}:log-group:${group}:*`]),
    },
  ];
}

/**
 * What the bootstrap stack (`hexabid-bootstrap`) builds once per account,
 * derived from the account and from every environment, so that it always
 * covers what the environments assume exists.
 */
import { NODE_INSTANCE_TYPES } from '../lib/aws-catalog.ts';
import type { QuotaRequirement } from '../modules/account/account-prerequisites.ts';
import { ACCOUNT, ciApplyRoleName, IMAGE_COMPONENTS, imageRepositoryName, ROLE_NAMES, roleArn, stateBackendConfig, type AccountConfig } from './account.ts';
import { COMMON } from './common.ts';
import type { EnvironmentConfig, NodeGroupConfig, StateBackendConfig } from './types.ts';
import { ConfigValidationError, type ConfigProblem } from './validate.ts';
import { ENVIRONMENT_TAG_KEY, environmentStackNames, infrastructureStackName, standbyStackName } from '../stacks/stack-names.ts';
import { alertTopicName } from '../modules/monitoring/alarm-topics.ts';

/** A state bucket, who may touch it, and which keys each apply role may write. */
export interface StateBucketConfig {
  readonly state: StateBackendConfig;
  readonly accessRoleArns: readonly string[];
  /** Apply role ARN → the stacks (`<stack>/`) whose state it may write; every other key is denied to it. */
  readonly keyPrefixesByRole: Readonly<Record<string, readonly string[]>>;
}

export interface BootstrapConfig {
  readonly account: AccountConfig;
  readonly costCenter: string;
  readonly state: StateBackendConfig;
  /**
   * Who may assume the platform-admin and read-only roles. The account root
   * leaves that to the account's IAM policies (an SSO permission set, say).
   */
  readonly operatorPrincipalArns: readonly string[];
  /** The environments CI applies, each through a role of its own. */
  readonly environmentNames: readonly string[];
  /** Each environment's app namespace, whose container logs developers may read. */
  readonly appNamespaces: Readonly<Record<string, string>>;
  /** The roles that may read and write state, and why each needs it. */
  readonly stateAccessRoleArns: readonly string[];
  /** Apply role ARN → the stacks whose state it may write in the primary bucket. */
  readonly stateKeyPrefixesByRole: Readonly<Record<string, readonly string[]>>;
  /**
   * The DR region's state bucket, for the stacks that must work while the
   * primary region is down (a standby's).
   * @default - none: no environment keeps state in the DR region
   */
  readonly drState?: StateBucketConfig;
  /** Regions the image repositories replicate to: where standby environments pull from. */
  readonly imageReplicationRegions: readonly string[];
  /** Regions HexaBid clusters run in, whose nodes the tunnel may go through. */
  readonly clusterRegions: readonly string[];
  readonly imageRepositories: readonly string[];
  /** The public zone of the apex domain, created here; its name servers go to the registrar. */
  readonly hostedZone: { readonly create: boolean; readonly zoneName: string };
  readonly optInRegions: readonly string[];
  readonly serviceLinkedRoles: readonly string[];
  /** Quotas the environments together need, each described with the reason it is that size. */
  readonly quotas: readonly QuotaRequirement[];
  /**
   * The account's spend: the tags its environments' budgets filter on, and the
   * topic told of cost anomalies (the production environment's warning topic,
   * by name: the bootstrap reads no environment's state).
   */
  readonly costWatch: { readonly allocationTagKeys: readonly string[]; readonly anomalyTopicArn: string };
}

/** Regions AWS ships disabled; anything there fails until the account enables them. */
export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
];

/** EC2-VPC Elastic IPs per region (each NAT gateway holds one); 5 by default. */
export const ELASTIC_IP_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-0263D0A3' } as const;
/** vCPUs of running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances per region. */
export const ON_DEMAND_STANDARD_VCPU_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-1216C47A' } as const;

function natGatewayCount(config: EnvironmentConfig): number {
  return config.network.natGateways === 'single' ? 1 : config.network.availabilityZones.length;
}

/**
 * vCPUs a node group can run at once: every node at maxSize, plus one node per
 * zone for the surge of a managed node group update.
 */
function nodeGroupVcpus(config: EnvironmentConfig): number {
  const zones = config.network.availabilityZones.length;
  const groups = Object.values(config.cluster.nodeGroups) as NodeGroupConfig[];
  return groups
    .filter((g) => g.capacityType === 'ON_DEMAND')
    .reduce((sum, g) => sum + (g.maxSize + zones) * Math.max(...g.instanceTypes.map((t) => NODE_INSTANCE_TYPES[t]?.vcpus ?? 0)), 0);
}

/** The bootstrap of an account that runs these environments. */
export function bootstrapConfig(environments: readonly EnvironmentConfig[], account: AccountConfig = ACCOUNT): BootstrapConfig {
  const names = environments.map((e) => e.name);
  const inRegion = environments.filter((e) => e.region === account.region);
  const drRegions = environments.flatMap((e) => (e.documents.replicationRegion ? [e.documents.replicationRegion] : []));
  return {
    account,
    costCenter: COMMON.costCenter,
    state: stateBackendConfig(account),
    operatorPrincipalArns: [`arn:aws:iam::${account.accountId}:root`],
    environmentNames: names,
    appNamespaces: Object.fromEntries(environments.map((e) => [e.name, e.kubernetes.appNamespace])),
    // The read-only role is left out on purpose: state holds generated credentials. An apply role
    // with no stack in this bucket (a standby's, whose state is in its own region) gets nothing here.
    stateAccessRoleArns: [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ROLE_NAMES.ciPlan, account), ...Object.keys(stateKeyPrefixes(environments, account.region, account))],
    stateKeyPrefixesByRole: stateKeyPrefixes(environments, account.region, account),
    drState: drStateBucket(environments, account),
    imageReplicationRegions: [...new Set(environments.filter((e) => e.standbyFor).map((e) => e.region))],
    clusterRegions: [...new Set(environments.map((e) => e.region))],
    imageRepositories: IMAGE_COMPONENTS.map(imageRepositoryName),
    hostedZone: { create: account.createApexZone, zoneName: account.apexDomain },
    optInRegions: [...new Set([account.drRegion, ...drRegions])].filter((r) => OPT_IN_REGIONS.includes(r)),
    costWatch: costWatch(environments, account),
    // OpenSearch inside a VPC needs its service-linked role, and does not create it itself.
    serviceLinkedRoles: ['opensearchservice.amazonaws.com'],
    quotas: [
      ...drRegionQuotas(environments, account),
      {
        ...ELASTIC_IP_QUOTA,
        description: `Elastic IPs in ${account.region}: one per NAT gateway (${inRegion.map((e) => `${e.name} ${natGatewayCount(e)}`).join(', ')})`,
        minimum: inRegion.reduce((sum, e) => sum + natGatewayCount(e), 0),
      },
      {
        ...ON_DEMAND_STANDARD_VCPU_QUOTA,
        description: `On-Demand standard vCPUs in ${account.region}: every node group at maxSize plus one node per zone of update surge (${inRegion.map((e) => `${e.name} ${nodeGroupVcpus(e)}`).join(', ')})`,
        minimum: inRegion.reduce((sum, e) => sum + nodeGroupVcpus(e), 0),
      },
    ],
  };
}

/** The environment whose receivers hear of the account's cost anomalies: the production one that stands alone. */
function costWatch(environments: readonly EnvironmentConfig[], account: AccountConfig): BootstrapConfig['costWatch'] {
  const watcher = environments.find((e) => e.isProduction && !e.standbyFor) ?? environments[0]!;
  return {
    allocationTagKeys: [ENVIRONMENT_TAG_KEY],
    anomalyTopicArn: `arn:aws:sns:${watcher.region}:${account.accountId}:${alertTopicName(infrastructureStackName(watcher), 'warning')}`,
  };
}

/**
 * Which stacks' state each environment's apply role may write in the bucket
 * of one region: its own stacks kept there, and for a primary with disaster
 * recovery its standby's always-on stack, which its deploys apply.
 */
export function stateKeyPrefixes(environments: readonly EnvironmentConfig[], region: string, account: AccountConfig = ACCOUNT): Record<string, string[]> {
  const prefixes: Record<string, string[]> = {};
  for (const environment of environments) {
    const own = environment.state.region === region ? environmentStackNames(environment) : [];
    const standby = environments.find((e) => e.name === environment.disasterRecovery?.standbyEnvironment);
    const alwaysOn = standby && standby.state.region === region ? [standbyStackName(standby)] : [];
    const stacks = [...own, ...alwaysOn];
    if (stacks.length > 0) prefixes[roleArn(ciApplyRoleName(environment.name), account)] = stacks.map((stack) => `${stack}/`);
  }
  return prefixes;
}

/**
 * The quotas a standby needs in its own region, requested now: a failover
 * must not wait on a quota increase, and a new region's defaults are low.
 */
function drRegionQuotas(environments: readonly EnvironmentConfig[], account: AccountConfig): QuotaRequirement[] {
  const elsewhere = environments.filter((e) => e.region !== account.region);
  return [...new Set(elsewhere.map((e) => e.region))].flatMap((region) => {
    const here = elsewhere.filter((e) => e.region === region);
    return [
      {
        ...ELASTIC_IP_QUOTA,
        region,
        description: `Elastic IPs in ${region}: one per NAT gateway (${here.map((e) => `${e.name} ${natGatewayCount(e)}`).join(', ')})`,
        minimum: here.reduce((sum, e) => sum + natGatewayCount(e), 0),
      },
      {
        ...ON_DEMAND_STANDARD_VCPU_QUOTA,
        region,
        description: `On-Demand standard vCPUs in ${region}, for a failover: every node group at maxSize plus update surge (${here.map((e) => `${e.name} ${nodeGroupVcpus(e)}`).join(', ')})`,
        minimum: here.reduce((sum, e) => sum + nodeGroupVcpus(e), 0),
      },
    ];
  });
}

/** The DR region's state bucket, when some environment keeps its state there. */
function drStateBucket(environments: readonly EnvironmentConfig[], account: AccountConfig): StateBucketConfig | undefined {
  if (!environments.some((e) => e.state.region === account.drRegion)) return undefined;
  const keyPrefixesByRole = stateKeyPrefixes(environments, account.drRegion, account);
  return {
    state: stateBackendConfig(account, account.drRegion),
    accessRoleArns: [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ROLE_NAMES.ciPlan, account), ...Object.keys(keyPrefixesByRole)],
    keyPrefixesByRole,
  };
}

const GITHUB_REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

/** Validates the account settings and throws {@link ConfigValidationError} naming each bad field. */
export function validateBootstrap(config: BootstrapConfig): void {
  const problems: ConfigProblem[] = [];
  const account = config.account;
  if (!/^\d{12}$/.test(account.accountId)) problems.push({ field: 'account.accountId', value: account.accountId, allowed: 'must be a 12-digit AWS account ID (environments/account.ts)' });
  for (const field of ['region', 'drRegion'] as const) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(account[field])) problems.push({ field: `account.${field}`, value: account[field], allowed: 'must be an AWS region code such as ap-south-1' });
  }
  if (account.drRegion === account.region) problems.push({ field: 'account.drRegion', value: account.drRegion, allowed: `must differ from account.region (${account.region})` });
  if (!GITHUB_REPOSITORY.test(account.githubRepository)) {
    problems.push({ field: 'account.githubRepository', value: account.githubRepository, allowed: 'must be a GitHub repository as owner/name' });
  }
  if (!GITHUB_REPOSITORY.test(account.appRepository)) {
    problems.push({ field: 'account.appRepository', value: account.appRepository, allowed: 'must be a GitHub repository as owner/name' });
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(account.apexDomain)) {
    problems.push({ field: 'account.apexDomain', value: account.apexDomain, allowed: 'must be a lowercase DNS name such as hexabid.in' });
  }
  if (config.operatorPrincipalArns.length === 0) {
    problems.push({ field: 'operatorPrincipalArns', value: [], allowed: 'must name at least one principal, or nobody can assume the platform-admin role' });
  }
  if (problems.length > 0) throw new ConfigValidationError('bootstrap', problems);
}

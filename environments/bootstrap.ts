/**
 * What the bootstrap stack (`hexabid-bootstrap`) builds once per account,
 * derived from the account and from every environment, so that it always
 * covers what the environments assume exists.
 */
import { NODE_INSTANCE_TYPES, type QuotaRequirement } from '../lib/aws-catalog.ts';
import {
  ciApplyRoleName,
  IMAGE_COMPONENTS,
  imageRepositoryName,
  NON_PRODUCTION_NAME_SERVERS,
  PRODUCTION_PLAN_GITHUB_ENVIRONMENT,
  ROLE_NAMES,
  roleArn,
  stateBackendConfig,
  type AccountConfig,
} from './account.ts';
import { COST_CENTER } from './common.ts';
import type { EnvironmentConfig, NodeGroupConfig, StateBackendConfig } from './types.ts';
import { ConfigValidationError, type ConfigProblem } from './validate.ts';
import { bootstrapStackName, ENVIRONMENT_TAG_KEY, environmentStackNames, standbyStackName } from './stack-names.ts';

/** A state bucket, who may touch it, and which keys each apply role may write. */
export interface StateBucketConfig {
  readonly state: StateBackendConfig;
  readonly accessRoleArns: readonly string[];
  /** Apply role ARN → the stacks (`<stack>/`) whose state it may write; every other key is denied to it. */
  readonly keyPrefixesByRole: Readonly<Record<string, readonly string[]>>;
}

/** What the bootstrap needs to know of one of its account's environments. */
export interface BootstrapEnvironment {
  readonly name: string;
  readonly region: string;
  readonly isProduction: boolean;
  /** Its app namespace, whose container logs its developers may read. */
  readonly appNamespace: string;
}

/**
 * The account's container images. The production account holds the
 * repositories the app's pipeline pushes to, and ECR replicates every image
 * to the other regions and accounts that run environments; an account that
 * only receives replicas lets the source account replicate into it.
 */
export type ImageRegistryConfig =
  | {
      readonly role: 'source';
      readonly repositoryNames: readonly string[];
      /** Where every pushed image is replicated: this account's DR region, and the other account. */
      readonly replicationDestinations: readonly { readonly region: string; readonly accountId: string }[];
    }
  | {
      readonly role: 'replica';
      /** The account whose registry replicates into this one. */
      readonly sourceAccountId: string;
    };

/**
 * The account's DNS. The production account holds the apex zone and
 * delegates each non-production environment's name to the non-production
 * account's delegation set; the non-production account holds those zones.
 */
export interface DnsConfig {
  /** The apex zone: created here, or looked up. @default - none in this account */
  readonly apex?: { readonly create: boolean; readonly zoneName: string };
  /** Names below the apex served by the other account, with the name servers to delegate them to. */
  readonly delegations: readonly { readonly name: string; readonly nameServers: readonly string[] }[];
  /** Zones this account creates for its environments, all on one reusable delegation set. */
  readonly environmentZones: readonly string[];
}

export interface BootstrapConfig {
  readonly account: AccountConfig;
  /** `hexabid-bootstrap-<account>`. */
  readonly stackName: string;
  readonly costCenter: string;
  readonly state: StateBackendConfig;
  /** The environments of this account, each applied by CI through a role of its own. */
  readonly environments: readonly BootstrapEnvironment[];
  /** The roles that may read and write state, and why each needs it. */
  readonly stateAccessRoleArns: readonly string[];
  /** Apply role ARN → the stacks whose state it may write in the primary bucket. */
  readonly stateKeyPrefixesByRole: Readonly<Record<string, readonly string[]>>;
  /**
   * The DR region's state bucket, for the stacks that must work while the
   * primary region is down (a standby's).
   * @default - none: no environment of the account keeps state in the DR region
   */
  readonly drState?: StateBucketConfig;
  /**
   * The GitHub Actions token subjects CI's plan role trusts: pull requests and
   * main in the non-production account; in production, only the protected
   * GitHub environment of production's plans, which pull requests cannot use.
   */
  readonly planTrustSubjects: readonly string[];
  readonly images: ImageRegistryConfig;
  readonly dns: DnsConfig;
  /** Regions HexaBid clusters of this account run in, whose nodes the tunnel may go through. */
  readonly clusterRegions: readonly string[];
  readonly optInRegions: readonly string[];
  readonly serviceLinkedRoles: readonly string[];
  /** Quotas the account's environments together need, each described with the reason it is that size. */
  readonly quotas: readonly QuotaRequirement[];
  /**
   * The account's spend: the tags its environments' budgets filter on, and the
   * environment whose warning topic hears of cost anomalies (its production
   * environment; the bootstrap names the topic, since it reads no
   * environment's state).
   */
  readonly costWatch: { readonly allocationTagKeys: readonly string[]; readonly anomalyWatcher: { readonly name: string; readonly region: string } };
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
/**
 * vCPUs of Spot requests for Standard (A, C, D, H, I, M, R, T, Z) instances
 * per region: "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance
 * Requests", as `aws service-quotas list-service-quotas --service-code ec2` names it.
 */
export const SPOT_STANDARD_VCPU_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-34B43A08' } as const;

/** Elastic IPs of an environment's egress: one per NAT gateway, or the NAT instance's one. */
function natGatewayCount(config: EnvironmentConfig): number {
  return config.network.natGateways === 'one-per-az' ? config.network.availabilityZones.length : 1;
}

/**
 * vCPUs a node group can run at once: every node at maxSize, plus one node per
 * zone for the surge of a managed node group update.
 */
function nodeGroupVcpus(config: EnvironmentConfig, capacityType: NodeGroupConfig['capacityType'] = 'ON_DEMAND'): number {
  const zones = config.network.availabilityZones.length;
  const groups = Object.values(config.cluster.nodeGroups) as NodeGroupConfig[];
  return groups
    .filter((g) => g.capacityType === capacityType)
    .reduce((sum, g) => sum + (g.maxSize + zones) * Math.max(...g.instanceTypes.map((t) => NODE_INSTANCE_TYPES[t]?.vcpus ?? 0)), 0);
}

/** The Spot vCPU quota of a region, when some environment there runs Spot nodes. */
function spotQuota(environments: readonly EnvironmentConfig[], region: string, regionDefault: string): QuotaRequirement[] {
  const spot = environments.filter((e) => nodeGroupVcpus(e, 'SPOT') > 0);
  if (spot.length === 0) return [];
  return [
    {
      ...SPOT_STANDARD_VCPU_QUOTA,
      ...(region === regionDefault ? {} : { region }),
      description: `Spot standard vCPUs in ${region}: every Spot node group at maxSize plus one node per zone of update surge (${spot.map((e) => `${e.name} ${nodeGroupVcpus(e, 'SPOT')}`).join(', ')})`,
      minimum: spot.reduce((sum, e) => sum + nodeGroupVcpus(e, 'SPOT'), 0),
    },
  ];
}

/** Elastic IPs held back beyond the NAT gateways: a replaced NAT gateway gets its new address before the old one is released. */
export const ELASTIC_IP_HEADROOM = 2;

/** The bootstrap of one account, for the environments that run in it. */
export function bootstrapConfig(all: readonly EnvironmentConfig[], account: AccountConfig): BootstrapConfig {
  const environments = all.filter((e) => e.accountId === account.accountId);
  const others = all.filter((e) => e.accountId !== account.accountId);
  const inRegion = environments.filter((e) => e.region === account.region);
  const drRegions = environments.flatMap((e) => (e.documents.replicationRegion ? [e.documents.replicationRegion] : []));
  const keyPrefixes = stateKeyPrefixes(environments, account.region, account);
  const repo = `repo:${account.githubRepository}`;
  const holdsApex = environments.some((e) => e.edge.domainName === account.apexDomain);
  const delegatedZones = environments.map((e) => e.edge.hostedZone.zoneName).filter((zone) => zone !== account.apexDomain);
  const otherAccountsZones = others.map((e) => e.edge.hostedZone.zoneName).filter((zone) => zone !== account.apexDomain);
  return {
    account,
    stackName: bootstrapStackName(account),
    costCenter: COST_CENTER,
    state: stateBackendConfig(account),
    environments: environments.map((e) => ({ name: e.name, region: e.region, isProduction: e.isProduction, appNamespace: e.kubernetes.appNamespace })),
    // The read-only role is left out on purpose: state holds generated credentials. An apply role
    // with no stack in this bucket (a standby's, whose state is in its own region) gets nothing here.
    stateAccessRoleArns: [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ROLE_NAMES.ciPlan, account), ...Object.keys(keyPrefixes)],
    stateKeyPrefixesByRole: keyPrefixes,
    drState: drStateBucket(environments, account),
    planTrustSubjects: environments.some((e) => e.isProduction)
      ? [`${repo}:environment:${PRODUCTION_PLAN_GITHUB_ENVIRONMENT}`]
      : [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`],
    images: holdsApex
      ? {
          role: 'source',
          repositoryNames: IMAGE_COMPONENTS.map(imageRepositoryName),
          replicationDestinations: uniqueBy(
            [
              ...environments.filter((e) => e.region !== account.region).map((e) => ({ region: e.region, accountId: account.accountId })),
              ...others.map((e) => ({ region: e.region, accountId: e.accountId })),
            ],
            (d) => `${d.accountId} ${d.region}`,
          ),
        }
      : { role: 'replica', sourceAccountId: others.find((e) => e.edge.domainName === account.apexDomain)?.accountId ?? '' },
    dns: holdsApex
      ? {
          apex: { create: account.createApexZone, zoneName: account.apexDomain },
          delegations: NON_PRODUCTION_NAME_SERVERS.length > 0 ? [...new Set(otherAccountsZones)].map((name) => ({ name, nameServers: NON_PRODUCTION_NAME_SERVERS })) : [],
          environmentZones: [],
        }
      : { delegations: [], environmentZones: [...new Set(delegatedZones)] },
    clusterRegions: [...new Set(environments.map((e) => e.region))],
    optInRegions: [...new Set([...environments.map((e) => e.region), ...drRegions])].filter((r) => OPT_IN_REGIONS.includes(r)),
    costWatch: costWatch(environments),
    // OpenSearch inside a VPC needs its service-linked role, and does not create it itself.
    serviceLinkedRoles: ['opensearchservice.amazonaws.com'],
    quotas: [
      ...otherRegionQuotas(environments, account),
      {
        ...ELASTIC_IP_QUOTA,
        description: `Elastic IPs in ${account.region}: one per NAT gateway (${inRegion.map((e) => `${e.name} ${natGatewayCount(e)}`).join(', ')}), and ${ELASTIC_IP_HEADROOM} for a NAT gateway replaced before its old address is released`,
        minimum: inRegion.reduce((sum, e) => sum + natGatewayCount(e), 0) + ELASTIC_IP_HEADROOM,
      },
      {
        ...ON_DEMAND_STANDARD_VCPU_QUOTA,
        description: `On-Demand standard vCPUs in ${account.region}: every node group at maxSize plus one node per zone of update surge (${inRegion.map((e) => `${e.name} ${nodeGroupVcpus(e)}`).join(', ')})`,
        minimum: inRegion.reduce((sum, e) => sum + nodeGroupVcpus(e), 0),
      },
      ...spotQuota(inRegion, account.region, account.region),
    ],
  };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/**
 * The environment whose receivers hear of the account's cost anomalies: the
 * production one that stands alone, or in an account without one, the
 * account's last environment (staging after dev).
 */
function costWatch(environments: readonly EnvironmentConfig[]): BootstrapConfig['costWatch'] {
  const watcher = environments.find((e) => e.isProduction && !e.standbyFor) ?? environments[environments.length - 1]!;
  return {
    allocationTagKeys: [ENVIRONMENT_TAG_KEY],
    anomalyWatcher: { name: watcher.name, region: watcher.region },
  };
}

/**
 * Which stacks' state each environment's apply role may write in the bucket
 * of one region: its own stacks kept there, and for a primary with disaster
 * recovery its standby's always-on stack, which its deploys apply.
 */
export function stateKeyPrefixes(environments: readonly EnvironmentConfig[], region: string, account: AccountConfig): Record<string, string[]> {
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
 * The quotas an environment outside the account's primary region needs (a
 * standby), requested now: a failover must not wait on a quota increase, and
 * a new region's defaults are low.
 */
function otherRegionQuotas(environments: readonly EnvironmentConfig[], account: AccountConfig): QuotaRequirement[] {
  const elsewhere = environments.filter((e) => e.region !== account.region);
  return [...new Set(elsewhere.map((e) => e.region))].flatMap((region) => {
    const here = elsewhere.filter((e) => e.region === region);
    return [
      {
        ...ELASTIC_IP_QUOTA,
        region,
        description: `Elastic IPs in ${region}: one per NAT gateway (${here.map((e) => `${e.name} ${natGatewayCount(e)}`).join(', ')}), and ${ELASTIC_IP_HEADROOM} for a replaced NAT gateway`,
        minimum: here.reduce((sum, e) => sum + natGatewayCount(e), 0) + ELASTIC_IP_HEADROOM,
      },
      {
        ...ON_DEMAND_STANDARD_VCPU_QUOTA,
        region,
        description: `On-Demand standard vCPUs in ${region}, for a failover: every node group at maxSize plus update surge (${here.map((e) => `${e.name} ${nodeGroupVcpus(e)}`).join(', ')})`,
        minimum: here.reduce((sum, e) => sum + nodeGroupVcpus(e), 0),
      },
      ...spotQuota(here, region, account.region),
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

/** IAM's `*` and `?` wildcards, as ArnLike matches a principal ARN. */
function wildcardMatches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);
}

/** Both accounts are set, and apart: production's isolation rests on them being two. */
export function validateAccounts(accounts: readonly AccountConfig[]): void {
  const ids = accounts.map((a) => a.accountId);
  const problems: ConfigProblem[] = new Set(ids).size === ids.length ? [] : [{ field: 'accountId', value: ids, allowed: 'must differ between the accounts: production runs apart from dev and staging (docs/ACCESS.md)' }];
  if (problems.length > 0) throw new ConfigValidationError('accounts', problems);
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
  const ciRoles = [roleArn(ciApplyRoleName('x'), account), roleArn(ROLE_NAMES.ciPlan, account), roleArn(ROLE_NAMES.imagePush, account)];
  for (const [role, patterns] of Object.entries(account.operators)) {
    const field = `account.operators.${role}`;
    if (role === 'platformAdmin' && patterns.length === 0) problems.push({ field, value: [], allowed: 'must name at least one principal, or nobody can administer the account' });
    for (const pattern of patterns) {
      if (!new RegExp(`^arn:aws:iam::${account.accountId}:(role|user)/[\\w+=,.@/*-]+$`).test(pattern)) {
        problems.push({ field, value: pattern, allowed: `must be a role or user ARN of account ${account.accountId}, with * wildcards (an IAM Identity Center permission set's role, or an IAM user)` });
      } else if (ciRoles.some((arn) => wildcardMatches(pattern, arn))) {
        problems.push({ field, value: pattern, allowed: "must not match CI's roles (hexabid-ci-*): a person's role is for people" });
      }
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(config.stackName, problems);
}

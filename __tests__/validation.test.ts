import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/index.ts';
import { ConfigValidationError, validateDistinctEnvironments, validateEnvironment } from '../environments/validate.ts';
import { staging } from '../environments/staging.ts';
import { dev } from '../environments/dev.ts';
import { production } from '../environments/production.ts';
import type { EnvironmentConfig } from '../environments/types.ts';
import { accountOf, ACCOUNTS, identityCenterRoles, NON_PRODUCTION_ACCOUNT, PRODUCTION_ACCOUNT, stateBackendConfig } from '../environments/account.ts';
import { bootstrapConfig, validateAccounts, validateBootstrap, type BootstrapConfig } from '../environments/bootstrap.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A writable deep copy of an environment, changed by `edit`. */
function variant(base: EnvironmentConfig, edit: (c: Mutable<EnvironmentConfig>) => void): EnvironmentConfig {
  const copy = structuredClone(base) as Mutable<EnvironmentConfig>;
  edit(copy);
  return copy as EnvironmentConfig;
}

function problemsOf(config: EnvironmentConfig): string {
  try {
    validateEnvironment(config);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.message;
    throw error;
  }
  return '';
}

describe('environment validation', () => {
  it('accepts every shipped environment', () => {
    expect(problemsOf(dev)).toBe('');
    expect(problemsOf(production)).toBe('');
  });

  const cases: [string, EnvironmentConfig, RegExp][] = [
    ['malformed VPC CIDR', variant(dev, (c) => (c.network.vpcCidr = '10.2.0/16')), /network\.vpcCidr = "10\.2\.0\/16": must be an IPv4 network in CIDR form/],
    ['CIDR with host bits', variant(dev, (c) => (c.network.publicSubnets[0] = '10.2.0.7/24')), /network\.publicSubnets\[0\] = "10\.2\.0\.7\/24": must be an IPv4 network/],
    ['overlapping subnets', variant(dev, (c) => (c.network.databaseSubnets[0] = '10.2.0.128/25')), /network\.databaseSubnets\[0\] = "10\.2\.0\.128\/25": must not overlap network\.publicSubnets\[0\] \(10\.2\.0\.0\/24\)/],
    ['subnet outside the VPC', variant(dev, (c) => (c.network.publicSubnets[1] = '10.9.1.0/24')), /network\.publicSubnets\[1\] = "10\.9\.1\.0\/24": must lie inside the VPC CIDR 10\.2\.0\.0\/16/],
    ['one zone with Multi-AZ', variant(production, (c) => {
      c.network.availabilityZones = ['ap-south-1a'];
      c.network.publicSubnets = ['10.0.0.0/24'];
      c.network.privateSubnets = ['10.0.32.0/19'];
      c.network.databaseSubnets = ['10.0.3.0/24'];
    }), /network\.availabilityZones = \["ap-south-1a"\]: must name at least 2 zones because database\.multiAz is true/],
    ['node group min > max', variant(dev, (c) => (c.cluster.nodeGroups.app.minSize = 5)), /cluster\.nodeGroups\.app\.minSize = 5: must not exceed maxSize \(3\)/],
    ['desired outside [min, max]', variant(dev, (c) => (c.cluster.nodeGroups.app.desiredSize = 9)), /cluster\.nodeGroups\.app\.desiredSize = 9: must lie within \[minSize, maxSize\] = \[2, 3\]/],
    ['backup retention over 35', variant(dev, (c) => (c.database.backupRetentionDays = 40)), /database\.backupRetentionDays = 40: must be a whole number from 0 to 35/],
    ['negative backup retention', variant(dev, (c) => (c.database.backupRetentionDays = -1)), /database\.backupRetentionDays = -1: must be a whole number from 0 to 35/],
    ['production without Multi-AZ', variant(production, (c) => (c.database.multiAz = false)), /database\.multiAz = false: must be true in production/],
    ['production without deletion protection', variant(production, (c) => (c.database.deletionProtection = false)), /database\.deletionProtection = false: must be true in production/],
    ['production with 3 days of backups', variant(production, (c) => (c.database.backupRetentionDays = 3)), /database\.backupRetentionDays = 3: must be at least 7 in production/],
    ['private subnets too small for pods', variant(production, (c) => (c.network.privateSubnets = ['10.0.32.0/24', '10.0.33.0/24', '10.0.34.0/24'])), /network\.privateSubnets = .*: must hold 1300 pod and node IPs .* but hold only 502/],
    ['unknown node instance type', variant(dev, (c) => (c.cluster.nodeGroups.app.instanceTypes = ['t3.mega'])), /cluster\.nodeGroups\.app\.instanceTypes\[0\] = "t3\.mega": must be one of "t3\.medium"/],
    ['unknown DB instance class', variant(dev, (c) => (c.database.instanceClass = 'db.t9.huge')), /database\.instanceClass = "db\.t9\.huge": must be one of/],
    ['unsupported PostgreSQL version', variant(dev, (c) => (c.database.engineVersion = '14')), /database\.engineVersion = "14": must be a PostgreSQL version in RDS standard support/],
    ['malformed PostgreSQL version', variant(dev, (c) => (c.database.engineVersion = 'latest')), /database\.engineVersion = "latest"/],
    ['unknown cache engine', variant(dev, (c) => ((c.cache as { engine: string }).engine = 'memcached')), /cache\.engine = "memcached": must be one of "valkey", "redis"/],
    ['cache version of the other engine', variant(dev, (c) => (c.cache.engineVersion = '7.1')), /cache\.engineVersion = "7\.1": must be one of "7\.2", "8\.0", "8\.1"/],
    ['unknown cache node type', variant(dev, (c) => (c.cache.nodeType = 'cache.t1.nano')), /cache\.nodeType = "cache\.t1\.nano"/],
    ['unknown search version', variant(dev, (c) => (c.search.engineVersion = 'Elasticsearch_7.10')), /search\.engineVersion = "Elasticsearch_7\.10": must be one of/],
    ['unknown search instance type', variant(dev, (c) => (c.search.instanceType = 't3.small')), /search\.instanceType = "t3\.small": must be one of "t3\.small\.search"/],
    ['EKS version out of standard support', variant(dev, (c) => (c.cluster.kubernetesVersion = '1.29')), /cluster\.kubernetesVersion = "1\.29": must be one of "1\.35", "1\.36"/],
    ['public API open to the internet', variant(dev, (c) => (c.cluster.publicAccessCidrs = ['0.0.0.0/0'])), /cluster\.publicAccessCidrs\[0\] = "0\.0\.0\.0\/0": must not open the API endpoint/],
    ['replication to the primary region', variant(production, (c) => (c.documents.replicationRegion = 'ap-south-1')), /documents\.replicationRegion = "ap-south-1": must differ from the primary region/],
    ['force_destroy in production', variant(production, (c) => (c.documents.forceDestroy = true)), /documents\.forceDestroy = true: must be false in production/],
    ['domain outside its hosted zone', variant(dev, (c) => (c.edge.domainName = 'hexabid.com')), /edge\.domainName = "hexabid\.com": must be dev\.hexabid\.in or a name below it/],
    ['zone delegated from itself', variant(dev, (c) => {
      c.edge.hostedZone = { create: true, zoneName: 'dev.hexabid.in', parentZoneName: 'dev.hexabid.in' };
    }), /edge\.hostedZone\.parentZoneName = "dev\.hexabid\.in": must be a zone strictly above dev\.hexabid\.in/],
    ['WAF rate limit below its minimum', variant(dev, (c) => (c.edge.rateLimit.requests = 5)), /edge\.rateLimit\.requests = 5: must be a whole number from 10 to 2000000000/],
    ['WAF window it does not offer', variant(dev, (c) => ((c.edge.rateLimit as { windowSeconds: number }).windowSeconds = 30)), /edge\.rateLimit\.windowSeconds = 30: must be one of 60, 120, 300, 600/],
    ['add-on pinned to a range', variant(dev, (c) => (c.kubernetes.addons.externalSecrets.version = '^2.10.0')), /kubernetes\.addons\.externalSecrets\.version = "\^2\.10\.0": must be an exact chart version/],
    ['add-on from a plain-HTTP repository', variant(dev, (c) => (c.kubernetes.addons.metricsServer.repository = 'http://charts.example')), /kubernetes\.addons\.metricsServer\.repository = "http:\/\/charts\.example": must be an https:\/\/ chart repository/],
    ['malformed quota', variant(dev, (c) => (c.kubernetes.appQuota.requestsMemory = '4 GB')), /kubernetes\.appQuota\.requestsMemory = "4 GB": must be a Kubernetes quantity/],
    ['values file the chart lacks', variant(dev, (c) => (c.app.valuesFile = 'values-qa.yaml')), /app\.valuesFile = "values-qa\.yaml": must exist in helm\/hexabid\//],
    ['production that pages nobody', variant(production, (c) => (c.monitoring.receivers = { critical: 'slack', warning: 'slack' })), /monitoring\.receivers\.critical = "slack": must be "pagerduty" in production/],
    ['production with one Prometheus', variant(production, (c) => (c.monitoring.prometheus = { ...c.monitoring.prometheus, replicas: 1 })), /monitoring\.prometheus\.replicas = 1: must be at least 2 in production/],
    ['production deploys without an image tag', variant(production, (c) => (c.app.requireImageTag = false)), /app\.requireImageTag = false: must be true in production/],
    ['production credentials that rotate once a year', variant(production, (c) => (c.credentialRotationDays = 365)), /credentialRotationDays = 365: must be at most 90 in production/],
    ['search nodes not divisible by zones', variant(production, (c) => (c.search.instanceCount = 4)), /search\.instanceCount = 4: must be a multiple of search\.availabilityZoneCount \(3\)/],
    ['a cluster nobody can administer', variant(dev, (c) => (c.cluster.adminRoleArns = [])), /cluster\.adminRoleArns = \[\]: must name at least one IAM role: the cluster grants access through access entries only/],
    ['Prometheus without disk for its retention', variant(dev, (c) => (c.monitoring.prometheus = { retentionDays: 30, storageGiB: 20, replicas: 1 })), /monitoring\.prometheus\.storageGiB = 20: must be at least 1 GiB per retained day \(30 days\)/],
    ['an unknown alert receiver', variant(dev, (c) => (c.monitoring.receivers = { critical: 'email' as never, warning: 'slack' })), /monitoring\.receivers\.critical = "email"/],
    ['a storage alarm above a quarter of the volume', variant(dev, (c) => (c.monitoring.alarms = { ...c.monitoring.alarms, searchFreeStorageGiB: 10 })), /monitoring\.alarms\.searchFreeStorageGiB = 10: must be at most a quarter of search\.volumeSizeGiB \(10\)/],
    ['a CPU alarm above 99 %', variant(dev, (c) => (c.monitoring.alarms = { ...c.monitoring.alarms, databaseCpuPercent: 120 })), /monitoring\.alarms\.databaseCpuPercent = 120/],
    ['a cluster no developer can work in', variant(dev, (c) => (c.cluster.developerRoleArns = [])), /cluster\.developerRoleArns = \[\]: must name at least one IAM role: through it developers work in the app namespace/],
    ['a developer role in another account', variant(dev, (c) => (c.cluster.developerRoleArns = ['arn:aws:iam::999988887777:role/dev'])), /cluster\.developerRoleArns\[0\] = "arn:aws:iam::999988887777:role\/dev": must be a role in this environment's account/],
    ['a role granted two levels of cluster access', variant(dev, (c) => (c.cluster.viewRoleArns = [c.cluster.adminRoleArns[0]!])), new RegExp(`cluster\\.viewRoleArns\\[0\\] = "arn:aws:iam::${dev.accountId}:role/hexabid-platform-admin": is already granted cluster access in another list`)],
    ['a plan role in another account', variant(dev, (c) => (c.cluster.planRoleArns = ['arn:aws:iam::999988887777:role/ci'])), /cluster\.planRoleArns\[0\] = "arn:aws:iam::999988887777:role\/ci": must be a role in this environment's account/],
    ['an admin role in another account', variant(dev, (c) => (c.cluster.adminRoleArns = ['arn:aws:iam::999988887777:role/ops'])), new RegExp(`cluster\\.adminRoleArns\\[0\\] = "arn:aws:iam::999988887777:role/ops": must be a role in this environment's account ${dev.accountId}`)],
    ['a malformed account ID', variant(dev, (c) => (c.accountId = '1234')), /accountId = "1234": must be a 12-digit AWS account ID/],
    ['an image registry of another account', variant(dev, (c) => (c.app.imageRegistry = '999988887777.dkr.ecr.ap-south-1.amazonaws.com')), new RegExp(`app\\.imageRegistry = "999988887777\\.dkr\\.ecr\\.ap-south-1\\.amazonaws\\.com": must be this environment's own registry, in account ${dev.accountId} and region ${dev.region}`)],
    ['an image registry that is not ECR', variant(dev, (c) => (c.app.imageRegistry = 'docker.io/hexabid')), /app\.imageRegistry = "docker\.io\/hexabid": must be an ECR registry host/],
    ['an app namespace of the system', variant(dev, (c) => (c.kubernetes.appNamespace = 'kube-system')), /kubernetes\.appNamespace = "kube-system": must not be a namespace Kubernetes or the platform uses/],
    ['prefix delegation without a group\'s maxPods', variant(dev, (c) => delete (c.cluster.nodeGroups.app as { maxPods?: number }).maxPods), /cluster\.nodeGroups\.app\.maxPods = undefined: must be set when cluster\.prefixDelegation is true/],
    ['maxPods above what the type may run', variant(dev, (c) => (c.cluster.nodeGroups.app.maxPods = 200)), /cluster\.nodeGroups\.app\.maxPods = 200: must be a whole number from 8 to 110/],
    ['maxPods without prefix delegation', variant(dev, (c) => (c.cluster.prefixDelegation = false)), /cluster\.nodeGroups\.app\.maxPods = 32: must be left out unless cluster\.prefixDelegation is true/],
    ['maxPods over types of two sizes', variant(dev, (c) => (c.cluster.nodeGroups.app.instanceTypes = ['t3.medium', 't3.xlarge'])), /cluster\.nodeGroups\.app\.instanceTypes = \["t3\.medium","t3\.xlarge"\]: must share one vCPU count/],
    ['off hours in production', variant(production, (c) => (c.cluster.offHours = { scaleDown: '0 20 * * 1-5', scaleUp: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' })), /cluster\.offHours = .*: must be left out in production/],
    ['an off-hours cron that is not weekly', variant(dev, (c) => (c.cluster.offHours = { ...c.cluster.offHours!, scaleDown: '0 20 1 * *' })), /cluster\.offHours\.scaleDown = "0 20 1 \* \*": must repeat every week/],
    ['an off-hours time zone that does not exist', variant(dev, (c) => (c.cluster.offHours = { ...c.cluster.offHours!, timeZone: 'Mars/Olympus' })), /cluster\.offHours\.timeZone = "Mars\/Olympus": must be an IANA time zone/],
    ['a database stopped out of hours in production', variant(production, (c) => (c.database.stopOutOfHours = true)), /database\.stopOutOfHours = true: must be left out in production/],
    ['a database stopped out of hours without off hours', variant(dev, (c) => (c.cluster.offHours = undefined)), /database\.stopOutOfHours = true: needs cluster\.offHours/],
    ['a database with replicas stopped out of hours', variant(dev, (c) => (c.database.readReplicas = 1)), /database\.stopOutOfHours = true: must be left out with database\.readReplicas 1: RDS does not stop a source of read replicas/],
    ['a database stopped out of hours with no time to rotate', variant(dev, (c) => (c.cluster.offHours = { ...c.cluster.offHours!, scaleDown: '0 10 * * 1-5' })), /database\.stopOutOfHours = true: needs working hours its credentials can rotate in, .* has no span of working hours of 4 hours or more/],
    ['a NAT instance in production', variant(production, (c) => (c.network.natGateways = 'instance')), /network\.natGateways = "instance": must be 'single' or 'one-per-az' in production: a NAT instance has no managed failover/],
    ['one-zone endpoints in production', variant(production, (c) => (c.network.interfaceEndpointZones = 'one')), /network\.interfaceEndpointZones = "one": must be 'every' in production/],
    ['an app namespace that is no DNS label', variant(dev, (c) => (c.kubernetes.appNamespace = 'HexaBid_Prod')), /kubernetes\.appNamespace = "HexaBid_Prod": must be a Kubernetes namespace name/],
  ];

  it.each(cases)('rejects %s with a message naming the environment, field and value', (_name, config, expected) => {
    const message = problemsOf(config);
    expect(message).toMatch(new RegExp(`^Invalid configuration for environment "${config.name}":`));
    expect(message).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const message = problemsOf(variant(dev, (c) => {
      c.database.backupRetentionDays = 99;
      c.cache.nodeType = 'cache.x';
    }));
    expect(message).toContain('database.backupRetentionDays');
    expect(message).toContain('cache.nodeType');
  });
});

describe.each(ACCOUNTS.map((a) => [a.name, a] as const))('validation of the %s account and its bootstrap', (_name, account) => {
  const bootstrapProblems = (edit: (c: Mutable<BootstrapConfig>) => void): string => {
    const config = structuredClone(bootstrapConfig(ENVIRONMENTS, account)) as Mutable<BootstrapConfig>;
    edit(config);
    try {
      validateBootstrap(config as BootstrapConfig);
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.message;
      throw error;
    }
    return '';
  };

  it('accepts the shipped account', () => {
    expect(bootstrapProblems(() => undefined)).toBe('');
  });

  it.each([
    ['a malformed account ID', (c: Mutable<BootstrapConfig>) => (c.account.accountId = '11112222333'), 'account.accountId = "11112222333": must be a 12-digit AWS account ID (environments/account.ts)'],
    ['the DR region equal to the primary', (c: Mutable<BootstrapConfig>) => (c.account.drRegion = 'ap-south-1'), 'account.drRegion = "ap-south-1": must differ from account.region (ap-south-1)'],
    ['a GitHub repository without an owner', (c: Mutable<BootstrapConfig>) => (c.account.githubRepository = 'infrastructure'), 'account.githubRepository = "infrastructure": must be a GitHub repository as owner/name'],
    ['nobody able to administer the account', (c: Mutable<BootstrapConfig>) => (c.account.operators.platformAdmin = []), 'account.operators.platformAdmin = []: must name at least one principal, or nobody can administer the account'],
    ['a person of another account', (c: Mutable<BootstrapConfig>) => (c.account.operators.developer = [identityCenterRoles('999988887777', 'Dev')]), 'must be a role or user ARN of account'],
    ['anyone at all', (c: Mutable<BootstrapConfig>) => (c.account.operators.readOnly = ['*']), 'account.operators.readOnly = "*": must be a role or user ARN of account'],
    ["a pattern that matches CI's roles", (c: Mutable<BootstrapConfig>) => (c.account.operators.platformAdmin = [`arn:aws:iam::${account.accountId}:role/*`]), "must not match CI's roles (hexabid-ci-*)"],
  ])('refuses %s, naming the field', (_case, edit, message) => {
    expect(bootstrapProblems(edit)).toContain(message);
  });
});

describe('the accounts', () => {
  it("derive every environment's account, state and registry from its account's one setting", () => {
    for (const environment of ENVIRONMENTS) {
      const account = accountOf(environment);
      // A standby keeps its state and pulls its images in its own region, so a failover reads nothing from the one that failed.
      const region = environment.standbyFor ? account.drRegion : account.region;
      expect(environment.state).toEqual(stateBackendConfig(account, region));
      expect(environment.app.imageRegistry).toBe(`${account.accountId}.dkr.ecr.${region}.amazonaws.com`);
    }
  });

  it('must be two: production apart from the rest', () => {
    expect(() => validateAccounts(ACCOUNTS)).not.toThrow();
    expect(() => validateAccounts([NON_PRODUCTION_ACCOUNT, { ...PRODUCTION_ACCOUNT, accountId: NON_PRODUCTION_ACCOUNT.accountId }])).toThrow(
      /accountId = \[.*\]: must differ between the accounts: production runs apart from dev and staging/,
    );
  });

  it('refuses production outside the production account, and anything else inside it', () => {
    expect(problemsOf(variant(production, (c) => (c.accountId = NON_PRODUCTION_ACCOUNT.accountId)))).toContain(
      `accountId = "${NON_PRODUCTION_ACCOUNT.accountId}": must be the production account (${PRODUCTION_ACCOUNT.accountId}): production runs apart from dev and staging`,
    );
    expect(problemsOf(variant(dev, (c) => (c.accountId = PRODUCTION_ACCOUNT.accountId)))).toContain('must not be the production account: only production and its standby run there');
    expect(problemsOf(variant(dev, (c) => (c.accountId = '999988887777')))).toContain('must be one of the accounts of environments/account.ts');
  });
});

describe('the set of environments', () => {
  it('gives each environment its own name and a VPC range no other overlaps', () => {
    expect(() => validateDistinctEnvironments(ENVIRONMENTS)).not.toThrow();
    expect(new Set(ENVIRONMENTS.map((e) => e.network.vpcCidr)).size).toBe(ENVIRONMENTS.length);
  });

  it('rejects two environments whose VPCs overlap, naming both', () => {
    const clash = variant(staging, (c) => (c.network.vpcCidr = '10.2.128.0/17'));
    expect(() => validateDistinctEnvironments([dev, clash])).toThrow(
      'Invalid configuration for environment "staging":\n  - network.vpcCidr = "10.2.128.0/17": must not overlap environment "dev" (10.2.0.0/16)',
    );
  });

  it('rejects two environments serving one domain', () => {
    expect(() => validateDistinctEnvironments([dev, variant(staging, (c) => (c.edge.domainName = 'dev.hexabid.in'))])).toThrow(
      /edge\.domainName = "dev\.hexabid\.in": must not be shared with environment "dev"/,
    );
  });

  it('rejects a repeated environment name', () => {
    expect(() => validateDistinctEnvironments([dev, variant(staging, (c) => (c.name = 'dev'))])).toThrow(/name = "dev": must be unique across environments/);
  });
});


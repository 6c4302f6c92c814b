import {
  CACHE_ENGINE_VERSIONS,
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  CACHE_NODE_TYPES,
  DB_INSTANCE_CLASSES,
  EKS_VERSIONS,
  NODE_INSTANCE_TYPES,
  POSTGRES_MAJOR_VERSIONS,
  SEARCH_ENGINE_VERSIONS,
  SEARCH_INSTANCE_TYPES,
  ipsPerNode,
  MIN_POD_LIMIT,
  nodeInstanceType,
  prefixDelegationMaxPods,
} from '../lib/aws-catalog.ts';
import { parseWeeklyCron, rotationWindowWithin } from '../lib/cron.ts';
import { cidrContains, cidrsOverlap, parseCidr, usableSubnetAddresses, type Ipv4Cidr } from '../lib/cidr.ts';
import { existsSync } from 'node:fs';
import { SYSTEM_NAMESPACE } from '../lib/namespaces.ts';
import { ACCOUNTS } from './account.ts';
import { chartFile } from '../lib/chart-path.ts';
import type { EnvironmentConfig, NodeGroupConfig } from './types.ts';

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export interface ConfigProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** Thrown before any construct is built; lists every problem at once. */
export class ConfigValidationError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid configuration for environment "${environment}":\n` +
        problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.allowed}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** Every environment's problems at once, each under its environment's name. */
export class ConfigValidationErrors extends Error {
  constructor(readonly errors: readonly ConfigValidationError[]) {
    super(errors.map((e) => e.message).join('\n\n'));
    this.name = 'ConfigValidationErrors';
  }
}

class Checker {
  readonly problems: ConfigProblem[] = [];

  fail(field: string, value: unknown, allowed: string): void {
    this.problems.push({ field, value, allowed });
  }

  integer(field: string, value: number, min: number, max: number): boolean {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(field, value, `must be a whole number from ${min} to ${max}`);
      return false;
    }
    return true;
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[]): boolean {
    if (!allowed.includes(value)) {
      this.fail(field, value, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return false;
    }
    return true;
  }

  pattern(field: string, value: string, re: RegExp, allowed: string): boolean {
    if (!re.test(value)) {
      this.fail(field, value, allowed);
      return false;
    }
    return true;
  }

  cidr(field: string, value: string): Ipv4Cidr | undefined {
    const parsed = parseCidr(value);
    if (!parsed) this.fail(field, value, 'must be an IPv4 network in CIDR form, e.g. 10.0.0.0/16, with no host bits set');
    return parsed;
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const SQL_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;

/** Validates an environment and throws {@link ConfigValidationError} listing every problem. */
export function validateEnvironment(config: EnvironmentConfig): void {
  const problems = environmentProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(config.name, problems);
}

/**
 * Validates the selected environments, and every environment against the
 * others (names, domains, VPC ranges, standby pairs), and throws
 * {@link ConfigValidationErrors} with every problem of every environment: a
 * mistake in one never hides another's.
 */
export function validateAll(all: readonly EnvironmentConfig[], selected: readonly EnvironmentConfig[] = all): void {
  const across = crossEnvironmentProblems(all);
  const errors = all.flatMap((config, i) => {
    const problems = [...(selected.includes(config) ? environmentProblems(config) : []), ...across[i]!];
    return problems.length > 0 ? [new ConfigValidationError(config.name, problems)] : [];
  });
  if (errors.length > 0) throw new ConfigValidationErrors(errors);
}

/** Every problem of one environment on its own. */
function environmentProblems(config: EnvironmentConfig): readonly ConfigProblem[] {
  const c = new Checker();
  // hexabid-<name> must fit OpenSearch's 28-character domain names with room to spare.
  c.pattern('name', config.name, /^[a-z][a-z0-9-]{1,12}$/, 'must be 2-13 lowercase letters, digits or hyphens, starting with a letter');
  if (c.pattern('accountId', config.accountId, /^\d{12}$/, 'must be a 12-digit AWS account ID')) checkAccount(c, config);
  c.pattern('region', config.region, REGION, 'must be an AWS region code such as ap-south-1');
  c.pattern('costCenter', config.costCenter, /^\S.{0,127}$/, 'must be a non-empty tag value');
  c.pattern('state.bucket', config.state.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');
  c.pattern('state.region', config.state.region, REGION, 'must be an AWS region code');
  c.pattern('state.kmsKeyId', config.state.kmsKeyId, /^(arn:aws[\w-]*:kms:|alias\/)\S+$/, 'must be a KMS key ARN or alias/<name>');
  if (config.secretRecoveryWindowDays !== 0) c.integer('secretRecoveryWindowDays', config.secretRecoveryWindowDays, 7, 30);
  // Secrets Manager schedules rotations from 4 hours to 1000 days; a month or so is the norm.
  c.integer('credentialRotationDays', config.credentialRotationDays, 1, 365);
  c.integer('budgetUsdPerMonth', config.budgetUsdPerMonth, 1, 1_000_000);

  checkNetwork(c, config);
  checkCluster(c, config);
  checkDatabase(c, config);
  checkCache(c, config);
  checkSearch(c, config);
  checkDocuments(c, config);
  checkEdge(c, config);
  checkKubernetesLayer(c, config);
  checkApp(c, config);
  checkMonitoring(c, config);
  if (config.isProduction) checkProductionGuardRails(c, config);
  return c.problems;
}

/** Production runs in the production account and nothing else does: its isolation is the account boundary (docs/ACCESS.md). */
function checkAccount(c: Checker, config: EnvironmentConfig): void {
  const account = ACCOUNTS.find((a) => a.accountId === config.accountId);
  if (!account) {
    c.fail('accountId', config.accountId, `must be one of the accounts of environments/account.ts (${ACCOUNTS.map((a) => `${a.name} ${a.accountId}`).join(', ')})`);
  } else if (config.isProduction && account.name !== 'production') {
    c.fail('accountId', config.accountId, `must be the production account (${ACCOUNTS.find((a) => a.name === 'production')?.accountId}): production runs apart from dev and staging`);
  } else if (!config.isProduction && account.name === 'production') {
    c.fail('accountId', config.accountId, 'must not be the production account: only production and its standby run there');
  }
}

function checkNetwork(c: Checker, config: EnvironmentConfig): void {
  const net = config.network;
  const vpc = c.cidr('network.vpcCidr', net.vpcCidr);
  if (vpc && (vpc.prefixLength < 16 || vpc.prefixLength > 24)) {
    c.fail('network.vpcCidr', net.vpcCidr, 'must have a prefix length from /16 to /24 (AWS VPC limits)');
  }
  const zones = net.availabilityZones;
  if (zones.length < 2) c.fail('network.availabilityZones', zones, 'must name at least 2 zones: RDS subnet groups need two');
  if (new Set(zones).size !== zones.length) c.fail('network.availabilityZones', zones, 'must not repeat a zone');
  zones.forEach((az, i) => {
    if (!az.startsWith(config.region)) c.fail(`network.availabilityZones[${i}]`, az, `must be a zone of ${config.region}`);
  });

  const subnets: { field: string; cidr: Ipv4Cidr }[] = [];
  for (const tier of ['publicSubnets', 'privateSubnets', 'databaseSubnets'] as const) {
    const list = net[tier];
    if (list.length !== zones.length) {
      c.fail(`network.${tier}`, list, `must list exactly one subnet per availability zone (${zones.length})`);
    }
    list.forEach((text, i) => {
      const field = `network.${tier}[${i}]`;
      const cidr = c.cidr(field, text);
      if (!cidr) return;
      if (vpc && !cidrContains(vpc, cidr)) c.fail(field, text, `must lie inside the VPC CIDR ${net.vpcCidr}`);
      if (cidr.prefixLength > 28) c.fail(field, text, 'must be /28 or larger (AWS subnet limit)');
      for (const other of subnets) {
        if (cidrsOverlap(other.cidr, cidr)) c.fail(field, text, `must not overlap ${other.field} (${other.cidr.text})`);
      }
      subnets.push({ field, cidr });
    });
  }
  if (c.oneOf('network.natGateways', net.natGateways, ['single', 'one-per-az', 'instance'] as const) && config.isProduction && net.natGateways === 'instance') {
    c.fail('network.natGateways', net.natGateways, "must be 'single' or 'one-per-az' in production: a NAT instance has no managed failover");
  }
  if (config.standbyFor && net.natGateways === 'instance') {
    c.fail('network.natGateways', net.natGateways, "must be 'single' or 'one-per-az' for a standby: its stacks hand NAT gateways to the failover");
  }
  if (net.interfaceEndpointZones !== undefined && c.oneOf('network.interfaceEndpointZones', net.interfaceEndpointZones, ['one', 'every'] as const)) {
    if (config.isProduction && net.interfaceEndpointZones === 'one') c.fail('network.interfaceEndpointZones', net.interfaceEndpointZones, "must be 'every' in production, so a zone failure leaves the other zones their endpoint");
  }
  c.oneOf('network.flowLogRetentionDays', net.flowLogRetentionDays, LOG_RETENTION_DAYS);
  checkPodCapacity(c, config);
}

/**
 * The VPC CNI gives every pod a VPC address, so the private subnets must hold
 * every node group at its maximum with each pod's IP, even with one zone lost.
 */
function checkPodCapacity(c: Checker, config: EnvironmentConfig): void {
  const groups = Object.values(config.cluster.nodeGroups) as NodeGroupConfig[];
  if (groups.some((g) => g.instanceTypes.some((t) => !NODE_INSTANCE_TYPES[t]))) return; // reported elsewhere
  const demand = groups.reduce((sum, g) => sum + g.maxSize * Math.max(...g.instanceTypes.map((t) => ipsPerNode(t, g.maxPods))), 0);
  const sizes = config.network.privateSubnets
    .map(parseCidr)
    .filter((s): s is Ipv4Cidr => s !== undefined)
    .map(usableSubnetAddresses);
  if (sizes.length === 0) return;
  const total = sizes.reduce((a, b) => a + b, 0);
  const withOneZoneLost = sizes.length > 1 ? total - Math.max(...sizes) : total;
  if (withOneZoneLost < demand) {
    c.fail(
      'network.privateSubnets',
      config.network.privateSubnets,
      `must hold ${demand} pod and node IPs (every node group at maxSize × (max pods + ENIs), or with prefix delegation its /28 prefixes and one warm) with one zone lost, ` +
        `but hold only ${withOneZoneLost}; use larger subnets or fewer nodes`,
    );
  }
}

function checkCluster(c: Checker, config: EnvironmentConfig): void {
  const cluster = config.cluster;
  c.oneOf('cluster.kubernetesVersion', cluster.kubernetesVersion, EKS_VERSIONS);
  c.oneOf('cluster.logRetentionDays', cluster.logRetentionDays, LOG_RETENTION_DAYS);
  if (cluster.adminRoleArns.length === 0) {
    c.fail('cluster.adminRoleArns', cluster.adminRoleArns, 'must name at least one IAM role: the cluster grants access through access entries only, so with none nobody can administer it');
  }
  const principals: string[] = [];
  const purpose = { viewRoleArns: 'support reads the cluster', developerRoleArns: 'developers work in the app namespace', planRoleArns: 'CI plans the Kubernetes stack' } as const;
  for (const [list, why] of Object.entries(purpose) as [keyof typeof purpose, string][]) {
    if (cluster[list].length === 0) c.fail(`cluster.${list}`, cluster[list], `must name at least one IAM role: through it ${why}`);
  }
  for (const list of ['adminRoleArns', 'viewRoleArns', 'developerRoleArns', 'planRoleArns'] as const) {
    cluster[list].forEach((arn, i) => {
      const field = `cluster.${list}[${i}]`;
      if (c.pattern(field, arn, /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN') && arn.split(':')[4] !== config.accountId) {
        c.fail(field, arn, `must be a role in this environment's account ${config.accountId}`);
      }
      // EKS keeps one access entry per principal, so one role gets one level of access.
      if (principals.includes(arn)) c.fail(field, arn, 'is already granted cluster access in another list of cluster.*RoleArns; a role may appear in only one');
      principals.push(arn);
    });
  }
  cluster.publicAccessCidrs.forEach((text, i) => {
    const field = `cluster.publicAccessCidrs[${i}]`;
    const cidr = c.cidr(field, text);
    if (cidr && cidr.prefixLength === 0) c.fail(field, text, 'must not open the API endpoint to the whole internet; leave the list empty to keep it private');
  });
  if (cluster.offHours) checkOffHours(c, config);
  for (const [name, group] of Object.entries(cluster.nodeGroups) as [string, NodeGroupConfig][]) {
    const f = `cluster.nodeGroups.${name}`;
    if (group.instanceTypes.length === 0) c.fail(`${f}.instanceTypes`, group.instanceTypes, 'must name at least one instance type');
    group.instanceTypes.forEach((t, i) => c.oneOf(`${f}.instanceTypes[${i}]`, t, Object.keys(NODE_INSTANCE_TYPES)));
    const okMin = c.integer(`${f}.minSize`, group.minSize, 0, 450);
    const okMax = c.integer(`${f}.maxSize`, group.maxSize, 1, 450);
    c.integer(`${f}.desiredSize`, group.desiredSize, 0, 450);
    if (okMin && okMax && group.minSize > group.maxSize) {
      c.fail(`${f}.minSize`, group.minSize, `must not exceed maxSize (${group.maxSize})`);
    } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
      c.fail(`${f}.desiredSize`, group.desiredSize, `must lie within [minSize, maxSize] = [${group.minSize}, ${group.maxSize}]`);
    }
    c.oneOf(`${f}.capacityType`, group.capacityType, ['ON_DEMAND', 'SPOT'] as const);
    c.integer(`${f}.diskSizeGiB`, group.diskSizeGiB, 20, 16384);
    checkMaxPods(c, f, group, cluster.prefixDelegation ?? false);
  }
}

/** An off-hours schedule: two weekly crons in a real time zone, and never in production. */
function checkOffHours(c: Checker, config: EnvironmentConfig): void {
  const offHours = config.cluster.offHours!;
  if (config.isProduction) c.fail('cluster.offHours', offHours, 'must be left out in production: it stops every node, and the app with them');
  for (const key of ['scaleDown', 'scaleUp'] as const) {
    const parsed = parseWeeklyCron(offHours[key]);
    if (typeof parsed === 'string') c.fail(`cluster.offHours.${key}`, offHours[key], `${parsed} (a cron such as "0 20 * * 1-5")`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: offHours.timeZone });
  } catch {
    c.fail('cluster.offHours.timeZone', offHours.timeZone, 'must be an IANA time zone such as Asia/Kolkata');
  }
}

/**
 * With prefix delegation every group states its pods per node, within what
 * the smallest of its types can address and EKS allows; without it none does.
 */
function checkMaxPods(c: Checker, f: string, group: NodeGroupConfig, prefixDelegation: boolean): void {
  if (!prefixDelegation) {
    if (group.maxPods !== undefined) c.fail(`${f}.maxPods`, group.maxPods, 'must be left out unless cluster.prefixDelegation is true: without prefixes the ENIs set the pod limit');
    return;
  }
  const known = group.instanceTypes.filter((t) => NODE_INSTANCE_TYPES[t]);
  if (group.maxPods === undefined) {
    c.fail(`${f}.maxPods`, group.maxPods, 'must be set when cluster.prefixDelegation is true, or EKS allows 110 pods while nodeadm reserves memory for far fewer');
    return;
  }
  if (known.length === 0) return; // reported with the instance types
  const ceiling = Math.min(...known.map(prefixDelegationMaxPods));
  c.integer(`${f}.maxPods`, group.maxPods, MIN_POD_LIMIT, ceiling);
  const vcpus = new Set(known.map((t) => nodeInstanceType(t).vcpus));
  if (vcpus.size > 1) c.fail(`${f}.instanceTypes`, group.instanceTypes, 'must share one vCPU count when maxPods is set: kube-reserved CPU is written for one size');
}

function checkDatabase(c: Checker, config: EnvironmentConfig): void {
  const db = config.database;
  const version = /^(\d+)(\.\d+)?$/.exec(db.engineVersion);
  if (!version || !POSTGRES_MAJOR_VERSIONS.includes(version[1] ?? '')) {
    c.fail('database.engineVersion', db.engineVersion, `must be a PostgreSQL version in RDS standard support: major ${POSTGRES_MAJOR_VERSIONS.join(', ')}, optionally with a minor (17.6)`);
  }
  c.oneOf('database.instanceClass', db.instanceClass, Object.keys(DB_INSTANCE_CLASSES));
  c.integer('database.allocatedStorageGiB', db.allocatedStorageGiB, 20, 65536);
  if (db.maxAllocatedStorageGiB <= db.allocatedStorageGiB || db.maxAllocatedStorageGiB > 65536) {
    c.fail('database.maxAllocatedStorageGiB', db.maxAllocatedStorageGiB, `must exceed allocatedStorageGiB (${db.allocatedStorageGiB}) and be at most 65536, so storage can autoscale`);
  }
  c.integer('database.backupRetentionDays', db.backupRetentionDays, 0, 35);
  c.integer('database.readReplicas', db.readReplicas, 0, 5);
  if (db.readReplicas > 0 && db.backupRetentionDays < 1) {
    c.fail('database.backupRetentionDays', db.backupRetentionDays, 'must be at least 1 when readReplicas > 0 (RDS replicas need automated backups on the source)');
  }
  if (db.multiAz && config.network.availabilityZones.length < 2) {
    c.fail('network.availabilityZones', config.network.availabilityZones, 'must name at least 2 zones because database.multiAz is true');
  }
  c.pattern('database.databaseName', db.databaseName, SQL_IDENTIFIER, 'must be a letter then up to 62 letters, digits or underscores');
  c.pattern('database.masterUsername', db.masterUsername, SQL_IDENTIFIER, 'must be a letter then up to 62 letters, digits or underscores');
  if (['postgres', 'rdsadmin', 'admin'].includes(db.masterUsername)) {
    c.fail('database.masterUsername', db.masterUsername, 'must not be a name RDS reserves (postgres, rdsadmin, admin)');
  }
  c.integer('database.masterPasswordVersion', db.masterPasswordVersion, 1, 1_000_000);
  if (db.stopOutOfHours) checkStopOutOfHours(c, config);
}

/** A database stopped out of hours: a dev-like environment whose nodes stop too, and an instance RDS can stop. */
function checkStopOutOfHours(c: Checker, config: EnvironmentConfig): void {
  const f = 'database.stopOutOfHours';
  const offHours = config.cluster.offHours;
  if (config.isProduction) c.fail(f, true, 'must be left out in production: the app would lose its database every night');
  if (!offHours) c.fail(f, true, 'needs cluster.offHours: the database stops when the nodes do, and only then');
  if (config.database.readReplicas > 0) c.fail(f, true, `must be left out with database.readReplicas ${config.database.readReplicas}: RDS does not stop a source of read replicas`);
  if (config.disasterRecovery) c.fail(f, true, 'must be left out with disasterRecovery: RDS does not stop a source of a cross-Region replica');
  if (config.standbyFor) c.fail(f, true, 'must be left out in a standby: its database is a replica, which RDS does not stop');
  if (offHours && typeof parseWeeklyCron(offHours.scaleDown) !== 'string' && typeof parseWeeklyCron(offHours.scaleUp) !== 'string') {
    const window = rotationWindowWithin(offHours.scaleDown, offHours.scaleUp, offHours.timeZone, config.credentialRotationDays);
    if (typeof window === 'string') c.fail(f, true, `needs working hours its credentials can rotate in, but cluster.offHours with credentialRotationDays ${config.credentialRotationDays} ${window}`);
  }
}

function checkCache(c: Checker, config: EnvironmentConfig): void {
  const cache = config.cache;
  if (c.oneOf('cache.engine', cache.engine, Object.keys(CACHE_ENGINE_VERSIONS))) {
    c.oneOf('cache.engineVersion', cache.engineVersion, Object.keys(CACHE_ENGINE_VERSIONS[cache.engine] ?? {}));
  }
  c.oneOf('cache.nodeType', cache.nodeType, CACHE_NODE_TYPES);
  c.integer('cache.numCacheClusters', cache.numCacheClusters, 1, 6);
  if (cache.numCacheClusters > 1 && config.network.availabilityZones.length < 2) {
    c.fail('network.availabilityZones', config.network.availabilityZones, 'must name at least 2 zones because cache.numCacheClusters > 1 asks for Multi-AZ');
  }
  c.integer('cache.snapshotRetentionDays', cache.snapshotRetentionDays, 0, 35);
  c.integer('cache.authTokenVersion', cache.authTokenVersion, 1, 1_000_000);
}

function checkSearch(c: Checker, config: EnvironmentConfig): void {
  const search = config.search;
  c.oneOf('search.engineVersion', search.engineVersion, SEARCH_ENGINE_VERSIONS);
  c.oneOf('search.instanceType', search.instanceType, SEARCH_INSTANCE_TYPES);
  if (search.dedicatedMasterType !== undefined) c.oneOf('search.dedicatedMasterType', search.dedicatedMasterType, SEARCH_INSTANCE_TYPES);
  c.integer('search.instanceCount', search.instanceCount, 1, 80);
  const zones = config.network.availabilityZones.length;
  if (c.integer('search.availabilityZoneCount', search.availabilityZoneCount, 1, Math.min(3, Math.max(zones, 1)))) {
    if (search.instanceCount % search.availabilityZoneCount !== 0) {
      c.fail('search.instanceCount', search.instanceCount, `must be a multiple of search.availabilityZoneCount (${search.availabilityZoneCount}) so every zone holds the same number of nodes`);
    }
  }
  c.integer('search.volumeSizeGiB', search.volumeSizeGiB, 10, 3072);
}

function checkDocuments(c: Checker, config: EnvironmentConfig): void {
  const docs = config.documents;
  c.integer('documents.noncurrentVersionExpirationDays', docs.noncurrentVersionExpirationDays, 1, 3650);
  c.integer('documents.intelligentTieringAfterDays', docs.intelligentTieringAfterDays, 0, 3650);
  c.integer('documents.accessLogRetentionDays', docs.accessLogRetentionDays, 1, 3650);
  if (docs.replicationRegion !== undefined) {
    if (c.pattern('documents.replicationRegion', docs.replicationRegion, REGION, 'must be an AWS region code such as ap-south-2') && docs.replicationRegion === config.region) {
      c.fail('documents.replicationRegion', docs.replicationRegion, `must differ from the primary region ${config.region}`);
    }
  }
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/;

/** True when `name` is `zone` or lies below it. */
function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

function checkEdge(c: Checker, config: EnvironmentConfig): void {
  const edge = config.edge;
  const zone = edge.hostedZone;
  const domainOk = c.pattern('edge.domainName', edge.domainName, DNS_NAME, 'must be a lowercase DNS name such as hexabid.in');
  if (c.pattern('edge.hostedZone.zoneName', zone.zoneName, DNS_NAME, 'must be a lowercase DNS name') && domainOk && !isWithinZone(edge.domainName, zone.zoneName)) {
    c.fail('edge.domainName', edge.domainName, `must be ${zone.zoneName} or a name below it (edge.hostedZone.zoneName)`);
  }
  if (zone.create && zone.parentZoneName !== undefined) {
    if (c.pattern('edge.hostedZone.parentZoneName', zone.parentZoneName, DNS_NAME, 'must be a lowercase DNS name') && (zone.parentZoneName === zone.zoneName || !isWithinZone(zone.zoneName, zone.parentZoneName))) {
      c.fail('edge.hostedZone.parentZoneName', zone.parentZoneName, `must be a zone strictly above ${zone.zoneName}`);
    }
  }
  // WAF's bounds for a rate-based rule.
  c.integer('edge.rateLimit.requests', edge.rateLimit.requests, 10, 2_000_000_000);
  c.oneOf('edge.rateLimit.windowSeconds', edge.rateLimit.windowSeconds, [60, 120, 300, 600]);
}

function checkKubernetesLayer(c: Checker, config: EnvironmentConfig): void {
  for (const [name, chart] of Object.entries(config.kubernetes.addons)) {
    c.pattern(`kubernetes.addons.${name}.repository`, chart.repository, /^https:\/\/\S+[^/]$/, 'must be an https:// chart repository URL without a trailing slash');
    c.pattern(`kubernetes.addons.${name}.chart`, chart.chart, /^[a-z0-9][a-z0-9-]*$/, 'must be a chart name');
    c.pattern(`kubernetes.addons.${name}.version`, chart.version, EXACT_VERSION, 'must be an exact chart version such as 1.2.3, not a range');
  }
  if (!(config.cluster.kubernetesVersion in CLUSTER_AUTOSCALER_IMAGE_TAGS)) {
    c.fail('cluster.kubernetesVersion', config.cluster.kubernetesVersion, `needs a cluster-autoscaler release in lib/aws-catalog.ts (have ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(', ')})`);
  }
  const quota = config.kubernetes.appQuota;
  for (const field of ['requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'] as const) {
    c.pattern(`kubernetes.appQuota.${field}`, quota[field], QUANTITY, 'must be a Kubernetes quantity such as 8, 500m or 16Gi');
  }
  c.integer('kubernetes.appQuota.pods', quota.pods, 1, 10_000);
  c.pattern('kubernetes.awsCliImage', config.kubernetes.awsCliImage, /^[a-z0-9.-]+(\/[a-z0-9._-]+)+:\d+\.\d+\.\d+$/, 'must be an image pinned to an exact version, such as public.ecr.aws/aws-cli/aws-cli:2.36.7');
  const namespace = config.kubernetes.appNamespace;
  if (c.pattern('kubernetes.appNamespace', namespace, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name: lowercase letters, digits and hyphens, at most 63')) {
    if (namespace.startsWith('kube-') || RESERVED_NAMESPACES.includes(namespace)) {
      c.fail('kubernetes.appNamespace', namespace, `must not be a namespace Kubernetes or the platform uses (kube-*, ${RESERVED_NAMESPACES.join(', ')})`);
    }
  }
}

/** Namespaces the platform itself uses; the app gets one of its own. */
const RESERVED_NAMESPACES: readonly string[] = ['default', SYSTEM_NAMESPACE];

function checkApp(c: Checker, config: EnvironmentConfig): void {
  const registry = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(config.app.imageRegistry);
  if (!registry) {
    c.fail('app.imageRegistry', config.app.imageRegistry, 'must be an ECR registry host such as 123456789012.dkr.ecr.ap-south-1.amazonaws.com');
  } else if (registry[1] !== config.accountId || registry[2] !== config.region) {
    c.fail('app.imageRegistry', config.app.imageRegistry, `must be this environment's own registry, in account ${config.accountId} and region ${config.region}`);
  }
  const file = config.app.valuesFile;
  if (c.pattern('app.valuesFile', file, /^values-[a-z0-9-]+\.yaml$/, 'must be a file name like values-<env>.yaml') && !existsSync(chartFile(file))) {
    c.fail('app.valuesFile', file, `must exist in helm/hexabid/ (no ${chartFile(file)})`);
  }
}

/** Production may not trade durability for cost, whatever the preset says. */
function checkMonitoring(c: Checker, config: EnvironmentConfig): void {
  const m = config.monitoring;
  c.integer('monitoring.prometheus.retentionDays', m.prometheus.retentionDays, 1, 365);
  c.integer('monitoring.prometheus.storageGiB', m.prometheus.storageGiB, 10, 16384);
  c.integer('monitoring.prometheus.replicas', m.prometheus.replicas, 1, 3);
  c.integer('monitoring.alertmanagerReplicas', m.alertmanagerReplicas, 1, 3);
  c.oneOf('monitoring.containerLogRetentionDays', m.containerLogRetentionDays, LOG_RETENTION_DAYS);
  c.oneOf('monitoring.receivers.critical', m.receivers.critical, ['pagerduty', 'slack'] as const);
  c.oneOf('monitoring.receivers.warning', m.receivers.warning, ['pagerduty', 'slack'] as const);
  const percent = ['databaseCpuPercent', 'databaseConnectionsPercent', 'cacheMemoryPercent', 'searchJvmMemoryPressurePercent'] as const;
  for (const key of percent) c.integer(`monitoring.alarms.${key}`, m.alarms[key], 1, 99);
  const counts = ['databaseFreeStorageGiB', 'replicaLagSeconds', 'cacheEvictionsPer5Minutes', 'searchFreeStorageGiB', 'loadBalancer5xxPer5Minutes'] as const;
  for (const key of counts) c.integer(`monitoring.alarms.${key}`, m.alarms[key], 1, 1_000_000);
  if (!(m.alarms.targetResponseTimeSeconds > 0 && m.alarms.targetResponseTimeSeconds <= 60)) {
    c.fail('monitoring.alarms.targetResponseTimeSeconds', m.alarms.targetResponseTimeSeconds, 'must be more than 0 and at most 60 seconds');
  }
  // An alarm for less free space than a quarter of the volume would fire from the first day, or never.
  if (m.alarms.databaseFreeStorageGiB > config.database.allocatedStorageGiB / 4) {
    c.fail('monitoring.alarms.databaseFreeStorageGiB', m.alarms.databaseFreeStorageGiB, `must be at most a quarter of database.allocatedStorageGiB (${config.database.allocatedStorageGiB})`);
  }
  if (m.alarms.searchFreeStorageGiB > config.search.volumeSizeGiB / 4) {
    c.fail('monitoring.alarms.searchFreeStorageGiB', m.alarms.searchFreeStorageGiB, `must be at most a quarter of search.volumeSizeGiB (${config.search.volumeSizeGiB})`);
  }
  // A day of samples per GiB is a generous floor: retention that outgrows the disk silently drops history.
  if (m.prometheus.storageGiB < m.prometheus.retentionDays) {
    c.fail('monitoring.prometheus.storageGiB', m.prometheus.storageGiB, `must be at least 1 GiB per retained day (${m.prometheus.retentionDays} days)`);
  }
}

function checkProductionGuardRails(c: Checker, config: EnvironmentConfig): void {
  if (config.monitoring.receivers.critical !== 'pagerduty') c.fail('monitoring.receivers.critical', config.monitoring.receivers.critical, 'must be "pagerduty" in production: critical alerts page someone');
  if (config.monitoring.prometheus.replicas < 2) c.fail('monitoring.prometheus.replicas', config.monitoring.prometheus.replicas, 'must be at least 2 in production, so an upgrade or a lost node keeps scraping');
  // A standby's database is a single-AZ replica until failover turns Multi-AZ on (docs/DISASTER-RECOVERY.md).
  if (!config.database.multiAz && !config.standbyFor) c.fail('database.multiAz', false, 'must be true in production (a standby excepted)');
  if (!config.database.deletionProtection) c.fail('database.deletionProtection', false, 'must be true in production');
  if (config.database.backupRetentionDays < 7) {
    c.fail('database.backupRetentionDays', config.database.backupRetentionDays, 'must be at least 7 in production');
  }
  if (config.cache.numCacheClusters < 2) c.fail('cache.numCacheClusters', config.cache.numCacheClusters, 'must be at least 2 in production (a replica for failover)');
  if (config.documents.forceDestroy) c.fail('documents.forceDestroy', true, 'must be false in production');
  if (config.secretRecoveryWindowDays < 7) c.fail('secretRecoveryWindowDays', config.secretRecoveryWindowDays, 'must be at least 7 in production');
  if (!config.app.requireImageTag) c.fail('app.requireImageTag', false, 'must be true in production: every deploy names its image tag');
  if (config.credentialRotationDays > PRODUCTION_MAX_ROTATION_DAYS) {
    c.fail('credentialRotationDays', config.credentialRotationDays, `must be at most ${PRODUCTION_MAX_ROTATION_DAYS} in production: a leaked database password stops working within that`);
  }
}

/** The longest a production database credential may live before it rotates. */
export const PRODUCTION_MAX_ROTATION_DAYS = 90;

/**
 * Environments may one day be peered, and share DNS, so no two may claim the
 * same name, domain or overlapping VPC ranges. A clash is reported against
 * both environments: either may be the one that changed.
 */
export function validateDistinctEnvironments(configs: readonly EnvironmentConfig[]): void {
  const errors = crossEnvironmentProblems(configs).flatMap((problems, i) => (problems.length > 0 ? [new ConfigValidationError(configs[i]!.name, problems)] : []));
  if (errors.length > 0) throw new ConfigValidationErrors(errors);
}

/** The problems each environment has with the others, by index. */
function crossEnvironmentProblems(configs: readonly EnvironmentConfig[]): ConfigProblem[][] {
  return configs.map((config) => {
    const c = new Checker();
    for (const other of configs.filter((o) => o !== config)) {
      if (other.name === config.name) c.fail('name', config.name, 'must be unique across environments');
      const standbyPair = config.standbyFor?.primary === other.name || other.standbyFor?.primary === config.name;
      if (other.edge.domainName === config.edge.domainName && !standbyPair) {
        c.fail('edge.domainName', config.edge.domainName, `must not be shared with environment "${other.name}"`);
      }
      const mine = parseCidr(config.network.vpcCidr);
      const theirs = parseCidr(other.network.vpcCidr);
      if (mine && theirs && cidrsOverlap(mine, theirs)) {
        c.fail('network.vpcCidr', config.network.vpcCidr, `must not overlap environment "${other.name}" (${other.network.vpcCidr})`);
      }
    }
    checkStandbyPairing(c, config, configs);
    return c.problems;
  });
}

/** A primary's DR settings and its standby must name each other, in the same two regions. */
function checkStandbyPairing(c: Checker, config: EnvironmentConfig, configs: readonly EnvironmentConfig[]): void {
  const dr = config.disasterRecovery;
  if (dr) {
    const standby = configs.find((e) => e.name === dr.standbyEnvironment);
    if (!standby || standby.standbyFor?.primary !== config.name) {
      c.fail('disasterRecovery.standbyEnvironment', dr.standbyEnvironment, `must name an environment whose standbyFor.primary is "${config.name}"`);
    } else if (standby.region !== config.documents.replicationRegion) {
      c.fail('documents.replicationRegion', config.documents.replicationRegion ?? null, `must be the standby's region (${standby.region}): its documents and snapshots are replicated there`);
    }
    c.integer('disasterRecovery.searchSnapshotRetentionDays', dr.searchSnapshotRetentionDays, 1, 365);
    c.pattern('disasterRecovery.searchSnapshotSchedule', dr.searchSnapshotSchedule, /^(\S+\s+){4}\S+$/, 'must be a five-field cron schedule in UTC');
    c.integer('disasterRecovery.healthCheck.failureThreshold', dr.healthCheck.failureThreshold, 1, 10);
  }
  const standbyFor = config.standbyFor;
  if (standbyFor) {
    const primary = configs.find((e) => e.name === standbyFor.primary);
    if (!primary || primary.disasterRecovery?.standbyEnvironment !== config.name) {
      c.fail('standbyFor.primary', standbyFor.primary, `must name an environment whose disasterRecovery.standbyEnvironment is "${config.name}"`);
    } else if (primary.region !== standbyFor.primaryRegion) {
      c.fail('standbyFor.primaryRegion', standbyFor.primaryRegion, `must be the primary's region (${primary.region})`);
    }
    if (config.state.region !== config.region) {
      c.fail('state.region', config.state.region, `must be the standby's own region (${config.region}): a failover cannot read state from the region that failed`);
    }
  }
}

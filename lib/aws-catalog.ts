/**
 * The AWS offerings this project knows how to size and validate. A type or
 * version missing here is rejected at synth, so add it here (with its limits)
 * before using it in an environment.
 */

/**
 * EC2 node types with their size (AWS EC2 instance type specifications) and
 * their VPC CNI limits: ENIs on the default network card and IPv4 addresses
 * per ENI, as nodeadm reads them (awslabs/amazon-eks-ami
 * nodeadm/internal/kubelet/instance-info.jsonl, commit 81fec2e, July 2026).
 * lib/node-capacity.ts turns these into what a node offers the scheduler.
 * Every type here is built on the Nitro System, which prefix delegation needs.
 */
export interface NodeInstanceType {
  /** vCPUs of the instance. */
  readonly vcpus: number;
  /** Memory of the instance in MiB, as EC2 lists it (e.g. 4 GiB = 4096). */
  readonly memoryMiB: number;
  /** ENIs on the default network card (`defaultMaxENIs`). */
  readonly maxEnis: number;
  /** IPv4 addresses per ENI, its own primary included (`ipv4AddressesPerInterface`). */
  readonly ipv4PerEni: number;
  /**
   * Burstable (T family): the CPU each vCPU may use without spending credits,
   * in percent (EC2 User Guide, "Key concepts for burstable performance
   * instances", baseline utilization per vCPU).
   * @default - not burstable
   */
  readonly baselineCpuPercent?: number;
  /** The processor architecture, which the node group's AMI type must match. */
  readonly architecture: 'x86_64' | 'arm64';
}

const x86 = 'x86_64' as const;

export const NODE_INSTANCE_TYPES: Readonly<Record<string, NodeInstanceType>> = {
  't3.medium': { vcpus: 2, memoryMiB: 4096, maxEnis: 3, ipv4PerEni: 6, baselineCpuPercent: 20, architecture: x86 },
  't3.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 12, baselineCpuPercent: 30, architecture: x86 },
  't3.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15, baselineCpuPercent: 40, architecture: x86 },
  't3.2xlarge': { vcpus: 8, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15, baselineCpuPercent: 40, architecture: x86 },
  't3a.medium': { vcpus: 2, memoryMiB: 4096, maxEnis: 3, ipv4PerEni: 6, baselineCpuPercent: 20, architecture: x86 },
  't3a.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 12, baselineCpuPercent: 30, architecture: x86 },
  't3a.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15, baselineCpuPercent: 40, architecture: x86 },
  'c6i.large': { vcpus: 2, memoryMiB: 4096, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'c6a.large': { vcpus: 2, memoryMiB: 4096, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'm5.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'm6a.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'm6i.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'm6i.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15, architecture: x86 },
  'm6i.2xlarge': { vcpus: 8, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15, architecture: x86 },
  'm7i.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'm7i.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15, architecture: x86 },
  'r6i.large': { vcpus: 2, memoryMiB: 16384, maxEnis: 3, ipv4PerEni: 10, architecture: x86 },
  'r6i.xlarge': { vcpus: 4, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15, architecture: x86 },
};

/** The catalog entry of a node type; an unknown type is an error, never a guess. */
export function nodeInstanceType(instanceType: string): NodeInstanceType {
  const spec = NODE_INSTANCE_TYPES[instanceType];
  if (!spec) throw new Error(`unknown node instance type "${instanceType}"`);
  return spec;
}

/** Addresses in one VPC CNI prefix: a /28. */
export const PREFIX_ADDRESSES = 16;

/** Managed node groups cap maxPods at 110 below this many vCPUs, at 250 from it (EKS User Guide, "Choosing an instance type"). */
const LARGE_NODE_VCPUS = 30;

/** The pod cap EKS applies to a node of this size: 110 below 30 vCPUs, 250 from it. */
export function eksMaxPodsCap(instanceType: string): number {
  return nodeInstanceType(instanceType).vcpus < LARGE_NODE_VCPUS ? 110 : 250;
}

/** Pods per node without prefix delegation: ENIs × (IPs per ENI − 1) + 2 (nodeadm's `calculateStandardMaxPods`). */
export function eniMaxPods(instanceType: string): number {
  const spec = nodeInstanceType(instanceType);
  return spec.maxEnis * (spec.ipv4PerEni - 1) + 2;
}

/**
 * Pods per node with prefix delegation: every secondary address slot holds a
 * /28 prefix, under EKS's cap (max-pods-calculator.sh with
 * --cni-prefix-delegation-enabled).
 */
export function prefixDelegationMaxPods(instanceType: string): number {
  const spec = nodeInstanceType(instanceType);
  return Math.min(spec.maxEnis * (spec.ipv4PerEni - 1) * PREFIX_ADDRESSES + 2, eksMaxPodsCap(instanceType));
}

/**
 * RDS classes: memory (Amazon RDS User Guide, "DB instance classes"), and
 * whether Performance Insights is offered (not on the smallest burstable ones:
 * Amazon RDS User Guide, "DB engine, Region, and instance class support for
 * Database Insights" lists db.t3.micro/small and db.t4g.micro/small).
 *
 * Graviton classes (db.t4g, db.r6g) in ap-south-1 and ap-south-2: AWS's docs
 * give no static table of classes by Region; they point to
 * `aws rds describe-orderable-db-instance-options --engine postgres
 * --db-instance-class <class> --region <region>` and the pricing page. The
 * price refresh (`npm run cost -- --refresh-prices`) asks the Price List for
 * every class an environment uses in both Regions and fails on one with no
 * product there, so a class the Region lacks stops the refresh, not an apply.
 */
export const DB_INSTANCE_CLASSES: Readonly<Record<string, { memoryGiB: number; performanceInsights: boolean }>> = {
  'db.t3.small': { memoryGiB: 2, performanceInsights: false },
  'db.t4g.small': { memoryGiB: 2, performanceInsights: false },
  'db.t3.medium': { memoryGiB: 4, performanceInsights: true },
  'db.t3.large': { memoryGiB: 8, performanceInsights: true },
  'db.t4g.medium': { memoryGiB: 4, performanceInsights: true },
  'db.r5.large': { memoryGiB: 16, performanceInsights: true },
  'db.r5.xlarge': { memoryGiB: 32, performanceInsights: true },
  'db.r5.2xlarge': { memoryGiB: 64, performanceInsights: true },
  'db.r5.4xlarge': { memoryGiB: 128, performanceInsights: true },
  'db.r6g.large': { memoryGiB: 16, performanceInsights: true },
  'db.r6g.xlarge': { memoryGiB: 32, performanceInsights: true },
  'db.r6g.2xlarge': { memoryGiB: 64, performanceInsights: true },
  'db.r6g.4xlarge': { memoryGiB: 128, performanceInsights: true },
  'db.r6i.xlarge': { memoryGiB: 32, performanceInsights: true },
  'db.m6i.large': { memoryGiB: 8, performanceInsights: true },
  'db.m6i.xlarge': { memoryGiB: 16, performanceInsights: true },
};

/**
 * RDS for PostgreSQL's default max_connections, LEAST(DBInstanceClassMemory/9531392, 5000)
 * (Amazon RDS User Guide, "Maximum number of database connections"), from the
 * class's nominal memory: RDS counts a little less, so the real limit is a little lower.
 */
export function postgresMaxConnections(instanceClass: string): number {
  const spec = DB_INSTANCE_CLASSES[instanceClass];
  if (!spec) throw new Error(`unknown RDS instance class "${instanceClass}"`);
  return Math.min(Math.floor((spec.memoryGiB * 2 ** 30) / 9531392), 5000);
}

/** PostgreSQL majors in RDS standard support. 14 left it in February 2027 and is refused. */
export const POSTGRES_MAJOR_VERSIONS: readonly string[] = ['15', '16', '17', '18'];

/** ElastiCache node types; Graviton ones (t4g, m6g, r6g) are checked per Region as RDS classes are (above). */
export const CACHE_NODE_TYPES: readonly string[] = [
  'cache.t3.micro',
  'cache.t4g.micro',
  'cache.t3.small',
  'cache.t3.medium',
  'cache.t4g.small',
  'cache.m6g.large',
  'cache.r5.large',
  'cache.r5.xlarge',
  'cache.r5.2xlarge',
  'cache.r6g.large',
  'cache.r6g.xlarge',
  'cache.r6g.2xlarge',
];

/** Engine versions per cache engine, each with its parameter group family. */
export const CACHE_ENGINE_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  valkey: { '7.2': 'valkey7', '8.0': 'valkey8', '8.1': 'valkey8' },
  redis: { '7.0': 'redis7', '7.1': 'redis7' },
};

/** OpenSearch instance types; Graviton ones (m6g, r6g) are checked per Region as RDS classes are (above). OpenSearch offers no t4g. */
export const SEARCH_INSTANCE_TYPES: readonly string[] = [
  't3.small.search',
  't3.medium.search',
  'm6g.large.search',
  'r5.large.search',
  'r5.xlarge.search',
  'r5.2xlarge.search',
  'r6g.large.search',
  'r6g.xlarge.search',
  'r6g.2xlarge.search',
];

export const SEARCH_ENGINE_VERSIONS: readonly string[] = ['OpenSearch_2.17', 'OpenSearch_2.19', 'OpenSearch_3.1'];

/** EKS versions in standard support, so no extended-support charge applies. */
export const EKS_VERSIONS: readonly string[] = ['1.35', '1.36'];

/**
 * cluster-autoscaler image per Kubernetes minor: the autoscaler must match the
 * control plane's minor version, so a cluster upgrade without an entry here fails validation.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = { '1.35': 'v1.35.2', '1.36': 'v1.36.1' };

/** Burstable (t2/t3) search nodes reject Auto-Tune. */
export function isBurstableSearchType(instanceType: string): boolean {
  return /^t[23]\./.test(instanceType);
}

/**
 * IPs one node of this type can take from its subnet. Without prefix
 * delegation: every pod IP plus each ENI's own. With it (`maxPods` set): the
 * /28 prefixes that hold `maxPods` pods, one more that the VPC CNI keeps warm
 * (WARM_PREFIX_TARGET 1), and the primary IP of each ENI that holds them.
 */
export function ipsPerNode(instanceType: string, maxPods?: number): number {
  const spec = nodeInstanceType(instanceType);
  if (maxPods === undefined) return eniMaxPods(instanceType) + spec.maxEnis;
  const prefixes = Math.ceil(maxPods / PREFIX_ADDRESSES) + 1;
  const enis = Math.min(spec.maxEnis, Math.ceil(prefixes / (spec.ipv4PerEni - 1)));
  return prefixes * PREFIX_ADDRESSES + enis;
}

/** The lowest maxPods accepted: EKS's own DaemonSets and a little room. */
export const MIN_POD_LIMIT = 8;

/** A Service Quotas quota the account needs at least `minimum` of. */
export interface QuotaRequirement {
  /** Service Quotas service code, e.g. `ec2`. */
  readonly serviceCode: string;
  /** Quota code, e.g. `L-0263D0A3` (EC2-VPC Elastic IPs). */
  readonly quotaCode: string;
  /** What the quota is, for the plan reader. */
  readonly description: string;
  readonly minimum: number;
  /**
   * The region the quota applies in; one of `optInRegions` is enabled first.
   * @default - the stack's region
   */
  readonly region?: string;
}

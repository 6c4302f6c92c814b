/**
 * The AWS offerings this project knows how to size and validate. A type or
 * version missing here is rejected at synth, so add it here (with its limits)
 * before using it in an environment.
 */

/**
 * EC2 node types with their size (AWS EC2 instance type specifications) and
 * their VPC CNI limits (AWS eni-max-pods.txt). lib/node-capacity.ts turns
 * these into what a node offers the scheduler.
 */
export interface NodeInstanceType {
  /** vCPUs of the instance. */
  readonly vcpus: number;
  /** Memory of the instance in MiB, as EC2 lists it (e.g. 4 GiB = 4096). */
  readonly memoryMiB: number;
  /** Pods per node without prefix delegation: ENIs × (IPs per ENI − 1) + 2. */
  readonly maxPods: number;
  /** Every attached ENI holds a primary IP of its own as well as the pods' IPs. */
  readonly maxEnis: number;
}

export const NODE_INSTANCE_TYPES: Readonly<Record<string, NodeInstanceType>> = {
  't3.medium': { vcpus: 2, memoryMiB: 4096, maxPods: 17, maxEnis: 3 },
  't3.large': { vcpus: 2, memoryMiB: 8192, maxPods: 35, maxEnis: 3 },
  't3.xlarge': { vcpus: 4, memoryMiB: 16384, maxPods: 58, maxEnis: 4 },
  't3.2xlarge': { vcpus: 8, memoryMiB: 32768, maxPods: 58, maxEnis: 4 },
  'm6i.large': { vcpus: 2, memoryMiB: 8192, maxPods: 29, maxEnis: 3 },
  'm6i.xlarge': { vcpus: 4, memoryMiB: 16384, maxPods: 58, maxEnis: 4 },
  'm6i.2xlarge': { vcpus: 8, memoryMiB: 32768, maxPods: 58, maxEnis: 4 },
  'm7i.large': { vcpus: 2, memoryMiB: 8192, maxPods: 29, maxEnis: 3 },
  'm7i.xlarge': { vcpus: 4, memoryMiB: 16384, maxPods: 58, maxEnis: 4 },
  'r6i.large': { vcpus: 2, memoryMiB: 16384, maxPods: 29, maxEnis: 3 },
  'r6i.xlarge': { vcpus: 4, memoryMiB: 32768, maxPods: 58, maxEnis: 4 },
};

/** The catalog entry of a node type; an unknown type is an error, never a guess. */
export function nodeInstanceType(instanceType: string): NodeInstanceType {
  const spec = NODE_INSTANCE_TYPES[instanceType];
  if (!spec) throw new Error(`unknown node instance type "${instanceType}"`);
  return spec;
}

/**
 * RDS classes: memory (Amazon RDS User Guide, "DB instance classes"), and
 * whether Performance Insights is offered (not on the smallest burstable ones).
 */
export const DB_INSTANCE_CLASSES: Readonly<Record<string, { memoryGiB: number; performanceInsights: boolean }>> = {
  'db.t3.small': { memoryGiB: 2, performanceInsights: false },
  'db.t3.medium': { memoryGiB: 4, performanceInsights: true },
  'db.t3.large': { memoryGiB: 8, performanceInsights: true },
  'db.t4g.medium': { memoryGiB: 4, performanceInsights: true },
  'db.r5.large': { memoryGiB: 16, performanceInsights: true },
  'db.r5.xlarge': { memoryGiB: 32, performanceInsights: true },
  'db.r5.2xlarge': { memoryGiB: 64, performanceInsights: true },
  'db.r5.4xlarge': { memoryGiB: 128, performanceInsights: true },
  'db.r6g.xlarge': { memoryGiB: 32, performanceInsights: true },
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

export const CACHE_NODE_TYPES: readonly string[] = [
  'cache.t3.micro',
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

/** IPs one node of this type can take from its subnet: every pod IP plus each ENI's own. */
export function ipsPerNode(instanceType: string): number {
  const spec = NODE_INSTANCE_TYPES[instanceType];
  if (!spec) throw new Error(`unknown node instance type "${instanceType}"`);
  return spec.maxPods + spec.maxEnis;
}

import { NON_PRODUCTION_ACCOUNT, stateBackendConfig, type AccountConfig } from './account.ts';
import type { AddonCharts, AlarmThresholds, MonitoringCharts, EdgeConfig, EnvironmentConfig, NetworkConfig } from './types.ts';

/** The tag that allocates costs: the same for every environment. */
export const COST_CENTER = 'hexabid-platform';

/**
 * Where an environment lives: its account (set in account.ts; the provider
 * refuses to run against any other, so a wrong profile fails at plan instead
 * of building in the wrong place), that account's region and state bucket.
 */
export function inAccount(account: AccountConfig, region: string = account.region): Pick<EnvironmentConfig, 'accountId' | 'region' | 'costCenter' | 'state'> {
  return { accountId: account.accountId, region, costCenter: COST_CENTER, state: stateBackendConfig(account, region) };
}

/**
 * The standard three-zone layout inside one /16 (`10.<n>.0.0/16`):
 * /24 public and database subnets, and /19 private subnets that leave
 * room for a VPC CNI address per pod.
 */
export function threeZoneNetwork(secondOctet: number, region: string = NON_PRODUCTION_ACCOUNT.region): Pick<
  NetworkConfig,
  'vpcCidr' | 'availabilityZones' | 'publicSubnets' | 'privateSubnets' | 'databaseSubnets'
> {
  const net = `10.${secondOctet}`;
  return {
    vpcCidr: `${net}.0.0/16`,
    availabilityZones: ['a', 'b', 'c'].map((zone) => `${region}${zone}`),
    publicSubnets: [`${net}.0.0/24`, `${net}.1.0/24`, `${net}.2.0/24`],
    databaseSubnets: [`${net}.3.0/24`, `${net}.4.0/24`, `${net}.5.0/24`],
    privateSubnets: [`${net}.32.0/19`, `${net}.64.0/19`, `${net}.96.0/19`],
  };
}

/** The app's database identity; sizes and durability differ per environment. */
export const APP_DATABASE = {
  engineVersion: '17',
  databaseName: 'hexabid',
  masterUsername: 'hexabid_admin',
  masterPasswordVersion: 1,
} as const;

/** Valkey: Redis-compatible and about 20% cheaper than Redis OSS on ElastiCache. */
export const APP_CACHE_ENGINE = { engine: 'valkey', engineVersion: '8.0', authTokenVersion: 1 } as const;

export const APP_SEARCH_ENGINE = { engineVersion: 'OpenSearch_2.19' } as const;

/**
 * Prometheus's requests where a few nodes and one app produce a few thousand
 * series: a fifth of the chart default's CPU and half its memory.
 */
export const SMALL_PROMETHEUS = { requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '2Gi' } } as const;

/**
 * Spot workers: four 2-vCPU, 8 GiB x86 types, so a shortage of one does not
 * stop the group. Each is in the catalog and is built on Nitro (prefix delegation).
 */
export const SPOT_WORKER_TYPES = ['t3.large', 't3a.large', 'm6i.large', 'm5.large'];

/** Keeps everything but tolerating workloads (workers, the scraper) off the worker group. */
export const WORKER_TAINTS = [{ key: 'hexabid.in/workload', value: 'worker', effect: 'NO_SCHEDULE' }] as const;

/**
 * The platform add-ons, each pinned to an exact chart version that its
 * repository's index publishes (docs/PINS.md lists each with its source and
 * date). An environment may pin one differently to try an upgrade first.
 */
export const PLATFORM_ADDONS = {
  awsLoadBalancerController: { repository: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0' },
  externalSecrets: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' },
  externalDns: { repository: 'https://kubernetes-sigs.github.io/external-dns', chart: 'external-dns', version: '1.21.1' },
  clusterAutoscaler: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.59.0' },
  metricsServer: { repository: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.13.1' },
} as const satisfies AddonCharts;

/** Metrics, alerts, dashboards and logs. Sources: docs/PINS.md. */
export const MONITORING_CHARTS = {
  kubePrometheusStack: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  prometheusOperatorCrds: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '31.0.1' },
  postgresExporter: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-postgres-exporter', version: '8.2.0' },
  redisExporter: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-redis-exporter', version: '6.29.0' },
  fluentBit: { repository: 'https://aws.github.io/eks-charts', chart: 'aws-for-fluent-bit', version: '0.2.0' },
} as const satisfies MonitoringCharts;

/** AWS CLI v2 for jobs that call AWS APIs; its Amazon Linux base carries curl with `--aws-sigv4`. Source: docs/PINS.md. */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.36.7';

/** The apex zone, created by the production bootstrap; environments below it get their own zones. */
export const APEX_ZONE = NON_PRODUCTION_ACCOUNT.apexDomain;

/** The design's limit of 100, counted per client IP over one minute (WAF's shortest window). */
export const RATE_LIMIT = { requests: 100, windowSeconds: 60 } as const;

/**
 * A zone of its own for a non-production environment (`<name>.hexabid.in`):
 * the non-production bootstrap creates it, and the production account's apex
 * zone delegates it (docs/BOOTSTRAP.md, "DNS across the two accounts").
 */
export function delegatedEdge(name: string): EdgeConfig {
  const domainName = `${name}.${APEX_ZONE}`;
  return { domainName, hostedZone: { create: false, zoneName: domainName }, rateLimit: RATE_LIMIT };
}

/**
 * Alarm thresholds: CPU and JVM pressure where AWS's own recommended alarms
 * put them (Amazon CloudWatch, "Recommended alarms"), storage with a day's
 * headroom at production's sizes (smaller environments lower it), and latency
 * at the api's p95 objective.
 */
export const ALARM_THRESHOLDS = {
  databaseCpuPercent: 80,
  databaseFreeStorageGiB: 10,
  databaseConnectionsPercent: 80,
  replicaLagSeconds: 60,
  cacheMemoryPercent: 80,
  cacheEvictionsPer5Minutes: 100,
  searchFreeStorageGiB: 10,
  searchJvmMemoryPressurePercent: 85,
  loadBalancer5xxPer5Minutes: 50,
  targetResponseTimeSeconds: 1,
} as const satisfies AlarmThresholds;

/**
 * Every metric a dashboard or alert rule names, with where it comes from.
 * A test parses every PromQL expression and fails on a name missing here,
 * so a typo or a metric an exporter never had cannot reach Grafana or
 * Prometheus unnoticed.
 *
 * The exporter names were read from the upstream source at the tags in
 * METRIC_SOURCES (the versions kube-prometheus-stack and the community
 * exporter charts deploy), not from memory.
 */
import { APP_METRICS } from './app-metrics.ts';

export type MetricSource =
  | 'kube-state-metrics'
  | 'node-exporter'
  | 'cadvisor'
  | 'kubelet'
  | 'prometheus'
  | 'postgres-exporter'
  | 'redis-exporter'
  | 'app';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSourceInfo {
  /** The upstream repository read. */
  readonly repository: string;
  /** The tag (or commit) whose source the names were checked against. */
  readonly checkedAt: string;
  /** What deploys it here and at which version. */
  readonly deployedBy: string;
}

/** Where each source's names were verified; the helm-charts versions are those of prometheus-community/helm-charts at commit cf408a2 (2026-08-22). */
export const METRIC_SOURCES: Record<MetricSource, MetricSourceInfo> = {
  'kube-state-metrics': {
    repository: 'kubernetes/kube-state-metrics',
    checkedAt: 'v2.20.0 (4ffeda2ef866), internal/store/*.go',
    deployedBy: 'kube-prometheus-stack 88.5.3 → kube-state-metrics chart 8.4.0, app 2.20.0',
  },
  'node-exporter': {
    repository: 'prometheus/node_exporter',
    checkedAt: 'v1.12.1 (6044da783597), collector/*.go and collector/fixtures/e2e-output.txt',
    deployedBy: 'kube-prometheus-stack 88.5.3 → prometheus-node-exporter chart 4.56.1, app 1.12.1',
  },
  cadvisor: {
    repository: 'google/cadvisor',
    checkedAt: 'v0.60.5 (44b8e3062d67), lib/metrics/prometheus.go',
    deployedBy: "the kubelet's embedded cAdvisor (EKS 1.35), scraped at /metrics/cadvisor by kube-prometheus-stack's kubelet ServiceMonitor",
  },
  kubelet: {
    repository: 'kubernetes/kubernetes',
    checkedAt: 'pkg/kubelet/metrics/collectors/volume_stats.go and pkg/kubelet/metrics/metrics.go on master (names stable since 1.8)',
    deployedBy: 'EKS 1.35 kubelet, scraped by kube-prometheus-stack',
  },
  prometheus: {
    repository: 'prometheus/prometheus',
    checkedAt: 'the synthetic `up` series every scrape writes',
    deployedBy: 'kube-prometheus-stack 88.5.3 (Prometheus v3.14.0)',
  },
  'postgres-exporter': {
    repository: 'prometheus-community/postgres_exporter',
    checkedAt: 'v0.20.1 (867fbcac31cd), exporter/postgres_exporter.go and collector/*.go (default-enabled collectors only)',
    deployedBy: 'prometheus-postgres-exporter chart 8.2.0, app v0.20.1',
  },
  'redis-exporter': {
    repository: 'oliver006/redis_exporter',
    checkedAt: 'v1.88.0 (16db88a0c298) and master cd5941f, exporter/exporter.go (default namespace `redis`)',
    deployedBy: 'prometheus-redis-exporter chart 6.29.0, whose default image is v1.89.0 (not yet in the mirror read; pin v1.88.0 or re-check)',
  },
  app: {
    repository: 'hexabid (this contract)',
    checkedAt: 'content/monitoring/app-metrics.ts',
    deployedBy: 'the api and worker pods, scraped through the chart PodMonitor',
  },
};

export interface CatalogEntry {
  /** The name as exposed; for a histogram the base name. */
  readonly name: string;
  readonly source: MetricSource;
  readonly type: MetricType;
  /** For exporter metrics, the upstream file that defines it. */
  readonly definedIn?: string;
}

const ksm = (name: string, type: MetricType, file: string): CatalogEntry => ({
  name,
  source: 'kube-state-metrics',
  type,
  definedIn: `internal/store/${file}.go`,
});
const node = (name: string, type: MetricType, file: string): CatalogEntry => ({
  name,
  source: 'node-exporter',
  type,
  definedIn: `collector/${file}.go`,
});
const pg = (name: string, type: MetricType, file: string): CatalogEntry => ({ name, source: 'postgres-exporter', type, definedIn: file });
const redis = (name: string, type: MetricType): CatalogEntry => ({
  name,
  source: 'redis-exporter',
  type,
  definedIn: 'exporter/exporter.go',
});

const EXPORTER_METRICS: readonly CatalogEntry[] = [
  // kube-state-metrics
  ksm('kube_pod_status_phase', 'gauge', 'pod'),
  ksm('kube_pod_status_ready', 'gauge', 'pod'),
  ksm('kube_pod_container_status_restarts_total', 'counter', 'pod'),
  ksm('kube_pod_container_status_waiting_reason', 'gauge', 'pod'),
  ksm('kube_horizontalpodautoscaler_status_current_replicas', 'gauge', 'horizontalpodautoscaler'),
  ksm('kube_horizontalpodautoscaler_spec_max_replicas', 'gauge', 'horizontalpodautoscaler'),
  ksm('kube_horizontalpodautoscaler_spec_min_replicas', 'gauge', 'horizontalpodautoscaler'),
  ksm('kube_job_status_failed', 'gauge', 'job'),
  ksm('kube_job_owner', 'gauge', 'job'),
  ksm('kube_cronjob_status_last_successful_time', 'gauge', 'cronjob'),
  ksm('kube_cronjob_created', 'gauge', 'cronjob'),
  ksm('kube_cronjob_spec_suspend', 'gauge', 'cronjob'),
  ksm('kube_node_status_condition', 'gauge', 'node'),
  // node-exporter
  node('node_cpu_seconds_total', 'counter', 'cpu_common'),
  node('node_memory_MemAvailable_bytes', 'gauge', 'meminfo_linux'),
  node('node_memory_MemTotal_bytes', 'gauge', 'meminfo_linux'),
  node('node_filesystem_avail_bytes', 'gauge', 'filesystem_common'),
  node('node_filesystem_size_bytes', 'gauge', 'filesystem_common'),
  node('node_network_receive_bytes_total', 'counter', 'netdev_common'),
  node('node_network_transmit_bytes_total', 'counter', 'netdev_common'),
  // cAdvisor, through the kubelet
  { name: 'container_cpu_usage_seconds_total', source: 'cadvisor', type: 'counter', definedIn: 'lib/metrics/prometheus.go' },
  { name: 'container_memory_working_set_bytes', source: 'cadvisor', type: 'gauge', definedIn: 'lib/metrics/prometheus.go' },
  { name: 'container_network_receive_bytes_total', source: 'cadvisor', type: 'counter', definedIn: 'lib/metrics/prometheus.go' },
  { name: 'container_network_transmit_bytes_total', source: 'cadvisor', type: 'counter', definedIn: 'lib/metrics/prometheus.go' },
  // kubelet
  { name: 'kubelet_volume_stats_available_bytes', source: 'kubelet', type: 'gauge', definedIn: 'pkg/kubelet/metrics/collectors/volume_stats.go' },
  { name: 'kubelet_volume_stats_capacity_bytes', source: 'kubelet', type: 'gauge', definedIn: 'pkg/kubelet/metrics/collectors/volume_stats.go' },
  // Prometheus itself
  { name: 'up', source: 'prometheus', type: 'gauge' },
  // postgres_exporter
  pg('pg_up', 'gauge', 'exporter/postgres_exporter.go'),
  pg('pg_stat_activity_count', 'gauge', 'collector/pg_stat_activity.go'),
  pg('pg_stat_activity_max_tx_duration', 'gauge', 'collector/pg_stat_activity.go'),
  pg('pg_settings_max_connections', 'gauge', 'collector/pg_setting.go'),
  pg('pg_stat_database_xact_commit', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_xact_rollback', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_blks_hit', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_blks_read', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_tup_fetched', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_tup_returned', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_tup_inserted', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_tup_updated', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_tup_deleted', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_stat_database_deadlocks', 'counter', 'collector/pg_stat_database.go'),
  pg('pg_replication_lag_seconds', 'gauge', 'collector/pg_replication.go'),
  pg('pg_database_size_bytes', 'gauge', 'collector/pg_database.go'),
  // redis_exporter
  redis('redis_up', 'gauge'),
  redis('redis_keyspace_hits_total', 'counter'),
  redis('redis_keyspace_misses_total', 'counter'),
  redis('redis_memory_used_bytes', 'gauge'),
  redis('redis_memory_max_bytes', 'gauge'),
  redis('redis_commands_processed_total', 'counter'),
  redis('redis_evicted_keys_total', 'counter'),
  redis('redis_expired_keys_total', 'counter'),
  redis('redis_connected_clients', 'gauge'),
];

/** The catalog: the exporters' metrics above and the app's contract. */
export const METRICS_CATALOG: readonly CatalogEntry[] = [
  ...EXPORTER_METRICS,
  ...APP_METRICS.map((m): CatalogEntry => ({ name: m.name, source: 'app', type: m.type })),
];

const BY_NAME = new Map(METRICS_CATALOG.map((e) => [e.name, e]));
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * The catalog entry a series name belongs to: the name itself, or for
 * `<base>_bucket|_sum|_count` the histogram `<base>` (only when the catalog
 * declares `<base>` a histogram).
 */
export function catalogEntryFor(seriesName: string): CatalogEntry | undefined {
  const direct = BY_NAME.get(seriesName);
  if (direct) return direct;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!seriesName.endsWith(suffix)) continue;
    const base = BY_NAME.get(seriesName.slice(0, -suffix.length));
    if (base?.type === 'histogram') return base;
  }
  return undefined;
}

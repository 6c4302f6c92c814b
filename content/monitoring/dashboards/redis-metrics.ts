/** HexaBid / Redis Metrics: the ElastiCache replication group through redis_exporter. */
import { finalize, hexabidDashboard, prom, promVariable, row, statPanel, timeseriesPanel, type DashboardJson } from './common.ts';

export const REDIS_METRICS_UID = 'hexabid-redis-metrics';
export const REDIS_METRICS_TITLE = 'HexaBid / Redis Metrics';

const SEL = 'job=~"$redis_job"';
const HITS = `sum by (job) (rate(redis_keyspace_hits_total{${SEL}}[$__rate_interval]))`;
const MISSES = `sum by (job) (rate(redis_keyspace_misses_total{${SEL}}[$__rate_interval]))`;
const MEMORY_RATIO = `max by (job) (redis_memory_used_bytes{${SEL}}) / max by (job) (redis_memory_max_bytes{${SEL}} > 0)`;

export function buildRedisMetrics(): DashboardJson {
  const b = hexabidDashboard(
    REDIS_METRICS_UID,
    REDIS_METRICS_TITLE,
    'Hit rate, memory, operations and evictions of the ElastiCache (Valkey) cache and job queue.',
    ['redis', 'cache'],
  )
    .withVariable(promVariable('redis_job', 'Redis exporter', 'label_values(redis_up, job)'))

    .withRow(row('Summary'))
    .withPanel(
      statPanel({
        title: 'Redis reachable',
        description: 'redis_up: 1 when the exporter could reach Redis at its last scrape.',
        unit: 'bool_yes_no',
        queries: [prom(`min by (job) (redis_up{${SEL}})`, '{{job}}')],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Hit rate',
        description: 'Keyspace hits over lookups.',
        unit: 'percentunit',
        queries: [prom(`${HITS} / (${HITS} + ${MISSES})`, '{{job}}')],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Memory used of maxmemory',
        description: 'used_memory over maxmemory.',
        unit: 'percentunit',
        queries: [prom(MEMORY_RATIO, '{{job}}')],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Connected clients',
        description: 'Client connections open now.',
        unit: 'short',
        queries: [prom(`sum by (job) (redis_connected_clients{${SEL}})`, '{{job}}')],
      }),
    )

    .withRow(row('Cache'))
    .withPanel(
      timeseriesPanel({
        title: 'Hit rate',
        description: 'Keyspace hits over hits plus misses.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [prom(`${HITS} / (${HITS} + ${MISSES})`, '{{job}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Operations per second',
        description: 'Commands processed per second.',
        unit: 'ops',
        queries: [prom(`sum by (job) (rate(redis_commands_processed_total{${SEL}}[$__rate_interval]))`, '{{job}}')],
      }),
    )

    .withRow(row('Memory'))
    .withPanel(
      timeseriesPanel({
        title: 'Memory used',
        description: 'used_memory against maxmemory.',
        unit: 'bytes',
        min: 0,
        queries: [
          prom(`max by (job) (redis_memory_used_bytes{${SEL}})`, '{{job}} used'),
          prom(`max by (job) (redis_memory_max_bytes{${SEL}})`, '{{job}} maxmemory'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Evictions and expirations',
        description: 'Keys evicted for lack of memory, and keys expired by TTL, per second. Evictions of queue keys lose jobs.',
        unit: 'ops',
        queries: [
          prom(`sum by (job) (rate(redis_evicted_keys_total{${SEL}}[$__rate_interval]))`, '{{job}} evicted'),
          prom(`sum by (job) (rate(redis_expired_keys_total{${SEL}}[$__rate_interval]))`, '{{job}} expired'),
        ],
      }),
    );
  return finalize(b);
}

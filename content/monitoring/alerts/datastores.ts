/**
 * Alerts on PostgreSQL and Redis through their exporters (which run in the
 * platform namespace, so these rules are not limited to the app namespace).
 */
import { runbookUrl } from '../runbook-sections.ts';
import { percent } from './format.ts';
import type { AlertContext, AlertRuleGroup } from './types.ts';

/** Exporter series are grouped per scrape target: each exporter watches one instance. */
const TARGET = 'namespace, job, instance';

export function datastoreAlerts({ t, exporterJobRegex }: AlertContext): AlertRuleGroup {
  return {
    name: 'hexabid.datastores',
    rules: [
      {
        alert: 'HexabidPostgresDown',
        expr: 'pg_up == 0',
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'postgres_exporter {{ $labels.job }} cannot reach PostgreSQL.',
          description: 'pg_up is 0 for {{ $labels.job }}: the exporter could not connect to its RDS instance. Either the database is down or unreachable, or the exporter credentials are wrong.',
          runbook_url: runbookUrl('exporters-down'),
        },
      },
      {
        alert: 'HexabidRedisDown',
        expr: 'redis_up == 0',
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'redis_exporter {{ $labels.job }} cannot reach Redis.',
          description: 'redis_up is 0 for {{ $labels.job }}: the exporter could not connect to ElastiCache. Either the cache is down or unreachable, or the exporter TLS/AUTH settings are wrong.',
          runbook_url: runbookUrl('exporters-down'),
        },
      },
      {
        alert: 'HexabidExporterTargetDown',
        expr: `up{job=~"${exporterJobRegex}"} == 0`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Prometheus cannot scrape exporter {{ $labels.job }}.',
          description: 'The scrape of {{ $labels.job }} ({{ $labels.instance }}) fails, so database or cache alerts cannot fire.',
          runbook_url: runbookUrl('exporters-down'),
        },
      },
      {
        alert: 'HexabidExporterMetricsMissing',
        expr: 'label_replace(absent(pg_up), "exporter", "postgres", "", "") or label_replace(absent(redis_up), "exporter", "redis", "", "")',
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'No {{ $labels.exporter }} exporter metrics at all.',
          description: 'Prometheus has no {{ $labels.exporter }}_up series: the exporter is not deployed, or its ServiceMonitor is not selected.',
          runbook_url: runbookUrl('exporters-down'),
        },
      },
      {
        alert: 'HexabidRedisMemoryHigh',
        expr: `redis_memory_used_bytes / redis_memory_max_bytes > ${t.redisMemoryRatio} and redis_memory_max_bytes > 0`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Redis {{ $labels.job }} memory is nearly full.',
          description: `Redis uses {{ $value | humanizePercentage }} of maxmemory (threshold ${percent(t.redisMemoryRatio)}); evictions follow.`,
          runbook_url: runbookUrl('redis-memory-and-evictions'),
        },
      },
      {
        alert: 'HexabidRedisEvictingKeys',
        expr: `rate(redis_evicted_keys_total[5m]) > ${t.redisEvictionsPerSecond}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Redis {{ $labels.job }} is evicting keys.',
          description: 'Redis evicts {{ $value | humanize }} keys per second for lack of memory; evicted queue keys are lost jobs.',
          runbook_url: runbookUrl('redis-memory-and-evictions'),
        },
      },
      {
        alert: 'HexabidPostgresConnectionsNearMax',
        expr: `sum by (${TARGET}) (pg_stat_activity_count) / max by (${TARGET}) (pg_settings_max_connections) > ${t.postgresConnectionRatio}`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'PostgreSQL {{ $labels.job }} is near max_connections.',
          description: `{{ $value | humanizePercentage }} of max_connections are in use on {{ $labels.job }} (threshold ${percent(t.postgresConnectionRatio)}); new connections will be refused.`,
          runbook_url: runbookUrl('database-connections'),
        },
      },
      {
        alert: 'HexabidPostgresReplicaLagHigh',
        expr: `max by (${TARGET}) (pg_replication_lag_seconds) > ${t.postgresReplicaLagSeconds}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Read replica {{ $labels.job }} lags behind the primary.',
          description: `The replica behind {{ $labels.job }} is {{ $value | humanizeDuration }} behind (threshold ${t.postgresReplicaLagSeconds}s); reads from it are stale.`,
          runbook_url: runbookUrl('replica-lag'),
        },
      },
      {
        alert: 'HexabidPostgresLongRunningTransaction',
        expr: `max by (${TARGET}, datname) (pg_stat_activity_max_tx_duration{datname!~"template0|template1|rdsadmin", state=~"active|idle in transaction"}) > ${t.postgresLongestTransactionSeconds}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A transaction on {{ $labels.job }}/{{ $labels.datname }} has been open for {{ $value | humanizeDuration }}.',
          description: `A transaction has been open longer than ${t.postgresLongestTransactionSeconds}s; it holds locks and blocks vacuum.`,
          runbook_url: runbookUrl('performance-troubleshooting'),
        },
      },
    ],
  };
}

/**
 * HexaBid / Database Performance: PostgreSQL (RDS) through
 * postgres_exporter, one exporter per instance (primary, replica; told apart
 * by the `job` label), the app's connection pools, and CloudWatch's
 * ReplicaLag for the read replicas.
 */
import {
  cloudwatch,
  cloudwatchDimensionVariable,
  CLOUDWATCH,
  finalize,
  hexabidDashboard,
  prom,
  promVariable,
  row,
  statPanel,
  timeseriesPanel,
  type DashboardJson,
} from './common.ts';

export const DATABASE_PERFORMANCE_UID = 'hexabid-database-performance';
export const DATABASE_PERFORMANCE_TITLE = 'HexaBid / Database Performance';

const PG = 'job=~"$pg_job"';
/** The databases worth showing: not the templates nor RDS's own. */
const PG_DB = `${PG}, datname!~"template0|template1|rdsadmin"`;
const POOL = 'namespace=~"$namespace"';

const rate = (metric: string): string => `sum by (job) (rate(${metric}{${PG_DB}}[$__rate_interval]))`;

export function buildDatabasePerformance(): DashboardJson {
  const b = hexabidDashboard(
    DATABASE_PERFORMANCE_UID,
    DATABASE_PERFORMANCE_TITLE,
    'PostgreSQL connections and pools, query throughput, cache hits, long transactions and replica lag. Query-level detail is in RDS Database Insights.',
    ['database', 'postgresql'],
  )
    .withVariable(promVariable('pg_job', 'PostgreSQL exporter', 'label_values(pg_up, job)'))
    .withVariable(promVariable('namespace', 'App namespace', 'label_values(hexabid_db_pool_connections, namespace)'))
    .withVariable(cloudwatchDimensionVariable('rds_replica', 'RDS replica', 'AWS/RDS', 'ReplicaLag', 'DBInstanceIdentifier'))

    .withRow(row('Connections and pool'))
    .withPanel(
      statPanel({
        title: 'PostgreSQL reachable',
        description: 'pg_up per exporter: 1 when the exporter could connect at its last scrape.',
        unit: 'bool_yes_no',
        queries: [prom(`min by (job) (pg_up{${PG}})`, '{{job}}')],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Connections used of max_connections',
        description: 'Sessions in pg_stat_activity over the server max_connections.',
        unit: 'percentunit',
        width: 6,
        queries: [prom(`sum by (job) (pg_stat_activity_count{${PG}}) / max by (job) (pg_settings_max_connections{${PG}})`, '{{job}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Connections by state',
        description: 'Server sessions per state (active, idle, idle in transaction), per instance, against max_connections.',
        unit: 'short',
        queries: [
          prom(`sum by (job, state) (pg_stat_activity_count{${PG}})`, '{{job}} {{state}}'),
          prom(`max by (job) (pg_settings_max_connections{${PG}})`, '{{job}} max_connections'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'App connection pool',
        description: 'Connections held by the api and worker pools, by state, against the pool size.',
        unit: 'short',
        queries: [
          prom(`sum by (component, pool, state) (hexabid_db_pool_connections{${POOL}})`, '{{component}} {{pool}} {{state}}'),
          prom(`sum by (component, pool) (hexabid_db_pool_max_connections{${POOL}})`, '{{component}} {{pool}} size'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'App pool wait p95',
        description: '95th percentile time a query waited for a free pool connection; growth means the pool is too small.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.95, sum by (component, pool, le) (rate(hexabid_db_pool_wait_seconds_bucket{${POOL}}[$__rate_interval])))`,
            '{{component}} {{pool}}',
          ),
        ],
      }),
    )

    .withRow(row('Query performance'))
    .withPanel(
      timeseriesPanel({
        title: 'Transactions per second',
        description: 'Commits and rollbacks per second, per instance.',
        unit: 'ops',
        queries: [prom(rate('pg_stat_database_xact_commit'), '{{job}} commits'), prom(rate('pg_stat_database_xact_rollback'), '{{job}} rollbacks')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rows per second',
        description: 'Rows fetched, returned, inserted, updated and deleted per second.',
        unit: 'rowsps',
        queries: [
          prom(rate('pg_stat_database_tup_fetched'), '{{job}} fetched'),
          prom(rate('pg_stat_database_tup_returned'), '{{job}} returned'),
          prom(rate('pg_stat_database_tup_inserted'), '{{job}} inserted'),
          prom(rate('pg_stat_database_tup_updated'), '{{job}} updated'),
          prom(rate('pg_stat_database_tup_deleted'), '{{job}} deleted'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Buffer cache hit ratio',
        description: 'Share of block reads served from shared buffers; below ~99% the working set no longer fits in memory.',
        unit: 'percentunit',
        max: 1,
        queries: [
          prom(
            `${rate('pg_stat_database_blks_hit')} / (${rate('pg_stat_database_blks_hit')} + ${rate('pg_stat_database_blks_read')})`,
            '{{job}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Deadlocks',
        description: 'Deadlocks detected per second, per instance.',
        unit: 'ops',
        width: 6,
        queries: [prom(rate('pg_stat_database_deadlocks'), '{{job}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Database size',
        description: 'Size of each database.',
        unit: 'bytes',
        width: 6,
        queries: [prom(`sum by (job, datname) (pg_database_size_bytes{${PG_DB}})`, '{{job}} {{datname}}')],
      }),
    )

    .withRow(row('Slow queries'))
    .withPanel(
      timeseriesPanel({
        title: 'Longest running transaction',
        description: 'Age of the oldest open transaction per database, for active and idle-in-transaction sessions.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `max by (job, datname) (pg_stat_activity_max_tx_duration{${PG_DB}, state=~"active|idle in transaction"})`,
            '{{job}} {{datname}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Active and idle-in-transaction sessions',
        description: 'Sessions running a query, and sessions holding a transaction open without one (they block vacuum and hold locks).',
        unit: 'short',
        queries: [prom(`sum by (job, state) (pg_stat_activity_count{${PG}, state=~"active|idle in transaction"})`, '{{job}} {{state}}')],
      }),
    )

    .withRow(row('Replication'))
    .withPanel(
      timeseriesPanel({
        title: 'Replica lag (exporter)',
        description: 'Seconds since the last replayed transaction, measured on each replica by postgres_exporter (0 on the primary).',
        unit: 's',
        min: 0,
        queries: [prom(`max by (job) (pg_replication_lag_seconds{${PG}})`, '{{job}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Replica lag (CloudWatch)',
        description: 'AWS/RDS ReplicaLag of the selected read replicas, through the Grafana CloudWatch data source.',
        unit: 's',
        min: 0,
        datasource: CLOUDWATCH,
        queries: [
          cloudwatch({
            namespace: 'AWS/RDS',
            metricName: 'ReplicaLag',
            dimensions: { DBInstanceIdentifier: '$rds_replica' },
            statistic: 'Maximum',
            label: '${PROP("Dim.DBInstanceIdentifier")}',
          }),
        ],
      }),
    );
  return finalize(b);
}

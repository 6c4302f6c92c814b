/**
 * The metric contract with the app team: what the api and worker processes
 * expose on their `metrics` port (chart values `api.metricsPort`,
 * `worker.metricsPort`, 9464) at `/metrics`, which the chart's PodMonitor
 * scrapes when `metrics.podMonitor.enabled` is set. The dashboards and alert
 * rules use only these names; docs/OBSERVABILITY.md carries the rendered
 * table, and a test keeps the two identical.
 *
 * The PodMonitor selects the api and worker pods only: the frontend serves
 * static files, and the scraper is a CronJob whose pods live minutes, too
 * short to scrape. The scraper is watched through kube-state-metrics (job
 * failures, last successful run) instead, and the tenders it finds are
 * counted by the worker that stores them.
 */

export type AppMetricType = 'counter' | 'gauge' | 'histogram';

/** The components whose pods the PodMonitor scrapes. */
export const SCRAPED_COMPONENTS = ['api', 'worker'] as const;
export type ScrapedComponent = (typeof SCRAPED_COMPONENTS)[number];

/** The metrics endpoint: the container port name the PodMonitor uses, and the path. */
export const APP_METRICS_ENDPOINT = { portName: 'metrics', port: 9464, path: '/metrics' } as const;

/** The labels the app may put on its metrics, with the values allowed and their bound. */
export const APP_LABELS = {
  component: { values: '`api` or `worker`: the process that serves the metric', bound: 2 },
  route: {
    values: 'the route template the router matched (`/api/tenders/:id`), never the raw path; `unmatched` for a 404 without a route',
    bound: 150,
  },
  method: { values: '`GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE`, `OPTIONS`, or `other`', bound: 8 },
  status: { values: 'the three-digit HTTP status code sent (`200`, `503`)', bound: 30 },
  pool: { values: '`primary` (writes) or `replica` (read replica)', bound: 2 },
  state: { values: '`idle` or `in_use`', bound: 2 },
  queue: { values: 'the job queue name (`boq-generation`, `document-assembly`, ...)', bound: 20 },
  outcome: { values: '`success`, `failure` (given up), or `retry` (failed, will run again)', bound: 3 },
  source: { values: 'the tender portal the tender came from (a fixed key per portal)', bound: 20 },
  template: { values: 'the document template key (built-in templates; per-tenant copies report their base key)', bound: 25 },
  tenant: {
    values:
      'the tenant slug; only on the business counters. Past 1,000 distinct tenants in one process the app reports `other`, so a tenant burst cannot explode the series count',
    bound: 1000,
  },
} as const satisfies Record<string, { values: string; bound: number }>;

export type AppLabel = keyof typeof APP_LABELS;

export interface AppMetric {
  /** The name as exposed; for a histogram the base name (the app exposes `_bucket`, `_sum`, `_count`). */
  readonly name: string;
  readonly type: AppMetricType;
  /** Labels the app sets, in this order; `le` of a histogram is implied. */
  readonly labels: readonly AppLabel[];
  /** The processes that expose it. */
  readonly exposedBy: readonly ScrapedComponent[];
  /** Histogram bucket upper bounds (seconds). */
  readonly buckets?: readonly number[];
  readonly meaning: string;
}

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
export const DB_POOL_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] as const;
export const JOB_DURATION_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800] as const;

export const APP_METRICS: readonly AppMetric[] = [
  {
    name: 'hexabid_http_requests_total',
    type: 'counter',
    labels: ['component', 'route', 'method', 'status'],
    exposedBy: ['api', 'worker'],
    meaning: 'HTTP requests answered, counted when the response is sent (health and metrics endpoints excluded)',
  },
  {
    name: 'hexabid_http_request_duration_seconds',
    type: 'histogram',
    labels: ['component', 'route', 'method'],
    exposedBy: ['api', 'worker'],
    buckets: HTTP_DURATION_BUCKETS,
    meaning: 'Time from request received to response sent',
  },
  {
    name: 'hexabid_db_pool_connections',
    type: 'gauge',
    labels: ['component', 'pool', 'state'],
    exposedBy: ['api', 'worker'],
    meaning: 'Open connections of the PostgreSQL pool, by state',
  },
  {
    name: 'hexabid_db_pool_max_connections',
    type: 'gauge',
    labels: ['component', 'pool'],
    exposedBy: ['api', 'worker'],
    meaning: 'The configured size of the pool',
  },
  {
    name: 'hexabid_db_pool_wait_seconds',
    type: 'histogram',
    labels: ['component', 'pool'],
    exposedBy: ['api', 'worker'],
    buckets: DB_POOL_WAIT_BUCKETS,
    meaning: 'Time a query waited for a free connection',
  },
  {
    name: 'hexabid_jobs_processed_total',
    type: 'counter',
    labels: ['queue', 'outcome'],
    exposedBy: ['worker'],
    meaning: 'Background jobs finished, by outcome',
  },
  {
    name: 'hexabid_job_duration_seconds',
    type: 'histogram',
    labels: ['queue'],
    exposedBy: ['worker'],
    buckets: JOB_DURATION_BUCKETS,
    meaning: 'Run time of one job attempt',
  },
  {
    name: 'hexabid_jobs_waiting',
    type: 'gauge',
    labels: ['queue'],
    exposedBy: ['worker'],
    meaning: 'Jobs queued and not started (read from the queue, the same value on every worker pod)',
  },
  {
    name: 'hexabid_tenders_ingested_total',
    type: 'counter',
    labels: ['source', 'tenant'],
    exposedBy: ['worker'],
    meaning: 'Tenders stored for a tenant, counted once per new tender when it is committed (updates to a known tender do not count)',
  },
  {
    name: 'hexabid_boqs_generated_total',
    type: 'counter',
    labels: ['tenant'],
    exposedBy: ['api', 'worker'],
    meaning: 'Bills of quantities generated and saved',
  },
  {
    name: 'hexabid_documents_assembled_total',
    type: 'counter',
    labels: ['tenant', 'template'],
    exposedBy: ['worker'],
    meaning: 'Documents assembled and stored',
  },
];

/** The series names a metric produces: a histogram's three, otherwise the name itself. */
export function seriesNames(metric: Pick<AppMetric, 'name' | 'type'>): string[] {
  return metric.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s) : [metric.name];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The contract as Markdown: the metric table, then the label table with
 * each label's bound. docs/OBSERVABILITY.md holds exactly this text.
 */
export function renderAppMetricsContract(metrics: readonly AppMetric[] = APP_METRICS): string {
  const lines = [
    '| Metric | Type | Labels | Exposed by | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...metrics.map((m) => {
      const type = m.buckets ? `histogram (buckets ${m.buckets.join(', ')})` : m.type;
      const labels = m.labels.map((l) => `\`${l}\``).join(', ');
      return `| \`${m.name}\` | ${type} | ${labels} | ${m.exposedBy.join(', ')} | ${cell(m.meaning)} |`;
    }),
    '',
    '| Label | Values | Bound |',
    '| --- | --- | --- |',
    ...Object.entries(APP_LABELS).map(([name, l]) => `| \`${name}\` | ${cell(l.values)} | ${l.bound} |`),
  ];
  return lines.join('\n');
}

/** HexaBid / Application Overview: traffic, latency and errors per component, and the worker's jobs. */
import { finalize, hexabidDashboard, prom, promVariable, row, statPanel, timeseriesPanel, type DashboardJson } from './common.ts';

export const APPLICATION_OVERVIEW_UID = 'hexabid-application-overview';
export const APPLICATION_OVERVIEW_TITLE = 'HexaBid / Application Overview';

const SEL = 'namespace=~"$namespace", component=~"$component"';
const REQUESTS = `hexabid_http_requests_total{${SEL}}`;
const ERRORS = `hexabid_http_requests_total{${SEL}, status=~"5.."}`;
const BUCKETS = `hexabid_http_request_duration_seconds_bucket{${SEL}}`;
const JOBS_SEL = 'namespace=~"$namespace"';

const quantile = (q: number, by: string): string =>
  `histogram_quantile(${q}, sum by (${by}, le) (rate(${BUCKETS}[$__rate_interval])))`;

export function buildApplicationOverview(): DashboardJson {
  const b = hexabidDashboard(
    APPLICATION_OVERVIEW_UID,
    APPLICATION_OVERVIEW_TITLE,
    'Request rate, latency and 5xx errors of the api and worker, from the app metric contract (docs/OBSERVABILITY.md).',
    ['application'],
  )
    .withVariable(promVariable('namespace', 'Namespace', 'label_values(hexabid_http_requests_total, namespace)'))
    .withVariable(promVariable('component', 'Component', 'label_values(hexabid_http_requests_total{namespace=~"$namespace"}, component)'))

    .withRow(row('Summary'))
    .withPanel(
      statPanel({
        title: 'Request rate',
        description: 'Requests per second over the selected components.',
        unit: 'reqps',
        width: 8,
        queries: [prom(`sum(rate(${REQUESTS}[$__rate_interval]))`)],
      }),
    )
    .withPanel(
      statPanel({
        title: '5xx error ratio',
        description: 'Share of responses with a 5xx status.',
        unit: 'percentunit',
        width: 8,
        queries: [prom(`sum(rate(${ERRORS}[$__rate_interval])) / sum(rate(${REQUESTS}[$__rate_interval]))`)],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Latency p95',
        description: '95th percentile response time over the selected components.',
        unit: 's',
        width: 8,
        queries: [prom(`histogram_quantile(0.95, sum by (le) (rate(${BUCKETS}[$__rate_interval])))`)],
      }),
    )

    .withRow(row('Traffic'))
    .withPanel(
      timeseriesPanel({
        title: 'Request rate by component',
        description: 'Requests per second, per component.',
        unit: 'reqps',
        queries: [prom(`sum by (component) (rate(${REQUESTS}[$__rate_interval]))`, '{{component}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Request rate by status',
        description: 'Requests per second, per component and HTTP status.',
        unit: 'reqps',
        stacked: true,
        queries: [prom(`sum by (component, status) (rate(${REQUESTS}[$__rate_interval]))`, '{{component}} {{status}}')],
      }),
    )

    .withRow(row('Latency'))
    .withPanel(
      timeseriesPanel({
        title: 'Latency p50 / p95 / p99 by component',
        description: 'Response time percentiles per component, from the request-duration histogram.',
        unit: 's',
        min: 0,
        queries: [
          prom(quantile(0.5, 'component'), 'p50 {{component}}'),
          prom(quantile(0.95, 'component'), 'p95 {{component}}'),
          prom(quantile(0.99, 'component'), 'p99 {{component}}'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Slowest routes (p95)',
        description: 'The ten routes with the highest 95th percentile response time.',
        unit: 's',
        min: 0,
        queries: [prom(`topk(10, ${quantile(0.95, 'component, route')})`, '{{component}} {{route}}')],
      }),
    )

    .withRow(row('Errors'))
    .withPanel(
      timeseriesPanel({
        title: '5xx error ratio by component',
        description: 'Share of responses with a 5xx status, per component. The HexabidApiHighErrorRatio alert watches the api.',
        unit: 'percentunit',
        min: 0,
        queries: [
          prom(
            `sum by (component) (rate(${ERRORS}[$__rate_interval])) / sum by (component) (rate(${REQUESTS}[$__rate_interval]))`,
            '{{component}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: '5xx errors by route',
        description: 'The ten routes answering the most 5xx responses per second.',
        unit: 'reqps',
        queries: [prom(`topk(10, sum by (component, route, status) (rate(${ERRORS}[$__rate_interval])))`, '{{component}} {{route}} {{status}}')],
      }),
    )

    .withRow(row('Background jobs'))
    .withPanel(
      timeseriesPanel({
        title: 'Jobs processed by outcome',
        description: 'Jobs finished per second, per queue and outcome (success, failure, retry).',
        unit: 'ops',
        width: 8,
        stacked: true,
        queries: [prom(`sum by (queue, outcome) (rate(hexabid_jobs_processed_total{${JOBS_SEL}}[$__rate_interval]))`, '{{queue}} {{outcome}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Job duration p95 by queue',
        description: '95th percentile run time of one job attempt, per queue.',
        unit: 's',
        width: 8,
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.95, sum by (queue, le) (rate(hexabid_job_duration_seconds_bucket{${JOBS_SEL}}[$__rate_interval])))`,
            '{{queue}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Jobs waiting by queue',
        description: 'Jobs queued and not started; every worker pod reports the same value, so this takes the maximum.',
        unit: 'short',
        width: 8,
        min: 0,
        queries: [prom(`max by (queue) (hexabid_jobs_waiting{${JOBS_SEL}})`, '{{queue}}')],
      }),
    );
  return finalize(b);
}

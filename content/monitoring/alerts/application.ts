/** Alerts on the app's own metrics: api errors and latency, worker jobs. */
import { runbookUrl } from '../runbook-sections.ts';
import { percent } from './format.ts';
import type { AlertContext, AlertRuleGroup } from './types.ts';

export function applicationAlerts({ t, ns }: AlertContext): AlertRuleGroup {
  const api = `${ns}, component="api"`;
  const requests = `sum by (namespace) (rate(hexabid_http_requests_total{${api}}[5m]))`;
  const errors = `sum by (namespace) (rate(hexabid_http_requests_total{${api}, status=~"5.."}[5m]))`;
  const jobs = `sum by (namespace, queue) (rate(hexabid_jobs_processed_total{${ns}}[15m]))`;
  const failed = `sum by (namespace, queue) (rate(hexabid_jobs_processed_total{${ns}, outcome="failure"}[15m]))`;
  return {
    name: 'hexabid.application',
    rules: [
      {
        alert: 'HexabidApiHighErrorRatio',
        expr: `(${errors} / ${requests} > ${t.apiErrorRatio}) and (${requests} > ${t.apiMinRequestsPerSecond})`,
        for: '10m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'The api answers too many 5xx errors in {{ $labels.namespace }}.',
          description: `{{ $value | humanizePercentage }} of api responses in {{ $labels.namespace }} were 5xx over the last 5 minutes (threshold ${percent(t.apiErrorRatio)}).`,
          runbook_url: runbookUrl('api-errors'),
        },
      },
      {
        alert: 'HexabidApiHighLatencyP95',
        expr: `histogram_quantile(0.95, sum by (namespace, le) (rate(hexabid_http_request_duration_seconds_bucket{${api}}[5m]))) > ${t.apiLatencyP95Seconds}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'The api is slow in {{ $labels.namespace }}.',
          description: `The api's 95th percentile response time in {{ $labels.namespace }} is {{ $value | humanizeDuration }} (threshold ${t.apiLatencyP95Seconds}s).`,
          runbook_url: runbookUrl('performance-troubleshooting'),
        },
      },
      {
        alert: 'HexabidJobFailureRatioHigh',
        expr: `${failed} / ${jobs} > ${t.jobFailureRatio}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Worker jobs of queue {{ $labels.queue }} keep failing in {{ $labels.namespace }}.',
          description: `{{ $value | humanizePercentage }} of the {{ $labels.queue }} jobs in {{ $labels.namespace }} were given up over the last 15 minutes (threshold ${percent(t.jobFailureRatio)}).`,
          runbook_url: runbookUrl('log-analysis'),
        },
      },
    ],
  };
}

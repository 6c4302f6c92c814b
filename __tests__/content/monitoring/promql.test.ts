import { describe, expect, it } from 'vitest';
import { APP_METRICS } from '../../../content/monitoring/app-metrics.ts';
import { catalogEntryFor, METRIC_SOURCES, METRICS_CATALOG } from '../../../content/monitoring/metrics-catalog.ts';
import { analysePromQL, promqlOfVariableQuery } from '../../../content/monitoring/promql.ts';
import { dashboardQueries, ruleQueries } from './queries.ts';

const DASHBOARD_QUERIES = dashboardQueries();
const RULE_QUERIES = ruleQueries();
const ALL = [...DASHBOARD_QUERIES, ...RULE_QUERIES];

describe('the PromQL checker', () => {
  it('reports syntax errors', () => {
    expect(analysePromQL('rate(x[5m]').errors).not.toEqual([]);
    expect(analysePromQL('sum by (a (x)').errors).not.toEqual([]);
    expect(analysePromQL('').errors).not.toEqual([]);
    expect(analysePromQL('rate(x[$namespace])').errors).not.toEqual([]);
  });

  it('expands Grafana interval variables and finds metric names', () => {
    const a = analysePromQL('histogram_quantile(0.9, sum by (le) (rate(a_bucket{ns=~"$namespace"}[$__rate_interval]))) / on () b + {__name__="c"}');
    expect(a.errors).toEqual([]);
    expect(a.metricNames).toEqual(['a_bucket', 'b', 'c']);
  });

  it('reads the PromQL of Grafana variable queries', () => {
    expect(promqlOfVariableQuery('label_values(up{job="x"}, namespace)')).toBe('up{job="x"}');
    expect(promqlOfVariableQuery('label_values(namespace)')).toBeUndefined();
  });
});

describe('dashboard and alert queries', () => {
  it('are found in every dashboard and rule', () => {
    expect(DASHBOARD_QUERIES.length).toBeGreaterThan(50);
    expect(RULE_QUERIES.length).toBeGreaterThanOrEqual(12);
  });

  it('all parse with the PromQL grammar', () => {
    const broken = ALL.map((q) => ({ ...q, errors: analysePromQL(q.expr).errors })).filter((q) => q.errors.length > 0);
    expect(broken).toEqual([]);
  });

  it('name only metrics of the catalog', () => {
    const unknown = ALL.flatMap((q) => analysePromQL(q.expr).metricNames.filter((n) => catalogEntryFor(n) === undefined).map((n) => `${q.where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('use every catalog entry (no stale names)', () => {
    const used = new Set(ALL.flatMap((q) => analysePromQL(q.expr).metricNames).map((n) => catalogEntryFor(n)?.name));
    const unusedExporterMetrics = METRICS_CATALOG.filter((e) => e.source !== 'app' && !used.has(e.name)).map((e) => e.name);
    expect(unusedExporterMetrics).toEqual([]);
  });
});

describe('the metrics catalog', () => {
  it('has each name once', () => {
    const names = METRICS_CATALOG.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('strips _bucket, _sum and _count only from histograms', () => {
    expect(catalogEntryFor('hexabid_http_request_duration_seconds_bucket')?.name).toBe('hexabid_http_request_duration_seconds');
    expect(catalogEntryFor('hexabid_job_duration_seconds_count')?.name).toBe('hexabid_job_duration_seconds');
    expect(catalogEntryFor('pg_stat_activity_count')?.source).toBe('postgres-exporter');
    expect(catalogEntryFor('hexabid_http_requests_total_count')).toBeUndefined();
    expect(catalogEntryFor('redis_up_sum')).toBeUndefined();
  });

  it('lists as app metrics exactly the app contract', () => {
    const contract = new Map(APP_METRICS.map((m) => [m.name, m]));
    const appEntries = METRICS_CATALOG.filter((e) => e.source === 'app');
    for (const e of appEntries) expect(contract.get(e.name)?.type, e.name).toBe(e.type);
    expect(appEntries.map((e) => e.name).sort()).toEqual([...contract.keys()].sort());
  });

  it('records where each source was checked, and exporter metrics name their upstream file', () => {
    for (const info of Object.values(METRIC_SOURCES)) expect(info.checkedAt).not.toBe('');
    const exporters = METRICS_CATALOG.filter((e) => e.source !== 'app' && e.source !== 'prometheus');
    expect(exporters.filter((e) => !e.definedIn)).toEqual([]);
  });

  it('keeps app metric names in the hexabid_ namespace with Prometheus suffix conventions', () => {
    for (const m of APP_METRICS) {
      expect(m.name).toMatch(/^hexabid_[a-z_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).not.toMatch(/_total$/);
      if (m.type === 'histogram') expect(m.name).toMatch(/_seconds$/);
    }
  });

  it('keeps the tenant label on business counters only', () => {
    const withTenant = APP_METRICS.filter((m) => m.labels.includes('tenant')).map((m) => m.name);
    expect(withTenant.sort()).toEqual(['hexabid_boqs_generated_total', 'hexabid_documents_assembled_total', 'hexabid_tenders_ingested_total']);
  });
});

import { describe, expect, it } from 'vitest';
import { CLOUDWATCH_DATASOURCE_UID, DASHBOARDS, PROMETHEUS_DATASOURCE_UID } from '../../../content/monitoring/dashboards/index.ts';
import { panelsOf, type JsonPanel } from './queries.ts';

/** The design: per dashboard, panels (by title) that must exist, at least one per bullet of the brief. */
const EXPECTED: Record<string, string[]> = {
  'HexaBid / Application Overview': [
    'Request rate by component',
    'Latency p50 / p95 / p99 by component',
    '5xx error ratio by component',
  ],
  'HexaBid / Database Performance': [
    'Connections by state',
    'App connection pool',
    'Transactions per second',
    'Rows per second',
    'Buffer cache hit ratio',
    'Longest running transaction',
    'Active and idle-in-transaction sessions',
    'Replica lag (exporter)',
    'Replica lag (CloudWatch)',
  ],
  'HexaBid / Redis Metrics': ['Hit rate', 'Memory used', 'Operations per second', 'Evictions and expirations'],
  'HexaBid / Kubernetes Cluster': [
    'Node CPU utilisation',
    'Node memory utilisation',
    'Node disk utilisation',
    'Pods by phase',
    'Container restarts',
    'Pods not ready',
    'Node network traffic (rx / tx)',
    'Pod network traffic (rx / tx)',
  ],
  'HexaBid / Business Metrics': [
    'Tenders ingested',
    'Tenders ingested per hour by source',
    'BOQs generated',
    'BOQs generated per hour',
    'Documents assembled',
    'Documents assembled per hour by template',
  ],
};

const BUILT = DASHBOARDS.map((d) => {
  const json = d.build() as { uid?: string; title?: string; panels?: unknown[]; templating?: { list?: { name: string }[] } };
  return { def: d, json, panels: panelsOf(json) };
});

const contentPanels = (panels: JsonPanel[]): JsonPanel[] => panels.filter((p) => p.type !== 'row');
const exprsOf = (panel: JsonPanel | undefined): string[] => (panel?.targets ?? []).map((t) => String(t.expr ?? ''));

describe('the dashboards', () => {
  it('are the five of the design, with matching uid, title and file name', () => {
    expect(BUILT.map((b) => b.def.title)).toEqual(Object.keys(EXPECTED));
    for (const { def, json } of BUILT) {
      expect(json.title).toBe(def.title);
      expect(json.uid).toBe(def.uid);
      expect(def.uid.length).toBeLessThanOrEqual(40);
      expect(def.fileName).toBe(`${def.uid}.json`);
    }
    expect(new Set(BUILT.map((b) => b.def.uid)).size).toBe(BUILT.length);
  });

  it.each(BUILT.map((b) => [b.def.title, b] as const))('%s has a panel for each design bullet', (title, { panels }) => {
    const titles = contentPanels(panels).map((p) => p.title);
    for (const expected of EXPECTED[title]!) expect(titles, title).toContain(expected);
  });

  it('give every panel at least one query, on the Prometheus or CloudWatch data source', () => {
    for (const { def, panels } of BUILT) {
      for (const panel of contentPanels(panels)) {
        expect(panel.targets?.length ?? 0, `${def.title} / ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          const uid = target.datasource?.uid ?? panel.datasource?.uid;
          expect([PROMETHEUS_DATASOURCE_UID, CLOUDWATCH_DATASOURCE_UID], `${def.title} / ${panel.title}`).toContain(uid);
          if (uid === PROMETHEUS_DATASOURCE_UID) expect(String(target.expr ?? '').trim()).not.toBe('');
        }
      }
    }
  });

  it('number panels uniquely and letter each query', () => {
    for (const { def, panels } of BUILT) {
      const ids = panels.map((p) => (p as { id?: number }).id);
      expect(new Set(ids).size, def.title).toBe(ids.length);
      for (const panel of panels) {
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(refIds.every((r) => typeof r === 'string' && r !== '')).toBe(true);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    }
  });

  it('give CloudWatch queries a namespace, a metric name and dimensions', () => {
    const cloudwatchTargets = BUILT.flatMap(({ panels }) =>
      panels.flatMap((p) => (p.targets ?? []).filter((t) => (t.datasource?.uid ?? p.datasource?.uid) === CLOUDWATCH_DATASOURCE_UID)),
    );
    expect(cloudwatchTargets.length).toBeGreaterThan(0);
    for (const t of cloudwatchTargets) {
      expect(t).toMatchObject({ namespace: 'AWS/RDS', metricName: 'ReplicaLag', queryMode: 'Metrics' });
      expect(Object.keys(t.dimensions as object)).toEqual(['DBInstanceIdentifier']);
    }
  });

  it('only use template variables they define', () => {
    for (const { def, json, panels } of BUILT) {
      const defined = new Set((json.templating?.list ?? []).map((v) => v.name));
      const used = panels.flatMap((p) => (p.targets ?? []).flatMap((t) => JSON.stringify(t).match(/\$(?!__)[a-z_]+/g) ?? []));
      for (const name of used) expect(defined, `${def.title} uses ${name}`).toContain(name.slice(1));
    }
  });

  it('compute what their titles say', () => {
    const find = (dashboard: string, title: string): JsonPanel | undefined =>
      BUILT.find((b) => b.def.title === dashboard)?.panels.find((p) => p.title === title);
    const latency = exprsOf(find('HexaBid / Application Overview', 'Latency p50 / p95 / p99 by component'));
    expect(latency.map((e) => /histogram_quantile\((0\.\d+),/.exec(e)?.[1])).toEqual(['0.5', '0.95', '0.99']);
    expect(latency.every((e) => e.includes('sum by (component, le)'))).toBe(true);
    expect(exprsOf(find('HexaBid / Application Overview', '5xx error ratio by component'))[0]).toContain('status=~"5.."');
    expect(exprsOf(find('HexaBid / Redis Metrics', 'Hit rate'))[0]).toMatch(/redis_keyspace_hits_total.*redis_keyspace_misses_total/);
    expect(exprsOf(find('HexaBid / Kubernetes Cluster', 'Node network traffic (rx / tx)')).join(' ')).toMatch(/receive.*transmit/);
  });
});

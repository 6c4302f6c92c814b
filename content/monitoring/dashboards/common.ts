/**
 * Shared pieces of the HexaBid dashboards: the data sources (by the uids
 * Grafana provisions), panel and variable shorthands, and the last step
 * that numbers panels and queries and turns the builder into plain JSON.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CloudWatchMetricsQueryBuilder, MetricEditorMode, MetricQueryType } from '@grafana/grafana-foundation-sdk/cloudwatch';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
export const CLOUDWATCH_DATASOURCE_UID = 'cloudwatch';
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
export const CLOUDWATCH: DataSourceRef = { type: 'cloudwatch', uid: CLOUDWATCH_DATASOURCE_UID };

/** Tags every HexaBid dashboard carries, so Grafana lists them together. */
export const DASHBOARD_TAGS = ['hexabid', 'generated'];

/** A dashboard with the settings all five share. */
export function hexabidDashboard(uid: string, title: string, description: string, tags: string[]): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([...DASHBOARD_TAGS, ...tags])
    .readonly()
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' });
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/** A Prometheus query. */
export function prom(expr: string, legend?: string): DataqueryBuilder {
  const q = new DataqueryBuilder().datasource(PROMETHEUS).expr(expr);
  return legend === undefined ? q : q.legendFormat(legend);
}

/** A CloudWatch metric query (Metric Search, builder mode). */
export function cloudwatch(p: {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: string;
  label?: string;
}): CloudWatchMetricsQueryBuilder {
  const q = new CloudWatchMetricsQueryBuilder()
    .datasource(CLOUDWATCH)
    .metricQueryType(MetricQueryType.Search)
    .metricEditorMode(MetricEditorMode.Builder)
    .region('default')
    .namespace(p.namespace)
    .metricName(p.metricName)
    .dimensions(p.dimensions)
    .matchExact(true)
    .statistic(p.statistic);
  return p.label === undefined ? q : q.label(p.label);
}

type Query = DataqueryBuilder | CloudWatchMetricsQueryBuilder;

interface PanelOptions {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid width out of 24. */
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  stacked?: boolean;
  datasource?: DataSourceRef;
}

export function timeseriesPanel(o: PanelOptions): timeseries.PanelBuilder {
  let p = new timeseries.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(o.datasource ?? PROMETHEUS)
    .unit(o.unit)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(10)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(['mean', 'max', 'lastNotNull']))
    .targets(o.queries);
  if (o.min !== undefined) p = p.min(o.min);
  if (o.max !== undefined) p = p.max(o.max);
  if (o.stacked) p = p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return p;
}

export function statPanel(o: PanelOptions): stat.PanelBuilder {
  let p = new stat.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(o.datasource ?? PROMETHEUS)
    .unit(o.unit)
    .span(o.width ?? 6)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .targets(o.queries);
  if (o.min !== undefined) p = p.min(o.min);
  if (o.max !== undefined) p = p.max(o.max);
  return p;
}

/** A Prometheus query variable, multi-valued with "All" (matching any value). */
export function promVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** A CloudWatch variable listing the values of one dimension of one metric. */
export function cloudwatchDimensionVariable(name: string, label: string, namespace: string, metricName: string, dimensionKey: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(CLOUDWATCH)
    .query({
      refId: 'CloudWatchVariableQueryEditor-VariableQuery',
      queryType: 'dimensionValues',
      region: 'default',
      namespace,
      metricName,
      dimensionKey,
      dimensionFilters: {},
    })
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true);
}

export type DashboardJson = Dashboard;

interface PanelLike {
  id?: number;
  type?: string;
  targets?: { refId?: string }[];
  panels?: PanelLike[];
}

/**
 * The dashboard as plain JSON: panels numbered in order (rows included),
 * queries lettered A, B, ... within each panel.
 */
export function finalize(builder: DashboardBuilder): DashboardJson {
  const json = JSON.parse(JSON.stringify(builder.build())) as DashboardJson;
  let id = 0;
  const visit = (panels: PanelLike[] | undefined): void => {
    for (const panel of panels ?? []) {
      panel.id = ++id;
      panel.targets?.forEach((t, i) => {
        t.refId = String.fromCharCode(65 + i);
      });
      visit(panel.panels);
    }
  };
  visit(json.panels as PanelLike[] | undefined);
  return json;
}

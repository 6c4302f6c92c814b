/**
 * The HexaBid Grafana dashboards. Each `build()` returns the dashboard JSON
 * (Grafana schema 41, built with the Grafana Foundation SDK); `fileName` is
 * the key to use in the ConfigMap the Grafana dashboard sidecar loads.
 */
import { APPLICATION_OVERVIEW_TITLE, APPLICATION_OVERVIEW_UID, buildApplicationOverview } from './application-overview.ts';
import { BUSINESS_METRICS_TITLE, BUSINESS_METRICS_UID, buildBusinessMetrics } from './business-metrics.ts';
import type { DashboardJson } from './common.ts';
import { buildDatabasePerformance, DATABASE_PERFORMANCE_TITLE, DATABASE_PERFORMANCE_UID } from './database-performance.ts';
import { buildKubernetesCluster, KUBERNETES_CLUSTER_TITLE, KUBERNETES_CLUSTER_UID } from './kubernetes-cluster.ts';
import { buildRedisMetrics, REDIS_METRICS_TITLE, REDIS_METRICS_UID } from './redis-metrics.ts';

export type { DashboardJson } from './common.ts';
export { CLOUDWATCH_DATASOURCE_UID, PROMETHEUS_DATASOURCE_UID } from './common.ts';

export interface DashboardDefinition {
  readonly uid: string;
  readonly title: string;
  /** `<uid>.json`. */
  readonly fileName: string;
  build(): DashboardJson;
}

function definition(uid: string, title: string, build: () => DashboardJson): DashboardDefinition {
  return { uid, title, fileName: `${uid}.json`, build };
}

export const DASHBOARDS: readonly DashboardDefinition[] = [
  definition(APPLICATION_OVERVIEW_UID, APPLICATION_OVERVIEW_TITLE, buildApplicationOverview),
  definition(DATABASE_PERFORMANCE_UID, DATABASE_PERFORMANCE_TITLE, buildDatabasePerformance),
  definition(REDIS_METRICS_UID, REDIS_METRICS_TITLE, buildRedisMetrics),
  definition(KUBERNETES_CLUSTER_UID, KUBERNETES_CLUSTER_TITLE, buildKubernetesCluster),
  definition(BUSINESS_METRICS_UID, BUSINESS_METRICS_TITLE, buildBusinessMetrics),
];

/** The Grafana folder the sidecar should file them under. */
export const DASHBOARD_FOLDER = 'HexaBid';

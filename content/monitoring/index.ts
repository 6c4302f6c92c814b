/**
 * HexaBid monitoring as data: dashboards, alert rules, Alertmanager routing,
 * the app's metric contract and the catalog of every metric they use.
 * Pure functions and constants; the stacks turn them into Kubernetes objects.
 */
export * from './alertmanager-routing.ts';
export * from './alerts/index.ts';
export * from './app-metrics.ts';
export { DASHBOARD_FOLDER, DASHBOARDS, CLOUDWATCH_DATASOURCE_UID, PROMETHEUS_DATASOURCE_UID, type DashboardDefinition, type DashboardJson } from './dashboards/index.ts';
export * from './metrics-catalog.ts';
export * from './runbook-sections.ts';

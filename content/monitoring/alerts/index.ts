/**
 * The HexaBid Prometheus alert rules. They complement kube-prometheus-stack's
 * default rules (which keep Watchdog, InfoInhibitor and the cluster-wide
 * Kube* alerts) with alerts on the app, its namespace and its data stores.
 */
import { SYSTEM_NAMESPACE } from '../../../lib/namespaces.ts';
import { applicationAlerts } from './application.ts';
import { datastoreAlerts } from './datastores.ts';
import { kubernetesAlerts } from './kubernetes.ts';
import type { AlertContext, AlertRule, AlertRuleGroup, AlertScope, AlertThresholds, PrometheusRuleSpec } from './types.ts';

export * from './types.ts';

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  apiErrorRatio: 0.05,
  apiMinRequestsPerSecond: 0.1,
  apiLatencyP95Seconds: 1,
  podRestartsIn15m: 3,
  scraperHoursSinceSuccess: 13,
  searchSnapshotHoursSinceSuccess: 26,
  redisMemoryRatio: 0.9,
  redisEvictionsPerSecond: 0,
  postgresConnectionRatio: 0.8,
  postgresReplicaLagSeconds: 60,
  postgresLongestTransactionSeconds: 900,
  jobFailureRatio: 0.1,
};

/** The `job` labels of the postgres and redis exporter targets (prometheus-community chart Service names). */
export const DEFAULT_EXPORTER_JOB_REGEX = '.*postgres-exporter.*|.*redis-exporter.*';

function namespaceMatcher(scope: AlertScope): string {
  return scope.appNamespace === undefined
    ? `namespace=~"hexabid-.+", namespace!="${SYSTEM_NAMESPACE}"`
    : `namespace="${scope.appNamespace}"`;
}

function validate(t: AlertThresholds): void {
  const ratios: (keyof AlertThresholds)[] = ['apiErrorRatio', 'redisMemoryRatio', 'postgresConnectionRatio', 'jobFailureRatio'];
  for (const key of ratios) {
    if (!(t[key] > 0 && t[key] < 1)) throw new Error(`alert threshold ${key} must be a ratio between 0 and 1, not ${t[key]}`);
  }
  for (const [key, value] of Object.entries(t)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`alert threshold ${key} must be a non-negative number, not ${value}`);
  }
}

/** The rule groups; `thresholds` overrides the defaults key by key. */
export function buildAlertRules(thresholds: Partial<AlertThresholds> = {}, scope: AlertScope = {}): AlertRuleGroup[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  validate(t);
  const ctx: AlertContext = { t, ns: namespaceMatcher(scope), exporterJobRegex: scope.exporterJobRegex ?? DEFAULT_EXPORTER_JOB_REGEX };
  return [applicationAlerts(ctx), kubernetesAlerts(ctx), datastoreAlerts(ctx)];
}

/** The `spec` of the PrometheusRule: `{ groups: [...] }`. */
export function buildPrometheusRuleSpec(thresholds: Partial<AlertThresholds> = {}, scope: AlertScope = {}): PrometheusRuleSpec {
  return { groups: buildAlertRules(thresholds, scope) };
}

/** Every rule of the groups, flattened. */
export function allAlertRules(groups: readonly AlertRuleGroup[]): AlertRule[] {
  return groups.flatMap((g) => [...g.rules]);
}

export interface PrometheusRuleOptions {
  readonly name?: string;
  /** Where the object lives; kube-prometheus-stack's Prometheus reads rules from every namespace by default. */
  readonly namespace?: string;
  /** Labels the Prometheus `ruleSelector` matches (kube-prometheus-stack: `release: <its release name>`). */
  readonly labels?: Record<string, string>;
  readonly thresholds?: Partial<AlertThresholds>;
  readonly scope?: AlertScope;
}

/** A PrometheusRule manifest (monitoring.coreos.com/v1). */
export interface PrometheusRuleManifest {
  readonly apiVersion: 'monitoring.coreos.com/v1';
  readonly kind: 'PrometheusRule';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: PrometheusRuleSpec;
}

/**
 * The whole PrometheusRule object. Plain data: the tests validate it with
 * @kubernetes-models/prometheus-operator, which is ESM-only and so stays out
 * of the synth path (cdktf.json runs main.ts with tsx's CommonJS loader).
 */
export function buildPrometheusRule(o: PrometheusRuleOptions = {}): PrometheusRuleManifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: o.name ?? 'hexabid-alerts',
      namespace: o.namespace ?? SYSTEM_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'hexabid', ...o.labels },
    },
    spec: buildPrometheusRuleSpec(o.thresholds, o.scope),
  };
}

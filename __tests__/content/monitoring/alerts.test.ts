import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_NOTIFIER_MOUNT_PATH,
  buildAlertmanagerConfig,
  DEFAULT_ALERT_ROUTING,
  NULL_RECEIVER,
  requiredNotifierSecretKeys,
  routeReceivers,
  type AlertmanagerRoute,
} from '../../../content/monitoring/alertmanager-routing.ts';
import {
  allAlertRules,
  buildAlertRules,
  buildPrometheusRule,
  buildPrometheusRuleSpec,
  DEFAULT_ALERT_THRESHOLDS,
  SEVERITIES,
} from '../../../content/monitoring/alerts/index.ts';
import { githubAnchor, RUNBOOK_SECTIONS, runbookAnchorOf } from '../../../content/monitoring/runbook-sections.ts';

const RULES = allAlertRules(buildAlertRules());

/** The brief's minimum in-cluster alerts, by the name each has here. */
const MINIMUM_ALERTS = {
  'api 5xx ratio': 'HexabidApiHighErrorRatio',
  'api p95 latency': 'HexabidApiHighLatencyP95',
  'pods crash-looping': 'HexabidPodCrashLooping',
  'pods not ready': 'HexabidPodNotReady',
  'HPA at max': 'HexabidHpaAtMaxReplicas',
  'scraper CronJob failures': 'HexabidScraperJobFailed',
  'postgres exporter target down': 'HexabidPostgresDown',
  'redis exporter target down': 'HexabidRedisDown',
  'Redis memory': 'HexabidRedisMemoryHigh',
  'Redis evictions': 'HexabidRedisEvictingKeys',
  'PostgreSQL connections near max': 'HexabidPostgresConnectionsNearMax',
  'replica lag': 'HexabidPostgresReplicaLagHigh',
};

describe('the alert rules', () => {
  it('include the minimum set', () => {
    const names = RULES.map((r) => r.alert);
    for (const [what, alert] of Object.entries(MINIMUM_ALERTS)) expect(names, what).toContain(alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it('have an allowed severity, a summary, a description and a `for`', () => {
    for (const r of RULES) {
      expect(SEVERITIES, r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.trim(), r.alert).not.toBe('');
      expect(r.annotations.description.trim(), r.alert).not.toBe('');
      expect(r.for, r.alert).toMatch(/^\d+[smhd]$/);
      expect(r.alert).toMatch(/^Hexabid[A-Z][A-Za-z0-9]+$/);
    }
  });

  it('link to a known runbook section', () => {
    for (const r of RULES) expect(runbookAnchorOf(r.annotations.runbook_url), `${r.alert}: ${r.annotations.runbook_url}`).toBeDefined();
  });

  it('watch the pieces the brief names with the right metrics', () => {
    const expr = (name: string): string => RULES.find((r) => r.alert === name)!.expr;
    expect(expr('HexabidPodCrashLooping')).toMatch(/CrashLoopBackOff/);
    expect(expr('HexabidPodCrashLooping')).toMatch(/kube_pod_container_status_restarts_total/);
    expect(expr('HexabidHpaAtMaxReplicas')).toMatch(/kube_horizontalpodautoscaler_status_current_replicas\{[^}]*\} >= kube_horizontalpodautoscaler_spec_max_replicas/);
    expect(RULES.find((r) => r.alert === 'HexabidHpaAtMaxReplicas')!.for).toBe('15m');
    expect(expr('HexabidScraperJobFailed')).toMatch(/kube_job_status_failed[\s\S]*owner_kind="CronJob"/);
    expect(expr('HexabidPostgresDown')).toBe('pg_up == 0');
    expect(expr('HexabidRedisDown')).toBe('redis_up == 0');
  });

  it('warn when the daily search snapshot is stale or never succeeded, except where its CronJob is suspended', () => {
    const rule = RULES.find((r) => r.alert === 'HexabidSearchSnapshotStale')!;
    expect(rule).toMatchObject({ for: '10m', labels: { severity: 'warning' } });
    expect(runbookAnchorOf(rule.annotations.runbook_url)).toBe('backup-and-restore');
    expect(rule.expr).toContain('time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{cronjob="search-snapshot"}) > 93600');
    expect(rule.expr).toContain('(time() - max by (namespace, cronjob) (kube_cronjob_created{cronjob="search-snapshot"}) > 93600 unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{cronjob="search-snapshot"})');
    expect(rule.expr).toMatch(/\) unless on \(namespace, cronjob\) \(kube_cronjob_spec_suspend\{cronjob="search-snapshot"\} == 1\)$/);
    // The CronJob runs in the platform namespace, which the app rules' namespace matcher leaves out.
    expect(rule.expr).not.toContain('namespace=');
    const strict = allAlertRules(buildAlertRules({ searchSnapshotHoursSinceSuccess: 25 })).find((r) => r.alert === 'HexabidSearchSnapshotStale')!;
    expect(strict.expr).toContain('> 90000');
  });

  it('take thresholds as overrides of the defaults', () => {
    const defaults = allAlertRules(buildAlertRules());
    const strict = allAlertRules(buildAlertRules({ apiErrorRatio: 0.01, postgresReplicaLagSeconds: 30 }));
    const find = (rules: typeof RULES, name: string): string => rules.find((r) => r.alert === name)!.expr;
    expect(find(defaults, 'HexabidApiHighErrorRatio')).toContain(`> ${DEFAULT_ALERT_THRESHOLDS.apiErrorRatio})`);
    expect(find(strict, 'HexabidApiHighErrorRatio')).toContain('> 0.01)');
    expect(find(strict, 'HexabidPostgresReplicaLagHigh')).toMatch(/> 30$/);
    expect(() => buildAlertRules({ redisMemoryRatio: 90 })).toThrow(/redisMemoryRatio/);
  });

  it('scope app rules to the app namespace', () => {
    const prod = allAlertRules(buildAlertRules({}, { appNamespace: 'hexabid-prod' }));
    expect(prod.find((r) => r.alert === 'HexabidPodNotReady')!.expr).toContain('namespace="hexabid-prod"');
    expect(RULES.find((r) => r.alert === 'HexabidPodNotReady')!.expr).toContain('namespace!="hexabid-system"');
  });

  it('render a valid PrometheusRule', () => {
    expect(buildPrometheusRuleSpec().groups.length).toBe(3);
    const manifest = buildPrometheusRule({ labels: { release: 'kube-prometheus-stack' } });
    const model = new PrometheusRule(manifest as unknown as ConstructorParameters<typeof PrometheusRule>[0]);
    expect(() => model.validate()).not.toThrow();
    expect(manifest.metadata).toMatchObject({ namespace: 'hexabid-system', labels: { release: 'kube-prometheus-stack' } });
  });
});

describe('the runbook sections', () => {
  it('have anchors GitHub derives from their headings', () => {
    for (const [anchor, heading] of Object.entries(RUNBOOK_SECTIONS)) expect(githubAnchor(heading)).toBe(anchor);
  });

  it('include the general sections', () => {
    for (const anchor of ['deployment-and-rollback', 'scaling', 'incident-response', 'database-migrations', 'backup-and-restore', 'log-analysis', 'performance-troubleshooting']) {
      expect(Object.keys(RUNBOOK_SECTIONS)).toContain(anchor);
    }
  });
});

describe('the Alertmanager routing', () => {
  const config = buildAlertmanagerConfig();
  const receiverNames = config.receivers.map((r) => r.name);

  it('names only receivers that exist, each once', () => {
    for (const name of routeReceivers(config.route)) expect(receiverNames).toContain(name);
    expect(new Set(receiverNames).size).toBe(receiverNames.length);
  });

  it('sends critical to PagerDuty, warning to Slack and info nowhere', () => {
    const routes = config.route.routes ?? [];
    const bySeverity = (s: string): AlertmanagerRoute[] => routes.filter((r) => r.matchers?.includes(`severity = "${s}"`));
    const kinds = (s: string): string[] =>
      bySeverity(s).map((r) => {
        const receiver = config.receivers.find((x) => x.name === r.receiver)!;
        return receiver.pagerduty_configs ? 'pagerduty' : receiver.slack_configs ? 'slack' : 'null';
      });
    expect(kinds('critical')[0]).toBe('pagerduty');
    expect(kinds('warning')).toEqual(['slack']);
    expect(kinds('info')).toEqual(['null']);
    // A critical alert reaches every receiver listed for it.
    expect(bySeverity('critical').slice(0, -1).every((r) => r.continue === true)).toBe(true);
  });

  it('follows the kube-prometheus conventions', () => {
    const routes = config.route.routes ?? [];
    expect(routes[0]).toEqual({ receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] });
    expect(routes[1]).toEqual({ receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] });
    expect(config.inhibit_rules).toContainEqual({
      source_matchers: ['severity = critical'],
      target_matchers: ['severity =~ warning|info'],
      equal: ['namespace', 'alertname'],
    });
  });

  it('holds no credential, only files in the mounted Secret', () => {
    const json = JSON.stringify(config);
    expect(json).not.toMatch(/"routing_key"|"service_key"|"api_url"/);
    const files = config.receivers.flatMap((r) => [
      ...(r.pagerduty_configs ?? []).map((c) => c.routing_key_file),
      ...(r.slack_configs ?? []).map((c) => c.api_url_file),
    ]);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.startsWith(`${ALERTMANAGER_NOTIFIER_MOUNT_PATH}/`)).toBe(true);
    expect(requiredNotifierSecretKeys()).toEqual(['pagerduty-routing-key', 'slack-webhook-url']);
  });

  it('drops a severity with no receivers and refuses a duplicate', () => {
    const quiet = buildAlertmanagerConfig({ ...DEFAULT_ALERT_ROUTING, receivers: { ...DEFAULT_ALERT_ROUTING.receivers, warning: [] } });
    expect(quiet.route.receiver).toBe(NULL_RECEIVER);
    expect(quiet.route.routes).toContainEqual({ receiver: NULL_RECEIVER, matchers: ['severity = "warning"'] });
    const pd = DEFAULT_ALERT_ROUTING.receivers.critical[0]!;
    expect(() => buildAlertmanagerConfig({ ...DEFAULT_ALERT_ROUTING, receivers: { ...DEFAULT_ALERT_ROUTING.receivers, critical: [pd, pd] } })).toThrow();
  });
});

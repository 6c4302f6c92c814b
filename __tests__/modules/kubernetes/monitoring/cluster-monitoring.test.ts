import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MONITORING_CHARTS } from '../../../../environments/common.ts';
import { MONITORING_CHART_DIR } from '../../../../lib/chart-path.ts';
import { DASHBOARDS } from '../../../../content/monitoring/dashboards/index.ts';
import { ClusterMonitoring, type ClusterMonitoringProps } from '../../../../modules/kubernetes/monitoring/cluster-monitoring.ts';
import { PROMETHEUS_STACK_NAMES } from '../../../../modules/kubernetes/monitoring/prometheus-stack.ts';
import { helm, parseDocuments } from '../../../chart/helm.ts';
import { parsePolicy, resourcesOf, synthConstruct, scratchDir } from '../../../helpers/synth.ts';

const props: ClusterMonitoringProps = {
  clusterName: 'hexabid-test',
  region: 'ap-south-1',
  readableLogGroupNames: ['/hexabid/test/*'],
  namespace: 'hexabid-system',
  nodeAgentsNamespace: 'hexabid-node-agents',
  appNamespace: 'hexabid-test',
  charts: MONITORING_CHARTS,
  ebsCsiRoleArn: 'arn:aws:iam::123456789012:role/hexabid-test-ebs-csi',
  prometheus: { retentionDays: 15, storageGiB: 50, replicas: 2 },
  alertmanagerReplicas: 2,
  receivers: { critical: 'pagerduty', warning: 'slack' },
  secretStoreName: 'aws-secrets-manager',
  notifierSecretNames: { pagerduty: 'hexabid/test/alerting/pagerduty-routing-key', slack: 'hexabid/test/alerting/slack-webhook-url' },
  grafanaAdmin: { secretName: 'hexabid/test/grafana/admin', kmsKeyArn: 'arn:aws:kms:ap-south-1:123456789012:key/app', recoveryWindowInDays: 7 },
  databases: [
    { role: 'primary', host: 'db.internal', database: 'hexabid', credentialSecretId: 'hexabid/test/database/master' },
    { role: 'replica-1', host: 'db-replica.internal', database: 'hexabid', credentialSecretId: 'hexabid/test/database/master' },
  ],
  cache: { host: 'cache.internal', credentialSecretId: 'hexabid/test/cache/auth' },
  nodeTolerations: [{ key: 'hexabid.in/workload', operator: 'Equal', value: 'worker', effect: 'NoSchedule' }],
};

const json = synthConstruct((scope) => new ClusterMonitoring(scope, 'Monitoring', props));
const releases = resourcesOf(json, 'helm_release');
const release = (name: string) => {
  const found = releases.find((r) => r.name === name);
  if (!found) throw new Error(`no release ${name}`);
  return found;
};
const valuesOf = (name: string) => JSON.parse(release(name).values[0]) as Record<string, any>;
const refOf = (name: string) => `helm_release.${Object.entries(json.resource.helm_release!).find(([, r]) => r.name === name)![0]}`;

/** Every key path of a values object, down to its leaves. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, v]) => keyPaths(v, prefix ? `${prefix}.${key}` : key));
}

/**
 * The chart's documented keys at the pinned version (fixtures/chart-keys, read from the chart's values.yaml
 * files). A path we pass is known when it is listed, or lies below a free-form map the chart leaves open.
 */
function unknownKeys(chartFile: string, values: Record<string, unknown>, alsoReadByTemplates: readonly string[] = []): string[] {
  const lines = readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'chart-keys', chartFile), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const known = new Set(lines.filter((l) => !l.endsWith(' {}')));
  const open = lines.filter((l) => l.endsWith(' {}')).map((l) => l.slice(0, -3));
  return keyPaths(values).filter(
    (path) =>
      !known.has(path) &&
      !alsoReadByTemplates.some((a) => (a.endsWith('.*') ? path.startsWith(a.slice(0, -1)) : path === a)) &&
      !open.some((o) => path.startsWith(`${o}.`)),
  );
}

describe('ClusterMonitoring', () => {
  it('installs the pinned charts in order: secrets and CRDs, the stack, then exporters and content', () => {
    const stack = release(PROMETHEUS_STACK_NAMES.release);
    expect(stack).toMatchObject({ repository: MONITORING_CHARTS.kubePrometheusStack.repository, chart: 'kube-prometheus-stack', version: MONITORING_CHARTS.kubePrometheusStack.version, namespace: 'hexabid-system' });
    expect(release('prometheus-operator-crds')).toMatchObject({ chart: 'prometheus-operator-crds', version: MONITORING_CHARTS.prometheusOperatorCrds.version });
    expect(stack.depends_on).toEqual(expect.arrayContaining([refOf('prometheus-operator-crds'), refOf('monitoring-secrets')]));
    for (const name of ['postgres-exporter', 'postgres-exporter-replica-1', 'redis-exporter', 'monitoring-content']) {
      expect(release(name).depends_on, name).toContain(refOf(PROMETHEUS_STACK_NAMES.release));
    }
  });

  it('passes kube-prometheus-stack only keys its chart documents at the pinned version', () => {
    // grafana.fullnameOverride is commented out in grafana's values.yaml; its _helpers.tpl reads it.
    // Below `grafana.ini` is Grafana's own configuration file, section by section.
    expect(unknownKeys('kube-prometheus-stack-88.5.3.txt', valuesOf('monitoring'), ['grafana.fullnameOverride', 'grafana.grafana.ini.*'])).toEqual([]);
    // serviceMonitor.interval is commented out in its values.yaml and read by templates/servicemonitor.yaml;
    // securityContext is rendered whole (toYaml) into the container, so any container field is the chart's.
    expect(unknownKeys('prometheus-postgres-exporter-8.2.0.txt', valuesOf('postgres-exporter'), ['serviceMonitor.interval', 'securityContext.*'])).toEqual([]);
    // The same two, for redis-exporter's templates/servicemonitor.yaml and its container securityContext.
    expect(unknownKeys('prometheus-redis-exporter-6.29.0.txt', valuesOf('redis-exporter'), ['serviceMonitor.interval', 'securityContext.*', 'podSecurityContext.*'])).toEqual([]);
  });

  it('sizes Prometheus from config on the encrypted class, selects every monitor and rule, and skips what EKS hides', () => {
    const v = valuesOf('monitoring');
    expect(v.prometheus.prometheusSpec).toMatchObject({
      replicas: 2,
      retention: '15d',
      retentionSize: '42GB',
      podMonitorSelectorNilUsesHelmValues: false,
      serviceMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      storageSpec: { volumeClaimTemplate: { spec: { storageClassName: expect.stringMatching(/^\$\{kubernetes_storage_class_v1\./), resources: { requests: { storage: '50Gi' } } } } },
    });
    for (const component of ['kubeEtcd', 'kubeControllerManager', 'kubeScheduler', 'kubeProxy']) expect(v[component]).toEqual({ enabled: false });
    expect(v.crds).toEqual({ enabled: false });
    // The app's own rules watch its namespace; the chart's default pod rules would page a second time.
    expect(v.defaultRules).toMatchObject({ appNamespacesOperator: '!~', appNamespacesTarget: 'hexabid-test' });
    expect(v['prometheus-node-exporter']).toMatchObject({ namespaceOverride: 'hexabid-node-agents', tolerations: props.nodeTolerations });
  });

  it('routes alerts by severity to the configured receivers, with credentials only as mounted files', () => {
    const alertmanager = valuesOf('monitoring').alertmanager;
    expect(alertmanager.tplConfig).toBe(false);
    expect(alertmanager.alertmanagerSpec.secrets).toEqual(['alertmanager-notifiers']);
    const receivers = alertmanager.config.receivers as { name: string; pagerduty_configs?: { routing_key_file: string }[]; slack_configs?: { api_url_file: string }[] }[];
    expect(receivers.flatMap((r) => r.pagerduty_configs ?? []).map((c) => c.routing_key_file)).toEqual(['/etc/alertmanager/secrets/alertmanager-notifiers/pagerduty-routing-key']);
    // Slack hears of critical alerts as well as warnings: one receiver per severity, the same webhook.
    expect(receivers.filter((r) => r.slack_configs).map((r) => r.name)).toEqual(['critical-slack', 'warning-slack']);
    expect(new Set(receivers.flatMap((r) => r.slack_configs ?? []).map((c) => c.api_url_file))).toEqual(new Set(['/etc/alertmanager/secrets/alertmanager-notifiers/slack-webhook-url']));
    expect(JSON.stringify(alertmanager.config)).not.toMatch(/routing_key"|api_url"/);
  });

  it('fills each credential from Secrets Manager, and asks only for the receivers in use', () => {
    const secrets = valuesOf('monitoring-secrets').externalSecrets as { name: string; data: { key: string; remoteKey: string }[] }[];
    expect(secrets.map((s) => s.name)).toEqual(['grafana-admin', 'alertmanager-notifiers', 'postgres-exporter-primary', 'postgres-exporter-replica-1', 'redis-exporter']);
    expect(secrets[1]!.data.map((d) => d.remoteKey)).toEqual(['hexabid/test/alerting/pagerduty-routing-key', 'hexabid/test/alerting/slack-webhook-url']);
    const slackOnly = synthConstruct((scope) => new ClusterMonitoring(scope, 'M', { ...props, receivers: { critical: 'slack', warning: 'slack' } }));
    const notifiers = (JSON.parse(resourcesOf(slackOnly, 'helm_release').find((r) => r.name === 'monitoring-secrets')!.values[0]).externalSecrets as { name: string; data: { key: string }[] }[])[1]!;
    expect(notifiers.data.map((d) => d.key)).toEqual(['slack-webhook-url']);
    const grafana = valuesOf('monitoring').grafana;
    expect(grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(resourcesOf(json, 'aws_secretsmanager_secret').map((s) => s.name)).toEqual(['hexabid/test/grafana/admin']);
  });

  it('lets Grafana read CloudWatch, and nothing else, through its own Pod Identity role', () => {
    const role = resourcesOf(json, 'aws_iam_role').find((r) => r.name === 'hexabid-test-grafana')!;
    expect(role).toBeDefined();
    const statements = resourcesOf(json, 'aws_iam_role_policy').flatMap((p) => parsePolicy(p.policy).Statement);
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.every((a) => /^(cloudwatch|logs|ec2|tag|pi):(Describe|List|Get|StartQuery|StopQuery)/.test(a))).toBe(true);
    expect(resourcesOf(json, 'aws_eks_pod_identity_association')).toEqual([expect.objectContaining({ namespace: 'hexabid-system', service_account: 'grafana' })]);
    expect(valuesOf('monitoring').grafana.additionalDataSources).toEqual([expect.objectContaining({ type: 'cloudwatch', uid: 'cloudwatch', jsonData: { authType: 'default', defaultRegion: 'ap-south-1' } })]);
  });

  it('defines the default gp3 class, encrypted with a key the EBS CSI driver may use', () => {
    const [storageClass] = resourcesOf(json, 'kubernetes_storage_class_v1');
    expect(storageClass).toMatchObject({
      metadata: { name: 'gp3-encrypted', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\./) },
      volume_binding_mode: 'WaitForFirstConsumer',
      allow_volume_expansion: true,
    });
    const key = resourcesOf(json, 'aws_kms_key').find((k) => k.description.includes('EBS'))!;
    const grant = parsePolicy(key.policy).Statement.find((s) => s.Sid === 'EbsCsiDriverCreatesGrantsForEc2')!;
    expect(grant).toMatchObject({ Principal: { AWS: props.ebsCsiRoleArn }, Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } });
    expect(key.enable_key_rotation).toBe(true);
  });

  it('renders the rules, the five dashboards and the ExternalSecrets with the real Helm', async () => {
    const dir = scratchDir('hexabid-monitoring');
    try {
      const objects = [];
      for (const name of ['monitoring-secrets', 'monitoring-content']) {
        const file = join(dir, `${name}.json`);
        writeFileSync(file, release(name).values[0]);
        const result = await helm(['template', name, MONITORING_CHART_DIR, '--namespace', 'hexabid-system', '-f', file]);
        expect(result.stderr).toBe('');
        objects.push(...parseDocuments(result.stdout));
      }
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds.filter((k) => k.startsWith('ExternalSecret/'))).toHaveLength(5);
      expect(kinds).toContain('PrometheusRule/hexabid-alerts');
      const dashboards = objects.filter((o) => o.kind === 'ConfigMap');
      expect(dashboards).toHaveLength(DASHBOARDS.length);
      for (const map of dashboards) {
        expect(map.metadata.labels?.grafana_dashboard).toBe('1');
        const [file, text] = Object.entries((map as unknown as { data: Record<string, string> }).data)[0]!;
        expect(JSON.parse(text).uid, file).toBe(file.replace(/\.json$/, ''));
      }
      const rule = objects.find((o) => o.kind === 'PrometheusRule')! as unknown as { spec: { groups: { rules: { annotations?: Record<string, string> }[] }[] } };
      // Alertmanager's own templates survive Helm untouched.
      expect(JSON.stringify(rule.spec)).toContain('{{ $labels.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

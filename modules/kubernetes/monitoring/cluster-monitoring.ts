import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { MONITORING_CHART_DIR } from '../../../lib/chart-path.ts';
import {
  ALERTMANAGER_NOTIFIER_SECRET,
  buildAlertmanagerConfig,
  NOTIFIER_SECRET_KEYS,
  requiredNotifierSecretKeys,
  type AlertRoutingInput,
  type NotificationTarget,
} from '../../../content/monitoring/alertmanager-routing.ts';
import { buildPrometheusRuleSpec } from '../../../content/monitoring/alerts/index.ts';
import { DASHBOARDS } from '../../../content/monitoring/dashboards/index.ts';
import { requireProps, withDefaults } from '../../internal/props.ts';
import { receiversOf } from '../../monitoring/alarm-topics.ts';
import { terraformLiteral } from '../../internal/terraform-literal.ts';
import { GeneratedCredential } from '../../security/generated-credential.ts';
import { AddonRelease, type HelmChartSource, type HelmValues } from '../addons/addon-release.ts';
import { DatastoreExporters } from './datastore-exporters.ts';
import { PrometheusStack, type ContainerResources, type PodToleration } from './prometheus-stack.ts';
import { EncryptedStorageClass } from './storage-class.ts';

/** Where alerts of one severity go. */
export type AlertReceiverKind = 'pagerduty' | 'slack';

export interface ClusterMonitoringCharts {
  readonly kubePrometheusStack: HelmChartSource;
  readonly prometheusOperatorCrds: HelmChartSource;
  readonly postgresExporter: HelmChartSource;
  readonly redisExporter: HelmChartSource;
}

/** A PostgreSQL instance and the Secrets Manager secret of a user that may read its statistics. */
export interface MonitoredDatabase {
  /** `primary`, `replica-1`…: names the exporter release and the Kubernetes Secret. */
  readonly role: string;
  readonly host: string;
  readonly database: string;
  /** Secrets Manager secret (name or ARN) holding JSON `username` and `password`. */
  readonly credentialSecretId: string;
}

export interface ClusterMonitoringProps {
  readonly clusterName: string;
  readonly region: string;
  /** The environment's log groups (names, `*` wildcards), which Grafana may query and no other. */
  readonly readableLogGroupNames: readonly string[];
  /** The monitoring namespace (`hexabid-system`), at Pod Security baseline or stricter. */
  readonly namespace: string;
  /** The privileged namespace of the node agents (node-exporter). */
  readonly nodeAgentsNamespace: string;
  /** The namespace the app runs in, so the rules watch it. */
  readonly appNamespace: string;
  readonly charts: ClusterMonitoringCharts;
  /** The EBS CSI driver's role: it encrypts the volumes with the storage class's key. */
  readonly ebsCsiRoleArn: string;
  /**
   * Prometheus's retention, disk and replicas, and its container's requests
   * (`resources` @default - PrometheusStack's 500m / 2Gi).
   */
  readonly prometheus: { readonly retentionDays: number; readonly storageGiB: number; readonly replicas: number; readonly resources?: ContainerResources };
  readonly alertmanagerReplicas: number;
  /** Where each severity goes; critical alerts also reach the warning receiver (`receiversOf`). */
  readonly receivers: { readonly critical: AlertReceiverKind; readonly warning: AlertReceiverKind };
  /** The ClusterSecretStore that reads Secrets Manager. */
  readonly secretStoreName: string;
  /** Secrets Manager names of the receivers' credentials (values put by ops). */
  readonly notifierSecretNames: { readonly pagerduty: string; readonly slack: string };
  /** Secrets Manager name for Grafana's generated admin credential, and the key that encrypts it. */
  readonly grafanaAdmin: { readonly secretName: string; readonly kmsKeyArn: string; readonly recoveryWindowInDays: number };
  readonly databases: readonly MonitoredDatabase[];
  readonly cache: { readonly host: string; readonly credentialSecretId: string };
  /** Taints of node groups node-exporter must still run on. */
  readonly nodeTolerations: readonly PodToleration[];
  /**
   * Slack channel named in the messages.
   * @default '#hexabid-alerts'
   */
  readonly slackChannel?: string;
  /**
   * A dead man's switch: Alertmanager sends its Watchdog every minute to this
   * SNS topic (`AlertmanagerHeartbeat`), whose silence pages.
   * @default - the Watchdog goes nowhere
   */
  readonly heartbeat?: { readonly topicArn: string; readonly region: string; readonly kmsKeyAlias: string };
  /** What must exist first: the secret store (and its CRDs). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link ClusterMonitoringProps}, applied in one place. */
export const CLUSTER_MONITORING_DEFAULTS = {
  slackChannel: '#hexabid-alerts',
  dependsOn: [],
} as const satisfies Partial<ClusterMonitoringProps>;

/** Kubernetes Secret names the monitoring releases read. */
export const MONITORING_SECRETS = {
  grafanaAdmin: 'grafana-admin',
  notifiers: ALERTMANAGER_NOTIFIER_SECRET,
  redisExporter: 'redis-exporter',
  postgresExporter: (role: string) => `postgres-exporter-${role}`,
} as const;

/**
 * Metrics, alerts and dashboards for one cluster, in the order they must
 * exist: the encrypted storage class; the credentials (External Secrets from
 * Secrets Manager); kube-prometheus-stack; the data stores' exporters; then
 * the alert rules and dashboards, whose CRD the stack brings.
 *
 * On-call reaches Grafana by port-forward through the cluster tunnel, not
 * through the ALB: Grafana's only sign-in here is its admin account, and a
 * public sign-in page with one shared password is not an auth story. The
 * admin password is generated into Secrets Manager.
 */
export class ClusterMonitoring extends Construct implements ITerraformDependable {
  readonly stack: PrometheusStack;
  readonly storageClassName: string;
  readonly grafanaAdminSecretArn: string;
  readonly grafanaRoleArn: string;
  /** The release of the rules and dashboards: depending on it means monitoring is complete. */
  readonly content: AddonRelease;

  constructor(scope: Construct, id: string, props: ClusterMonitoringProps) {
    super(scope, id);
    const p = withDefaults(props, CLUSTER_MONITORING_DEFAULTS);
    requireProps(p.databases.length > 0, 'ClusterMonitoring', id, 'databases must name at least the primary');

    const storage = new EncryptedStorageClass(this, 'Storage', { ebsCsiRoleArn: p.ebsCsiRoleArn, keyAliasName: `${p.clusterName}-volumes` });
    this.storageClassName = storage.storageClassName;

    const grafanaAdmin = new GeneratedCredential(this, 'GrafanaAdmin', {
      secretName: p.grafanaAdmin.secretName,
      description: `Grafana admin of ${p.clusterName} (username and password)`,
      kmsKeyArn: p.grafanaAdmin.kmsKeyArn,
      username: 'admin',
      recoveryWindowInDays: p.grafanaAdmin.recoveryWindowInDays,
    });
    this.grafanaAdminSecretArn = grafanaAdmin.secretArn;

    const target = (kind: AlertReceiverKind): NotificationTarget =>
      kind === 'pagerduty'
        ? { kind: 'pagerduty', routingKeySecretKey: NOTIFIER_SECRET_KEYS.pagerdutyRoutingKey }
        : { kind: 'slack', channel: p.slackChannel, webhookSecretKey: NOTIFIER_SECRET_KEYS.slackWebhookUrl };
    const routing: AlertRoutingInput = {
      receivers: { critical: receiversOf('critical', p.receivers).map(target), warning: receiversOf('warning', p.receivers).map(target), info: [] },
      heartbeat: p.heartbeat ? { topicArn: p.heartbeat.topicArn, region: p.heartbeat.region } : undefined,
    };
    const notifierRemote: Record<string, string> = {
      [NOTIFIER_SECRET_KEYS.pagerdutyRoutingKey]: p.notifierSecretNames.pagerduty,
      [NOTIFIER_SECRET_KEYS.slackWebhookUrl]: p.notifierSecretNames.slack,
    };

    const externalSecrets: HelmValues[] = [
      {
        name: MONITORING_SECRETS.grafanaAdmin,
        data: [
          { key: 'admin-user', remoteKey: grafanaAdmin.secretName, property: 'username' },
          { key: 'admin-password', remoteKey: grafanaAdmin.secretName, property: 'password' },
        ],
      },
      // Only the credentials the routes use, so an unused receiver needs no value.
      { name: MONITORING_SECRETS.notifiers, data: requiredNotifierSecretKeys(routing).map((key) => ({ key, remoteKey: notifierRemote[key]! })) },
      ...p.databases.map((db) => ({
        name: MONITORING_SECRETS.postgresExporter(db.role),
        data: [
          { key: 'username', remoteKey: db.credentialSecretId, property: 'username' },
          { key: 'password', remoteKey: db.credentialSecretId, property: 'password' },
        ],
      })),
      { name: MONITORING_SECRETS.redisExporter, data: [{ key: 'password', remoteKey: p.cache.credentialSecretId, property: 'password' }] },
    ];
    const secrets = new AddonRelease(this, 'Secrets', {
      releaseName: 'monitoring-secrets',
      namespace: p.namespace,
      chart: { directory: MONITORING_CHART_DIR },
      values: { secretStore: p.secretStoreName, externalSecrets },
      // The values name the Grafana secret by reference, so Terraform creates it first.
      dependsOn: p.dependsOn,
    });

    this.stack = new PrometheusStack(this, 'Stack', {
      clusterName: p.clusterName,
      region: p.region,
      readableLogGroupNames: p.readableLogGroupNames,
      namespace: p.namespace,
      nodeAgentsNamespace: p.nodeAgentsNamespace,
      appNamespace: p.appNamespace,
      chart: p.charts.kubePrometheusStack,
      crdsChart: p.charts.prometheusOperatorCrds,
      storageClassName: storage.storageClassName,
      retentionDays: p.prometheus.retentionDays,
      storageGiB: p.prometheus.storageGiB,
      prometheusReplicas: p.prometheus.replicas,
      ...(p.prometheus.resources ? { prometheusResources: p.prometheus.resources } : {}),
      alertmanagerReplicas: p.alertmanagerReplicas,
      alertmanagerConfig: buildAlertmanagerConfig(routing) as unknown as HelmValues,
      alertmanagerHeartbeat: p.heartbeat,
      notifierSecretName: MONITORING_SECRETS.notifiers,
      grafanaAdminSecretName: MONITORING_SECRETS.grafanaAdmin,
      nodeTolerations: p.nodeTolerations,
      dependsOn: [secrets],
    });
    this.grafanaRoleArn = this.stack.grafanaRoleArn;

    new DatastoreExporters(this, 'Exporters', {
      namespace: p.namespace,
      postgresChart: p.charts.postgresExporter,
      redisChart: p.charts.redisExporter,
      postgres: p.databases.map((db) => ({
        releaseName: db.role === 'primary' ? 'postgres-exporter' : `postgres-exporter-${db.role}`,
        host: db.host,
        database: db.database,
        credentialSecretName: MONITORING_SECRETS.postgresExporter(db.role),
      })),
      redisHost: p.cache.host,
      redisCredentialSecretName: MONITORING_SECRETS.redisExporter,
      dependsOn: [this.stack, secrets],
    });

    const rules = buildPrometheusRuleSpec({}, { appNamespace: p.appNamespace });
    this.content = new AddonRelease(this, 'Content', {
      releaseName: 'monitoring-content',
      namespace: p.namespace,
      chart: { directory: MONITORING_CHART_DIR },
      values: {
        secretStore: p.secretStoreName,
        prometheusRules: { 'hexabid-alerts': rules as unknown as HelmValues },
        // Dashboards are Grafana's text: its `${…}` must not reach Terraform as an expression.
        dashboards: Object.fromEntries(DASHBOARDS.map((d) => [d.fileName, terraformLiteral(JSON.stringify(d.build()))])),
      },
      dependsOn: [this.stack],
    });
  }

  /** Depending on monitoring means depending on Prometheus, Alertmanager and Grafana being installed. */
  get fqn(): string {
    return this.stack.fqn;
  }
}

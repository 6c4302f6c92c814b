import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import type { PolicyStatement } from '../../internal/iam.ts';
import { withDefaults, requireProps } from '../../internal/props.ts';
import { PodIdentityRole } from '../../identity/pod-identity-role.ts';
import { AddonRelease, type HelmChartSource, type HelmValues } from '../addons/addon-release.ts';
import { CRITICAL_ADDON_PLACEMENT } from '../addons/addon-defaults.ts';
import { alertmanagerRoleName } from '../../monitoring/alertmanager-heartbeat.ts';

/** Container requests and limits, as Kubernetes quantities (a type, so it is plain Helm values). */
export type ContainerResources = {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
};

/** A toleration, as a pod spec writes it. */
export type PodToleration = {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
};

export interface PrometheusStackProps {
  readonly clusterName: string;
  readonly region: string;
  /**
   * The log groups Grafana may query (names, `*` wildcards): the
   * environment's own, in its region. Another environment's logs are not
   * Grafana's to read, even in the same account.
   */
  readonly readableLogGroupNames: readonly string[];
  /** Where Prometheus, Alertmanager, Grafana and the operator run. */
  readonly namespace: string;
  /** The privileged namespace of the node agents: node-exporter reads the host's /proc and /sys. */
  readonly nodeAgentsNamespace: string;
  /**
   * The app's namespace: HexaBid's own rules watch its pods, so the chart's
   * default pod and workload rules leave it out rather than page twice.
   * @default - the default rules watch every namespace
   */
  readonly appNamespace?: string;
  /** kube-prometheus-stack, pinned. */
  readonly chart: HelmChartSource;
  /** prometheus-operator-crds at the same operator version, so chart upgrades upgrade the CRDs too. */
  readonly crdsChart: HelmChartSource;
  /** The encrypted StorageClass of Prometheus's and Alertmanager's volumes. */
  readonly storageClassName: string;
  readonly retentionDays: number;
  readonly storageGiB: number;
  /** @default 1 */
  readonly prometheusReplicas?: number;
  /** @default 1 */
  readonly alertmanagerReplicas?: number;
  /** Alertmanager's `route`, `receivers` and `inhibit_rules`, credentials only as `*_file` paths. */
  readonly alertmanagerConfig: HelmValues;
  /** The Secret with the notifiers' credentials, mounted at /etc/alertmanager/secrets/<name>. */
  readonly notifierSecretName: string;
  /** The Secret with Grafana's admin user (`admin-user`) and password (`admin-password`). */
  readonly grafanaAdminSecretName: string;
  /** Taints node-exporter tolerates, so it runs on every node. */
  readonly nodeTolerations: readonly PodToleration[];
  /** @default { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } } */
  readonly prometheusResources?: ContainerResources;
  /**
   * Alertmanager's heartbeat topic (`AlertmanagerHeartbeat`): Alertmanager gets
   * a Pod Identity role that may publish to it, through its KMS key (named by
   * alias, since it is another stack's).
   * @default - no role: Alertmanager calls no AWS API
   */
  readonly alertmanagerHeartbeat?: { readonly topicArn: string; readonly region: string; readonly kmsKeyAlias: string };
  /** Releases that must exist first: the ExternalSecrets of the two Secrets above. @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link PrometheusStackProps}, applied in one place. */
export const PROMETHEUS_STACK_DEFAULTS = {
  prometheusReplicas: 1,
  alertmanagerReplicas: 1,
  prometheusResources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
  dependsOn: [],
} as const satisfies Partial<PrometheusStackProps>;

/**
 * What Alertmanager needs to send its heartbeat: publish to the topic, and the
 * topic's key through SNS. The key is another stack's, so it is named by its
 * alias (`kms:ResourceAliases`, AWS KMS "Using aliases to control access").
 */
export function heartbeatPublishStatements(heartbeat: { readonly topicArn: string; readonly region: string; readonly kmsKeyAlias: string }, accountId: string, partition: string): PolicyStatement[] {
  return [
    { Sid: 'PublishHeartbeat', Effect: 'Allow', Action: 'sns:Publish', Resource: heartbeat.topicArn },
    {
      Sid: 'EncryptHeartbeat',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: `arn:${partition}:kms:${heartbeat.region}:${accountId}:key/*`,
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': heartbeat.kmsKeyAlias },
        StringEquals: { 'kms:ViaService': `sns.${heartbeat.region}.amazonaws.com` },
      },
    },
  ];
}

/** Names fixed here so that runbooks, port-forwards and Pod Identity can name them. */
export const PROMETHEUS_STACK_NAMES = {
  release: 'monitoring',
  grafanaService: 'grafana',
  grafanaServiceAccount: 'grafana',
  alertmanagerServiceAccount: 'monitoring-alertmanager',
  /** The chart names objects after its full name: `<fullname>-prometheus`. */
  fullname: 'monitoring',
  prometheusService: 'monitoring-prometheus',
  alertmanagerService: 'monitoring-alertmanager',
} as const;

/**
 * What Grafana's CloudWatch data source reads, as Grafana's docs list it
 * ("Configure the CloudWatch data source", metrics and logs permissions):
 * reads only, with Logs Insights queries limited to the given log groups.
 */
export function grafanaCloudWatchStatements(logGroupArns: readonly string[]): PolicyStatement[] {
  return [
  {
    Sid: 'AllowReadingMetricsFromCloudWatch',
    Effect: 'Allow',
    Action: [
      'cloudwatch:DescribeAlarmsForMetric',
      'cloudwatch:DescribeAlarmHistory',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:ListMetrics',
      'cloudwatch:GetMetricData',
      'cloudwatch:GetInsightRuleReport',
    ],
    Resource: '*',
  },
  { Sid: 'AllowReadingResourceMetricsFromPerformanceInsights', Effect: 'Allow', Action: 'pi:GetResourceMetrics', Resource: '*' },
  { Sid: 'AllowListingLogGroups', Effect: 'Allow', Action: ['logs:DescribeLogGroups', 'logs:GetQueryResults'], Resource: '*' },
  {
    // logs:StopQuery, which Grafana's list also has, is left out: it takes no resource, and a
    // write on "*" is refused here. A cancelled query runs on to its own timeout.
    Sid: 'AllowReadingLogsFromCloudWatch',
    Effect: 'Allow',
    Action: ['logs:GetLogGroupFields', 'logs:StartQuery', 'logs:GetLogEvents'],
    Resource: [...logGroupArns],
  },
  { Sid: 'AllowReadingTagsInstancesRegionsFromEC2', Effect: 'Allow', Action: ['ec2:DescribeTags', 'ec2:DescribeInstances', 'ec2:DescribeRegions'], Resource: '*' },
  { Sid: 'AllowReadingResourcesForTags', Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
  ];
}

const quantity = (gib: number) => `${gib}Gi`;

/**
 * kube-prometheus-stack: the Prometheus operator, Prometheus, Alertmanager,
 * Grafana, kube-state-metrics and node-exporter, in one release.
 *
 * - The CRDs come from their own release first: Helm never upgrades CRDs that a
 *   chart keeps in `crds/`, and the operator fails on CRDs older than itself.
 * - The control plane is EKS's: etcd, the scheduler, the controller manager
 *   and kube-proxy expose nothing to scrape, so their jobs and rules are off.
 * - Prometheus selects every PodMonitor, ServiceMonitor and rule in the
 *   cluster, not only this release's, so the app's PodMonitor is scraped.
 * - Grafana reads CloudWatch directly, as its own Pod Identity role, for the
 *   managed stores' metrics: no exporter to run, and nothing is polled
 *   (and billed per metric) unless someone looks. Alerting on those metrics
 *   is CloudWatch's own alarms, which work when the cluster does not.
 */
export class PrometheusStack extends Construct implements ITerraformDependable {
  readonly release: AddonRelease;
  readonly crdsRelease: AddonRelease;
  readonly grafanaRoleArn: string;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: PrometheusStackProps) {
    super(scope, id);
    const p = withDefaults(props, PROMETHEUS_STACK_DEFAULTS);
    requireProps(p.retentionDays >= 1, 'PrometheusStack', id, `retentionDays must be at least 1 (got ${p.retentionDays})`);
    requireProps(p.storageGiB >= p.retentionDays, 'PrometheusStack', id, `storageGiB (${p.storageGiB}) must be at least one GiB per retained day (${p.retentionDays})`);
    requireProps(p.readableLogGroupNames.length > 0 && !p.readableLogGroupNames.includes('*'), 'PrometheusStack', id, "readableLogGroupNames must name the environment's log groups, not every group (*)");

    const { accountId, partition, region } = awsContext(this);
    const grafanaRole = new PodIdentityRole(this, 'GrafanaRole', {
      clusterName: p.clusterName,
      roleName: `${p.clusterName}-grafana`,
      serviceAccounts: [{ namespace: p.namespace, name: PROMETHEUS_STACK_NAMES.grafanaServiceAccount }],
      statements: grafanaCloudWatchStatements(
        // A group is named with or without the trailing `:*` (its streams).
        p.readableLogGroupNames.flatMap((name) => [`arn:${partition}:logs:${region}:${accountId}:log-group:${name}`, `arn:${partition}:logs:${region}:${accountId}:log-group:${name}:*`]),
      ),
    });

    const alertmanagerRole = p.alertmanagerHeartbeat
      ? new PodIdentityRole(this, 'AlertmanagerRole', {
          clusterName: p.clusterName,
          roleName: alertmanagerRoleName(p.clusterName),
          serviceAccounts: [{ namespace: p.namespace, name: PROMETHEUS_STACK_NAMES.alertmanagerServiceAccount }],
          statements: heartbeatPublishStatements(p.alertmanagerHeartbeat, accountId, partition),
        })
      : undefined;

    this.crdsRelease = new AddonRelease(this, 'Crds', { releaseName: 'prometheus-operator-crds', namespace: p.namespace, chart: p.crdsChart });

    const placement = CRITICAL_ADDON_PLACEMENT;
    // Prometheus stops ingesting old blocks before the disk fills: 85 % of the volume.
    const retentionSize = `${Math.floor(p.storageGiB * 0.85)}GB`;
    const volume = (gib: number) => ({
      volumeClaimTemplate: { spec: { storageClassName: p.storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: quantity(gib) } } } },
    });
    const values: HelmValues = {
      fullnameOverride: PROMETHEUS_STACK_NAMES.fullname,
      crds: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeProxy: { enabled: false },
      defaultRules: {
        create: true,
        ...(p.appNamespace !== undefined ? { appNamespacesOperator: '!~', appNamespacesTarget: p.appNamespace } : {}),
        rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false, windows: false },
      },
      prometheusOperator: {
        ...placement,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        // The config-reloader sidecar beside every Prometheus and Alertmanager.
        prometheusConfigReloader: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } },
      },
      prometheus: {
        prometheusSpec: {
          replicas: p.prometheusReplicas,
          retention: `${p.retentionDays}d`,
          retentionSize,
          storageSpec: volume(p.storageGiB),
          podMonitorSelectorNilUsesHelmValues: false,
          serviceMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          resources: p.prometheusResources,
          ...placement,
        },
      },
      alertmanager: {
        // No `tpl`: the receivers' texts are Alertmanager templates, not Helm's.
        tplConfig: false,
        config: { global: { resolve_timeout: '5m' }, ...p.alertmanagerConfig },
        // Named, so its Pod Identity association (when it has a role) matches it.
        serviceAccount: { create: true, name: PROMETHEUS_STACK_NAMES.alertmanagerServiceAccount },
        alertmanagerSpec: {
          replicas: p.alertmanagerReplicas,
          secrets: [p.notifierSecretName],
          storage: volume(5),
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          ...placement,
        },
      },
      grafana: {
        fullnameOverride: PROMETHEUS_STACK_NAMES.grafanaService,
        // One replica: without a shared database, two Grafanas would not share sessions.
        replicas: 1,
        admin: { existingSecret: p.grafanaAdminSecretName, userKey: 'admin-user', passwordKey: 'admin-password' },
        serviceAccount: { create: true, name: PROMETHEUS_STACK_NAMES.grafanaServiceAccount },
        // Dashboards are code: nothing a user saves survives a restart, by design.
        persistence: { enabled: false },
        sidecar: {
          // Each sidecar (dashboards, data sources) takes these.
          resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: p.namespace, folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true, allowUiUpdates: false } },
        },
        additionalDataSources: [{ name: 'CloudWatch', type: 'cloudwatch', uid: 'cloudwatch', access: 'proxy', jsonData: { authType: 'default', defaultRegion: p.region } }],
        'grafana.ini': { users: { allow_sign_up: false }, 'auth.anonymous': { enabled: false }, analytics: { check_for_updates: false, reporting_enabled: false } },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        ...placement,
      },
      'kube-state-metrics': {
        replicas: 1,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        ...placement,
      },
      'prometheus-node-exporter': {
        namespaceOverride: p.nodeAgentsNamespace,
        tolerations: [...p.nodeTolerations],
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      },
    };
    this.release = new AddonRelease(this, 'Chart', {
      releaseName: PROMETHEUS_STACK_NAMES.release,
      namespace: p.namespace,
      chart: p.chart,
      values,
      dependsOn: [this.crdsRelease, grafanaRole.associations[0]!, ...(alertmanagerRole?.associations ?? []), ...p.dependsOn],
    });
    this.grafanaRoleArn = grafanaRole.roleArn;
    this.namespace = p.namespace;
  }

  /** Depending on the stack means depending on its release having succeeded. */
  get fqn(): string {
    return this.release.fqn;
  }
}

import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { Fn, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { environmentLogGroupPatterns } from '../environments/stack-names.ts';
import type { EnvironmentConfig, NodeGroupConfig } from '../environments/types.ts';
import { eksAddonRoleName } from '../modules/eks.ts';
import { ContainerLogs } from '../modules/kubernetes/monitoring/container-logs.ts';
import { ClusterMonitoring, type MonitoredDatabase } from '../modules/kubernetes/monitoring/cluster-monitoring.ts';
import type { PodToleration } from '../modules/kubernetes/monitoring/prometheus-stack.ts';
import { LoadBalancerAlarms } from '../modules/monitoring/load-balancer-alarms.ts';
import type { InfrastructureOutputs } from './infrastructure-outputs.ts';
import { containerLogGroupPrefix } from '../environments/stack-names.ts';
import { heartbeatTarget } from './watch-region.ts';

/** The EKS taint effects, as a pod's toleration names them. */
const TOLERATION_EFFECTS = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' } as const;

/** Tolerations of every taint the node groups carry, so node agents run on every node. */
export function nodeAgentTolerations(config: EnvironmentConfig): PodToleration[] {
  const groups: readonly NodeGroupConfig[] = Object.values(config.cluster.nodeGroups);
  const taints = groups.flatMap((group) => group.taints ?? []);
  const unique = new Map(taints.map((t) => [`${t.key}=${t.value}:${t.effect}`, t]));
  return [...unique.values()].map((t) => ({ key: t.key, operator: 'Equal', value: t.value, effect: TOLERATION_EFFECTS[t.effect] }));
}

export interface ObservabilityWiring {
  readonly config: EnvironmentConfig;
  readonly infra: InfrastructureOutputs;
  readonly clusterName: string;
  /** The app's namespace, as a reference: what runs in it waits for it. */
  readonly appNamespace: string;
  readonly systemNamespace: string;
  /**
   * The plain names of every namespace whose containers log (each gets a log
   * group, and Fluent Bit reads only these): app, system and add-ons.
   */
  readonly loggedNamespaces: { readonly app: string; readonly others: readonly string[] };
  readonly secretStoreName: string;
  /** The secret store release: ExternalSecrets need it first. */
  readonly secretStore: ITerraformDependable;
  /** The key of the stack's own secrets (Grafana's admin credential). */
  readonly secretsKmsKeyArn: string;
  /** Secrets Manager prefix of the environment, `hexabid/<env>`. */
  readonly secretNamePrefix: string;
}

/**
 * An environment's cluster observability: container logs to CloudWatch, and
 * metrics, alerts and dashboards in the cluster. The AWS-side alarms live in
 * the infrastructure stack, so they page when this cluster cannot.
 */
export function observeCluster(scope: Construct, w: ObservabilityWiring): { monitoring: ClusterMonitoring; logs: ContainerLogs } {
  const m = w.config.monitoring;
  const tolerations = nodeAgentTolerations(w.config);
  const logs = new ContainerLogs(scope, 'ContainerLogs', {
    clusterName: w.clusterName,
    chart: m.charts.fluentBit,
    namespaces: [w.loggedNamespaces.app, ...w.loggedNamespaces.others, 'kube-system', 'default'],
    appNamespace: w.loggedNamespaces.app,
    logGroupPrefix: containerLogGroupPrefix(w.config.name),
    logRetentionDays: m.containerLogRetentionDays,
    keyAliasName: `${w.clusterName}-container-logs`,
    tolerations,
  });

  const databases: MonitoredDatabase[] = [
    { role: 'primary', host: w.infra.string('db_instance_address'), database: w.config.database.databaseName, credentialSecretId: w.infra.string('db_master_secret_arn') },
    ...Array.from({ length: w.config.database.readReplicas }, (_, i) => ({
      role: `replica-${i + 1}`,
      host: Fn.element(w.infra.list('db_replica_addresses'), i),
      database: w.config.database.databaseName,
      credentialSecretId: w.infra.string('db_master_secret_arn'),
    })),
  ];
  const monitoring = new ClusterMonitoring(scope, 'Monitoring', {
    clusterName: w.clusterName,
    region: w.config.region,
    readableLogGroupNames: environmentLogGroupPatterns(w.config.name),
    namespace: w.systemNamespace,
    nodeAgentsNamespace: logs.namespaceName,
    appNamespace: w.appNamespace,
    charts: m.charts,
    ebsCsiRoleArn: `arn:aws:iam::${w.config.accountId}:role/${eksAddonRoleName(w.clusterName, 'ebs-csi')}`,
    prometheus: m.prometheus,
    alertmanagerReplicas: m.alertmanagerReplicas,
    receivers: m.receivers,
    secretStoreName: w.secretStoreName,
    notifierSecretNames: { pagerduty: w.infra.string('alerting_pagerduty_secret_name'), slack: w.infra.string('alerting_slack_secret_name') },
    grafanaAdmin: { secretName: `${w.secretNamePrefix}/grafana/admin`, kmsKeyArn: w.secretsKmsKeyArn, recoveryWindowInDays: w.config.secretRecoveryWindowDays },
    databases,
    cache: { host: w.infra.string('cache_primary_endpoint'), credentialSecretId: w.infra.string('cache_auth_secret_arn') },
    nodeTolerations: tolerations,
    // Production and its standby page: their Alertmanagers send a heartbeat, whose silence pages from the watch region.
    heartbeat: heartbeatTarget(w.config),
    dependsOn: [w.secretStore, logs.release],
  });
  return { monitoring, logs };
}

/**
 * CloudWatch alarms on the app's load balancer, which the controller makes
 * from the release's Ingress. The lookup waits for the release, so on the
 * first apply it runs once the ALB exists.
 */
export function loadBalancerAlarms(scope: Construct, w: { config: EnvironmentConfig; infra: InfrastructureOutputs; clusterName: string; appNamespace: string; ingressName: string; release: ITerraformDependable }): { alarms: LoadBalancerAlarms; loadBalancer: DataAwsLb } {
  const alb = new DataAwsLb(scope, 'AppLoadBalancer', {
    // The AWS Load Balancer Controller tags what it makes with the cluster and `<namespace>/<ingress>`.
    tags: { 'elbv2.k8s.aws/cluster': w.clusterName, 'ingress.k8s.aws/stack': `${w.appNamespace}/${w.ingressName}` },
    dependsOn: [w.release],
  });
  const alarms = new LoadBalancerAlarms(scope, 'LoadBalancerAlarms', {
    namePrefix: `${w.clusterName}-alb`,
    loadBalancerArnSuffix: alb.arnSuffix,
    topics: { critical: w.infra.string('alerts_critical_topic_arn'), warning: w.infra.string('alerts_warning_topic_arn') },
    thresholds: w.config.monitoring.alarms,
  });
  return { alarms, loadBalancer: alb };
}

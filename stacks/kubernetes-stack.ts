import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { imageRepositoryName, OPENSEARCH_SECURITY_SERVICE_ACCOUNT } from '../environments/account.ts';
import { SYSTEM_NAMESPACE } from '../lib/namespaces.ts';
import type { DisasterRecoveryConfig, EnvironmentConfig } from '../environments/types.ts';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from '../lib/aws-catalog.ts';
import { CHART_DIR, PLATFORM_CHART_DIR } from '../lib/chart-path.ts';
import { AWS_LOAD_BALANCER_CONTROLLER_DEFAULTS, AwsLoadBalancerController } from '../modules/kubernetes/addons/aws-load-balancer-controller.ts';
import { CLUSTER_AUTOSCALER_DEFAULTS, ClusterAutoscaler } from '../modules/kubernetes/addons/cluster-autoscaler.ts';
import { EXTERNAL_DNS_DEFAULTS, ExternalDns } from '../modules/kubernetes/addons/external-dns.ts';
import { EXTERNAL_SECRETS_DEFAULTS, ExternalSecrets } from '../modules/kubernetes/addons/external-secrets.ts';
import { METRICS_SERVER_DEFAULTS, MetricsServer } from '../modules/kubernetes/addons/metrics-server.ts';
import { DnsValidatedCertificate } from '../modules/edge/certificate.ts';
import { DnsZone } from '../modules/edge/dns-zone.ts';
import { RegionalOrigin } from '../modules/edge/regional-origin.ts';
import { AppRole } from '../modules/identity/app-role.ts';
import { AWS_COMPONENTS, HEXABID_COMPONENTS, HexabidRelease, hexabidServiceAccountNames, type HexabidComponent, type HexabidEnvironmentValues } from '../modules/kubernetes/hexabid-release.ts';
import { databaseUserSecretNames } from '../modules/security/database-users.ts';
import { KubernetesNamespace } from '../modules/kubernetes/namespace.ts';
import { SearchRoleMapping } from '../modules/kubernetes/search-role-mapping.ts';
import { SearchSnapshots } from '../modules/kubernetes/search-snapshots/search-snapshots.ts';
import { WebApplicationFirewall } from '../modules/edge/waf.ts';
import { configureClusterProviders } from './cluster-connection.ts';
import { InfrastructureOutputs } from './infrastructure-outputs.ts';
import { imageTagVariable } from './image-tag-variable.ts';
import { awsProvider, cacheAuthSecretName, requireTerraformVersion, secretNamePrefix, stateBackend } from './stack-foundation.ts';
import { TerraformPlanAccess } from '../modules/kubernetes/terraform-plan-access.ts';
import { TERRAFORM_PLANNERS_GROUP } from './cluster-access.ts';
import { infrastructureStackName, kubernetesStackName } from '../environments/stack-names.ts';
import { loadBalancerAlarms, observeCluster } from './kubernetes-observability.ts';
import { createDatabaseUsers } from './kubernetes-database.ts';
import { dependOn } from '../modules/internal/depend-on.ts';
import { THIRD_PARTY_SECRETS } from './third-party-secrets.ts';


/** Namespace of the app, from config (`hexabid-prod` in production). */
export function appNamespaceName(config: EnvironmentConfig): string {
  return config.kubernetes.appNamespace;
}

/** Each component's image in the environment's own registry (the bootstrap stack's ECR repositories). */
export function imageRepositoryUrls(config: EnvironmentConfig): Record<HexabidComponent, string> {
  return Object.fromEntries(HEXABID_COMPONENTS.map((c) => [c, `${config.app.imageRegistry}/${imageRepositoryName(c)}`])) as Record<HexabidComponent, string>;
}


/**
 * What the app's release takes from the environment (hexabid-release.ts,
 * `environmentValues`): its domain, VPC range, and the names of the secrets
 * the infrastructure stack and this stack make, under the environment's
 * prefix (a standby's is its primary's: it reads the replicated copies).
 */
export function hexabidEnvironmentValues(config: EnvironmentConfig): HexabidEnvironmentValues {
  const prefix = secretNamePrefix(config);
  const database = databaseUserSecretNames(prefix);
  return {
    domainName: config.edge.domainName,
    vpcCidr: config.network.vpcCidr,
    secretNames: {
      db: database.app,
      dbReader: database.appReadonly,
      dbMigrator: database.migrator,
      redis: cacheAuthSecretName(prefix),
      ...(Object.fromEntries(THIRD_PARTY_SECRETS.map((s) => [s.name, `${prefix}/${s.name}`])) as Record<(typeof THIRD_PARTY_SECRETS)[number]['name'], string>),
    },
  };
}

/**
 * The environment's part in DNS failover: a primary with disaster recovery
 * answers first, its standby second; both keep the primary's health-check
 * settings. Undefined for environments without a standby.
 */
export function dnsFailover(config: EnvironmentConfig): { role: 'PRIMARY' | 'SECONDARY'; healthCheck: DisasterRecoveryConfig['healthCheck'] } | undefined {
  if (config.disasterRecovery) return { role: 'PRIMARY', healthCheck: config.disasterRecovery.healthCheck };
  if (config.standbyFor) return { role: 'SECONDARY', healthCheck: STANDBY_HEALTH_CHECK };
  return undefined;
}

/**
 * The search domain's snapshots: a primary with disaster recovery takes them
 * daily into the bucket that replicates to its standby's region; the standby
 * keeps the same job suspended and restores from that replica when the
 * failover applies it (docs/DISASTER-RECOVERY.md).
 */
function searchSnapshots(scope: Construct, config: EnvironmentConfig, infra: InfrastructureOutputs, w: { clusterName: string; namespace: string }): SearchSnapshots | undefined {
  const common = {
    clusterName: w.clusterName,
    namespace: w.namespace,
    domainArn: infra.string('opensearch_domain_arn'),
    domainEndpoint: infra.string('opensearch_endpoint'),
    region: config.region,
    image: config.kubernetes.awsCliImage,
  };
  if (config.disasterRecovery) {
    return new SearchSnapshots(scope, 'SearchSnapshots', {
      ...common,
      bucketName: infra.string('search_snapshot_bucket_name'),
      repositoryRoleArn: infra.string('search_snapshot_role_arn'),
      schedule: config.disasterRecovery.searchSnapshotSchedule,
      retentionDays: config.disasterRecovery.searchSnapshotRetentionDays,
    });
  }
  if (config.standbyFor) {
    // Named as the primary's stack names them: the primary region may be down, its state unreadable.
    const primary = infrastructureStackName({ name: config.standbyFor.primary });
    const replica = { bucketName: `${primary}-search-snapshots-replica-${config.accountId}`, region: config.region };
    return new SearchSnapshots(scope, 'SearchSnapshots', {
      ...common,
      ...replica,
      repositoryRoleArn: `arn:aws:iam::${config.accountId}:role/${primary}-search-snapshots`,
      suspendSnapshots: true,
      restore: replica,
    });
  }
  return undefined;
}

/** A standby's origin check: as the primary's, so failback reads the same signal. */
const STANDBY_HEALTH_CHECK = { intervalSeconds: 30, failureThreshold: 3 } as const;

/**
 * Everything inside the cluster of `hexabid-<env>`, plus the edge in front of
 * it: namespaces, platform add-ons with their Pod Identity roles, app secrets,
 * certificate, WAF, DNS, and the HexaBid release itself.
 *
 * The Kubernetes and Helm providers are configured from a data source looked
 * up by the cluster's name, never from a resource in this stack; everything
 * else this stack needs from the infrastructure comes from that stack's
 * outputs in remote state.
 */
export class KubernetesStack extends TerraformStack {
  readonly release: HexabidRelease;

  constructor(scope: Construct, config: EnvironmentConfig) {
    const id = kubernetesStackName(config);
    super(scope, id);
    awsProvider(this, config);
    requireTerraformVersion(this);
    stateBackend(this, config, id);

    const infra = new InfrastructureOutputs(this, 'Infrastructure', config);
    const { clusterName } = configureClusterProviders(this, config);

    // Edge: zone, certificate and WAF; the ALB itself comes from the controller.
    const edge = config.edge;
    const zone = new DnsZone(this, 'Zone', {
      zoneName: edge.hostedZone.zoneName,
      create: edge.hostedZone.create,
      parentZoneName: edge.hostedZone.create ? edge.hostedZone.parentZoneName : undefined,
    });
    const certificate = new DnsValidatedCertificate(this, 'Certificate', { domainName: edge.domainName, hostedZoneId: zone.zoneId });
    const waf = new WebApplicationFirewall(this, 'Firewall', {
      name: clusterName,
      rateLimit: edge.rateLimit.requests,
      rateLimitWindowSeconds: edge.rateLimit.windowSeconds,
      logRetentionDays: config.cluster.logRetentionDays,
    });

    // Namespaces.
    const app = new KubernetesNamespace(this, 'AppNamespace', {
      name: appNamespaceName(config),
      quota: config.kubernetes.appQuota,
      // Pods wait for their ALB target to be healthy before a rollout moves on.
      labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' },
    });
    const system = new KubernetesNamespace(this, 'SystemNamespace', {
      name: SYSTEM_NAMESPACE,
      podSecurity: 'baseline',
      podSecurityReason: 'Monitoring and logging; an agent that needs host paths gets its own privileged namespace',
    });

    // Secrets: the infrastructure stack made them all, the third-party ones empty for ops to fill.
    const secretPrefix = secretNamePrefix(config);
    const secretsKmsKeyArn = infra.string('app_secrets_kms_key_arn');

    // Platform add-ons.
    const addons = config.kubernetes.addons;
    const loadBalancers = new AwsLoadBalancerController(this, 'AwsLoadBalancerController', {
      clusterName,
      chart: addons.awsLoadBalancerController,
      vpcId: infra.string('vpc_id'),
      clusterSecurityGroupId: infra.string('cluster_security_group_id'),
      webAclArns: [waf.webAclArn],
    });
    const externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', {
      clusterName,
      chart: addons.externalSecrets,
      secretNamePrefix: secretPrefix,
      kmsKeyArns: [...new Set([infra.string('db_kms_key_arn'), infra.string('db_secrets_kms_key_arn'), infra.string('cache_kms_key_arn'), infra.string('alerting_kms_key_arn'), secretsKmsKeyArn])],
      storeChartDirectory: PLATFORM_CHART_DIR,
      allowedNamespaces: [app.namespaceName, system.namespaceName],
    });
    const dns = new ExternalDns(this, 'ExternalDns', {
      clusterName,
      chart: addons.externalDns,
      hostedZoneId: zone.zoneId,
      hostedZoneArn: zone.zoneArn,
      domainName: edge.domainName,
    });
    const autoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', {
      clusterName,
      chart: addons.clusterAutoscaler,
      imageTag: CLUSTER_AUTOSCALER_IMAGE_TAGS[config.cluster.kubernetesVersion] ?? '',
      nodeGroupNames: Object.keys(config.cluster.nodeGroups),
    });
    const metrics = new MetricsServer(this, 'MetricsServer', { chart: addons.metricsServer });

    // Logs, metrics, alerts and dashboards; the AWS-side alarms are the infrastructure stack's.
    const addonNamespaces = [loadBalancers.namespace, externalSecrets.namespace, dns.namespace, autoscaler.namespace, metrics.namespace];
    const { monitoring, logs } = observeCluster(this, {
      config,
      infra,
      clusterName,
      appNamespace: app.namespaceName,
      systemNamespace: system.namespaceName,
      loggedNamespaces: {
        app: appNamespaceName(config),
        others: [SYSTEM_NAMESPACE, ...[AWS_LOAD_BALANCER_CONTROLLER_DEFAULTS, EXTERNAL_SECRETS_DEFAULTS, EXTERNAL_DNS_DEFAULTS, CLUSTER_AUTOSCALER_DEFAULTS, METRICS_SERVER_DEFAULTS].map((d) => d.namespace)],
      },
      secretStoreName: externalSecrets.storeName,
      secretStore: externalSecrets.storeRelease,
      secretsKmsKeyArn,
      secretNamePrefix: secretPrefix,
    });

    // The app's AWS identity: the documents bucket and its key, nothing else.
    const serviceAccounts = hexabidServiceAccountNames();
    const appRole = new AppRole(this, 'AppRole', {
      clusterName,
      roleName: `${clusterName}-app`,
      serviceAccounts: AWS_COMPONENTS.map((component) => ({ namespace: app.namespaceName, name: serviceAccounts[component] })),
      documents: { bucketArn: infra.string('documents_bucket_arn'), kmsKeyArn: infra.string('documents_kms_key_arn') },
      search: { domainArn: infra.string('opensearch_domain_arn') },
      cache: { replicationGroupArn: infra.string('cache_replication_group_arn'), userArn: infra.string('cache_app_user_arn') },
    });
    // Daily search snapshots into the replicated repository; a standby restores from its replica instead.
    const snapshots = searchSnapshots(this, config, infra, { clusterName, namespace: system.namespaceName });
    // Fine-grained access control admits the app's role only once it is mapped inside the domain.
    const searchAccess = new SearchRoleMapping(this, 'SearchRoleMapping', {
      snapshotRoleArns: snapshots ? [snapshots.roleArn] : undefined,
      snapshotRolesRestore: snapshots?.restoreHold !== undefined,
      clusterName,
      namespace: system.namespaceName,
      domainEndpoint: infra.string('opensearch_endpoint'),
      region: config.region,
      masterRoleArn: infra.string('opensearch_master_role_arn'),
      backendRoleArns: [appRole.roleArn],
      image: config.kubernetes.awsCliImage,
      serviceAccountName: OPENSEARCH_SECURITY_SERVICE_ACCOUNT,
    });
    // The hold and the restore sign in as the snapshot role, which the domain admits only once it is mapped.
    if (snapshots?.restoreHold) dependOn(snapshots.restoreHold, [searchAccess.job]);

    // The app's database users exist, with the passwords their secrets hold, before any migration runs.
    const databaseUsers = createDatabaseUsers(this, {
      namespace: system.namespaceName,
      host: infra.string('db_instance_address'),
      dbName: config.database.databaseName,
      secretStoreName: externalSecrets.storeName,
      remoteSecrets: {
        master: infra.string('db_master_secret_arn'),
        migrator: infra.string('db_migrator_secret_name'),
        app: infra.string('db_app_secret_name'),
        appReadonly: infra.string('db_app_readonly_secret_name'),
      },
      dependsOn: [externalSecrets.storeRelease],
    });

    // DNS failover: each region's origin has a health check, and the release's records are failover records.
    const failover = dnsFailover(config);
    const origin = failover
      ? new RegionalOrigin(this, 'Origin', {
          hostedZoneId: zone.zoneId,
          domainName: edge.domainName,
          region: config.region,
          requestIntervalSeconds: failover.healthCheck.intervalSeconds,
          failureThreshold: failover.healthCheck.failureThreshold,
          // The primary's failing check pages; the standby's matters only after a failover.
          alarm: config.disasterRecovery
            ? { namePrefix: clusterName, topics: { critical: infra.string('health_check_alerts_critical_topic_arn'), warning: infra.string('health_check_alerts_warning_topic_arn') } }
            : undefined,
        })
      : undefined;

    const imageTag = imageTagVariable(this, config);
    const replicas = config.database.readReplicas;
    this.release = new HexabidRelease(this, 'Hexabid', {
      chartDirectory: CHART_DIR,
      namespace: app.namespaceName,
      valuesFile: config.app.valuesFile,
      environment: hexabidEnvironmentValues(config),
      imageTag: imageTag.stringValue,
      endpoints: {
        databaseHost: infra.string('db_instance_address'),
        databaseReaderHost: replicas > 0 ? Fn.element(infra.list('db_replica_addresses'), 0) : undefined,
        redisHost: infra.string('cache_primary_endpoint'),
        searchEndpoint: infra.string('opensearch_endpoint'),
        documentsBucket: infra.string('documents_bucket_name'),
        certificateArn: certificate.certificateArn,
        wafAclArn: waf.webAclArn,
        accessLogs: { bucket: infra.string('access_logs_bucket_name'), prefix: infra.string('alb_access_logs_prefix') },
        secretStoreName: externalSecrets.storeName,
      },
      imageRepositories: imageRepositoryUrls(config),
      searchSigningRegion: config.region,
      monitoringNamespace: SYSTEM_NAMESPACE,
      cacheIamSignIn: { user: infra.string('cache_app_user_name'), replicationGroupId: infra.string('cache_replication_group_id'), region: config.region },
      dnsFailover: failover && origin ? { setIdentifier: config.region, role: failover.role, healthCheckId: origin.healthCheckId } : undefined,
      // The controller's webhooks, the store, the HPAs' metrics, the DNS writer and the pods' roles come first.
      // …and Prometheus's CRDs, for the chart's PodMonitor.
      // …and on a standby, the hold on index auto-creation, so the app's first writes cannot race the search restore.
      dependsOn: [
        loadBalancers.release, externalSecrets.storeRelease, metrics.release, dns.release, ...appRole.associations, searchAccess.job, monitoring, databaseUsers.job,
        ...(snapshots?.restoreHold ? [snapshots.restoreHold] : []),
      ],
    });
    const { loadBalancer } = loadBalancerAlarms(this, { config, infra, clusterName, appNamespace: app.namespaceName, ingressName: this.release.releaseName, release: this.release.release });
    origin?.routeTo({ dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId });

    // CI's plan role refreshes every release, and Helm keeps each release's record in a Secret of its namespace.
    new TerraformPlanAccess(this, 'TerraformPlanAccess', {
      groupName: TERRAFORM_PLANNERS_GROUP,
      releaseNamespaces: [...addonNamespaces, app.namespaceName, system.namespaceName, logs.namespaceName],
    });

    const outputs: Record<string, { value: string | string[] | Record<string, string>; description: string }> = {
      app_namespace: { value: app.namespaceName, description: 'Namespace HexaBid runs in' },
      // CI re-applies with the tag that is serving when a change brings no new one.
      release_image_tag: { value: imageTag.stringValue, description: 'Image tag of the release as last applied' },
      ...(origin ? { origin_host_name: { value: origin.hostName, description: "This region's origin name, which Route53's failover health check probes" }, origin_health_check_id: { value: origin.healthCheckId, description: 'Route53 health check of the origin' } } : {}),
      hosted_zone_id: { value: zone.zoneId, description: `Route53 zone of ${edge.domainName}` },
      hosted_zone_name_servers: { value: zone.nameServers, description: 'Name servers of the zone (for delegation)' },
      certificate_arn: { value: certificate.certificateArn, description: `ACM certificate for ${certificate.domainNames.join(', ')}` },
      web_acl_arn: { value: waf.webAclArn, description: 'WAFv2 web ACL on the ALB' },
      app_role_arn: { value: appRole.roleArn, description: 'Pod Identity role of the api, worker and scraper' },
      aws_load_balancer_controller_role_arn: { value: loadBalancers.roleArn, description: 'Pod Identity role of the AWS Load Balancer Controller' },
      external_secrets_role_arn: { value: externalSecrets.roleArn, description: 'Pod Identity role of external-secrets' },
      external_dns_role_arn: { value: dns.roleArn, description: 'Pod Identity role of external-dns' },
      grafana_admin_secret_arn: { value: monitoring.grafanaAdminSecretArn, description: "Grafana's generated admin credential (docs/OBSERVABILITY.md, Reaching Grafana)" },
      container_log_groups: { value: logs.logGroupNames, description: 'CloudWatch log group of each namespace' },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

/**
 * The typed shape of one HexaBid environment. Everything that differs between
 * dev, staging and production lives here; modules never branch on names.
 */

/**
 * How the private subnets reach the internet: a NAT gateway per zone, one
 * shared gateway, or a NAT instance (a t4g.nano; no managed failover, not in production).
 */
export type NatGatewayStrategy = 'single' | 'one-per-az' | 'instance';

/** Cache engines that ElastiCache offers with the Redis protocol. */
export type CacheEngine = 'valkey' | 'redis';

export interface StateBackendConfig {
  /** S3 bucket that holds Terraform state (see README, "Bootstrapping state"). */
  readonly bucket: string;
  /** Region of the state bucket. */
  readonly region: string;
  /** KMS key (ARN or alias) that encrypts state objects. */
  readonly kmsKeyId: string;
}

export interface NetworkConfig {
  /** The VPC's IPv4 range; each environment owns a distinct /16. */
  readonly vpcCidr: string;
  /** Availability zones, one subnet of each tier per zone. */
  readonly availabilityZones: readonly string[];
  /** Public subnets (load balancers, NAT gateways), one per zone. */
  readonly publicSubnets: readonly string[];
  /** Private subnets (EKS nodes and pods), one per zone. */
  readonly privateSubnets: readonly string[];
  /** Database subnets (RDS, ElastiCache, OpenSearch), one per zone, no internet route. */
  readonly databaseSubnets: readonly string[];
  readonly natGateways: NatGatewayStrategy;
  readonly flowLogRetentionDays: number;
  /**
   * Zones the interface endpoints (Secrets Manager) have an interface in:
   * `one` charges a third of the hours; the other zones reach it across zones.
   * @default 'every'
   */
  readonly interfaceEndpointZones?: 'one' | 'every';
}

export interface NodeGroupConfig {
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  readonly diskSizeGiB: number;
  /** Taints that keep other workloads off this group. */
  readonly taints?: readonly { key: string; value: string; effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' }[];
  /**
   * Pods per node, and kube-reserved memory for that many (255 MiB + 11 MiB
   * a pod). Required when `cluster.prefixDelegation` is on, refused when off.
   * @default - the VPC CNI's ENI figure (17 on a t3.medium)
   */
  readonly maxPods?: number;
}

export interface ClusterConfig {
  readonly kubernetesVersion: string;
  /** IAM role ARNs granted cluster-admin through EKS access entries; at least one, or nobody can administer the cluster. */
  readonly adminRoleArns: readonly string[];
  /** IAM role ARNs that may read the cluster (EKS view policy, every namespace), for support and audit. */
  readonly viewRoleArns: readonly string[];
  /** IAM role ARNs of developers: the EKS edit policy in the app namespace, and nothing elsewhere. */
  readonly developerRoleArns: readonly string[];
  /**
   * IAM role ARNs that run `terraform plan` against the Kubernetes stack: view,
   * plus read access to the Helm release records the plan refreshes.
   */
  readonly planRoleArns: readonly string[];
  /** CIDRs allowed to reach the public API endpoint; empty turns the public endpoint off. */
  readonly publicAccessCidrs: readonly string[];
  readonly logRetentionDays: number;
  /**
   * VPC CNI prefix delegation: pods take addresses from /28 prefixes, so a
   * node's pod count is its own `maxPods` instead of its ENIs' addresses.
   * @default false
   */
  readonly prefixDelegation?: boolean;
  /**
   * Hours when every node group is scaled to zero: the app is down, the
   * control plane and data stores stay. For environments nobody uses at night.
   * @default - always on
   */
  readonly offHours?: {
    /** Cron (minute hour day-of-month month day-of-week) when the nodes stop, e.g. `0 20 * * 1-5`. */
    readonly scaleDown: string;
    /** Cron when they come back, e.g. `0 8 * * 1-5`. */
    readonly scaleUp: string;
    /** IANA time zone of both, e.g. `Asia/Kolkata`. */
    readonly timeZone: string;
  };
  readonly nodeGroups: {
    /** Runs api, frontend and the platform add-ons. */
    readonly app: NodeGroupConfig;
    /**
     * Runs background workers and the scraper, tainted for them. Without it
     * they run on the app group (the chart's values for the environment must
     * select it): dev, whose two nodes hold everything.
     */
    readonly worker?: NodeGroupConfig;
  };
}

export interface DatabaseConfig {
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly multiAz: boolean;
  /** Number of same-region read replicas. */
  readonly readReplicas: number;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** Bump to rotate the master password (it is regenerated and re-stored). */
  readonly masterPasswordVersion: number;
  /**
   * Stop the instance when `cluster.offHours` stops the nodes, and start it
   * when they start (EventBridge Scheduler), paying storage only in between.
   * Its users' credentials then rotate in a window inside working hours.
   * Not in production, nor with read replicas or a disaster-recovery replica
   * (RDS stops neither a source of replicas nor a replica).
   * @default false
   */
  readonly stopOutOfHours?: boolean;
}

export interface CacheConfig {
  readonly engine: CacheEngine;
  readonly engineVersion: string;
  readonly nodeType: string;
  /** Primary plus replicas. */
  readonly numCacheClusters: number;
  readonly snapshotRetentionDays: number;
  /** Bump to rotate the AUTH token. */
  readonly authTokenVersion: number;
}

export interface SearchConfig {
  readonly engineVersion: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** How many zones the data nodes spread over; 1 turns zone awareness off. */
  readonly availabilityZoneCount: number;
  readonly volumeSizeGiB: number;
  readonly dedicatedMasterType?: string;
}

export interface DocumentsConfig {
  /** Allow `terraform destroy` to empty the buckets. Dev only. */
  readonly forceDestroy: boolean;
  /** DR region for cross-region replication; unset means no replication. */
  readonly replicationRegion?: string;
  readonly noncurrentVersionExpirationDays: number;
  readonly intelligentTieringAfterDays: number;
  readonly accessLogRetentionDays: number;
}

/** A Helm chart pinned to one version in one repository. */
export interface PinnedChart {
  /** HTTPS chart repository. */
  readonly repository: string;
  readonly chart: string;
  /** An exact chart version: never a range, so a plan never upgrades by surprise. */
  readonly version: string;
}

/** The platform add-ons the Kubernetes layer installs, each pinned. */
export interface AddonCharts {
  readonly awsLoadBalancerController: PinnedChart;
  readonly externalSecrets: PinnedChart;
  readonly externalDns: PinnedChart;
  readonly clusterAutoscaler: PinnedChart;
  readonly metricsServer: PinnedChart;
}

/** The Route53 zone that holds the app's records: an existing one, or one this environment owns. */
export type HostedZoneConfig =
  | { readonly create: false; readonly zoneName: string }
  | {
      readonly create: true;
      readonly zoneName: string;
      /** An existing zone to delegate from (NS records); unset means delegation is done by hand. */
      readonly parentZoneName?: string;
    };

export interface EdgeConfig {
  /** The app's domain. The certificate covers it and every tenant subdomain (`*.<domain>`). */
  readonly domainName: string;
  readonly hostedZone: HostedZoneConfig;
  /** WAF rate-based rule: requests one client IP may make per window before it is blocked. */
  readonly rateLimit: { readonly requests: number; readonly windowSeconds: 60 | 120 | 300 | 600 };
}

/** The app namespace's ceiling (ResourceQuota); Kubernetes quantities. */
export interface NamespaceQuotaConfig {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsCpu: string;
  readonly limitsMemory: string;
  readonly pods: number;
}

export interface KubernetesLayerConfig {
  /** The namespace HexaBid runs in; ops type it, so it is short (`hexabid-prod`). */
  readonly appNamespace: string;
  readonly addons: AddonCharts;
  /** An AWS CLI v2 image, pinned, for jobs that call AWS APIs (the OpenSearch role mapping). */
  readonly awsCliImage: string;
  /** Ceiling of everything in the app namespace, rolling updates included. */
  readonly appQuota: NamespaceQuotaConfig;
}

export interface AppReleaseConfig {
  /** The chart's values file for this environment, under `helm/hexabid/`. */
  readonly valuesFile: string;
  /**
   * Whether every plan must be given `image_tag`. When false, an empty tag
   * leaves each image at the tag its values file names.
   */
  readonly requireImageTag: boolean;
  /** The private registry (`<account>.dkr.ecr.<region>.amazonaws.com`) every HexaBid image comes from. */
  readonly imageRegistry: string;
}

/** Where alerts of one severity go. Each receiver's credential is a Secrets Manager secret; ops put its value. */
export type AlertReceiver = 'pagerduty' | 'slack';

/** Thresholds of the AWS-side CloudWatch alarms, which page even when the cluster is down. */
export interface AlarmThresholds {
  readonly databaseCpuPercent: number;
  readonly databaseFreeStorageGiB: number;
  /** Connections per instance, as a share of its max_connections, which RDS derives from the class's memory. */
  readonly databaseConnectionsPercent: number;
  readonly replicaLagSeconds: number;
  readonly cacheMemoryPercent: number;
  /** Keys evicted per 5 minutes, per cache node. */
  readonly cacheEvictionsPer5Minutes: number;
  readonly searchFreeStorageGiB: number;
  readonly searchJvmMemoryPressurePercent: number;
  /** 5xx answered by the ALB or its targets, per 5 minutes. */
  readonly loadBalancer5xxPer5Minutes: number;
  readonly targetResponseTimeSeconds: number;
}

/** The monitoring charts, each pinned. */
export interface MonitoringCharts {
  readonly kubePrometheusStack: PinnedChart;
  /** The operator's CRDs, at kube-prometheus-stack's operator version: Helm upgrades them only from a chart of their own. */
  readonly prometheusOperatorCrds: PinnedChart;
  readonly postgresExporter: PinnedChart;
  readonly redisExporter: PinnedChart;
  readonly fluentBit: PinnedChart;
}

export interface MonitoringConfig {
  readonly charts: MonitoringCharts;
  /**
   * Prometheus: days and disk kept, replicas (two in production, so an upgrade
   * loses no scrape), and the container's requests and memory limit, sized to
   * the environment's series (`resources` @default - 500m and 2Gi, limit 4Gi).
   */
  readonly prometheus: {
    readonly retentionDays: number;
    readonly storageGiB: number;
    readonly replicas: number;
    readonly resources?: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly memory: string } };
  };
  readonly alertmanagerReplicas: number;
  /** Days container logs are kept in CloudWatch Logs. */
  readonly containerLogRetentionDays: number;
  /** Receivers by severity; `info` alerts go nowhere but the dashboards. */
  readonly receivers: { readonly critical: AlertReceiver; readonly warning: AlertReceiver };
  readonly alarms: AlarmThresholds;
}

/**
 * What a primary environment keeps ready in its disaster-recovery region so
 * that its standby environment can take over (docs/DISASTER-RECOVERY.md).
 */
export interface DisasterRecoveryConfig {
  /** The standby environment that takes over, built in `documents.replicationRegion`. */
  readonly standbyEnvironment: string;
  /** Days the daily search snapshots are kept. */
  readonly searchSnapshotRetentionDays: number;
  /** UTC cron schedule of the daily search snapshot. */
  readonly searchSnapshotSchedule: string;
  /** Route53's health check of the primary's `/health`, which DNS failover follows. */
  readonly healthCheck: { readonly intervalSeconds: 10 | 30; readonly failureThreshold: number };
}

/**
 * A standby environment: its database is a cross-region replica of the
 * primary's, kept running; everything else is built on failover from the
 * primary's replicas (documents, search snapshots, secrets).
 */
export interface StandbyConfig {
  /** The environment this one stands by for. */
  readonly primary: string;
  /** The primary's region, where the replicated database and secrets come from. */
  readonly primaryRegion: string;
}

export interface EnvironmentConfig {
  /** Short name: `hexabid-<name>` prefixes every resource. */
  readonly name: string;
  /** Production-grade guard rails (Multi-AZ, deletion protection, backups) are enforced. */
  readonly isProduction: boolean;
  /** The only AWS account this environment may be applied to. */
  readonly accountId: string;
  readonly region: string;
  readonly costCenter: string;
  readonly state: StateBackendConfig;
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  readonly search: SearchConfig;
  readonly documents: DocumentsConfig;
  readonly edge: EdgeConfig;
  readonly kubernetes: KubernetesLayerConfig;
  readonly app: AppReleaseConfig;
  readonly monitoring: MonitoringConfig;
  /** Days a deleted secret can still be recovered. */
  readonly secretRecoveryWindowDays: number;
  /** Days between automatic rotations of every database and cache credential. */
  readonly credentialRotationDays: number;
  /**
   * What the environment may cost a month at list prices, in US dollars: a
   * test fails when `npm run cost`'s estimate exceeds it, and CI's cost check
   * does too. Raise it in the same change that makes the environment dearer.
   */
  readonly budgetUsdPerMonth: number;
  /**
   * What this environment keeps ready in its DR region for its standby.
   * @default - no disaster recovery beyond the documents' replication
   */
  readonly disasterRecovery?: DisasterRecoveryConfig;
  /**
   * Set on a standby environment only: the primary whose replicas it takes over.
   * @default - a primary environment
   */
  readonly standbyFor?: StandbyConfig;
}

/** The sizing part of an environment, so production can switch presets in one line. */
export interface SizingPreset {
  /** The budget that goes with this size (see {@link EnvironmentConfig.budgetUsdPerMonth}). */
  readonly budgetUsdPerMonth: number;
  readonly nodeGroups: ClusterConfig['nodeGroups'];
  readonly database: Pick<DatabaseConfig, 'instanceClass' | 'readReplicas' | 'allocatedStorageGiB' | 'maxAllocatedStorageGiB'>;
  readonly cache: Pick<CacheConfig, 'nodeType' | 'numCacheClusters'>;
  readonly search: Pick<SearchConfig, 'instanceType' | 'instanceCount' | 'volumeSizeGiB' | 'dedicatedMasterType'>;
}

import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry, PRODUCTION_ACCOUNT } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, APEX_ZONE, RATE_LIMIT, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, inAccount, threeZoneNetwork, WORKER_TAINTS } from './common.ts';
import { defineEnvironment } from './define.ts';
import { production } from './production.ts';
import type { EnvironmentConfig } from './types.ts';

/**
 * Production's standby in the DR region (docs/DISASTER-RECOVERY.md), in a
 * pilot-light pattern: only its network and the cross-region database replica
 * run (`hexabid-production-dr-standby`); the cluster, cache, search domain and
 * app (`hexabid-production-dr`, `hexabid-production-dr-k8s`) are applied on
 * failover, from production's replicas. Its state lives in the DR region, so
 * nothing in a failover reads ap-south-1.
 *
 * Sized for production's traffic. Its data stores are Graviton classes: the
 * region's RDS, ElastiCache and OpenSearch offer them where older Intel
 * generations may not be (check with the commands in the document's
 * "Before you need it"); the nodes stay x86 until the app's images are multi-arch.
 */
export const productionDr: EnvironmentConfig = defineEnvironment({
  ...inAccount(PRODUCTION_ACCOUNT, PRODUCTION_ACCOUNT.drRegion),
  name: 'production-dr',
  isProduction: true,
  standbyFor: { primary: production.name, primaryRegion: production.region },
  // One NAT gateway while standing by: the replica needs none, and a failover adds no NAT on the critical path.
  network: { ...threeZoneNetwork(3, PRODUCTION_ACCOUNT.drRegion), natGateways: 'single', flowLogRetentionDays: 365 },
  cluster: {
    kubernetesVersion: production.cluster.kubernetesVersion,
    adminRoleArns: clusterAdminRoleArns('production-dr', PRODUCTION_ACCOUNT),
    viewRoleArns: clusterViewRoleArns(PRODUCTION_ACCOUNT),
    developerRoleArns: clusterDeveloperRoleArns(PRODUCTION_ACCOUNT),
    planRoleArns: clusterPlanRoleArns(PRODUCTION_ACCOUNT),
    publicAccessCidrs: [],
    logRetentionDays: 90,
    nodeGroups: {
      app: { instanceTypes: ['m6i.xlarge'], minSize: 3, maxSize: 10, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
      worker: {
        instanceTypes: ['m6i.large'], minSize: 2, maxSize: 10, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 50,
        taints: WORKER_TAINTS,
      },
    },
  },
  database: {
    ...APP_DATABASE,
    // The replica's class, kept when it is promoted; storage follows the primary's.
    instanceClass: 'db.r6g.xlarge',
    allocatedStorageGiB: production.database.allocatedStorageGiB,
    maxAllocatedStorageGiB: production.database.maxAllocatedStorageGiB,
    // Single-AZ while standing by (half the price); the failover turns on Multi-AZ after promotion.
    multiAz: false,
    readReplicas: 0,
    backupRetentionDays: 7,
    deletionProtection: true,
  },
  cache: { ...APP_CACHE_ENGINE, nodeType: 'cache.r6g.large', numCacheClusters: 2, snapshotRetentionDays: 7 },
  search: { ...APP_SEARCH_ENGINE, instanceType: 'r6g.large.search', instanceCount: 3, availabilityZoneCount: 3, volumeSizeGiB: production.search.volumeSizeGiB },
  // The documents are production's replica bucket; nothing replicates back until failback.
  documents: { ...production.documents, replicationRegion: undefined },
  // The same domain: DNS failover sends it here once this side's load balancer exists.
  edge: { domainName: APEX_ZONE, hostedZone: { create: false, zoneName: APEX_ZONE }, rateLimit: RATE_LIMIT },
  kubernetes: { ...production.kubernetes, addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE },
  // The same values as production, with images from the region's replicated registry.
  app: { valuesFile: production.app.valuesFile, requireImageTag: true, imageRegistry: imageRegistry(PRODUCTION_ACCOUNT, PRODUCTION_ACCOUNT.drRegion) },
  monitoring: { ...production.monitoring, charts: MONITORING_CHARTS, alarms: ALARM_THRESHOLDS },
  credentialRotationDays: production.credentialRotationDays,
  // Standing by: the network, the replica and alerting. A failover's stacks are priced apart by `npm run cost`.
  budgetUsdPerMonth: 550,
  secretRecoveryWindowDays: production.secretRecoveryWindowDays,
});

import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry, NON_PRODUCTION_ACCOUNT } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, delegatedEdge, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, inAccount, SMALL_PROMETHEUS, SPOT_WORKER_TYPES, threeZoneNetwork, WORKER_TAINTS } from './common.ts';
import { defineEnvironment } from './define.ts';

/**
 * Staging: 2 × t3.large app nodes (2–4) and 1 Spot worker (1–3),
 * production's shape at a smaller size, where the shape is what a test
 * needs. It keeps three zones, prefix delegation and production's node
 * families, so releases meet the same scheduling and network as production.
 * It gives up what only a zone failure would test (one NAT gateway, a
 * single-AZ database, one cache and one search node, the Secrets Manager
 * endpoint in one zone), and runs its workers on Spot. `npm run cost` prices
 * it; what it costs above the design's ~$430 is what the design left out: the
 * load balancer, WAF, KMS, the endpoint and the logs.
 */
export const staging = defineEnvironment({
  ...inAccount(NON_PRODUCTION_ACCOUNT),
  name: 'staging',
  isProduction: false,
  network: { ...threeZoneNetwork(1), natGateways: 'single', flowLogRetentionDays: 30, interfaceEndpointZones: 'one' },
  cluster: {
    kubernetesVersion: '1.35',
    adminRoleArns: clusterAdminRoleArns('staging', NON_PRODUCTION_ACCOUNT),
    viewRoleArns: clusterViewRoleArns(NON_PRODUCTION_ACCOUNT),
    developerRoleArns: clusterDeveloperRoleArns(NON_PRODUCTION_ACCOUNT),
    planRoleArns: clusterPlanRoleArns(NON_PRODUCTION_ACCOUNT),
    publicAccessCidrs: [],
    logRetentionDays: 30,
    prefixDelegation: true,
    nodeGroups: {
      app: { instanceTypes: ['t3.large'], minSize: 2, maxSize: 4, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 30, maxPods: 40 },
      // Retried batch work on Spot, over four 2-vCPU, 8 GiB types.
      worker: {
        instanceTypes: SPOT_WORKER_TYPES, minSize: 1, maxSize: 3, desiredSize: 1, capacityType: 'SPOT', diskSizeGiB: 30, maxPods: 24,
        taints: WORKER_TAINTS,
      },
    },
  },
  database: {
    ...APP_DATABASE,
    // Graviton (see lib/aws-catalog.ts for how its Region availability is checked).
    instanceClass: 'db.t4g.medium',
    allocatedStorageGiB: 50,
    maxAllocatedStorageGiB: 200,
    // Multi-AZ failover is rehearsed in the quarterly drill (docs/DISASTER-RECOVERY.md), not paid for every hour.
    multiAz: false,
    readReplicas: 0,
    backupRetentionDays: 7,
    deletionProtection: true,
  },
  cache: { ...APP_CACHE_ENGINE, nodeType: 'cache.t4g.small', numCacheClusters: 1, snapshotRetentionDays: 7 },
  search: { ...APP_SEARCH_ENGINE, instanceType: 't3.small.search', instanceCount: 1, availabilityZoneCount: 1, volumeSizeGiB: 20 },
  documents: { forceDestroy: false, noncurrentVersionExpirationDays: 30, intelligentTieringAfterDays: 30, accessLogRetentionDays: 90 },
  edge: delegatedEdge('staging'),
  kubernetes: { appNamespace: 'hexabid-staging', addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE, appQuota: { requestsCpu: '6', requestsMemory: '8Gi', limitsCpu: '16', limitsMemory: '24Gi', pods: 30 } },
  app: { valuesFile: 'values-staging.yaml', requireImageTag: true, imageRegistry: imageRegistry(NON_PRODUCTION_ACCOUNT) },
  monitoring: { charts: MONITORING_CHARTS, prometheus: { retentionDays: 15, storageGiB: 20, replicas: 1, resources: SMALL_PROMETHEUS }, alertmanagerReplicas: 1, containerLogRetentionDays: 30, receivers: { critical: 'slack', warning: 'slack' }, alarms: { ...ALARM_THRESHOLDS, searchFreeStorageGiB: 5 } },
  credentialRotationDays: 30,
  budgetUsdPerMonth: 650,
  secretRecoveryWindowDays: 7,
});

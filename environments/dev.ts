import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry, NON_PRODUCTION_ACCOUNT } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, delegatedEdge, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, inAccount, threeZoneNetwork, WORKER_TAINTS } from './common.ts';
import { defineEnvironment } from './define.ts';

/** Development: 3 × t3.medium (2 app, 1 worker), a single NAT gateway, no deletion protection. */
export const dev = defineEnvironment({
  ...inAccount(NON_PRODUCTION_ACCOUNT),
  name: 'dev',
  isProduction: false,
  network: { ...threeZoneNetwork(2), natGateways: 'single', flowLogRetentionDays: 14 },
  cluster: {
    kubernetesVersion: '1.35',
    adminRoleArns: clusterAdminRoleArns('dev', NON_PRODUCTION_ACCOUNT),
    viewRoleArns: clusterViewRoleArns(NON_PRODUCTION_ACCOUNT),
    developerRoleArns: clusterDeveloperRoleArns(NON_PRODUCTION_ACCOUNT),
    planRoleArns: clusterPlanRoleArns(NON_PRODUCTION_ACCOUNT),
    publicAccessCidrs: [],
    logRetentionDays: 14,
    nodeGroups: {
      // Three nodes: a t3.medium admits 17 pods, six of them DaemonSets (EKS's four, node-exporter, Fluent Bit),
      // and the app, add-ons, monitoring and system pods are 24.
      app: { instanceTypes: ['t3.medium'], minSize: 3, maxSize: 4, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 30 },
      worker: {
        instanceTypes: ['t3.medium'], minSize: 1, maxSize: 2, desiredSize: 1, capacityType: 'ON_DEMAND', diskSizeGiB: 30,
        taints: WORKER_TAINTS,
      },
    },
  },
  database: {
    ...APP_DATABASE,
    instanceClass: 'db.t3.small',
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 100,
    multiAz: false,
    readReplicas: 0,
    backupRetentionDays: 1,
    deletionProtection: false,
  },
  cache: { ...APP_CACHE_ENGINE, nodeType: 'cache.t3.micro', numCacheClusters: 1, snapshotRetentionDays: 1 },
  // The cost plan has no search domain for dev, but the app needs one: a single small node.
  search: { ...APP_SEARCH_ENGINE, instanceType: 't3.small.search', instanceCount: 1, availabilityZoneCount: 1, volumeSizeGiB: 10 },
  documents: { forceDestroy: true, noncurrentVersionExpirationDays: 30, intelligentTieringAfterDays: 30, accessLogRetentionDays: 30 },
  edge: delegatedEdge('dev'),
  kubernetes: { appNamespace: 'hexabid-dev', addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE, appQuota: { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '6', limitsMemory: '8Gi', pods: 20 } },
  app: { valuesFile: 'values-dev.yaml', requireImageTag: false, imageRegistry: imageRegistry(NON_PRODUCTION_ACCOUNT) },
  monitoring: { charts: MONITORING_CHARTS, prometheus: { retentionDays: 7, storageGiB: 20, replicas: 1 }, alertmanagerReplicas: 1, containerLogRetentionDays: 14, receivers: { critical: 'slack', warning: 'slack' }, alarms: { ...ALARM_THRESHOLDS, databaseFreeStorageGiB: 4, searchFreeStorageGiB: 2 } },
  credentialRotationDays: 30,
  budgetUsdPerMonth: 500,
  secretRecoveryWindowDays: 0,
});

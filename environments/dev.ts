import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, delegatedEdge, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, COMMON, SMALL_PROMETHEUS, threeZoneNetwork, WORKER_TAINTS } from './common.ts';
import { defineEnvironment } from './define.ts';

/**
 * Development: 2 × t3.medium app nodes (2–3) and 1 Spot worker (1–2), all
 * stopped out of hours; a NAT instance instead of a NAT gateway; no deletion
 * protection.
 *
 * Prefix delegation lets two app nodes hold dev's 25 app, add-on and system
 * pods with six DaemonSet pods each (a t3.medium admits 17 without it, which
 * took three or four nodes); `maxPods` 32 leaves each 3,389 MiB after
 * kube-reserved. Weekdays 08:00–20:00 IST the nodes run; the rest of the week
 * the cluster has none and the app is down (the data stores keep running).
 */
/** Weekdays 08:00 to 20:00 in India; nights and weekends off. */
const DEV_OFF_HOURS = { scaleDown: '0 20 * * 1-5', scaleUp: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' } as const;

const DEV_SPOT_WORKER_TYPES = ['t3.medium', 't3a.medium', 'c6i.large'];

export const dev = defineEnvironment({
  ...COMMON,
  name: 'dev',
  isProduction: false,
  network: { ...threeZoneNetwork(2), natGateways: 'instance', flowLogRetentionDays: 14, interfaceEndpointZones: 'one' },
  cluster: {
    kubernetesVersion: '1.35',
    adminRoleArns: clusterAdminRoleArns('dev'),
    viewRoleArns: clusterViewRoleArns(),
    developerRoleArns: clusterDeveloperRoleArns(),
    planRoleArns: clusterPlanRoleArns(),
    publicAccessCidrs: [],
    logRetentionDays: 14,
    prefixDelegation: true,
    offHours: DEV_OFF_HOURS,
    nodeGroups: {
      app: { instanceTypes: ['t3.medium'], minSize: 2, maxSize: 3, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 20, maxPods: 32 },
      // Retried batch work on Spot, over three 2-vCPU, 4 GiB types so one type's shortage does not stop it.
      worker: {
        instanceTypes: DEV_SPOT_WORKER_TYPES, minSize: 1, maxSize: 2, desiredSize: 1, capacityType: 'SPOT', diskSizeGiB: 20, maxPods: 24,
        taints: WORKER_TAINTS,
      },
    },
  },
  database: {
    ...APP_DATABASE,
    // Graviton (see lib/aws-catalog.ts for how its Region availability is checked).
    instanceClass: 'db.t4g.small',
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 100,
    multiAz: false,
    readReplicas: 0,
    backupRetentionDays: 1,
    deletionProtection: false,
  },
  cache: { ...APP_CACHE_ENGINE, nodeType: 'cache.t4g.micro', numCacheClusters: 1, snapshotRetentionDays: 1 },
  // The cost plan has no search domain for dev, but the app needs one: a single small node.
  search: { ...APP_SEARCH_ENGINE, instanceType: 't3.small.search', instanceCount: 1, availabilityZoneCount: 1, volumeSizeGiB: 10 },
  documents: { forceDestroy: true, noncurrentVersionExpirationDays: 30, intelligentTieringAfterDays: 30, accessLogRetentionDays: 30 },
  edge: delegatedEdge('dev'),
  kubernetes: { appNamespace: 'hexabid-dev', addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE, appQuota: { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '6', limitsMemory: '8Gi', pods: 20 } },
  app: { valuesFile: 'values-dev.yaml', requireImageTag: false, imageRegistry: imageRegistry() },
  monitoring: { charts: MONITORING_CHARTS, prometheus: { retentionDays: 7, storageGiB: 10, replicas: 1, resources: SMALL_PROMETHEUS }, alertmanagerReplicas: 1, containerLogRetentionDays: 14, receivers: { critical: 'slack', warning: 'slack' }, alarms: { ...ALARM_THRESHOLDS, databaseFreeStorageGiB: 4, searchFreeStorageGiB: 2 } },
  credentialRotationDays: 30,
  budgetUsdPerMonth: 500,
  secretRecoveryWindowDays: 0,
});

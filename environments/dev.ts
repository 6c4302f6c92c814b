import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry, NON_PRODUCTION_ACCOUNT } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, delegatedEdge, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, inAccount, SMALL_PROMETHEUS, threeZoneNetwork } from './common.ts';
import { defineEnvironment } from './define.ts';

/**
 * Development: the design's 2 × t3.medium nodes (2–3), one group that runs
 * everything, the worker and the scraper too, all stopped out of hours; a NAT
 * instance instead of a NAT gateway; no deletion protection.
 *
 * Prefix delegation lets two nodes hold dev's 27 app, worker, add-on and
 * system pods with six DaemonSet pods each (a t3.medium admits 17 without it,
 * which took four nodes); `maxPods` 32 leaves each 3,389 MiB after
 * kube-reserved. Weekdays 08:00–20:00 IST the nodes and the database run; the
 * rest of the week the cluster has no nodes, the database is stopped and the
 * app is down (the cache and the search domain, which AWS cannot stop, keep
 * running). The database's credentials rotate on the first Monday of each
 * month, 09:00–11:00 IST.
 */
/** Weekdays 08:00 to 20:00 in India; nights and weekends off. */
const DEV_OFF_HOURS = { scaleDown: '0 20 * * 1-5', scaleUp: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' } as const;

export const dev = defineEnvironment({
  ...inAccount(NON_PRODUCTION_ACCOUNT),
  name: 'dev',
  isProduction: false,
  network: { ...threeZoneNetwork(2), natGateways: 'instance', flowLogRetentionDays: 14, interfaceEndpointZones: 'one' },
  cluster: {
    kubernetesVersion: '1.35',
    adminRoleArns: clusterAdminRoleArns('dev', NON_PRODUCTION_ACCOUNT),
    viewRoleArns: clusterViewRoleArns(NON_PRODUCTION_ACCOUNT),
    developerRoleArns: clusterDeveloperRoleArns(NON_PRODUCTION_ACCOUNT),
    planRoleArns: clusterPlanRoleArns(NON_PRODUCTION_ACCOUNT),
    publicAccessCidrs: [],
    logRetentionDays: 14,
    prefixDelegation: true,
    offHours: DEV_OFF_HOURS,
    nodeGroups: {
      // No worker group: the worker and the scraper run here (values-dev.yaml selects this group for them).
      app: { instanceTypes: ['t3.medium'], minSize: 2, maxSize: 3, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 20, maxPods: 32 },
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
    // Nothing connects while the nodes are off: stopped with them, it costs its storage only.
    stopOutOfHours: true,
  },
  cache: { ...APP_CACHE_ENGINE, nodeType: 'cache.t4g.micro', numCacheClusters: 1, snapshotRetentionDays: 1 },
  // The cost plan has no search domain for dev, but the app needs one: a single small node.
  search: { ...APP_SEARCH_ENGINE, instanceType: 't3.small.search', instanceCount: 1, availabilityZoneCount: 1, volumeSizeGiB: 10 },
  documents: { forceDestroy: true, noncurrentVersionExpirationDays: 30, intelligentTieringAfterDays: 30, accessLogRetentionDays: 30 },
  edge: delegatedEdge('dev'),
  kubernetes: { appNamespace: 'hexabid-dev', addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE, appQuota: { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '6', limitsMemory: '8Gi', pods: 20 } },
  app: { valuesFile: 'values-dev.yaml', requireImageTag: false, imageRegistry: imageRegistry(NON_PRODUCTION_ACCOUNT) },
  monitoring: { charts: MONITORING_CHARTS, prometheus: { retentionDays: 7, storageGiB: 10, replicas: 1, resources: SMALL_PROMETHEUS }, alertmanagerReplicas: 1, containerLogRetentionDays: 14, receivers: { critical: 'slack', warning: 'slack' }, alarms: { ...ALARM_THRESHOLDS, databaseFreeStorageGiB: 4, searchFreeStorageGiB: 2 } },
  credentialRotationDays: 30,
  // $245 at list with every node group at its desired size, $257 at its maximum (`npm run cost -- --env dev`).
  budgetUsdPerMonth: 300,
  secretRecoveryWindowDays: 0,
});

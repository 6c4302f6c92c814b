import { ADMIN_ROLE_ARNS, COMMON, threeZoneNetwork } from './common.ts';
import { defineEnvironment } from './define.ts';

/** Staging: 3 × t3.large, production's shape at a smaller size. */
export const staging = defineEnvironment({
  ...COMMON,
  name: 'staging',
  isProduction: false,
  network: { ...threeZoneNetwork(1), natGateways: 'one-per-az', flowLogRetentionDays: 30 },
  cluster: {
    kubernetesVersion: '1.35',
    adminRoleArns: ADMIN_ROLE_ARNS,
    publicAccessCidrs: [],
    logRetentionDays: 30,
    nodeGroups: {
      app: { instanceTypes: ['t3.large'], minSize: 2, maxSize: 4, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
      worker: {
        instanceTypes: ['t3.large'], minSize: 1, maxSize: 3, desiredSize: 1, capacityType: 'ON_DEMAND', diskSizeGiB: 50,
        taints: [{ key: 'hexabid.in/workload', value: 'worker', effect: 'NO_SCHEDULE' }],
      },
    },
  },
  database: {
    engineVersion: '17',
    instanceClass: 'db.t3.medium',
    allocatedStorageGiB: 50,
    maxAllocatedStorageGiB: 200,
    multiAz: true,
    readReplicas: 0,
    backupRetentionDays: 7,
    deletionProtection: true,
    databaseName: 'hexabid',
    masterUsername: 'hexabid_admin',
    masterPasswordVersion: 1,
  },
  cache: { engine: 'valkey', engineVersion: '8.0', nodeType: 'cache.t3.small', numCacheClusters: 2, snapshotRetentionDays: 7, authTokenVersion: 1 },
  search: { engineVersion: 'OpenSearch_2.19', instanceType: 't3.small.search', instanceCount: 2, availabilityZoneCount: 2, volumeSizeGiB: 20 },
  documents: { forceDestroy: false, noncurrentVersionExpirationDays: 30, intelligentTieringAfterDays: 30, accessLogRetentionDays: 90 },
  secretRecoveryWindowDays: 7,
});

import { clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns, imageRegistry, PRODUCTION_ACCOUNT } from './account.ts';
import { ALARM_THRESHOLDS, AWS_CLI_IMAGE, MONITORING_CHARTS, PLATFORM_ADDONS, APEX_ZONE, RATE_LIMIT, APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, inAccount, threeZoneNetwork } from './common.ts';
import { defineEnvironment } from './define.ts';
import { PRODUCTION_SIZING, type ProductionSizingName } from './presets.ts';
import type { EnvironmentConfig } from './types.ts';

/** Builds production at a given sizing preset; the guard rails are the same at every size. */
export function productionAt(sizingName: ProductionSizingName): EnvironmentConfig {
  const sizing = PRODUCTION_SIZING[sizingName];
  return defineEnvironment({
    ...inAccount(PRODUCTION_ACCOUNT),
    name: 'production',
    isProduction: true,
    network: { ...threeZoneNetwork(0), natGateways: 'one-per-az', flowLogRetentionDays: 365 },
    cluster: {
      kubernetesVersion: '1.35',
      adminRoleArns: clusterAdminRoleArns('production', PRODUCTION_ACCOUNT),
      viewRoleArns: clusterViewRoleArns(PRODUCTION_ACCOUNT),
      developerRoleArns: clusterDeveloperRoleArns(PRODUCTION_ACCOUNT),
      planRoleArns: clusterPlanRoleArns(PRODUCTION_ACCOUNT),
      publicAccessCidrs: [],
      logRetentionDays: 90,
      prefixDelegation: true,
      nodeGroups: sizing.nodeGroups,
    },
    database: {
      ...sizing.database,
      ...APP_DATABASE,
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
    },
    cache: { ...sizing.cache, ...APP_CACHE_ENGINE, snapshotRetentionDays: 14 },
    search: { ...sizing.search, ...APP_SEARCH_ENGINE, availabilityZoneCount: 3 },
    documents: {
      forceDestroy: false,
      replicationRegion: PRODUCTION_ACCOUNT.drRegion,
      noncurrentVersionExpirationDays: 30,
      intelligentTieringAfterDays: 30,
      accessLogRetentionDays: 365,
    },
    edge: { domainName: APEX_ZONE, hostedZone: { create: false, zoneName: APEX_ZONE }, rateLimit: RATE_LIMIT },
    kubernetes: { appNamespace: 'hexabid-prod', addons: PLATFORM_ADDONS, awsCliImage: AWS_CLI_IMAGE, appQuota: { requestsCpu: '24', requestsMemory: '32Gi', limitsCpu: '64', limitsMemory: '96Gi', pods: 60 } },
    app: { valuesFile: 'values-production.yaml', requireImageTag: true, imageRegistry: imageRegistry(PRODUCTION_ACCOUNT) },
    monitoring: { charts: MONITORING_CHARTS, prometheus: { retentionDays: 30, storageGiB: 200, replicas: 2 }, alertmanagerReplicas: 2, containerLogRetentionDays: 90, receivers: { critical: 'pagerduty', warning: 'slack' }, alarms: ALARM_THRESHOLDS },
    credentialRotationDays: 30,
    secretRecoveryWindowDays: 30,
    budgetUsdPerMonth: sizing.budgetUsdPerMonth,
    // RPO 15 minutes, RTO 4 hours: docs/DISASTER-RECOVERY.md.
    disasterRecovery: {
      standbyEnvironment: 'production-dr',
      // The design's daily snapshots kept two weeks, taken after the database's backup window.
      searchSnapshotRetentionDays: 14,
      searchSnapshotSchedule: '30 4 * * *',
      // Three failures 30 s apart: DNS moves after about 90 s of a dead primary, not on one lost probe.
      healthCheck: { intervalSeconds: 30, failureThreshold: 3 },
    },
  });
}

/** Switch to 'scaled1000Tenants' when HexaBid nears a thousand tenants, or to 'costOptimised' for the launch capacity on denser app nodes and Spot workers (presets.ts). */
export const production = productionAt('initial');

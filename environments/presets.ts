import { WORKER_TAINTS } from './common.ts';
import type { SizingPreset } from './types.ts';

/**
 * Production sizing from the capacity plan. Switch production between them by
 * changing the one `sizing` line in production.ts.
 */
export const PRODUCTION_SIZING = {
  /** Launch sizing: 3-10 app nodes and 2-10 workers. */
  initial: {
    budgetUsdPerMonth: 4_000,
    nodeGroups: {
      app: { instanceTypes: ['t3.xlarge'], minSize: 3, maxSize: 10, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
      // A t3.large has room for one 1-CPU worker after DaemonSets, so the worker HPA's 8 plus a
      // 25% rolling surge (2) needs 10 nodes; the floor, and so the steady cost, stays at 2.
      worker: {
        instanceTypes: ['t3.large'], minSize: 2, maxSize: 10, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 50,
        taints: WORKER_TAINTS,
      },
    },
    database: { instanceClass: 'db.r5.xlarge', readReplicas: 1, allocatedStorageGiB: 200, maxAllocatedStorageGiB: 1000 },
    cache: { nodeType: 'cache.r5.large', numCacheClusters: 2 },
    search: { instanceType: 'r5.large.search', instanceCount: 3, volumeSizeGiB: 100 },
  },
  /**
   * The launch capacity for less (docs/RUNBOOK.md, "Costs"; `npm run cost`
   * prices it as production-cost-optimised). Its levers and their risks:
   * - Graviton data stores (db.r6g, cache.r6g, r6g.search): same vCPUs and
   *   memory, about 10% cheaper; the engines are managed, so the app's images
   *   need not change. Risk: a class the region lacks fails at apply (check
   *   with describe-orderable-db-instance-options).
   * - Spot workers, across two instance families: the worker group runs
   *   retried batch work. Risk: a reclaimed node restarts its jobs, and in a
   *   Spot shortage the group waits at its floor. The app group stays
   *   on-demand.
   * The nodes stay x86 until the app's images are multi-arch.
   */
  costOptimised: {
    budgetUsdPerMonth: 3_700,
    nodeGroups: {
      app: { instanceTypes: ['t3.xlarge'], minSize: 3, maxSize: 10, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
      worker: {
        instanceTypes: ['t3.large', 'm6i.large'], minSize: 2, maxSize: 10, desiredSize: 2, capacityType: 'SPOT', diskSizeGiB: 50,
        taints: WORKER_TAINTS,
      },
    },
    database: { instanceClass: 'db.r6g.xlarge', readReplicas: 1, allocatedStorageGiB: 200, maxAllocatedStorageGiB: 1000 },
    cache: { nodeType: 'cache.r6g.large', numCacheClusters: 2 },
    search: { instanceType: 'r6g.large.search', instanceCount: 3, volumeSizeGiB: 100 },
  },
  /** Scaled for 1000 tenants: 15 × t3.xlarge at steady state. */
  scaled1000Tenants: {
    budgetUsdPerMonth: 22_500,
    nodeGroups: {
      app: { instanceTypes: ['t3.xlarge'], minSize: 10, maxSize: 20, desiredSize: 10, capacityType: 'ON_DEMAND', diskSizeGiB: 50 },
      worker: {
        instanceTypes: ['t3.xlarge'], minSize: 5, maxSize: 10, desiredSize: 5, capacityType: 'ON_DEMAND', diskSizeGiB: 50,
        taints: WORKER_TAINTS,
      },
    },
    database: { instanceClass: 'db.r5.4xlarge', readReplicas: 2, allocatedStorageGiB: 1000, maxAllocatedStorageGiB: 5000 },
    cache: { nodeType: 'cache.r5.2xlarge', numCacheClusters: 3 },
    search: { instanceType: 'r5.2xlarge.search', instanceCount: 6, volumeSizeGiB: 500, dedicatedMasterType: 'r5.large.search' },
  },
} as const satisfies Record<string, SizingPreset>;

export type ProductionSizingName = keyof typeof PRODUCTION_SIZING;

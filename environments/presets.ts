import { SPOT_WORKER_TYPES, WORKER_TAINTS } from './common.ts';
import type { SizingPreset } from './types.ts';

/**
 * Production sizing from the capacity plan. Switch production between them by
 * changing the last line of production.ts (`productionAt(...)`).
 *
 * Every preset runs Graviton data stores (db.r6g, cache.r6g, r6g.search):
 * the same vCPUs and memory as the design's r5 classes for less; the engines
 * are managed, so the app's images need not change. lib/aws-catalog.ts says
 * how each class's availability in ap-south-1 and ap-south-2 is checked.
 * Every node group states `maxPods` for prefix delegation.
 */
export const PRODUCTION_SIZING = {
  /** Launch sizing: 3-10 app nodes and 2-10 workers. */
  initial: {
    budgetUsdPerMonth: 4_000,
    nodeGroups: {
      app: { instanceTypes: ['t3.xlarge'], minSize: 3, maxSize: 10, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 50, maxPods: 58 },
      // A t3.large has room for one 1-CPU worker after DaemonSets, so the worker HPA's 8 plus a
      // 25% rolling surge (2) needs 10 nodes; the floor, and so the steady cost, stays at 2.
      worker: {
        instanceTypes: ['t3.large'], minSize: 2, maxSize: 10, desiredSize: 2, capacityType: 'ON_DEMAND', diskSizeGiB: 50, maxPods: 24,
        taints: WORKER_TAINTS,
      },
    },
    database: { instanceClass: 'db.r6g.xlarge', readReplicas: 1, allocatedStorageGiB: 200, maxAllocatedStorageGiB: 1000 },
    cache: { nodeType: 'cache.r6g.large', numCacheClusters: 2 },
    search: { instanceType: 'r6g.large.search', instanceCount: 3, volumeSizeGiB: 100 },
  },
  /**
   * The launch capacity for less (`npm run cost` prices it as
   * production-cost-optimised). Beyond the Graviton data stores every preset has:
   * - App nodes: 3 × t3.large instead of 3 × t3.xlarge. Prefix delegation
   *   (maxPods 40) packs production's app, add-on and system pods on them at
   *   the floor and, at the HPAs' ceilings with the rolling surge, on 6 of 10
   *   (__tests__/stacks/bin-packing.test.ts). Risk: half the vCPUs per node,
   *   and a t3.large earns 30% of a vCPU, so sustained load above that pays
   *   unlimited-mode surplus credits (priced from the usage file).
   * - Spot workers over four 2-vCPU, 8 GiB types: the worker group runs
   *   retried batch work. The managed node group's Capacity Rebalancing
   *   replaces a node on AWS's rebalance recommendation and drains it, so no
   *   interruption handler is installed. Risk: a reclaimed node restarts its
   *   jobs, and in a Spot shortage the group waits at its floor. The app
   *   group stays on-demand.
   * The nodes stay x86 until the app's images are multi-arch.
   */
  costOptimised: {
    budgetUsdPerMonth: 3_700,
    nodeGroups: {
      app: { instanceTypes: ['t3.large'], minSize: 3, maxSize: 10, desiredSize: 3, capacityType: 'ON_DEMAND', diskSizeGiB: 50, maxPods: 40 },
      worker: {
        instanceTypes: SPOT_WORKER_TYPES, minSize: 2, maxSize: 10, desiredSize: 2, capacityType: 'SPOT', diskSizeGiB: 50, maxPods: 24,
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
      app: { instanceTypes: ['t3.xlarge'], minSize: 10, maxSize: 20, desiredSize: 10, capacityType: 'ON_DEMAND', diskSizeGiB: 50, maxPods: 58 },
      worker: {
        instanceTypes: ['t3.xlarge'], minSize: 5, maxSize: 10, desiredSize: 5, capacityType: 'ON_DEMAND', diskSizeGiB: 50, maxPods: 24,
        taints: WORKER_TAINTS,
      },
    },
    database: { instanceClass: 'db.r6g.4xlarge', readReplicas: 2, allocatedStorageGiB: 1000, maxAllocatedStorageGiB: 5000 },
    cache: { nodeType: 'cache.r6g.2xlarge', numCacheClusters: 3 },
    search: { instanceType: 'r6g.2xlarge.search', instanceCount: 6, volumeSizeGiB: 500, dedicatedMasterType: 'r6g.large.search' },
  },
} as const satisfies Record<string, SizingPreset>;

export type ProductionSizingName = keyof typeof PRODUCTION_SIZING;

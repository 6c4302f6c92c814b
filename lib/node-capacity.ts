/**
 * What one EKS node offers the scheduler: its allocatable CPU, memory and pod
 * slots on an EKS-optimized AL2023 AMI in a managed node group, before any
 * DaemonSet takes its share.
 *
 * The AL2023 AMI's nodeadm writes the kubelet configuration. Its defaults, in
 * awslabs/amazon-eks-ami (commit 81fec2e, July 2026):
 *
 * - nodeadm/internal/kubelet/config.go, `getCPUMillicoresToReserve`:
 *   kube-reserved CPU is 6% of the first core, 1% of the second, 0.5% of the
 *   third and fourth, and 0.25% of every core above four (integer
 *   millicores, rounded down per range).
 * - same file, `withDefaultReservedResources` and
 *   `getMemoryMebibytesToReserve`: kube-reserved memory is
 *   255 MiB + 11 MiB × maxPods, where maxPods is the ENI formula below (or a
 *   `maxPodsExpression`), never a `maxPods` given in the kubelet config.
 * - same file, `defaultKubeletSubConfig`: evictionHard memory.available is
 *   100Mi. No system-reserved is set.
 * - nodeadm/internal/kubelet/eni_max_pods.go, `calculateStandardMaxPods`:
 *   maxPods = ENIs × (IPv4 addresses per ENI − 1) + 2, the VPC CNI's figure
 *   without prefix delegation (`eniMaxPods` in lib/aws-catalog.ts).
 *
 * With prefix delegation a node group states its own `maxPods`, and its
 * launch template's NodeConfig sets kube-reserved memory for that many pods
 * (modules/eks.ts), so both follow the chosen figure: a higher density costs
 * 11 MiB of memory per pod slot whether or not a pod uses it.
 *
 * Allocatable = capacity − kube-reserved − eviction threshold (Kubernetes,
 * "Reserve Compute Resources for System Daemons"). Capacity here is EC2's
 * nominal size; the kernel reports a little less memory, so real nodes have
 * slightly less than this.
 */
import { eksMaxPodsCap, eniMaxPods, nodeInstanceType } from './aws-catalog.ts';

/** What one node offers pods, in millicores, MiB and pods. */
export interface NodeAllocatable {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly pods: number;
}

/** kubelet's hard eviction threshold for memory.available on AL2023 (nodeadm default). */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** Percent of a core reserved, in hundredths of a percent, for each range of cores (nodeadm). */
const CPU_RESERVATION_RANGES: readonly { fromMillicores: number; toMillicores: number; basisPoints: number }[] = [
  { fromMillicores: 0, toMillicores: 1000, basisPoints: 600 },
  { fromMillicores: 1000, toMillicores: 2000, basisPoints: 100 },
  { fromMillicores: 2000, toMillicores: 4000, basisPoints: 50 },
  { fromMillicores: 4000, toMillicores: Number.POSITIVE_INFINITY, basisPoints: 25 },
];

/** kube-reserved CPU for a node with this many vCPUs, in millicores. */
export function kubeReservedCpuMillicores(vcpus: number): number {
  const total = vcpus * 1000;
  return CPU_RESERVATION_RANGES.reduce((sum, range) => {
    if (total <= range.fromMillicores) return sum;
    const inRange = Math.min(total, range.toMillicores) - range.fromMillicores;
    return sum + Math.floor((inRange * range.basisPoints) / 10000);
  }, 0);
}

/** kube-reserved memory for a node that runs at most `maxPods` pods, in MiB. */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 255 + 11 * maxPods;
}

/**
 * The pods a managed-node-group node of this type admits: the group's own
 * `maxPods` (prefix delegation), else the VPC CNI's ENI figure under EKS's cap.
 */
export function maxPodsPerNode(instanceType: string, maxPods?: number): number {
  return maxPods ?? Math.min(eniMaxPods(instanceType), eksMaxPodsCap(instanceType));
}

/**
 * What one node of this type offers pods, DaemonSets included. `maxPods` is
 * the group's explicit figure, which sets both the pod slots and the
 * kube-reserved memory; without it both come from the ENI figure.
 */
export function nodeAllocatable(instanceType: string, maxPods?: number): NodeAllocatable {
  const spec = nodeInstanceType(instanceType);
  const pods = maxPodsPerNode(instanceType, maxPods);
  return {
    cpuMillicores: spec.vcpus * 1000 - kubeReservedCpuMillicores(spec.vcpus),
    memoryMiB: spec.memoryMiB - kubeReservedMemoryMiB(maxPods ?? eniMaxPods(instanceType)) - EVICTION_HARD_MEMORY_MIB,
    pods,
  };
}

/**
 * What every node of a group offers: for a group of several instance types,
 * the least of each, since the autoscaler may launch any of them.
 */
export function nodeGroupAllocatable(instanceTypes: readonly string[], maxPods?: number): NodeAllocatable {
  if (instanceTypes.length === 0) throw new Error('a node group needs at least one instance type');
  const each = instanceTypes.map((t) => nodeAllocatable(t, maxPods));
  return {
    cpuMillicores: Math.min(...each.map((a) => a.cpuMillicores)),
    memoryMiB: Math.min(...each.map((a) => a.memoryMiB)),
    pods: Math.min(...each.map((a) => a.pods)),
  };
}

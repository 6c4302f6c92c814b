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
 * - same file, `getMemoryMebibytesToReserve`: kube-reserved memory is
 *   255 MiB + 11 MiB × maxPods, where maxPods is the ENI formula below.
 * - same file, `defaultKubeletSubConfig`: evictionHard memory.available is
 *   100Mi. No system-reserved is set.
 * - nodeadm/internal/kubelet/eni_max_pods.go, `calculateStandardMaxPods`:
 *   maxPods = ENIs × (IPv4 addresses per ENI − 1) + 2, the VPC CNI's figure
 *   without prefix delegation (`maxPods` in lib/aws-catalog.ts).
 *
 * A managed node group without a custom AMI also caps maxPods in the node's
 * user data: 110 below 30 vCPUs, 250 above (EKS User Guide, "Choosing an
 * Amazon EC2 instance type", section "How maxPods is determined"). For the
 * types in the catalog the ENI figure is the lower one.
 *
 * Allocatable = capacity − kube-reserved − eviction threshold (Kubernetes,
 * "Reserve Compute Resources for System Daemons"). Capacity here is EC2's
 * nominal size; the kernel reports a little less memory, so real nodes have
 * slightly less than this.
 */
import { nodeInstanceType } from './aws-catalog.ts';

/** What one node offers pods, in millicores, MiB and pods. */
export interface NodeAllocatable {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly pods: number;
}

/** kubelet's hard eviction threshold for memory.available on AL2023 (nodeadm default). */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** Managed node groups cap maxPods at 110 below this many vCPUs, at 250 from it. */
const MANAGED_NODE_GROUP_LARGE_VCPUS = 30;

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

/** The pods a managed-node-group node of this type admits: the VPC CNI figure under the EKS cap. */
export function maxPodsPerNode(instanceType: string): number {
  const spec = nodeInstanceType(instanceType);
  const cap = spec.vcpus < MANAGED_NODE_GROUP_LARGE_VCPUS ? 110 : 250;
  return Math.min(spec.maxPods, cap);
}

/** What one node of this type offers pods, DaemonSets included. */
export function nodeAllocatable(instanceType: string): NodeAllocatable {
  const spec = nodeInstanceType(instanceType);
  return {
    cpuMillicores: spec.vcpus * 1000 - kubeReservedCpuMillicores(spec.vcpus),
    // nodeadm reserves memory for the ENI figure, which the managed node group cap never lowers for these types.
    memoryMiB: spec.memoryMiB - kubeReservedMemoryMiB(spec.maxPods) - EVICTION_HARD_MEMORY_MIB,
    pods: maxPodsPerNode(instanceType),
  };
}

/**
 * What every node of a group offers: for a group of several instance types,
 * the least of each, since the autoscaler may launch any of them.
 */
export function nodeGroupAllocatable(instanceTypes: readonly string[]): NodeAllocatable {
  if (instanceTypes.length === 0) throw new Error('a node group needs at least one instance type');
  const each = instanceTypes.map(nodeAllocatable);
  return {
    cpuMillicores: Math.min(...each.map((a) => a.cpuMillicores)),
    memoryMiB: Math.min(...each.map((a) => a.memoryMiB)),
    pods: Math.min(...each.map((a) => a.pods)),
  };
}

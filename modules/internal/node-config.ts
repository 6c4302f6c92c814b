/**
 * The launch template user data that gives a managed node group's AL2023
 * nodes an explicit pod limit: a nodeadm `NodeConfig` in a MIME multi-part
 * document, the format EKS requires so it can merge its own part (cluster
 * details, node labels) after ours (EKS User Guide, "Customize managed nodes
 * with launch templates", Amazon Linux 2023 user data; nodeadm API,
 * `NodeConfig.spec.kubelet`).
 *
 * nodeadm sizes kube-reserved memory from the ENI formula, not from a
 * `maxPods` in the kubelet config (awslabs/amazon-eks-ami,
 * nodeadm/internal/kubelet/config.go `withDefaultReservedResources`), so the
 * document states kube-reserved too: 255 MiB + 11 MiB for each allowed pod,
 * the same formula at the chosen figure.
 *
 * eksctl gives managed AL2023 node groups their `maxPodsPerNode` the same
 * way, a NodeConfig with `kubelet.config.maxPods` in the launch template
 * (eksctl-io/eksctl pkg/nodebootstrap/al2023.go at 99984ad), which it could
 * not if EKS's own part, merged after ours, set a pod limit of its own. Not
 * yet seen on a live node: check `kubectl get node -o
 * jsonpath='{.status.capacity.pods}'` after the first apply.
 */
import { kubeReservedCpuMillicores, kubeReservedMemoryMiB } from '../../lib/node-capacity.ts';

const BOUNDARY = 'HEXABID-NODECONFIG';

/** The MIME document for nodes of `vcpus` vCPUs that run at most `maxPods` pods. */
export function maxPodsNodeConfig(maxPods: number, vcpus: number): string {
  const nodeConfig = [
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  kubelet:',
    '    config:',
    `      maxPods: ${maxPods}`,
    '      kubeReserved:',
    `        cpu: ${kubeReservedCpuMillicores(vcpus)}m`,
    '        ephemeral-storage: 1Gi',
    `        memory: ${kubeReservedMemoryMiB(maxPods)}Mi`,
  ];
  return [
    'MIME-Version: 1.0',
    // No quotes around the boundary: it needs none, and Terraform's string would have to escape them.
    `Content-Type: multipart/mixed; boundary=${BOUNDARY}`,
    '',
    `--${BOUNDARY}`,
    'Content-Type: application/node.eks.aws',
    '',
    ...nodeConfig,
    '',
    `--${BOUNDARY}--`,
    '',
  ].join('\n');
}

/** The `maxPods` a document from {@link maxPodsNodeConfig} sets, for tests and tools that read a synthesized launch template. */
export function maxPodsOf(userData: string): number | undefined {
  const match = /\bmaxPods: (\d+)\b/.exec(userData);
  return match ? Number(match[1]) : undefined;
}

/**
 * Does everything each environment runs fit on its node groups? The pods are
 * those of the HexaBid release (rendered with Helm as Terraform installs it),
 * the platform add-ons (from the values the -k8s stack passes their charts),
 * EKS's managed add-ons and the DaemonSets on every node. They are packed
 * first-fit-decreasing by CPU request onto each group's nodes, checking CPU,
 * memory and pod slots against what an EKS AL2023 node allocates
 * (lib/node-capacity.ts), at the groups' minimum and at their maximum with
 * every Deployment at its ceiling plus its rolling-update surge.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { productionAt } from '../../environments/production.ts';
import type { EnvironmentConfig, NodeGroupConfig } from '../../environments/types.ts';
import { nodeAllocatable, nodeGroupAllocatable, type NodeAllocatable } from '../../lib/node-capacity.ts';
import type { KubeObject } from '../chart/helm.ts';
import { renderHexabidRelease } from '../helpers/hexabid-release.ts';
import { resourcesOf, synthKubernetesEnvironment } from '../helpers/synth.ts';

/** The label every managed node group puts on its nodes (modules/eks.ts). */
const NODE_GROUP_LABEL = 'hexabid.in/node-group';
const HOSTNAME = 'kubernetes.io/hostname';

/** Requests in millicores and MiB. */
interface Requests {
  readonly cpu: number;
  readonly memory: number;
}

/** Pods of one owner that the scheduler places alike. */
interface PodSet extends Requests {
  readonly owner: string;
  readonly count: number;
  /** The node group the pods select. */
  readonly group: string;
  /** A required anti-affinity or DoNotSchedule spread per node, as maxSkew (0: one per node). */
  readonly perNodeSkew?: number;
}

// ---------------------------------------------------------------------------
// What EKS itself runs. Requests as each component's manifest sets them.

/** A DaemonSet pod on every node of every group, its effective requests (containers, or the largest init container). */
const DAEMONSETS: readonly (Requests & { readonly name: string; readonly source: string })[] = [
  {
    name: 'aws-node',
    cpu: 50,
    memory: 0,
    // aws/amazon-vpc-cni-k8s (b521883, chart v1.23.1) config/master/aws-k8s-cni.yaml and charts/aws-vpc-cni/values.yaml:
    // aws-node 25m and aws-eks-nodeagent (the network-policy agent; nodeAgent.resources falls back to resources) 25m,
    // the aws-vpc-cni-init init container 25m; no memory request.
    source: 'aws/amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml',
  },
  {
    name: 'kube-proxy',
    cpu: 100,
    memory: 0,
    // The EKS kube-proxy add-on DaemonSet (as deployed, e.g. v1.28.1-minimal-eksbuild.1) requests cpu 100m and no memory.
    // AWS publishes no manifest for it; read from a deployed add-on, not from an AWS document.
    source: 'EKS kube-proxy add-on DaemonSet, as deployed',
  },
  {
    name: 'eks-pod-identity-agent',
    cpu: 25,
    memory: 32,
    // aws/eks-pod-identity-agent (d4dc0f3) charts/eks-pod-identity-agent/values.yaml sets `resources: {}` (no requests).
    // The EKS add-on's own manifest could not be confirmed, so a conservative 25m / 32Mi is counted instead of nothing.
    source: 'aws/eks-pod-identity-agent charts/eks-pod-identity-agent/values.yaml (unconfirmed for the add-on; conservative)',
  },
  {
    name: 'ebs-csi-node',
    cpu: 30,
    memory: 104,
    // kubernetes-sigs/aws-ebs-csi-driver (429e202, chart 2.64.0) values.yaml node.resources 10m / 40Mi for ebs-plugin;
    // templates/_node.tpl node-driver-registrar and liveness-probe 10m / 32Mi each. node.tolerateAllTaints: true.
    source: 'kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver',
  },
];

/** EKS managed add-ons that run as Deployments on the untainted (app) group. */
const EKS_MANAGED_DEPLOYMENTS: readonly (Requests & { readonly name: string; readonly replicas: number; readonly source: string })[] = [
  {
    name: 'coredns',
    replicas: 2,
    cpu: 100,
    memory: 70,
    // Two replicas: EKS User Guide, "Scale CoreDNS Pods" / CoreDNS add-on. Requests 100m / 70Mi as in Kubernetes'
    // cluster/addons/dns/coredns/coredns.yaml.base, which the EKS add-on follows (its manifest is not published).
    source: 'EKS User Guide (replicas); kubernetes/kubernetes coredns.yaml.base (requests)',
  },
  {
    name: 'ebs-csi-controller',
    replicas: 2,
    cpu: 60,
    memory: 232,
    // kubernetes-sigs/aws-ebs-csi-driver chart 2.64.0: controller.replicaCount 2; ebs-plugin and the provisioner, attacher,
    // resizer sidecars take controller.resources (10m / 40Mi), liveness-probe 10m / 32Mi. The snapshotter (only with the
    // snapshot CRDs) is counted too, to be safe: 6 containers, 60m / 232Mi.
    source: 'kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver',
  },
];

// ---------------------------------------------------------------------------
// Where each platform add-on chart keeps its replica count and requests, at the pinned versions.

interface AddonWorkload {
  readonly name: string;
  /** A DaemonSet: one pod on every node, counted beside EKS's own. */
  readonly daemonSet?: true;
  /** A replica count the chart fixes, with no value to set it. */
  readonly fixedReplicas?: number;
  /** Whether the chart renders it, from our values and the chart's default. */
  readonly enabled?: (values: Record<string, any>) => boolean;
  /** Value path of the replica count. */
  readonly replicas: readonly string[];
  /** Value path of each container's `resources`. */
  readonly containers: readonly { readonly name: string; readonly resources: readonly string[]; readonly enabled?: (values: Record<string, any>) => boolean }[];
  /** Value path of the pod's nodeSelector. */
  readonly nodeSelector: readonly string[];
  /** Not modeled: enabling it fails the test until its keys are added here. */
  readonly unmodeled?: true;
}

const single = (name: string, replicasKey: string): AddonWorkload => ({
  name,
  replicas: [replicasKey],
  containers: [{ name, resources: ['resources'] }],
  nodeSelector: ['nodeSelector'],
});

/**
 * Keys checked against each upstream chart: aws/eks-charts stable/aws-load-balancer-controller 3.5.0;
 * external-secrets deploy/charts/external-secrets (2.9.0, the pinned version);
 * kubernetes-sigs/external-dns charts/external-dns 1.21.1; kubernetes/autoscaler charts/cluster-autoscaler 9.59.0;
 * kubernetes-sigs/metrics-server charts/metrics-server (3.13.1, the pinned version).
 * `cluster-secret-store` is the local helm/platform chart: a ClusterSecretStore, no pods.
 */
const ADDON_WORKLOADS: Readonly<Record<string, readonly AddonWorkload[]>> = {
  'aws-load-balancer-controller': [single('aws-load-balancer-controller', 'replicaCount')],
  'external-secrets': [
    { ...single('external-secrets', 'replicaCount'), enabled: (v) => v.createOperator ?? true },
    {
      name: 'external-secrets-webhook',
      enabled: (v) => v.webhook?.create ?? true,
      replicas: ['webhook', 'replicaCount'],
      containers: [{ name: 'webhook', resources: ['webhook', 'resources'] }],
      nodeSelector: ['webhook', 'nodeSelector'],
    },
    {
      name: 'external-secrets-cert-controller',
      enabled: (v) => v.certController?.create ?? true,
      replicas: ['certController', 'replicaCount'],
      containers: [{ name: 'cert-controller', resources: ['certController', 'resources'] }],
      nodeSelector: ['certController', 'nodeSelector'],
    },
    { name: 'bitwarden-sdk-server', enabled: (v) => v['bitwarden-sdk-server']?.enabled ?? false, replicas: [], containers: [], nodeSelector: [], unmodeled: true },
  ],
  'external-dns': [single('external-dns', 'replicaCount')],
  'cluster-autoscaler': [single('cluster-autoscaler', 'replicaCount')],
  'metrics-server': [
    {
      ...single('metrics-server', 'replicas'),
      containers: [
        { name: 'metrics-server', resources: ['resources'] },
        { name: 'metrics-server-nanny', resources: ['addonResizer', 'resources'], enabled: (v) => v.addonResizer?.enabled ?? false },
      ],
    },
  ],
  'cluster-secret-store': [],
  // kubernetes/monitoring: kube-prometheus-stack 88.5.3 (subcharts grafana 12.11.1, kube-state-metrics 8.4.0,
  // prometheus-node-exporter 4.56.1); the Prometheus and Alertmanager pods are the operator's, each with a config-reloader.
  monitoring: [
    {
      name: 'prometheus',
      replicas: ['prometheus', 'prometheusSpec', 'replicas'],
      containers: [
        { name: 'prometheus', resources: ['prometheus', 'prometheusSpec', 'resources'] },
        { name: 'config-reloader', resources: ['prometheusOperator', 'prometheusConfigReloader', 'resources'] },
      ],
      nodeSelector: ['prometheus', 'prometheusSpec', 'nodeSelector'],
    },
    {
      name: 'alertmanager',
      replicas: ['alertmanager', 'alertmanagerSpec', 'replicas'],
      containers: [
        { name: 'alertmanager', resources: ['alertmanager', 'alertmanagerSpec', 'resources'] },
        { name: 'config-reloader', resources: ['prometheusOperator', 'prometheusConfigReloader', 'resources'] },
      ],
      nodeSelector: ['alertmanager', 'alertmanagerSpec', 'nodeSelector'],
    },
    {
      name: 'grafana',
      replicas: ['grafana', 'replicas'],
      containers: [
        { name: 'grafana', resources: ['grafana', 'resources'] },
        { name: 'grafana-sc-dashboard', resources: ['grafana', 'sidecar', 'resources'] },
        { name: 'grafana-sc-datasources', resources: ['grafana', 'sidecar', 'resources'] },
      ],
      nodeSelector: ['grafana', 'nodeSelector'],
    },
    { name: 'prometheus-operator', fixedReplicas: 1, replicas: [], containers: [{ name: 'operator', resources: ['prometheusOperator', 'resources'] }], nodeSelector: ['prometheusOperator', 'nodeSelector'] },
    { ...single('kube-state-metrics', 'replicas'), replicas: ['kube-state-metrics', 'replicas'], containers: [{ name: 'kube-state-metrics', resources: ['kube-state-metrics', 'resources'] }], nodeSelector: ['kube-state-metrics', 'nodeSelector'] },
    { name: 'node-exporter', daemonSet: true, replicas: [], containers: [{ name: 'node-exporter', resources: ['prometheus-node-exporter', 'resources'] }], nodeSelector: ['prometheus-node-exporter', 'nodeSelector'] },
  ],
  'prometheus-operator-crds': [],
  // The local helm/monitoring chart: ExternalSecrets, rules and dashboards, no pods.
  'monitoring-secrets': [],
  'monitoring-content': [],
  // The same chart for the database users' credentials (the user-creation Job is Terraform's, and brief).
  'database-credentials': [],
  // prometheus-postgres-exporter 8.2.0 and prometheus-redis-exporter 6.29.0.
  'postgres-exporter': [single('postgres-exporter', 'replicaCount')],
  'redis-exporter': [single('redis-exporter', 'replicaCount')],
  // aws/eks-charts stable/aws-for-fluent-bit 0.2.0: one DaemonSet, `resources`, `tolerations`.
  'aws-for-fluent-bit': [{ name: 'fluent-bit', daemonSet: true, replicas: [], containers: [{ name: 'aws-for-fluent-bit', resources: ['resources'] }], nodeSelector: ['nodeSelector'] }],
};

/** A release's workloads; each read replica's exporter is the primary's chart under another name. */
function workloadsOf(releaseName: string): readonly AddonWorkload[] | undefined {
  return ADDON_WORKLOADS[releaseName.replace(/^postgres-exporter-replica-\d+$/, 'postgres-exporter')];
}

const at = (values: unknown, path: readonly string[]): any => path.reduce<any>((v, key) => (v && typeof v === 'object' ? v[key] : undefined), values);

// ---------------------------------------------------------------------------
// Quantities.

function cpuMillicores(quantity: unknown): number {
  const text = String(quantity);
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(text);
  if (!match) throw new Error(`not a CPU quantity: ${text}`);
  return match[2] ? Number(match[1]) : Number(match[1]) * 1000;
}

function memoryMiB(quantity: unknown): number {
  const text = String(quantity);
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  if (!match) throw new Error(`not a memory quantity: ${text}`);
  const bytes = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[match[2] ?? '']!;
  return (Number(match[1]) * bytes) / 2 ** 20;
}

/** A container's requests; Kubernetes takes a missing request from the limit. */
function containerRequests(resources: any): Requests {
  const pick = (r: 'cpu' | 'memory') => resources?.requests?.[r] ?? resources?.limits?.[r];
  const cpu = pick('cpu');
  const memory = pick('memory');
  return { cpu: cpu === undefined ? 0 : cpuMillicores(cpu), memory: memory === undefined ? 0 : memoryMiB(memory) };
}

/** A pod's effective requests: its containers together, or its largest init container if that is larger. */
function podRequests(spec: any): Requests {
  const sum = (spec.containers as any[]).map((c) => containerRequests(c.resources)).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  const inits = ((spec.initContainers ?? []) as any[]).map((c) => containerRequests(c.resources));
  return { cpu: Math.max(sum.cpu, ...inits.map((r) => r.cpu)), memory: Math.max(sum.memory, ...inits.map((r) => r.memory)) };
}

/** Pods a rollout adds above `replicas`: maxSurge, a count or a percent rounded up (as Kubernetes does). */
function rollingSurge(deployment: KubeObject, replicas: number): number {
  const strategy = deployment.spec.strategy ?? {};
  if (strategy.type === 'Recreate') return 0;
  const maxSurge = strategy.rollingUpdate?.maxSurge ?? '25%';
  if (typeof maxSurge === 'number') return maxSurge;
  const percent = /^(\d+)%$/.exec(String(maxSurge));
  if (!percent) throw new Error(`${deployment.metadata.name}: maxSurge ${maxSurge} is neither a count nor a percent`);
  return Math.ceil((replicas * Number(percent[1])) / 100);
}

// ---------------------------------------------------------------------------
// Node groups and placement.

const TAINT_EFFECTS = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' } as const;

function tolerates(tolerations: readonly any[], taint: NonNullable<NodeGroupConfig['taints']>[number]): boolean {
  const effect = TAINT_EFFECTS[taint.effect];
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === effect) &&
      (t.operator === 'Exists' ? t.key === undefined || t.key === '' || t.key === taint.key : t.key === taint.key && (t.value ?? '') === taint.value),
  );
}

/** The group a pod lands on: the one its nodeSelector names, else the untainted app group; it must tolerate that group's taints. */
function groupOf(config: EnvironmentConfig, owner: string, nodeSelector: Record<string, string> | undefined, tolerations: readonly any[]): string {
  const group = nodeSelector?.[NODE_GROUP_LABEL] ?? 'app';
  const groups = config.cluster.nodeGroups as unknown as Record<string, NodeGroupConfig>;
  const spec = groups[group];
  if (!spec) throw new Error(`${owner} selects node group "${group}", which ${config.name} does not have`);
  const untolerated = (spec.taints ?? []).filter((t) => t.effect !== 'PREFER_NO_SCHEDULE' && !tolerates(tolerations, t));
  if (untolerated.length > 0) {
    throw new Error(`${owner} lands on the ${group} group but does not tolerate its taint ${untolerated.map((t) => `${t.key}=${t.value}:${TAINT_EFFECTS[t.effect]}`).join(', ')}`);
  }
  return group;
}

/**
 * The per-node limit a pod template's hard topology constraints impose, as a
 * maxSkew over nodes (0: at most one per node); undefined when they are all soft.
 * Hard constraints on anything but the node are not modeled and fail.
 */
function perNodeSkew(owner: string, spec: any, labels: Record<string, string>): number | undefined {
  const skews: number[] = [];
  const selects = (selector: any) =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector?.matchExpressions ?? []).length === 0;
  for (const term of spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (term.topologyKey !== HOSTNAME) throw new Error(`${owner}: a required anti-affinity on ${term.topologyKey} is not modeled by this test`);
    if (selects(term.labelSelector)) skews.push(0);
  }
  if ((spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0) {
    throw new Error(`${owner}: a required pod affinity is not modeled by this test`);
  }
  for (const constraint of spec.topologySpreadConstraints ?? []) {
    if (constraint.whenUnsatisfiable !== 'DoNotSchedule') continue;
    if (constraint.topologyKey !== HOSTNAME) throw new Error(`${owner}: a DoNotSchedule spread on ${constraint.topologyKey} is not modeled by this test`);
    if (selects(constraint.labelSelector)) skews.push(constraint.maxSkew as number);
  }
  return skews.length > 0 ? Math.min(...skews) : undefined;
}

// ---------------------------------------------------------------------------
// Collecting the pods.

type Scale = 'minimum' | 'maximum';

/** The release's pods: each Deployment at its floor, or at its ceiling plus its surge; one scraper Job. */
function releasePods(config: EnvironmentConfig, objects: readonly KubeObject[], scale: Scale): PodSet[] {
  const known = new Set(['Deployment', 'CronJob', 'Job']);
  const unmodeled = objects.filter((o) => ['StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'Pod'].includes(o.kind) && !known.has(o.kind));
  if (unmodeled.length > 0) throw new Error(`the release renders workloads this test does not count: ${unmodeled.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const pods: PodSet[] = [];
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const name = deployment.metadata.name;
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
    const floor = hpa ? (hpa.spec.minReplicas ?? 1) : (deployment.spec.replicas ?? 1);
    const ceiling = hpa ? hpa.spec.maxReplicas : (deployment.spec.replicas ?? 1);
    const count = scale === 'minimum' ? floor : ceiling + rollingSurge(deployment, ceiling);
    const template = deployment.spec.template;
    pods.push({
      owner: name,
      count,
      ...podRequests(template.spec),
      group: groupOf(config, name, template.spec.nodeSelector, template.spec.tolerations ?? []),
      perNodeSkew: perNodeSkew(name, template.spec, template.metadata.labels ?? {}),
    });
  }
  // The migration Job, a pre-upgrade hook: one pod, done before the rollout adds any, counted beside them to be safe.
  for (const job of objects.filter((o) => o.kind === 'Job')) {
    const template = job.spec.template;
    const name = job.metadata.name;
    pods.push({ owner: name, count: 1, ...podRequests(template.spec), group: groupOf(config, name, template.spec.nodeSelector, template.spec.tolerations ?? []) });
  }
  for (const cronJob of objects.filter((o) => o.kind === 'CronJob')) {
    const template = cronJob.spec.jobTemplate.spec.template;
    const name = cronJob.metadata.name;
    // concurrencyPolicy Forbid: one run at a time.
    pods.push({ owner: name, count: 1, ...podRequests(template.spec), group: groupOf(config, name, template.spec.nodeSelector, template.spec.tolerations ?? []) });
  }
  return pods;
}

/** What is wrong with an add-on's values: replicas or requests the chart would default. */
function addonValueProblems(releaseName: string, values: Record<string, any>): string[] {
  const workloads = workloadsOf(releaseName);
  if (!workloads) return [`${releaseName}: an add-on this test does not know; add its workloads' replica and resources keys to ADDON_WORKLOADS`];
  const problems: string[] = [];
  for (const workload of workloads) {
    if (!(workload.enabled?.(values) ?? true)) continue;
    if (workload.unmodeled) {
      problems.push(`${releaseName}: ${workload.name} is enabled, but this test does not know its keys; add them to ADDON_WORKLOADS`);
      continue;
    }
    if (workload.fixedReplicas === undefined && !workload.daemonSet && typeof at(values, workload.replicas) !== 'number') problems.push(`${releaseName}: ${workload.name} has no explicit ${workload.replicas.join('.')}`);
    for (const container of workload.containers) {
      if (!(container.enabled?.(values) ?? true)) continue;
      const resources = at(values, container.resources);
      for (const key of ['requests.cpu', 'requests.memory', 'limits.memory']) {
        if (at(resources, key.split('.')) === undefined) problems.push(`${releaseName}: ${workload.name} (container ${container.name}) has no explicit ${[...container.resources, key].join('.')}`);
      }
    }
  }
  return problems;
}

/** The platform add-ons' pods, from the values the -k8s stack passes each chart. */
function addonPods(config: EnvironmentConfig, json: ReturnType<typeof synthKubernetesEnvironment>['json']): PodSet[] {
  const pods: PodSet[] = [];
  for (const release of resourcesOf(json, 'helm_release').filter((r) => r.name !== 'hexabid')) {
    const values = release.values?.[0] ? (JSON.parse(release.values[0]) as Record<string, any>) : {};
    const problems = addonValueProblems(release.name, values);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    for (const workload of workloadsOf(release.name)!) {
      if (!(workload.enabled?.(values) ?? true) || workload.daemonSet) continue;
      const containers = workload.containers.filter((c) => c.enabled?.(values) ?? true);
      const requests = containers.map((c) => containerRequests(at(values, c.resources))).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
      const owner = `${release.name}/${workload.name}`;
      pods.push({ owner, count: workload.fixedReplicas ?? at(values, workload.replicas), ...requests, group: groupOf(config, owner, at(values, workload.nodeSelector), at(values, [...workload.nodeSelector.slice(0, -1), 'tolerations']) ?? []) });
    }
  }
  return pods;
}

function eksManagedPods(): PodSet[] {
  return EKS_MANAGED_DEPLOYMENTS.map((d) => ({ owner: `kube-system/${d.name}`, count: d.replicas, cpu: d.cpu, memory: d.memory, group: 'app' }));
}

// ---------------------------------------------------------------------------
// Packing.

interface NodeRoom {
  cpu: number;
  memory: number;
  pods: number;
  readonly owners: Map<string, number>;
}

/** The add-ons' DaemonSets (node-exporter, Fluent Bit), from the values the -k8s stack passes, with the tolerations they carry. */
function addonDaemonSets(json: ReturnType<typeof synthKubernetesEnvironment>['json']): (Requests & { name: string; tolerations: readonly any[] })[] {
  return resourcesOf(json, 'helm_release').filter((r) => r.name !== 'hexabid').flatMap((release) => {
    const values = release.values?.[0] ? (JSON.parse(release.values[0]) as Record<string, any>) : {};
    return (workloadsOf(release.name) ?? [])
      .filter((w) => w.daemonSet && (w.enabled?.(values) ?? true))
      .map((w) => ({
        name: `${release.name}/${w.name}`,
        ...w.containers.map((c) => containerRequests(at(values, c.resources))).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 }),
        tolerations: at(values, [...w.nodeSelector.slice(0, -1), 'tolerations']) ?? [],
      }));
  });
}

/** Every DaemonSet's pod on each node: EKS's and the add-ons'. */
function daemonSetShareOf(json: ReturnType<typeof synthKubernetesEnvironment>['json']): Requests & { pods: number } {
  const all: Requests[] = [...DAEMONSETS, ...addonDaemonSets(json)];
  return { cpu: all.reduce((n, d) => n + d.cpu, 0), memory: all.reduce((n, d) => n + d.memory, 0), pods: all.length };
}

const fmt = (r: Requests) => `${Math.round(r.cpu)}m CPU / ${Math.round(r.memory)}Mi`;

/**
 * First-fit-decreasing by CPU request onto `nodes` nodes of `allocatable`,
 * after every node's DaemonSets. Returns what did not fit, or nothing.
 */
function pack(podSets: readonly PodSet[], nodes: number, allocatable: NodeAllocatable, daemonSetShare: Requests & { pods: number }): { unplaced: Map<string, { count: number; set: PodSet }>; rooms: NodeRoom[] } {
  const rooms: NodeRoom[] = Array.from({ length: nodes }, () => ({
    cpu: allocatable.cpuMillicores - daemonSetShare.cpu,
    memory: allocatable.memoryMiB - daemonSetShare.memory,
    pods: allocatable.pods - daemonSetShare.pods,
    owners: new Map(),
  }));
  const pods = podSets.flatMap((set) => Array.from({ length: set.count }, () => set)).sort((a, b) => b.cpu - a.cpu || b.memory - a.memory);
  const unplaced = new Map<string, { count: number; set: PodSet }>();
  for (const pod of pods) {
    // A hard per-node constraint: at most one per node (anti-affinity), or an even spread within maxSkew.
    const cap = pod.perNodeSkew === undefined ? Number.POSITIVE_INFINITY : pod.perNodeSkew === 0 ? 1 : Math.ceil(pod.count / nodes) + pod.perNodeSkew - 1;
    const room = rooms.find((r) => r.cpu >= pod.cpu && r.memory >= pod.memory && r.pods >= 1 && (r.owners.get(pod.owner) ?? 0) < cap);
    if (room) {
      room.cpu -= pod.cpu;
      room.memory -= pod.memory;
      room.pods -= 1;
      room.owners.set(pod.owner, (room.owners.get(pod.owner) ?? 0) + 1);
    } else {
      const entry = unplaced.get(pod.owner) ?? { count: 0, set: pod };
      entry.count += 1;
      unplaced.set(pod.owner, entry);
    }
  }
  return { unplaced, rooms };
}

// ---------------------------------------------------------------------------

describe('EKS AL2023 node allocatable (lib/node-capacity.ts)', () => {
  it.each([
    ['t3.medium', { cpuMillicores: 1930, memoryMiB: 4096 - 442 - 100, pods: 17 }],
    ['t3.large', { cpuMillicores: 1930, memoryMiB: 8192 - 640 - 100, pods: 35 }],
    ['t3.xlarge', { cpuMillicores: 3920, memoryMiB: 16384 - 893 - 100, pods: 58 }],
    ['t3.2xlarge', { cpuMillicores: 7910, memoryMiB: 32768 - 893 - 100, pods: 58 }],
  ])('%s: capacity less kube-reserved and the 100Mi eviction threshold', (type, expected) => {
    expect(nodeAllocatable(type)).toEqual(expected);
  });

  it.each([
    ['t3.medium', 32, { cpuMillicores: 1930, memoryMiB: 4096 - (255 + 11 * 32) - 100, pods: 32 }],
    ['t3.large', 48, { cpuMillicores: 1930, memoryMiB: 8192 - (255 + 11 * 48) - 100, pods: 48 }],
    ['t3.xlarge', 110, { cpuMillicores: 3920, memoryMiB: 16384 - (255 + 11 * 110) - 100, pods: 110 }],
  ])('%s with prefix delegation and maxPods %i: kube-reserved memory follows the chosen pods', (type, maxPods, expected) => {
    expect(nodeAllocatable(type, maxPods)).toEqual(expected);
  });

  it('takes the least of each for a group of several types at one maxPods', () => {
    expect(nodeGroupAllocatable(['t3.medium', 'c6i.large'], 32)).toEqual({ cpuMillicores: 1930, memoryMiB: 4096 - (255 + 11 * 32) - 100, pods: 32 });
  });
});

const SCENARIOS: readonly { label: string; config: EnvironmentConfig; cacheKey: string }[] = [
  ...ENVIRONMENTS.map((config) => ({ label: config.name, config, cacheKey: config.name })),
  // The same key as the production tests use for this preset, so a worker synthesizes it once.
  { label: 'production at scaled1000Tenants', config: productionAt('scaled1000Tenants'), cacheKey: 'production-scaled' },
  { label: 'production at costOptimised', config: productionAt('costOptimised'), cacheKey: 'production-cost-optimised' },
];

describe.each(SCENARIOS)('bin-packing $label', ({ label, config, cacheKey }) => {
  const { json } = synthKubernetesEnvironment(config, cacheKey);
  const groups = config.cluster.nodeGroups as unknown as Record<string, NodeGroupConfig>;
  const daemonSetShare = daemonSetShareOf(json);

  it("runs the add-ons' DaemonSets on every node group, tainted ones included", () => {
    for (const daemonSet of addonDaemonSets(json)) {
      for (const [name, group] of Object.entries(groups)) {
        for (const taint of (group.taints ?? []).filter((t) => t.effect !== 'PREFER_NO_SCHEDULE')) {
          expect(tolerates(daemonSet.tolerations, taint), `${label}: ${daemonSet.name} on the ${name} group`).toBe(true);
        }
      }
    }
  });

  it('is given explicit replicas and requests for every platform add-on and each of its components', () => {
    const releases = resourcesOf(json, 'helm_release').filter((r) => r.name !== 'hexabid');
    expect(releases.length).toBeGreaterThan(0);
    const problems = releases.flatMap((r) => addonValueProblems(r.name, r.values?.[0] ? JSON.parse(r.values[0]) : {}));
    expect(problems, `${label}: add-on values the scheduler would plan as zero`).toEqual([]);
  });

  it('models every topology constraint of the release: soft ones are left to the scheduler, hard per-node ones are packed', async () => {
    const { objects } = await renderHexabidRelease(config, cacheKey);
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    const found = deployments.flatMap((d) => {
      const spec = d.spec.template.spec;
      // Throws for a hard constraint the packer cannot model (anything but a per-node one).
      const skew = perNodeSkew(d.metadata.name, spec, d.spec.template.metadata.labels ?? {});
      const spreads = (spec.topologySpreadConstraints ?? []).map((c: any) => `${c.topologyKey} ${c.whenUnsatisfiable}`);
      const antiAffinity = (spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => `${t.topologyKey} required anti-affinity`);
      return [...spreads, ...antiAffinity].map((c) => `${d.metadata.name}: ${c}${skew === undefined ? '' : ` (packed at most ${skew === 0 ? 'one' : `maxSkew ${skew}`} per node)`}`);
    });
    // The chart spreads each Deployment over zones and nodes. Over zones it must stay soft (the packer has no zones);
    // over nodes it is soft today, and a hard one would be packed.
    for (const d of deployments) {
      const name = d.metadata.name;
      expect(found, `${label}: ${name} spreads over zones, softly`).toContain(`${name}: topology.kubernetes.io/zone ScheduleAnyway`);
      expect(found.filter((f) => f.startsWith(`${name}: ${HOSTNAME} `)), `${label}: ${name} spreads over nodes`).not.toEqual([]);
    }
    for (const f of found) expect(f, `${label}: a constraint neither soft nor packed`).toMatch(/ScheduleAnyway$|packed at most/);
  });

  describe.each(['minimum', 'maximum'] as const)('at %s scale', (scale) => {
    it.each(Object.keys(groups))('fits the %s group', async (groupName) => {
      const { objects } = await renderHexabidRelease(config, cacheKey);
      const group = groups[groupName]!;
      const nodes = scale === 'minimum' ? group.minSize : group.maxSize;
      const allocatable = nodeGroupAllocatable(group.instanceTypes, group.maxPods);
      const podSets = [...releasePods(config, objects, scale), ...addonPods(config, json), ...eksManagedPods()].filter((p) => p.group === groupName);
      const where =
        `${label}: ${groupName} group at ${scale} scale${scale === 'maximum' ? ' with the rolling-update surge' : ''} ` +
        `(${nodes} × ${group.instanceTypes.join('/')}, each ${allocatable.cpuMillicores}m CPU / ${allocatable.memoryMiB}Mi / ${allocatable.pods} pods ` +
        `less DaemonSets ${fmt(daemonSetShare)} / ${daemonSetShare.pods} pods)`;
      expect(allocatable.cpuMillicores > daemonSetShare.cpu && allocatable.memoryMiB > daemonSetShare.memory && allocatable.pods > daemonSetShare.pods, `${where}: the DaemonSets alone fill a node`).toBe(true);
      const { unplaced, rooms } = pack(podSets, nodes, allocatable, daemonSetShare);
      const total = podSets.reduce((n, p) => n + p.count, 0);
      const missing = [...unplaced.values()].reduce((n, u) => n + u.count, 0);
      const lines = [...unplaced.entries()].map(([owner, { count, set }]) => `  ${owner} × ${count} (${fmt(set)} each)`);
      const freest = [...rooms].sort((a, b) => b.cpu - a.cpu)[0];
      expect(
        lines,
        `${where}: ${missing} of ${total} pods did not fit:\n${lines.join('\n')}\n  (the freest node had ${freest ? `${fmt(freest)} / ${freest.pods} pods` : 'nothing: the group has no nodes'} left)`,
      ).toEqual([]);
    });
  });
});

/**
 * HexaBid / Kubernetes Cluster: nodes (node-exporter, kube-state-metrics),
 * pods and workloads (kube-state-metrics, cAdvisor) and network traffic.
 */
import { finalize, hexabidDashboard, prom, promVariable, row, statPanel, timeseriesPanel, type DashboardJson } from './common.ts';

export const KUBERNETES_CLUSTER_UID = 'hexabid-kubernetes-cluster';
export const KUBERNETES_CLUSTER_TITLE = 'HexaBid / Kubernetes Cluster';

const NS = 'namespace=~"$namespace"';
const NODE = 'instance=~"$instance"';
/** The root filesystem of a node; tmpfs and overlay mounts are not disks. */
const ROOT_FS = `${NODE}, mountpoint="/", fstype!~"tmpfs|overlay"`;
/** Physical interfaces only: not loopback nor the per-pod veth/eni ends. */
const NIC = `${NODE}, device!~"lo|veth.*|eni.*|docker.*|cali.*"`;

export function buildKubernetesCluster(): DashboardJson {
  const b = hexabidDashboard(
    KUBERNETES_CLUSTER_UID,
    KUBERNETES_CLUSTER_TITLE,
    'Node CPU, memory and disk, pod status, restarts and readiness, autoscaling, the scraper CronJob, and network traffic.',
    ['kubernetes'],
  )
    .withVariable(promVariable('namespace', 'Namespace', 'label_values(kube_pod_status_phase, namespace)'))
    .withVariable(promVariable('instance', 'Node', 'label_values(node_cpu_seconds_total, instance)'))

    .withRow(row('Node resources'))
    .withPanel(
      statPanel({
        title: 'Nodes not ready',
        description: 'Nodes whose Ready condition is not true.',
        unit: 'short',
        width: 24,
        height: 3,
        queries: [prom('sum(kube_node_status_condition{condition="Ready", status!="true"})')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Node CPU utilisation',
        description: 'Share of CPU time not idle, per node.',
        unit: 'percentunit',
        width: 8,
        min: 0,
        max: 1,
        queries: [prom(`1 - avg by (instance) (rate(node_cpu_seconds_total{${NODE}, mode="idle"}[$__rate_interval]))`, '{{instance}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Node memory utilisation',
        description: 'Share of memory not available (MemAvailable over MemTotal), per node.',
        unit: 'percentunit',
        width: 8,
        min: 0,
        max: 1,
        queries: [prom(`1 - node_memory_MemAvailable_bytes{${NODE}} / node_memory_MemTotal_bytes{${NODE}}`, '{{instance}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Node disk utilisation',
        description: 'Share of the root filesystem in use, per node.',
        unit: 'percentunit',
        width: 8,
        min: 0,
        max: 1,
        queries: [prom(`1 - node_filesystem_avail_bytes{${ROOT_FS}} / node_filesystem_size_bytes{${ROOT_FS}}`, '{{instance}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Persistent volume usage',
        description: 'Share of each PersistentVolumeClaim in use, as the kubelet measures it.',
        unit: 'percentunit',
        width: 24,
        min: 0,
        max: 1,
        queries: [
          prom(
            `1 - sum by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{${NS}}) / sum by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${NS}})`,
            '{{namespace}}/{{persistentvolumeclaim}}',
          ),
        ],
      }),
    )

    .withRow(row('Pod status'))
    .withPanel(
      timeseriesPanel({
        title: 'Pods by phase',
        description: 'Pods per phase in the selected namespaces.',
        unit: 'short',
        stacked: true,
        queries: [prom(`sum by (phase) (kube_pod_status_phase{${NS}})`, '{{phase}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pods not ready',
        description: 'Pods running or pending whose Ready condition is false (finished Job pods excluded).',
        unit: 'short',
        queries: [
          prom(
            `sum by (namespace, pod) (kube_pod_status_ready{${NS}, condition="false"}) * on (namespace, pod) sum by (namespace, pod) (kube_pod_status_phase{${NS}, phase=~"Running|Pending"}) > 0`,
            '{{namespace}}/{{pod}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Container restarts',
        description: 'Container restarts per pod in each interval.',
        unit: 'short',
        queries: [
          prom(`sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${NS}}[$__rate_interval])) > 0`, '{{namespace}}/{{pod}}'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Containers waiting by reason',
        description: 'Containers not started, by reason (CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, ...).',
        unit: 'short',
        queries: [prom(`sum by (namespace, reason) (kube_pod_container_status_waiting_reason{${NS}}) > 0`, '{{namespace}} {{reason}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pod CPU usage',
        description: 'CPU cores used per pod.',
        unit: 'short',
        queries: [prom(`sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${NS}, container!=""}[$__rate_interval]))`, '{{namespace}}/{{pod}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pod memory working set',
        description: 'Working-set memory per pod, what the OOM killer judges against the limit.',
        unit: 'bytes',
        queries: [prom(`sum by (namespace, pod) (container_memory_working_set_bytes{${NS}, container!=""})`, '{{namespace}}/{{pod}}')],
      }),
    )

    .withRow(row('Workloads'))
    .withPanel(
      timeseriesPanel({
        title: 'HPA replicas against maximum',
        description: 'Current replicas of each HorizontalPodAutoscaler and its maxReplicas.',
        unit: 'short',
        queries: [
          prom(`sum by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${NS}})`, '{{horizontalpodautoscaler}} current'),
          prom(`sum by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${NS}})`, '{{horizontalpodautoscaler}} max'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Time since last successful CronJob run',
        description: 'Seconds since each CronJob (the tender scraper) last completed a Job successfully.',
        unit: 's',
        queries: [prom(`time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${NS}})`, '{{namespace}}/{{cronjob}}')],
      }),
    )

    .withRow(row('Network traffic'))
    .withPanel(
      timeseriesPanel({
        title: 'Node network traffic (rx / tx)',
        description: 'Bytes per second received and transmitted on the physical interfaces, per node.',
        unit: 'Bps',
        queries: [
          prom(`sum by (instance) (rate(node_network_receive_bytes_total{${NIC}}[$__rate_interval]))`, '{{instance}} rx'),
          prom(`sum by (instance) (rate(node_network_transmit_bytes_total{${NIC}}[$__rate_interval]))`, '{{instance}} tx'),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Pod network traffic (rx / tx)',
        description: 'Bytes per second received and transmitted per pod.',
        unit: 'Bps',
        queries: [
          prom(`sum by (namespace, pod) (rate(container_network_receive_bytes_total{${NS}}[$__rate_interval]))`, '{{namespace}}/{{pod}} rx'),
          prom(`sum by (namespace, pod) (rate(container_network_transmit_bytes_total{${NS}}[$__rate_interval]))`, '{{namespace}}/{{pod}} tx'),
        ],
      }),
    );
  return finalize(b);
}

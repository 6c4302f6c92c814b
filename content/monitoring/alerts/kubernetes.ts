/** Alerts on the app's Kubernetes objects, from kube-state-metrics. */
import { runbookUrl } from '../runbook-sections.ts';
import type { AlertContext, AlertRuleGroup } from './types.ts';

/** The scraper CronJob is `<release fullname>-scraper` (helm/hexabid/templates/cronjob-scraper.yaml). */
const SCRAPER_CRONJOB = '.*-scraper';

/**
 * The daily OpenSearch snapshot CronJob (SEARCH_SNAPSHOT_CRONJOB of
 * modules/kubernetes/search-snapshots/search-snapshots.ts, whose test holds the two in step). It
 * runs in the platform namespace, so its matcher names the CronJob, not `ns`.
 */
const SEARCH_SNAPSHOT = 'cronjob="search-snapshot"';

export function kubernetesAlerts({ t, ns }: AlertContext): AlertRuleGroup {
  return {
    name: 'hexabid.kubernetes',
    rules: [
      {
        alert: 'HexabidPodCrashLooping',
        expr:
          `max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{${ns}, reason="CrashLoopBackOff"}[5m])) >= 1` +
          ` or sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${ns}}[15m])) > ${t.podRestartsIn15m}`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping.',
          description: `{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in CrashLoopBackOff or restarted more than ${t.podRestartsIn15m} times in 15 minutes.`,
          runbook_url: runbookUrl('crash-looping-pods'),
        },
      },
      {
        alert: 'HexabidPodNotReady',
        // Running or Pending pods whose Ready condition is false; finished Job pods (Succeeded, Failed) are not counted.
        expr:
          `sum by (namespace, pod) (kube_pod_status_ready{${ns}, condition="false"})` +
          ` * on (namespace, pod) sum by (namespace, pod) (kube_pod_status_phase{${ns}, phase=~"Running|Pending"}) > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes.',
          description: '{{ $labels.namespace }}/{{ $labels.pod }} is running or pending but not ready, so it gets no traffic; often a failed rollout, a failing readiness probe or a pod that cannot be scheduled.',
          runbook_url: runbookUrl('deployment-and-rollback'),
        },
      },
      {
        alert: 'HexabidHpaAtMaxReplicas',
        expr:
          `kube_horizontalpodautoscaler_status_current_replicas{${ns}} >= kube_horizontalpodautoscaler_spec_max_replicas{${ns}}` +
          ` and on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{${ns}} > kube_horizontalpodautoscaler_spec_min_replicas{${ns}}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum for 15 minutes.',
          description: '{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maxReplicas; it cannot absorb more load.',
          runbook_url: runbookUrl('scaling'),
        },
      },
      {
        alert: 'HexabidScraperJobFailed',
        expr:
          `sum by (namespace, job_name) (kube_job_status_failed{${ns}})` +
          ` * on (namespace, job_name) group_left (owner_name) max by (namespace, job_name, owner_name) (kube_job_owner{${ns}, owner_kind="CronJob", owner_name=~"${SCRAPER_CRONJOB}"}) > 0`,
        for: '1m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Scraper run {{ $labels.namespace }}/{{ $labels.job_name }} failed.',
          description: 'Job {{ $labels.job_name }} of CronJob {{ $labels.owner_name }} failed after its retries. The alert clears when the failed Job is deleted (kubectl delete job) or expires after ttlSecondsAfterFinished.',
          runbook_url: runbookUrl('scraper-failures'),
        },
      },
      {
        alert: 'HexabidScraperNotSucceeding',
        expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${ns}, cronjob=~"${SCRAPER_CRONJOB}"}) > ${t.scraperHoursSinceSuccess * 3600}`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'The tender scraper has not succeeded for {{ $value | humanizeDuration }}.',
          description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} last completed successfully {{ $value | humanizeDuration }} ago (threshold ${t.scraperHoursSinceSuccess}h); no new tenders are being ingested.`,
          runbook_url: runbookUrl('scraper-failures'),
        },
      },
      {
        alert: 'HexabidSearchSnapshotStale',
        // Stale since the last success, or never succeeded since the CronJob was created that long ago.
        // Every environment gets the rule, and it is silent where the CronJob does not exist (its series
        // are absent, and there is no absent()) and where it is suspended (a standby domain, restored into).
        expr:
          `(time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${SEARCH_SNAPSHOT}}) > ${t.searchSnapshotHoursSinceSuccess * 3600}` +
          ` or (time() - max by (namespace, cronjob) (kube_cronjob_created{${SEARCH_SNAPSHOT}}) > ${t.searchSnapshotHoursSinceSuccess * 3600}` +
          ` unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${SEARCH_SNAPSHOT}}))` +
          ` unless on (namespace, cronjob) (kube_cronjob_spec_suspend{${SEARCH_SNAPSHOT}} == 1)`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'No successful OpenSearch snapshot for {{ $value | humanizeDuration }}.',
          description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not completed a snapshot with state SUCCESS for {{ $value | humanizeDuration }} (threshold ${t.searchSnapshotHoursSinceSuccess}h): the search domain's disaster-recovery copy is getting old. Its failed Job's log says which step failed.`,
          runbook_url: runbookUrl('backup-and-restore'),
        },
      },
    ],
  };
}

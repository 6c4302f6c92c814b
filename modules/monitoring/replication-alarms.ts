import { Construct } from 'constructs';
import { REPLICATION_TIME_MINUTES } from '../internal/cross-region-replication.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import { metricAlarms, type IdentifiedAlarmSpec } from './internal/metric-alarm.ts';

/** S3 Replication Time Control's SLA: the latency past which the RPO is missed. */
const RTC_SLA_SECONDS = REPLICATION_TIME_MINUTES * 60;

/** One replication rule to watch; its replication metrics must be on (they are under RTC). */
export interface ReplicatedBucket {
  /** Name of the bucket replicated from: the metrics' `SourceBucket`. */
  readonly sourceBucket: string;
  /** Name, not ARN, of the replica bucket: the metrics' `DestinationBucket`. */
  readonly destinationBucket: string;
  /** ID of the replication rule: the metrics' `RuleId`. */
  readonly ruleId: string;
  /** What the bucket holds, in alarm names and construct ids, e.g. `documents`. Lower case, digits and hyphens. */
  readonly label: string;
}

export interface ReplicationAlarmsProps {
  /** Alarm names start with it, e.g. `hexabid-production`. */
  readonly namePrefix: string;
  readonly topics: AlarmTopics;
  /** At least one. */
  readonly buckets: readonly ReplicatedBucket[];
  /**
   * The replication latency, at its 5-minute maximum, above which the
   * latency alarm fires. Above 900 it would stay silent while the RPO is
   * already missed.
   * @default 900 - the S3 RTC SLA, 15 minutes
   */
  readonly latencyThresholdSeconds?: number;
}

/** Every default of {@link ReplicationAlarmsProps}, applied in one place. */
export const REPLICATION_ALARMS_DEFAULTS = {
  latencyThresholdSeconds: RTC_SLA_SECONDS,
} as const satisfies Partial<ReplicationAlarmsProps>;

/**
 * S3 cross-region replication alarms, per replication rule: replication
 * latency past the RTC SLA (warning: the DR copy is older than the RPO) and
 * failed replication operations (critical: those objects never reach the DR
 * region unless replicated again by hand). S3 publishes replication metrics
 * in the source bucket's region, so these alarms belong with the stack's
 * default provider there.
 */
export class ReplicationAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: ReplicationAlarmsProps) {
    super(scope, id);
    const p = withDefaults(props, REPLICATION_ALARMS_DEFAULTS);
    const latency = p.latencyThresholdSeconds;
    requireProps(
      Number.isFinite(latency) && latency > 0 && latency <= RTC_SLA_SECONDS,
      'ReplicationAlarms',
      id,
      `latencyThresholdSeconds must be more than 0 and at most ${RTC_SLA_SECONDS}, the RTC SLA (got ${latency})`,
    );
    requireProps(p.buckets.length > 0, 'ReplicationAlarms', id, 'buckets must name at least one replicated bucket');
    const labels = p.buckets.map((b) => b.label);
    for (const label of labels) {
      requireProps(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(label), 'ReplicationAlarms', id, `label '${label}' must be lower case letters, digits and single hyphens`);
    }
    const repeated = labels.filter((label, i) => labels.indexOf(label) !== i);
    requireProps(repeated.length === 0, 'ReplicationAlarms', id, `labels must differ; '${repeated[0]}' is given twice`);

    const specs = p.buckets.flatMap(({ sourceBucket, destinationBucket, ruleId, label }) => {
      const name = `${p.namePrefix}-replication-${label}`;
      const s3 = { namespace: 'AWS/S3', dimensions: { SourceBucket: sourceBucket, DestinationBucket: destinationBucket, RuleId: ruleId } };
      const rule = `Replication rule ${ruleId} from ${sourceBucket} to ${destinationBucket}`;
      return [
        {
          id: `${label}-latency`,
          alarmName: `${name}-latency-high`,
          summary: `S3 replication of ${label} lags by more than ${latency} s.`,
          detail: `${rule}: the DR copy is older than the RPO. Look at OperationsPendingReplication and BytesPendingReplication, and at the AWS Health Dashboard for S3 in both regions.`,
          runbook: 'backup-and-restore',
          severity: 'warning',
          ...s3,
          metricName: 'ReplicationLatency',
          statistic: 'Maximum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: latency,
          // S3 reports latency while operations are pending; silence means nothing is waiting, so nothing is late.
          // Not AWS's suggested 'ignore': that would hold an alarm, and withhold its OK, through the quiet after a backlog drains.
          treatMissingData: 'notBreaching',
        },
        {
          id: `${label}-failures`,
          alarmName: `${name}-failed-operations`,
          summary: `S3 failed to replicate ${label} objects to the DR region.`,
          detail: `${rule}: failed objects are not retried and are missing from the DR copy. Check the replication role's S3 and KMS permissions, then replicate them again with S3 Batch Replication.`,
          runbook: 'backup-and-restore',
          severity: 'critical',
          ...s3,
          metricName: 'OperationsFailedReplication',
          statistic: 'Sum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          // A count: no data is no failures.
          treatMissingData: 'notBreaching',
        },
      ] satisfies IdentifiedAlarmSpec[];
    });
    this.alarmNames = metricAlarms(this, p.topics, specs);
  }
}

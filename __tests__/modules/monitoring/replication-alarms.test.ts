import { describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../modules/invalid-props-error.ts';
import { ReplicationAlarms, type ReplicationAlarmsProps } from '../../../modules/monitoring/replication-alarms.ts';
import { runbookAnchorOf } from '../../../content/monitoring/runbook-sections.ts';
import { resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const topics = { critical: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-critical', warning: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-warning' };
const documents = { sourceBucket: 'hexabid-test-documents-123456789012', destinationBucket: 'hexabid-test-documents-replica-123456789012', ruleId: 'replicate-everything-to-dr', label: 'documents' };
const snapshots = {
  sourceBucket: 'hexabid-test-search-snapshots-123456789012',
  destinationBucket: 'hexabid-test-search-snapshots-replica-123456789012',
  ruleId: 'replicate-everything-to-dr',
  label: 'search-snapshots',
};
const PROPS: ReplicationAlarmsProps = { namePrefix: 'hexabid-test', topics, buckets: [documents, snapshots] };

type Alarm = Record<string, any>;

function synth(props: Partial<ReplicationAlarmsProps> = {}): { alarms: Alarm[]; names: readonly string[] } {
  let names: readonly string[] = [];
  const json = synthConstruct((scope) => {
    names = new ReplicationAlarms(scope, 'Replication', { ...PROPS, ...props }).alarmNames;
  });
  return { alarms: resourcesOf(json, 'aws_cloudwatch_metric_alarm'), names };
}

describe('ReplicationAlarms', () => {
  const { alarms, names } = synth();

  it('watches latency past the RTC SLA (warning) and failed operations (critical) for each replicated bucket', () => {
    const severity = (a: Alarm) => (a.alarm_actions[0] === topics.critical ? 'critical' : 'warning');
    const rows = Object.fromEntries(
      alarms.map((a) => [a.alarm_name, [a.metric_name, a.statistic, a.period, a.evaluation_periods, a.comparison_operator, a.threshold, severity(a), a.treat_missing_data]]),
    );
    expect(rows).toEqual({
      'hexabid-test-replication-documents-latency-high': ['ReplicationLatency', 'Maximum', 300, 1, 'GreaterThanThreshold', 900, 'warning', 'notBreaching'],
      'hexabid-test-replication-documents-failed-operations': ['OperationsFailedReplication', 'Sum', 300, 1, 'GreaterThanThreshold', 0, 'critical', 'notBreaching'],
      'hexabid-test-replication-search-snapshots-latency-high': ['ReplicationLatency', 'Maximum', 300, 1, 'GreaterThanThreshold', 900, 'warning', 'notBreaching'],
      'hexabid-test-replication-search-snapshots-failed-operations': ['OperationsFailedReplication', 'Sum', 300, 1, 'GreaterThanThreshold', 0, 'critical', 'notBreaching'],
    });
    expect([...names].sort()).toEqual(Object.keys(rows).sort());
  });

  it('dimensions each alarm by its rule: source bucket, destination bucket (names, not ARNs) and rule ID', () => {
    for (const bucket of [documents, snapshots]) {
      const own = alarms.filter((a) => a.alarm_name.includes(`-${bucket.label}-`));
      expect(own).toHaveLength(2);
      for (const alarm of own) {
        expect(alarm.namespace).toBe('AWS/S3');
        expect(alarm.dimensions).toEqual({ SourceBucket: bucket.sourceBucket, DestinationBucket: bucket.destinationBucket, RuleId: bucket.ruleId });
      }
    }
  });

  it('notifies its severity\'s topic when it fires and when it clears, and links the runbook', () => {
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toHaveLength(1);
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
      expect(alarm.datapoints_to_alarm).toBe(alarm.evaluation_periods);
      expect(alarm.provider).toBeUndefined();
      const [summary, ...rest] = (alarm.alarm_description as string).split('\n');
      expect(summary).toMatch(/^[A-Z].*\.$/);
      expect(runbookAnchorOf(rest.at(-1)!.replace(/^Runbook: /, ''))).toBe('backup-and-restore');
    }
  });

  it('takes a tighter latency threshold from props', () => {
    const latency = synth({ latencyThresholdSeconds: 300 }).alarms.filter((a) => a.metric_name === 'ReplicationLatency');
    expect(latency.map((a) => a.threshold)).toEqual([300, 300]);
    expect(latency[0]!.alarm_description).toMatch(/^S3 replication of documents lags by more than 300 s\./);
  });

  it('refuses a latency threshold at or below 0, or past the RTC SLA, naming the field and the value', () => {
    expect(() => synth({ latencyThresholdSeconds: 901 })).toThrow(InvalidPropsError);
    expect(() => synth({ latencyThresholdSeconds: 901 })).toThrow(
      'ReplicationAlarms Replication: latencyThresholdSeconds must be more than 0 and at most 900, the RTC SLA (got 901)',
    );
    expect(() => synth({ latencyThresholdSeconds: 0 })).toThrow('latencyThresholdSeconds must be more than 0 and at most 900, the RTC SLA (got 0)');
    expect(() => synth({ latencyThresholdSeconds: -60 })).toThrow('(got -60)');
    expect(() => synth({ latencyThresholdSeconds: Number.NaN })).toThrow('(got NaN)');
    expect(() => synth({ latencyThresholdSeconds: 900 })).not.toThrow();
  });

  it('refuses no buckets, and labels that repeat or cannot name an alarm', () => {
    expect(() => synth({ buckets: [] })).toThrow('ReplicationAlarms Replication: buckets must name at least one replicated bucket');
    expect(() => synth({ buckets: [documents, { ...snapshots, label: 'documents' }] })).toThrow("ReplicationAlarms Replication: labels must differ; 'documents' is given twice");
    expect(() => synth({ buckets: [{ ...documents, label: 'Documents' }] })).toThrow(
      "ReplicationAlarms Replication: label 'Documents' must be lower case letters, digits and single hyphens",
    );
  });
});

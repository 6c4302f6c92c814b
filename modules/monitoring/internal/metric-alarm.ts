/** One CloudWatch metric alarm, written the same way by every alarm construct. */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { runbookUrl, type RunbookAnchor } from '../../../content/monitoring/runbook-sections.ts';
import { requireProps } from '../../internal/props.ts';
import type { AlarmTopics, AlertSeverity } from '../alarm-topics.ts';

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/**
 * What CloudWatch makes of a period without data. Each alarm chooses, with a
 * comment saying why: a silent metric can mean "nothing happened" (a count),
 * "unknown" (a gauge of something stopped), or "broken" (a health signal).
 */
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export interface MetricAlarmSpec {
  readonly alarmName: string;
  /** One line saying what is wrong; the description, and the page's title, start with it. */
  readonly summary: string;
  /** What it means and what to look at first. */
  readonly detail: string;
  readonly runbook: RunbookAnchor;
  readonly severity: AlertSeverity;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** A statistic, or else a percentile in `extendedStatistic`. @default - none: `extendedStatistic` is given */
  readonly statistic?: 'Average' | 'Maximum' | 'Minimum' | 'Sum';
  /** A percentile, e.g. `p95`. @default - none: `statistic` is given */
  readonly extendedStatistic?: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly threshold: number;
  readonly treatMissingData: TreatMissingData;
  /** For percentiles over few samples. @default - CloudWatch's default, 'evaluate' */
  readonly evaluateLowSampleCountPercentiles?: 'evaluate' | 'ignore';
  /**
   * The region the alarm lives in, when its metric exists in one region only
   * (Route53 health checks: us-east-1); its topics must be of that region.
   * @default - the provider's region
   */
  readonly region?: string;
}

/** CloudWatch's limit on alarm descriptions. */
const MAX_DESCRIPTION = 1024;

/** The description: the summary line, the detail, and the runbook link. */
export function alarmDescription(spec: Pick<MetricAlarmSpec, 'summary' | 'detail' | 'runbook'>): string {
  return `${spec.summary}\n${spec.detail}\nRunbook: ${runbookUrl(spec.runbook)}`;
}

/** Creates the alarm, notifying the severity's topic when it fires and when it clears. */
export function metricAlarm(scope: Construct, id: string, spec: MetricAlarmSpec, topics: AlarmTopics): CloudwatchMetricAlarm {
  const description = alarmDescription(spec);
  requireProps(!spec.summary.includes('\n'), 'MetricAlarm', spec.alarmName, 'summary must be one line');
  requireProps(description.length <= MAX_DESCRIPTION, 'MetricAlarm', spec.alarmName, `description is ${description.length} characters; CloudWatch allows ${MAX_DESCRIPTION}`);
  requireProps((spec.statistic === undefined) !== (spec.extendedStatistic === undefined), 'MetricAlarm', spec.alarmName, 'give statistic or extendedStatistic, not both');
  requireProps(Number.isFinite(spec.threshold), 'MetricAlarm', spec.alarmName, `threshold must be a number (got ${spec.threshold})`);
  const topic = topics[spec.severity];
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: spec.alarmName,
    alarmDescription: description,
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: { ...spec.dimensions },
    statistic: spec.statistic,
    extendedStatistic: spec.extendedStatistic,
    period: spec.periodSeconds,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
    comparisonOperator: spec.comparisonOperator,
    threshold: spec.threshold,
    treatMissingData: spec.treatMissingData,
    evaluateLowSampleCountPercentiles: spec.evaluateLowSampleCountPercentiles,
    region: spec.region,
    alarmActions: [topic],
    okActions: [topic],
  });
}

/** A spec with the construct id its alarm gets. */
export type IdentifiedAlarmSpec = MetricAlarmSpec & { readonly id: string };

/** Creates one alarm per spec and returns their names, in order. */
export function metricAlarms(scope: Construct, topics: AlarmTopics, specs: readonly IdentifiedAlarmSpec[]): string[] {
  return specs.map(({ id, ...spec }) => {
    metricAlarm(scope, id, spec, topics);
    return spec.alarmName;
  });
}

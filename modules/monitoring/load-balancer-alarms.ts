import { Construct } from 'constructs';
import { requireProps } from '../internal/props.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import { metricAlarms, type IdentifiedAlarmSpec } from './internal/metric-alarm.ts';

/** The thresholds of the load balancer alarms (the environment's `monitoring.alarms` fits). */
export interface LoadBalancerAlarmThresholds {
  /** 5xx answered by the ALB, and 5xx answered by its targets, each per 5 minutes. */
  readonly loadBalancer5xxPer5Minutes: number;
  /** p95 of the targets' response time. */
  readonly targetResponseTimeSeconds: number;
}

export interface LoadBalancerAlarmsProps {
  /** Alarm names start with it; name the load balancer, e.g. `hexabid-production-alb`. */
  readonly namePrefix: string;
  /** The ALB's `LoadBalancer` dimension: the end of its ARN, `app/<name>/<id>` (`aws_lb.arn_suffix`). */
  readonly loadBalancerArnSuffix: string;
  readonly topics: AlarmTopics;
  readonly thresholds: LoadBalancerAlarmThresholds;
}

/**
 * Application Load Balancer alarms: 5xx the ALB itself answers (no healthy
 * target, the cluster is down: critical), 5xx from the targets (the app
 * fails: warning) and slow responses (p95: warning). They are CloudWatch
 * alarms, so they page when the cluster and its Prometheus are gone.
 */
export class LoadBalancerAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: LoadBalancerAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    requireProps(t.loadBalancer5xxPer5Minutes > 0, 'LoadBalancerAlarms', id, `loadBalancer5xxPer5Minutes must be more than 0 (got ${t.loadBalancer5xxPer5Minutes})`);
    requireProps(
      t.targetResponseTimeSeconds > 0 && t.targetResponseTimeSeconds <= 60,
      'LoadBalancerAlarms',
      id,
      `targetResponseTimeSeconds must be more than 0 and at most 60 (got ${t.targetResponseTimeSeconds})`,
    );
    const alb = { namespace: 'AWS/ApplicationELB', dimensions: { LoadBalancer: props.loadBalancerArnSuffix } };
    const name = props.namePrefix;
    const specs: IdentifiedAlarmSpec[] = [
      {
        id: 'elb-5xx',
        alarmName: `${name}-elb-5xx`,
        summary: `The load balancer answered more than ${t.loadBalancer5xxPer5Minutes} requests with its own 5xx in 5 minutes.`,
        detail: `ALB ${props.loadBalancerArnSuffix}: 502/503/504 from the ALB itself mean no healthy target, or targets that do not answer: the cluster or the app is down.`,
        runbook: 'api-errors',
        severity: 'critical',
        ...alb,
        metricName: 'HTTPCode_ELB_5XX_Count',
        statistic: 'Sum',
        periodSeconds: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.loadBalancer5xxPer5Minutes,
        // The ALB reports a count only when it is not zero: no data is no errors.
        treatMissingData: 'notBreaching',
      },
      {
        id: 'target-5xx',
        alarmName: `${name}-target-5xx`,
        summary: `The app answered more than ${t.loadBalancer5xxPer5Minutes} requests with 5xx in 5 minutes.`,
        detail: `ALB ${props.loadBalancerArnSuffix}: the targets themselves fail. Check the API's logs and recent deployments.`,
        runbook: 'api-errors',
        severity: 'warning',
        ...alb,
        metricName: 'HTTPCode_Target_5XX_Count',
        statistic: 'Sum',
        periodSeconds: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.loadBalancer5xxPer5Minutes,
        // As above: reported only when not zero.
        treatMissingData: 'notBreaching',
      },
      {
        id: 'target-response-time',
        alarmName: `${name}-target-response-time-high`,
        summary: `p95 response time above ${t.targetResponseTimeSeconds} s for 15 minutes.`,
        detail: `ALB ${props.loadBalancerArnSuffix}: the slowest 5% of requests take longer than ${t.targetResponseTimeSeconds} s. Look at the database and the slowest endpoints first.`,
        runbook: 'performance-troubleshooting',
        severity: 'warning',
        ...alb,
        metricName: 'TargetResponseTime',
        extendedStatistic: 'p95',
        periodSeconds: 300,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.targetResponseTimeSeconds,
        // No requests, no response times: an idle load balancer is not a slow one.
        treatMissingData: 'notBreaching',
        // A p95 of a handful of requests is noise; such periods leave the state as it is.
        evaluateLowSampleCountPercentiles: 'ignore',
      },
    ];
    this.alarmNames = metricAlarms(this, props.topics, specs);
  }
}

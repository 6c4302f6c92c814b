import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import { metricAlarm } from './internal/metric-alarm.ts';

/** The IAM role of a cluster's Alertmanager, which publishes the heartbeat. */
export function alertmanagerRoleName(clusterName: string): string {
  return `${clusterName}-alertmanager`;
}

/** The heartbeat topic's name: Alertmanagers find it by name, from stacks that cannot read this one's state. */
export function heartbeatTopicName(namePrefix: string): string {
  return `${namePrefix}-alertmanager-heartbeat`;
}

export interface AlertmanagerHeartbeatProps {
  /** Names start with it, e.g. `hexabid-production`: the topic `<prefix>-alertmanager-heartbeat`, the alarm `<prefix>-alertmanager-heartbeat-missing`. */
  readonly namePrefix: string;
  /**
   * The region to build in, through each resource's `region` argument: one
   * where no cluster that publishes here runs, so the switch outlives them.
   * @default - the provider's region
   */
  readonly region?: string;
  /** The key of the topic; publishers get its use through IAM (see {@link publisherRoleArns}). */
  readonly kmsKeyArn: string;
  /** Topics of the alarm's region that page; the missing heartbeat is critical. */
  readonly topics: AlarmTopics;
  /** The IAM roles of the Alertmanagers that publish the heartbeat; no one else may. */
  readonly publisherRoleArns: readonly string[];
  /** Minutes without a heartbeat before it pages: a whole number of 5-minute periods. @default 15 */
  readonly silenceMinutes?: number;
}

/** Every default of {@link AlertmanagerHeartbeatProps}, applied in one place. */
export const ALERTMANAGER_HEARTBEAT_DEFAULTS = { silenceMinutes: 15 } as const satisfies Partial<AlertmanagerHeartbeatProps>;

const PERIOD_SECONDS = 300;

/**
 * A dead man's switch for Alertmanager: Alertmanager sends its always-firing
 * `Watchdog` alert to this SNS topic every minute, and a CloudWatch alarm on
 * the topic's own `NumberOfMessagesPublished` pages when none arrived for
 * {@link AlertmanagerHeartbeatProps.silenceMinutes}, silence counting as none.
 * A dead Prometheus (no Watchdog), a dead Alertmanager, a cluster or NAT that
 * is down, or a lost credential all stop the heartbeat, and none of them can
 * stop the alarm: it lives in another region, with a forwarder of its own.
 *
 * Why a CloudWatch alarm and not a third-party heartbeat service: it needs no
 * new vendor, account or credential, and it pages through the same forwarder
 * and receivers as every other alarm. SNS counts each publish to a topic in
 * `NumberOfMessagesPublished`, every five minutes (Amazon SNS, "Monitoring
 * Amazon SNS topics using CloudWatch"). The topic needs no subscriber; that the
 * count is kept without one is not stated there, so the quarterly drill reads
 * the metric (docs/DISASTER-RECOVERY.md).
 */
export class AlertmanagerHeartbeat extends Construct {
  readonly topicArn: string;
  readonly topicName: string;
  readonly alarmName: string;

  constructor(scope: Construct, id: string, props: AlertmanagerHeartbeatProps) {
    super(scope, id);
    const p = withDefaults(props, ALERTMANAGER_HEARTBEAT_DEFAULTS);
    requireProps(p.publisherRoleArns.length > 0, 'AlertmanagerHeartbeat', id, 'publisherRoleArns must name at least one Alertmanager role');
    requireProps(
      Number.isInteger(p.silenceMinutes) && p.silenceMinutes >= 10 && p.silenceMinutes % 5 === 0,
      'AlertmanagerHeartbeat',
      id,
      `silenceMinutes must be a multiple of 5 of at least 10 (got ${p.silenceMinutes}): one late heartbeat must not page`,
    );
    const { accountRootArn } = awsContext(this);
    this.topicName = heartbeatTopicName(p.namePrefix);
    const topic = new SnsTopic(this, 'Topic', { name: this.topicName, kmsMasterKeyId: p.kmsKeyArn, region: p.region });
    new SnsTopicPolicy(this, 'TopicPolicy', {
      arn: topic.arn,
      region: p.region,
      policy: policyDocument([
        {
          Sid: 'AlertmanagersOfThisAccountPublish',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: { ArnLike: { 'aws:PrincipalArn': [...p.publisherRoleArns] } },
        },
      ]),
    });
    this.topicArn = topic.arn;

    this.alarmName = `${p.namePrefix}-alertmanager-heartbeat-missing`;
    metricAlarm(
      this,
      'Alarm',
      {
        alarmName: this.alarmName,
        summary: `No Alertmanager heartbeat for ${p.silenceMinutes} minutes: in-cluster alerts may reach nobody.`,
        detail: `Alertmanager sends its Watchdog to SNS topic ${this.topicName} every minute. Prometheus, Alertmanager, the cluster or its way out may be down; the CloudWatch alarms still page.`,
        runbook: 'incident-response',
        severity: 'critical',
        namespace: 'AWS/SNS',
        metricName: 'NumberOfMessagesPublished',
        dimensions: { TopicName: topic.name },
        statistic: 'Sum',
        periodSeconds: PERIOD_SECONDS,
        evaluationPeriods: (p.silenceMinutes * 60) / PERIOD_SECONDS,
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
        // SNS reports nothing for a topic nobody publishes to: silence is the failure this alarm is for.
        treatMissingData: 'breaching',
        region: p.region,
      },
      p.topics,
    );
  }
}

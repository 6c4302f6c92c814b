import { CeAnomalyMonitor } from '@cdktf/provider-aws/lib/ce-anomaly-monitor';
import { CeAnomalySubscription } from '@cdktf/provider-aws/lib/ce-anomaly-subscription';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';

export interface CostAnomalyDetectionProps {
  /** Names the monitor and the subscription, e.g. `hexabid`. */
  readonly namePrefix: string;
  /**
   * The SNS topic told of each anomaly at once. Its policy must admit
   * `costalerts.amazonaws.com`, and its key that service too (`Alerting`'s
   * `acceptCostNotifications`). Cost Anomaly Detection does not check the topic
   * when the subscription is made: a topic that does not exist yet, or refuses,
   * costs alerts, and AWS says so by email to the account.
   */
  readonly subscriberTopicArn: string;
  /** Anomalies whose total cost impact reaches this many US dollars are sent. @default 50 */
  readonly thresholdUsd?: number;
  /**
   * An existing AWS services monitor to subscribe to instead of making one: an
   * account has at most one, and AWS makes a default one in some accounts.
   * @default - a services monitor of its own
   */
  readonly monitorArn?: string;
}

/** Every default of {@link CostAnomalyDetectionProps}, applied in one place. */
export const COST_ANOMALY_DETECTION_DEFAULTS = { thresholdUsd: 50 } as const satisfies Partial<CostAnomalyDetectionProps>;

/**
 * AWS Cost Anomaly Detection for the account: a monitor of every AWS
 * service's spend (the one kind a member account may have, "Getting started
 * with AWS Cost Anomaly Detection"), and an immediate alert to an SNS topic
 * for each anomaly of at least {@link CostAnomalyDetectionProps.thresholdUsd}.
 * It learns the account's own pattern, so it catches the runaway that a
 * monthly budget sees only as a forecast. It costs nothing.
 */
export class CostAnomalyDetection extends Construct {
  readonly monitorArn: string;
  readonly subscriptionArn: string;

  constructor(scope: Construct, id: string, props: CostAnomalyDetectionProps) {
    super(scope, id);
    const p = withDefaults(props, COST_ANOMALY_DETECTION_DEFAULTS);
    requireProps(Number.isFinite(p.thresholdUsd) && p.thresholdUsd > 0, 'CostAnomalyDetection', id, `thresholdUsd must be more than 0 (got ${p.thresholdUsd})`);
    this.monitorArn =
      p.monitorArn ?? new CeAnomalyMonitor(this, 'Monitor', { name: `${p.namePrefix}-aws-services`, monitorType: 'DIMENSIONAL', monitorDimension: 'SERVICE' }).arn;
    const subscription = new CeAnomalySubscription(this, 'Subscription', {
      name: `${p.namePrefix}-cost-anomalies`,
      // SNS subscribers take immediate alerts only.
      frequency: 'IMMEDIATE',
      monitorArnList: [this.monitorArn],
      subscriber: [{ type: 'SNS', address: p.subscriberTopicArn }],
      thresholdExpression: { dimension: { key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', matchOptions: ['GREATER_THAN_OR_EQUAL'], values: [String(p.thresholdUsd)] } },
    });
    this.subscriptionArn = subscription.arn;
  }
}

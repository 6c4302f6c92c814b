import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument } from '../internal/iam.ts';
import { requireProps } from '../internal/props.ts';
import { EncryptionKey } from '../security/kms-key.ts';
import { ALERT_SEVERITIES, type AlarmTopics, type AlertSeverity } from './alarm-topics.ts';

/** Regions AWS launched after March 2019: SNS there invokes Lambda elsewhere as `sns.<region>.amazonaws.com`. */
const SNS_OPT_IN_REGIONS: readonly string[] = ['af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'eu-south-1', 'eu-south-2', 'eu-central-2', 'il-central-1', 'me-south-1', 'me-central-1'];

export interface AlarmRelayProps {
  /** Names start with it, e.g. `hexabid-production`; the topics are `<prefix>-alerts-<severity>-<region>`. */
  readonly namePrefix: string;
  /** The provider of the region whose alarms are relayed. */
  readonly provider: TerraformProvider;
  readonly region: string;
  /** The alarm forwarder (the {@link Alerting} construct's), in this stack's region. */
  readonly forwarder: { readonly functionName: string; readonly functionArn: string };
}

/**
 * Alarm topics in another region, forwarded by this region's forwarder: a
 * CloudWatch alarm notifies only a topic of its own region, and some metrics
 * exist in one region only (Route53 health checks in us-east-1). SNS delivers
 * to the Lambda across regions.
 */
export class AlarmRelay extends Construct {
  readonly topicArns: AlarmTopics;

  constructor(scope: Construct, id: string, props: AlarmRelayProps) {
    super(scope, id);
    const { accountId, partition } = awsContext(this);
    requireProps(/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region), 'AlarmRelay', id, `region must be an AWS region code (got "${props.region}")`);
    const prefix = `${props.namePrefix}-alerts`;
    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${prefix}-${props.region}`,
      description: `Encrypts the ${props.namePrefix} alert topics in ${props.region}`,
      provider: props.provider,
      additionalStatements: [
        { Sid: 'CloudWatchAlarmsPublishToEncryptedTopics', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
      ],
    });
    const principal = SNS_OPT_IN_REGIONS.includes(props.region) ? `sns.${props.region}.amazonaws.com` : 'sns.amazonaws.com';
    const topics = {} as Record<AlertSeverity, string>;
    for (const severity of ALERT_SEVERITIES) {
      const topic = new SnsTopic(this, `Topic-${severity}`, { name: `${prefix}-${severity}-${props.region}`, kmsMasterKeyId: key.keyArn, provider: props.provider });
      new SnsTopicPolicy(this, `TopicPolicy-${severity}`, {
        arn: topic.arn,
        policy: policyDocument([
          {
            Sid: 'CloudWatchAlarmsOfThisAccountPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.arn,
            Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${props.region}:${accountId}:alarm:*` } },
          },
        ]),
        provider: props.provider,
      });
      const permission = new LambdaPermission(this, `InvokeFrom-${severity}`, {
        statementId: `alerts-${severity}-${props.region}`,
        action: 'lambda:InvokeFunction',
        functionName: props.forwarder.functionName,
        principal,
        sourceArn: topic.arn,
      });
      new SnsTopicSubscription(this, `Subscription-${severity}`, {
        topicArn: topic.arn,
        protocol: 'lambda',
        endpoint: props.forwarder.functionArn,
        provider: props.provider,
        dependsOn: [permission],
      });
      topics[severity] = topic.arn;
    }
    this.topicArns = topics;
  }
}

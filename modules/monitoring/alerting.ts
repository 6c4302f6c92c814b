import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument } from '../internal/iam.ts';
import { lambdaExecutionRole, nodeFunctionCode } from './internal/lambda-function.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { AppSecrets } from '../security/app-secrets.ts';
import type { SecretReplica } from '../security/secret-replica.ts';
import { EncryptionKey } from '../security/kms-key.ts';
import { ALERT_RECEIVERS, ALERT_SEVERITIES, alertTopicName, receiversOf, type AlarmTopics, type AlertReceiver, type AlertSeverity } from './alarm-topics.ts';
import { metricAlarm } from './internal/metric-alarm.ts';

/** The forwarder's source: one ES module, no dependencies. Its `index.d.mts` stays out of the package. */
export const ALARM_FORWARDER_SOURCE = join(__dirname, 'alarm-forwarder', 'index.mjs');

/** The receiver credentials: secret names under `<secretNamePrefix>/alerting/`, and what ops put in each. */
export const ALERTING_SECRETS = {
  pagerduty: { name: 'pagerduty-routing-key', description: 'PagerDuty Events API v2 integration (routing) key, 32 characters, as a plain string' },
  slack: { name: 'slack-webhook-url', description: 'Slack incoming webhook URL (https://hooks.slack.com/services/...), as a plain string' },
} as const satisfies Record<AlertReceiver, { name: string; description: string }>;

export interface AlertingProps {
  /** Names of the topics, forwarder, queue, role and key alias start with it, e.g. `hexabid-production`. */
  readonly namePrefix: string;
  /** Secrets Manager prefix, e.g. `hexabid/production`; the credentials live under `<prefix>/alerting/`. */
  readonly secretNamePrefix: string;
  /** The receiver of each severity: the same as the in-cluster Alertmanager's. Critical alarms also reach the warning receiver ({@link receiversOf}). */
  readonly receivers: Readonly<Record<AlertSeverity, AlertReceiver>>;
  /**
   * The region to build in, through each resource's own `region` argument
   * (AWS provider 6): alerting that must work while the stack's own region
   * is down, such as the Route53 health checks' alarms in us-east-1.
   * @default - the provider's region
   */
  readonly region?: string;
  /**
   * Receiver credentials to read instead of making new ones: the copies in
   * this region of another Alerting's secrets ({@link credentialReplica}), so
   * ops put each value once. Nothing of them is created here.
   * @default - empty secret containers of its own, under `<secretNamePrefix>/alerting/`
   */
  readonly credentials?: AlertingCredentials;
  /**
   * A read-only copy of the receiver credentials in another region, kept in
   * sync by Secrets Manager, for an Alerting there ({@link credentials}).
   * @default - this region only
   */
  readonly credentialReplica?: SecretReplica;
  /**
   * Lets AWS Budgets and Cost Anomaly Detection of this account publish to
   * the topics (and use their key), for the account's cost alerts.
   * @default false
   */
  readonly acceptCostNotifications?: boolean;
  /** Days the forwarder's logs are kept. @default 90 */
  readonly logRetentionDays?: number;
  /** Days a deleted credential secret can be restored; 0 deletes at once. @default 30 */
  readonly secretRecoveryWindowDays?: number;
  /** Concurrent forwarders at most: an alarm storm must not eat the account's Lambda concurrency. @default 5 */
  readonly reservedConcurrentExecutions?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** Days a notification that could not be forwarded stays in the dead-letter queue (SQS allows 14 at most). @default 14 */
  readonly deadLetterRetentionDays?: number;
}

/** Receiver credentials that already exist in the Alerting's region. */
export interface AlertingCredentials {
  /** Secret ARN of each receiver's credential. */
  readonly secretArns: Readonly<Record<AlertReceiver, string>>;
  /** Secret name of each receiver's credential. */
  readonly secretNames: Readonly<Record<AlertReceiver, string>>;
  /** The key the secrets are encrypted with in this region. */
  readonly kmsKeyArn: string;
}

/** The alias (without `alias/`) of the key of an Alerting's topics: publishers that are not AWS services are granted through it. */
export function alertingKeyAliasName(namePrefix: string): string {
  return `${namePrefix}-alerting`;
}

/** Every default of {@link AlertingProps}, applied in one place. */
export const ALERTING_DEFAULTS = {
  logRetentionDays: 90,
  secretRecoveryWindowDays: 30,
  reservedConcurrentExecutions: 5,
  timeoutSeconds: 30,
  deadLetterRetentionDays: 14,
  acceptCostNotifications: false,
} as const satisfies Partial<AlertingProps>;

/** The AWS services that publish cost alerts, and the source ARN each publishes as. */
const COST_NOTIFIERS = [
  // AWS Cost Management, "Creating an Amazon SNS topic for budget notifications".
  { service: 'budgets.amazonaws.com', sourceArn: (partition: string, accountId: string) => `arn:${partition}:budgets::${accountId}:*` },
  // AWS Cost Management, "Creating an Amazon SNS topic for anomaly notifications".
  { service: 'costalerts.amazonaws.com', sourceArn: undefined },
] as const;

/**
 * The AWS side of alerting, which works when the cluster does not: an SNS
 * topic per severity for CloudWatch alarms, and a small Lambda that forwards
 * each alarm to PagerDuty or Slack, the receivers the in-cluster Alertmanager
 * uses, with credentials from Secrets Manager.
 *
 * - Topics, dead-letter queue and logs are encrypted with one key of their own,
 *   which CloudWatch (publishing alarms) and SNS (dead-lettering) may use.
 * - The credentials are empty containers under their own key (ops put the
 *   values); the Kubernetes stack's External Secrets reads the same secrets for
 *   the Alertmanager, so both paths page the same people.
 * - A notification the forwarder cannot deliver (after Lambda's two retries,
 *   or SNS's own delivery retries) lands in the dead-letter queue, and its
 *   alarm goes to the critical topic.
 */
export class Alerting extends Construct {
  readonly criticalTopicArn: string;
  readonly warningTopicArn: string;
  /** Both topics, by severity: what the alarm constructs take. */
  readonly topicArns: AlarmTopics;
  /** KMS key of the credential secrets: whoever reads them (External Secrets) needs kms:Decrypt on it. */
  readonly kmsKeyArn: string;
  /** KMS key of the topics, the dead-letter queue and the forwarder's logs. */
  readonly topicsKmsKeyArn: string;
  /** Full names of the credential secrets, e.g. `hexabid/production/alerting/slack-webhook-url`. */
  readonly secretNames: Readonly<Record<AlertReceiver, string>>;
  readonly secretArns: Readonly<Record<AlertReceiver, string>>;
  readonly forwarderFunctionName: string;
  readonly forwarderFunctionArn: string;
  /** Notifications that could not be forwarded; worth a second, independent alert (e.g. from the cluster). */
  readonly deadLetterQueueName: string;
  readonly deadLetterQueueArn: string;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const p = withDefaults(props, ALERTING_DEFAULTS);
    const prefix = p.namePrefix;
    for (const severity of ALERT_SEVERITIES) {
      requireProps(ALERT_RECEIVERS.includes(p.receivers[severity]), 'Alerting', id, `receivers.${severity} must be pagerduty or slack (got ${p.receivers[severity]})`);
    }
    requireProps(
      Number.isInteger(p.reservedConcurrentExecutions) && p.reservedConcurrentExecutions >= 1,
      'Alerting',
      id,
      `reservedConcurrentExecutions must be a whole number of at least 1 (got ${p.reservedConcurrentExecutions}); 0 would stop the forwarder`,
    );
    requireProps(p.timeoutSeconds >= 5 && p.timeoutSeconds <= 900, 'Alerting', id, `timeoutSeconds must be 5 to 900 (got ${p.timeoutSeconds})`);
    requireProps(
      Number.isInteger(p.deadLetterRetentionDays) && p.deadLetterRetentionDays >= 1 && p.deadLetterRetentionDays <= 14,
      'Alerting',
      id,
      `deadLetterRetentionDays must be 1 to 14, SQS's limit (got ${p.deadLetterRetentionDays})`,
    );
    requireProps(
      p.credentials === undefined || p.credentialReplica === undefined,
      'Alerting',
      id,
      'give credentials or credentialReplica, not both: credentials reads copies made elsewhere, credentialReplica copies the secrets this Alerting makes',
    );
    const context = awsContext(this);
    const { accountId, partition } = context;
    const region = p.region ?? context.region;
    // Only a region given explicitly goes on the resources; otherwise the provider's applies.
    const here = { region: p.region };
    const functionName = `${prefix}-alarm-forwarder`;
    const logGroupName = `/aws/lambda/${functionName}`;

    const key = new EncryptionKey(this, 'Key', {
      aliasName: alertingKeyAliasName(prefix),
      region: p.region,
      description: `Encrypts the ${prefix} alert topics, their dead-letter queue and the forwarder's logs`,
      cloudWatchLogGroupPrefix: logGroupName,
      additionalStatements: [
        // SNS: "Enable compatibility between event sources from AWS services and encrypted topics".
        {
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
        // SNS encrypts what it moves to the dead-letter queue with the queue's key.
        {
          Sid: 'SnsDeadLettersToEncryptedQueue',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
        // The cost services publish to encrypted topics as CloudWatch does; the topic policies say whose alerts they may publish.
        ...(p.acceptCostNotifications
          ? [{ Sid: 'CostAlertsPublishToEncryptedTopics', Effect: 'Allow' as const, Principal: { Service: COST_NOTIFIERS.map((n) => n.service) }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }]
          : []),
      ],
    });
    this.topicsKmsKeyArn = key.keyArn;

    const topics = Object.fromEntries(
      ALERT_SEVERITIES.map((severity) => {
        const topic = new SnsTopic(this, `Topic-${severity}`, { name: alertTopicName(prefix, severity), kmsMasterKeyId: key.keyArn, ...here });
        new SnsTopicPolicy(this, `TopicPolicy-${severity}`, {
          ...here,
          arn: topic.arn,
          policy: policyDocument([
            {
              Sid: 'CloudWatchAlarmsOfThisAccountPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: topic.arn,
              Condition: {
                StringEquals: { 'aws:SourceAccount': accountId },
                ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
              },
            },
            ...(p.acceptCostNotifications
              ? COST_NOTIFIERS.map(({ service, sourceArn }) => ({
                  Sid: service === 'budgets.amazonaws.com' ? 'BudgetsOfThisAccountPublish' : 'CostAnomaliesOfThisAccountPublish',
                  Effect: 'Allow' as const,
                  Principal: { Service: service },
                  Action: 'sns:Publish',
                  Resource: topic.arn,
                  Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ...(sourceArn ? { ArnLike: { 'aws:SourceArn': sourceArn(partition, accountId) } } : {}) },
                }))
              : []),
          ]),
        });
        return [severity, topic];
      }),
    ) as Record<AlertSeverity, SnsTopic>;
    this.criticalTopicArn = topics.critical.arn;
    this.warningTopicArn = topics.warning.arn;
    this.topicArns = { critical: this.criticalTopicArn, warning: this.warningTopicArn };

    const secrets = p.credentials ?? this.makeCredentials(p);
    this.secretNames = secrets.secretNames;
    this.secretArns = secrets.secretArns;
    this.kmsKeyArn = secrets.kmsKeyArn;

    const deadLetters = new SqsQueue(this, 'DeadLetterQueue', {
      ...here,
      name: `${prefix}-alarm-forwarder-dlq`,
      kmsMasterKeyId: key.keyArn,
      messageRetentionSeconds: p.deadLetterRetentionDays * 86_400,
    });
    this.deadLetterQueueName = deadLetters.name;
    this.deadLetterQueueArn = deadLetters.arn;
    new SqsQueuePolicy(this, 'DeadLetterQueuePolicy', {
      ...here,
      queueUrl: deadLetters.url,
      policy: policyDocument([
        {
          Sid: 'AlertTopicsDeadLetter',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: deadLetters.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': ALERT_SEVERITIES.map((s) => topics[s].arn) } },
        },
      ]),
    });

    const logGroup = new CloudwatchLogGroup(this, 'Logs', { name: logGroupName, retentionInDays: p.logRetentionDays, kmsKeyId: key.keyArn, ...here });

    const { role, policy } = lambdaExecutionRole(this, {
      functionName,
      description: `Runs ${functionName}: reads the alerting credentials, writes its logs and dead letters`,
      logGroupArn: logGroup.arn,
      statements: [
        { Sid: 'ReceiverCredentials', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ALERT_RECEIVERS.map((r) => this.secretArns[r]) },
        {
          Sid: 'DecryptReceiverCredentials',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: secrets.kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        },
        // Lambda's own dead-lettering (after its retries) runs as this role, into an encrypted queue.
        { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetters.arn },
        // The dead-letter queue's data keys, and the environment variables Lambda encrypts with the same key.
        { Sid: 'AlertingKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key.keyArn },
      ],
    });

    const forwarder = new LambdaFunction(this, 'Forwarder', {
      ...here,
      functionName,
      description: 'Forwards CloudWatch alarms from the alert topics to PagerDuty or Slack',
      role: role.arn,
      ...nodeFunctionCode(this, 'alarm-forwarder', [ALARM_FORWARDER_SOURCE]),
      memorySize: 128,
      timeout: p.timeoutSeconds,
      reservedConcurrentExecutions: p.reservedConcurrentExecutions,
      kmsKeyArn: key.keyArn,
      environment: {
        variables: {
          RECEIVER_CRITICAL: receiversOf('critical', p.receivers).join(','),
          RECEIVER_WARNING: receiversOf('warning', p.receivers).join(','),
          PAGERDUTY_SECRET_ID: this.secretArns.pagerduty,
          SLACK_SECRET_ID: this.secretArns.slack,
        },
      },
      deadLetterConfig: { targetArn: deadLetters.arn },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      // Outside the VPC on purpose: it must reach PagerDuty and Slack when the NAT gateways are what failed.
      dependsOn: [policy],
    });
    this.forwarderFunctionName = forwarder.functionName;
    this.forwarderFunctionArn = forwarder.arn;

    for (const severity of ALERT_SEVERITIES) {
      const topic = topics[severity];
      const permission = new LambdaPermission(this, `InvokeFrom-${severity}`, {
        ...here,
        statementId: `alerts-${severity}`,
        action: 'lambda:InvokeFunction',
        functionName: forwarder.functionName,
        principal: 'sns.amazonaws.com',
        sourceArn: topic.arn,
      });
      new SnsTopicSubscription(this, `Subscription-${severity}`, {
        ...here,
        topicArn: topic.arn,
        protocol: 'lambda',
        endpoint: forwarder.arn,
        // What SNS cannot hand to Lambda at all (throttled past its retries, permission lost).
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn }),
        dependsOn: [permission],
      });
    }

    // The forwarder's failures are themselves an incident: nobody hears of the alarms they carried.
    metricAlarm(
      this,
      'DeadLettersAlarm',
      {
        alarmName: `${prefix}-alarm-forwarder-dead-letters`,
        summary: 'Alarm notifications could not be forwarded to PagerDuty or Slack.',
        detail: `Messages wait in SQS queue ${prefix}-alarm-forwarder-dlq. Check the forwarder's logs (${logGroupName}) and the receiver secrets, then read the alarms in the queue: nobody was told of them.`,
        runbook: 'incident-response',
        severity: 'critical',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: deadLetters.name },
        statistic: 'Maximum',
        periodSeconds: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        // SQS stops reporting an empty queue nobody touches for six hours: silence means empty.
        treatMissingData: 'notBreaching',
        region: p.region,
      },
      this.topicArns,
    );
  }

  /** Empty containers for the receivers' credentials, under their own key; ops put the values. */
  private makeCredentials(p: AlertingProps): AlertingCredentials {
    const secrets = new AppSecrets(this, 'Secrets', {
      namePrefix: `${p.secretNamePrefix}/alerting`,
      secrets: ALERT_RECEIVERS.map((receiver) => ALERTING_SECRETS[receiver]),
      recoveryWindowInDays: p.secretRecoveryWindowDays,
      replica: p.credentialReplica,
    });
    const byReceiver = (values: Readonly<Record<string, string>>) =>
      Object.fromEntries(ALERT_RECEIVERS.map((receiver) => [receiver, values[ALERTING_SECRETS[receiver].name]!])) as Record<AlertReceiver, string>;
    return { secretNames: byReceiver(secrets.secretNames), secretArns: byReceiver(secrets.secretArns), kmsKeyArn: secrets.kmsKeyArn };
  }
}

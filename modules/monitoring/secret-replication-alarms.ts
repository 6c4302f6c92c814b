import { join } from 'node:path';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { lambdaExecutionRole, nodeFunctionCode } from './internal/lambda-function.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { EncryptionKey } from '../security/kms-key.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import { metricAlarm } from './internal/metric-alarm.ts';

/** The check's source: one ES module, no dependencies. Its `index.d.mts` stays out of the package. */
export const SECRET_REPLICATION_CHECK_SOURCE = join(__dirname, 'secret-replication-check', 'index.mjs');
/** Where the check publishes (the values `index.mjs` exports). */
export const SECRET_REPLICATION_METRIC = { namespace: 'Hexabid/SecretsManager', metricName: 'ReplicasNotInSync' } as const;

export interface SecretReplicationAlarmsProps {
  /** Names start with it, e.g. `hexabid-production`: the check `<prefix>-secret-replication-check`, the alarm `<prefix>-secrets-replication-not-in-sync`. */
  readonly namePrefix: string;
  /** The replicated secrets (names or ARNs, in this stack's region), each with the regions it must have an in-sync copy in. */
  readonly secrets: readonly { readonly secretId: string; readonly regions: readonly string[] }[];
  /** The alarm notifies the critical topic: a stale copy is a failover that signs in with old passwords. */
  readonly topics: AlarmTopics;
  /** Minutes between checks. @default 15 */
  readonly checkIntervalMinutes?: number;
  /** Days the check's logs are kept. @default 90 */
  readonly logRetentionDays?: number;
}

/** Every default of {@link SecretReplicationAlarmsProps}, applied in one place. */
export const SECRET_REPLICATION_ALARMS_DEFAULTS = { checkIntervalMinutes: 15, logRetentionDays: 90 } as const satisfies Partial<SecretReplicationAlarmsProps>;

/**
 * Watches Secrets Manager's replication of secrets to a DR region, which
 * neither CloudWatch nor EventBridge reports: a small scheduled Lambda calls
 * `DescribeSecret` on each secret and publishes the number of copies that are
 * missing or not `InSync`; an alarm pages when that stays above zero for two
 * hours, or when no check has reported for two hours (a broken check is a
 * blind spot, not good news). The check may describe only these secrets and
 * publish only its own metric.
 */
export class SecretReplicationAlarms extends Construct {
  readonly alarmName: string;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: SecretReplicationAlarmsProps) {
    super(scope, id);
    const p = withDefaults(props, SECRET_REPLICATION_ALARMS_DEFAULTS);
    requireProps(p.secrets.length > 0, 'SecretReplicationAlarms', id, 'secrets must name at least one replicated secret');
    for (const secret of p.secrets) requireProps(secret.regions.length > 0, 'SecretReplicationAlarms', id, `secrets: ${secret.secretId} must name at least one region`);
    const regions = [...new Set(p.secrets.flatMap((secret) => secret.regions))];
    requireProps(
      Number.isInteger(p.checkIntervalMinutes) && p.checkIntervalMinutes >= 1 && p.checkIntervalMinutes <= 60,
      'SecretReplicationAlarms',
      id,
      `checkIntervalMinutes must be a whole number from 1 to 60 (got ${p.checkIntervalMinutes}): the alarm's hourly periods need a check in each`,
    );
    const { accountId, partition, region } = awsContext(this);
    const functionName = `${p.namePrefix}-secret-replication-check`;
    const logGroupName = `/aws/lambda/${functionName}`;
    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${functionName}-logs`,
      description: `Encrypts the logs of ${functionName}`,
      cloudWatchLogGroupPrefix: logGroupName,
    });
    const logGroup = new CloudwatchLogGroup(this, 'Logs', { name: logGroupName, retentionInDays: p.logRetentionDays, kmsKeyId: key.keyArn });

    const { role, policy } = lambdaExecutionRole(this, {
      functionName,
      description: `Runs ${functionName}: describes the replicated secrets, publishes one metric`,
      logGroupArn: logGroup.arn,
      statements: [
        // Secrets Manager suffixes each ARN with six random characters; DescribeSecret reads no value, so no key is needed.
        {
          Sid: 'DescribeReplicatedSecrets',
          Effect: 'Allow',
          Action: 'secretsmanager:DescribeSecret',
          Resource: p.secrets.map(({ secretId }) => (secretId.startsWith('arn:') ? secretId : `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${secretId}-??????`)),
        },
        // PutMetricData takes no resource; the namespace condition keeps the check to its own metric.
        { Sid: 'PublishOwnMetric', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': SECRET_REPLICATION_METRIC.namespace } } },
      ],
    });

    const check = new LambdaFunction(this, 'Check', {
      functionName,
      description: `Publishes how many copies of the replicated secrets in ${regions.join(', ')} are not in sync`,
      role: role.arn,
      ...nodeFunctionCode(this, 'secret-replication-check', [SECRET_REPLICATION_CHECK_SOURCE]),
      memorySize: 128,
      timeout: 60,
      reservedConcurrentExecutions: 1,
      environment: { variables: { REPLICATED_SECRETS: JSON.stringify(p.secrets.map(({ secretId, regions: r }) => ({ secretId, regions: [...r] }))), CHECK_NAME: p.namePrefix } },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [policy],
    });
    this.functionName = check.functionName;

    const schedule = new CloudwatchEventRule(this, 'Schedule', {
      name: functionName,
      description: `Runs ${functionName} every ${p.checkIntervalMinutes} minutes`,
      scheduleExpression: `rate(${p.checkIntervalMinutes} minute${p.checkIntervalMinutes === 1 ? '' : 's'})`,
    });
    const permission = new LambdaPermission(this, 'InvokeFromSchedule', {
      statementId: 'schedule',
      action: 'lambda:InvokeFunction',
      functionName: check.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: schedule.arn,
    });
    new CloudwatchEventTarget(this, 'Target', { rule: schedule.name, arn: check.arn, dependsOn: [permission] });

    this.alarmName = `${p.namePrefix}-secrets-replication-not-in-sync`;
    metricAlarm(
      this,
      'Alarm',
      {
        alarmName: this.alarmName,
        summary: `Secret copies in ${regions.join(', ')} are not in sync, or nobody has checked for two hours.`,
        detail: `A failover, or the alerting of another region, would read stale credentials there. The log of ${functionName} (${logGroupName}) names each copy and its status; the usual cause is a key the rotation functions may not use.`,
        runbook: 'backup-and-restore',
        severity: 'critical',
        namespace: SECRET_REPLICATION_METRIC.namespace,
        metricName: SECRET_REPLICATION_METRIC.metricName,
        dimensions: { Check: p.namePrefix },
        statistic: 'Maximum',
        // Hourly periods, so a late run never leaves one empty; two in a row, so a copy caught mid-replication does not page.
        periodSeconds: 3600,
        evaluationPeriods: 2,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        // The check publishes every run: silence means it failed or stopped.
        treatMissingData: 'breaching',
      },
      p.topics,
    );
  }
}

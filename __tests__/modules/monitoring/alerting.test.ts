import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_ACCOUNT as ACCOUNT } from '../../../environments/account.ts';
import { ALARM_FORWARDER_SOURCE, Alerting, type AlertingProps } from '../../../modules/monitoring/alerting.ts';
import { lambdaPackage, zipFiles } from '../../../modules/monitoring/internal/lambda-package.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson } from '../../helpers/synth.ts';

const PROPS: AlertingProps = { namePrefix: 'hexabid-test', secretNamePrefix: 'hexabid/test', receivers: { critical: 'pagerduty', warning: 'slack' } };

function synth(props: Partial<AlertingProps> = {}): { json: TfJson; alerting: Alerting } {
  let alerting: Alerting | undefined;
  const json = synthConstruct((scope) => {
    alerting = new Alerting(scope, 'Alerting', { ...PROPS, ...props });
  });
  return { json, alerting: alerting! };
}

/** The entries of a stored (uncompressed) zip: name, Unix mode and bytes. */
function unzipStored(zip: Buffer): { name: string; mode: number; data: Buffer }[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  return Array.from({ length: count }, () => {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    expect(zip.readUInt16LE(at + 10)).toBe(0); // stored
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength;
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    return { name, mode, data: zip.subarray(dataStart, dataStart + size) };
  });
}

/** The Terraform reference to an attribute of the one resource of a type whose id starts with `idPrefix`. */
function ref(json: TfJson, type: string, idPrefix: string, attribute: string): string {
  const ids = Object.keys(json.resource[type] ?? {}).filter((id) => id.startsWith(idPrefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${idPrefix}*, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

describe('Alerting', () => {
  const { json, alerting } = synth();
  const topic = (severity: string) => ref(json, 'aws_sns_topic', `Alerting_Topic-${severity}_`, 'arn');
  const secretArn = (name: string) => ref(json, 'aws_secretsmanager_secret', `Alerting_Secrets_Secret-${name}_`, 'arn');
  const queue = (attribute: string) => ref(json, 'aws_sqs_queue', 'Alerting_DeadLetterQueue_', attribute);
  const keys = Object.entries(json.resource.aws_kms_key ?? {});
  const topicsKey = keys.find(([name]) => name.startsWith('Alerting_Key'))!;
  const secretsKey = keys.find(([name]) => name.startsWith('Alerting_Secrets_Key'))!;

  it('has a topic per severity, encrypted with a key CloudWatch may use, and only CloudWatch alarms of this account publish', () => {
    expect(resourcesOf(json, 'aws_sns_topic').map((t) => [t.name, t.kms_master_key_id])).toEqual([
      ['hexabid-test-alerts-critical', `\${aws_kms_key.${topicsKey[0]}.arn}`],
      ['hexabid-test-alerts-warning', `\${aws_kms_key.${topicsKey[0]}.arn}`],
    ]);
    const keyStatements = parsePolicy(topicsKey[1].policy).Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'sns.amazonaws.com']) {
      expect(keyStatements).toContainEqual(
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }),
      );
    }
    expect(keyStatements.find((s) => s.Sid === 'CloudWatchLogsEncryptsOwnLogGroups')!.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toContain(
      'log-group:/aws/lambda/hexabid-test-alarm-forwarder*',
    );
    for (const policy of resourcesOf(json, 'aws_sns_topic_policy')) {
      const [statement, ...rest] = parsePolicy(policy.policy).Statement;
      expect(rest).toEqual([]);
      expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
      expect(statement!.Condition.StringEquals['aws:SourceAccount']).toMatch(/aws_caller_identity/);
      expect(statement!.Condition.ArnLike['aws:SourceArn']).toMatch(/:cloudwatch:.*:alarm:\*$/);
    }
  });

  it('keeps both receiver credentials as empty containers under their own key, and exposes names, ARNs and the key', () => {
    expect(resourcesOf(json, 'aws_secretsmanager_secret').map((s) => s.name)).toEqual([
      'hexabid/test/alerting/pagerduty-routing-key',
      'hexabid/test/alerting/slack-webhook-url',
    ]);
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toEqual([]);
    for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) expect(secret.kms_key_id).toBe(`\${aws_kms_key.${secretsKey[0]}.arn}`);
    expect(alerting.secretNames).toEqual({ pagerduty: 'hexabid/test/alerting/pagerduty-routing-key', slack: 'hexabid/test/alerting/slack-webhook-url' });
    expect(alerting.kmsKeyArn).not.toBe(alerting.topicsKmsKeyArn);
    expect(alerting.topicArns).toEqual({ critical: alerting.criticalTopicArn, warning: alerting.warningTopicArn });
  });

  it('runs the forwarder on Node.js 22, arm64, small and bounded, configured by environment', () => {
    const fn = onlyResource(json, 'aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: 'hexabid-test-alarm-forwarder',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      timeout: 30,
      reserved_concurrent_executions: 5,
      memory_size: 128,
    });
    expect(fn.vpc_config).toBeUndefined();
    expect(fn.environment.variables).toEqual({
      // Critical alarms page, and post where warnings are read.
      RECEIVER_CRITICAL: 'pagerduty,slack',
      RECEIVER_WARNING: 'slack',
      PAGERDUTY_SECRET_ID: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Alerting_Secrets_Secret-pagerduty-routing-key_\w+\.arn\}$/),
      SLACK_SECRET_ID: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Alerting_Secrets_Secret-slack-webhook-url_\w+\.arn\}$/),
    });
    expect(fn.dead_letter_config.target_arn).toMatch(/^\$\{aws_sqs_queue\.Alerting_DeadLetterQueue_\w+\.arn\}$/);
    expect(fn.logging_config.log_group).toMatch(/aws_cloudwatch_log_group\.Alerting_Logs_/);
    const logs = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(logs).toMatchObject({ name: '/aws/lambda/hexabid-test-alarm-forwarder', retention_in_days: 90, kms_key_id: `\${aws_kms_key.${topicsKey[0]}.arn}` });
  });

  it('packages index.mjs alone, byte for byte, in a zip that is the same on every build', () => {
    const fn = onlyResource(json, 'aws_lambda_function');
    expect(fn.filename).toMatch(/^assets\/[^/]+\/[0-9A-F]{32}\/alarm-forwarder\.zip$/);
    const { zipPath, sourceCodeHash } = lambdaPackage('alarm-forwarder', [ALARM_FORWARDER_SOURCE]);
    const zip = readFileSync(zipPath);
    expect(fn.source_code_hash).toBe(sourceCodeHash);
    expect(createHash('sha256').update(zip).digest('base64')).toBe(sourceCodeHash);
    const entries = unzipStored(zip);
    expect(entries.map((e) => [e.name, e.mode.toString(8)])).toEqual([['index.mjs', '100644']]);
    expect(entries[0]!.data.equals(readFileSync(ALARM_FORWARDER_SOURCE))).toBe(true);
    const again = zipFiles([{ name: 'index.mjs', data: readFileSync(ALARM_FORWARDER_SOURCE) }]);
    expect(again.equals(zip)).toBe(true);
  });

  it('grants the forwarder exactly its logs, the two secrets, their key, and its dead-letter queue', () => {
    const role = onlyResource(json, 'aws_iam_role');
    expect(role.name).toBe('hexabid-test-alarm-forwarder');
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'] }]);
    const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(['AlertingKey', 'DeadLetters', 'DecryptReceiverCredentials', 'OwnLogs', 'ReceiverCredentials']);
    expect(bySid.OwnLogs).toMatchObject({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: expect.stringMatching(/aws_cloudwatch_log_group\.Alerting_Logs_\w+\.arn\}:\*$/) });
    expect(bySid.ReceiverCredentials.Action).toBe('secretsmanager:GetSecretValue');
    expect(bySid.ReceiverCredentials.Resource).toEqual([secretArn('pagerduty-routing-key'), secretArn('slack-webhook-url')]);
    expect(bySid.DecryptReceiverCredentials).toMatchObject({ Action: 'kms:Decrypt', Resource: `\${aws_kms_key.${secretsKey[0]}.arn}` });
    expect(bySid.DeadLetters).toMatchObject({ Action: 'sqs:SendMessage', Resource: queue('arn') });
    for (const statement of statements) expect([statement.Resource].flat()).not.toContain('*');
  });

  it('subscribes the forwarder to both topics, lets SNS invoke it, and dead-letters what cannot be delivered', () => {
    const subscriptions = resourcesOf(json, 'aws_sns_topic_subscription');
    expect(subscriptions.map((s) => s.topic_arn)).toEqual([topic('critical'), topic('warning')]);
    for (const subscription of subscriptions) {
      expect(subscription).toMatchObject({ protocol: 'lambda', endpoint: ref(json, 'aws_lambda_function', 'Alerting_Forwarder_', 'arn') });
      expect(JSON.parse(subscription.redrive_policy)).toEqual({ deadLetterTargetArn: queue('arn') });
    }
    expect(resourcesOf(json, 'aws_lambda_permission').map((p) => [p.principal, p.action, p.source_arn])).toEqual([
      ['sns.amazonaws.com', 'lambda:InvokeFunction', topic('critical')],
      ['sns.amazonaws.com', 'lambda:InvokeFunction', topic('warning')],
    ]);
    expect(onlyResource(json, 'aws_sqs_queue')).toMatchObject({ name: 'hexabid-test-alarm-forwarder-dlq', kms_master_key_id: `\${aws_kms_key.${topicsKey[0]}.arn}`, message_retention_seconds: 1_209_600 });
    const [statement] = parsePolicy(onlyResource(json, 'aws_sqs_queue_policy').policy).Statement;
    expect(statement).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [topic('critical'), topic('warning')] } } });
  });

  it('pages the critical receiver when anything reaches the dead-letter queue', () => {
    const alarm = onlyResource(json, 'aws_cloudwatch_metric_alarm');
    expect(alarm).toMatchObject({
      alarm_name: 'hexabid-test-alarm-forwarder-dead-letters',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queue('name') },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      treat_missing_data: 'notBreaching',
      alarm_actions: [topic('critical')],
      ok_actions: [topic('critical')],
    });
    expect(alarm.alarm_description).toContain('RUNBOOK.md#incident-response');
  });

  it('passes the receivers and limits it is given', () => {
    const fn = onlyResource(synth({ receivers: { critical: 'slack', warning: 'slack' }, reservedConcurrentExecutions: 2, timeoutSeconds: 10, logRetentionDays: 14 }).json, 'aws_lambda_function');
    expect(fn).toMatchObject({ reserved_concurrent_executions: 2, timeout: 10, environment: { variables: { RECEIVER_CRITICAL: 'slack', RECEIVER_WARNING: 'slack' } } });
  });

  it('refuses unusable props, naming them', () => {
    expect(() => synth({ receivers: { critical: 'email' as 'slack', warning: 'slack' } })).toThrow('Alerting Alerting: receivers.critical must be pagerduty or slack (got email)');
    expect(() => synth({ reservedConcurrentExecutions: 0 })).toThrow('reservedConcurrentExecutions must be a whole number of at least 1');
    expect(() => synth({ deadLetterRetentionDays: 15 })).toThrow("deadLetterRetentionDays must be 1 to 14, SQS's limit (got 15)");
    expect(() => synth({ timeoutSeconds: 1000 })).toThrow('timeoutSeconds must be 5 to 900');
  });
});

describe('Alerting in another region, on copies of credentials made elsewhere', () => {
  const credentials = {
    secretArns: { pagerduty: `arn:aws:secretsmanager:us-east-1:${ACCOUNT.accountId}:secret:hexabid/test/alerting/pagerduty-routing-key-AbCdEf`, slack: `arn:aws:secretsmanager:us-east-1:${ACCOUNT.accountId}:secret:hexabid/test/alerting/slack-webhook-url-GhIjKl` },
    secretNames: { pagerduty: 'hexabid/test/alerting/pagerduty-routing-key', slack: 'hexabid/test/alerting/slack-webhook-url' },
    kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT.accountId}:key/copies`,
  };
  const { json } = synth({ namePrefix: 'hexabid-test-us-east-1', region: 'us-east-1', credentials });

  it('builds every regional resource in that region, and no secret of its own', () => {
    expect(resourcesOf(json, 'aws_secretsmanager_secret')).toEqual([]);
    const regional = ['aws_kms_key', 'aws_kms_alias', 'aws_sns_topic', 'aws_sns_topic_policy', 'aws_sqs_queue', 'aws_sqs_queue_policy', 'aws_cloudwatch_log_group', 'aws_lambda_function', 'aws_lambda_permission', 'aws_sns_topic_subscription', 'aws_cloudwatch_metric_alarm'];
    for (const type of regional) {
      expect(resourcesOf(json, type).length, type).toBeGreaterThan(0);
      for (const resource of resourcesOf(json, type)) expect(resource.region, type).toBe('us-east-1');
    }
  });

  it('reads the copies it is given, through Secrets Manager of its region, and publishes as that region', () => {
    expect(onlyResource(json, 'aws_lambda_function').environment.variables).toMatchObject({ PAGERDUTY_SECRET_ID: credentials.secretArns.pagerduty, SLACK_SECRET_ID: credentials.secretArns.slack });
    const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
    expect(statements.find((s) => s.Sid === 'ReceiverCredentials')!.Resource).toEqual(Object.values(credentials.secretArns));
    expect(statements.find((s) => s.Sid === 'DecryptReceiverCredentials')).toMatchObject({ Resource: credentials.kmsKeyArn, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } });
    for (const policy of resourcesOf(json, 'aws_sns_topic_policy')) expect(parsePolicy(policy.policy).Statement[0].Condition.ArnLike['aws:SourceArn']).toMatch(/:cloudwatch:us-east-1:/);
  });

  it('refuses to both read copies and make secrets to copy', () => {
    expect(() => synth({ credentials, credentialReplica: { region: 'us-east-1', kmsKeyArn: 'k' } })).toThrow('give credentials or credentialReplica, not both');
  });
});

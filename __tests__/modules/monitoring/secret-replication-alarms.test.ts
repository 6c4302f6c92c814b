import { describe, expect, it, vi } from 'vitest';
import { PRODUCTION_ACCOUNT as ACCOUNT } from '../../../environments/account.ts';
import { SecretReplicationAlarms, type SecretReplicationAlarmsProps, SECRET_REPLICATION_METRIC } from '../../../modules/monitoring/secret-replication-alarms.ts';
import { copiesNotInSync, createHandler, METRIC_NAME, NAMESPACE, readConfig, type MetricInput } from '../../../modules/monitoring/secret-replication-check/index.mjs';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const PROPS: SecretReplicationAlarmsProps = {
  namePrefix: 'hexabid-test',
  secrets: [
    { secretId: 'hexabid/test/database/app', regions: ['ap-south-2'] },
    { secretId: 'hexabid/test/alerting/slack-webhook-url', regions: ['us-east-1'] },
  ],
  topics: { critical: `arn:aws:sns:ap-south-1:${ACCOUNT.accountId}:critical`, warning: `arn:aws:sns:ap-south-1:${ACCOUNT.accountId}:warning` },
};

describe('the replication check (index.mjs)', () => {
  const env = { REPLICATED_SECRETS: JSON.stringify([{ secretId: 'a', regions: ['ap-south-2'] }, { secretId: 'b', regions: ['ap-south-2'] }]), CHECK_NAME: 'hexabid-test' };
  const quiet = { log: vi.fn(), warn: vi.fn() };

  it('publishes the metric the construct alarms on', () => {
    expect({ namespace: NAMESPACE, metricName: METRIC_NAME }).toEqual(SECRET_REPLICATION_METRIC);
  });

  it('counts a copy that is missing, failed or in progress, and not one in sync', () => {
    expect(copiesNotInSync('a', { ReplicationStatus: [{ Region: 'ap-south-2', Status: 'InSync' }] }, ['ap-south-2'])).toEqual([]);
    expect(copiesNotInSync('a', {}, ['ap-south-2'])).toEqual([{ secret: 'a', region: 'ap-south-2', status: 'Missing', message: 'no copy in this region' }]);
    expect(copiesNotInSync('a', { ReplicationStatus: [{ Region: 'ap-south-2', Status: 'Failed', StatusMessage: 'Access to KMS is not allowed' }] }, ['ap-south-2'])).toEqual([
      { secret: 'a', region: 'ap-south-2', status: 'Failed', message: 'Access to KMS is not allowed' },
    ]);
  });

  it('describes each secret and publishes one datapoint with the count', async () => {
    const describe = vi.fn(async (id: string) => (id === 'a' ? { ReplicationStatus: [{ Region: 'ap-south-2', Status: 'InSync' }] } : { ReplicationStatus: [{ Region: 'ap-south-2', Status: 'InProgress' }] }));
    const puts: MetricInput[] = [];
    const result = await createHandler({ env, describe, putMetric: async (input) => puts.push(input), log: quiet })();
    expect(describe.mock.calls.map((c) => c[0])).toEqual(['a', 'b']);
    expect(result).toEqual({ notInSync: 1 });
    expect(puts).toEqual([{ Namespace: NAMESPACE, MetricData: [{ MetricName: METRIC_NAME, Dimensions: [{ Name: 'Check', Value: 'hexabid-test' }], Value: 1, Unit: 'Count' }] }]);
  });

  it('publishes nothing when a secret cannot be described, so the alarm treats the silence as a failure', async () => {
    const putMetric = vi.fn(async () => undefined);
    const describe = async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(createHandler({ env, describe, putMetric, log: quiet })()).rejects.toThrow('cannot describe secret a (AccessDeniedException)');
    expect(putMetric).not.toHaveBeenCalled();
  });

  it('names the variable at fault', () => {
    expect(() => readConfig({ ...env, REPLICATED_SECRETS: 'a,b' })).toThrow('REPLICATED_SECRETS must be JSON');
    expect(() => readConfig({ ...env, REPLICATED_SECRETS: '[{"secretId":"a","regions":[]}]' })).toThrow('REPLICATED_SECRETS must name at least one secret, each with at least one region');
    expect(() => readConfig({ ...env, CHECK_NAME: undefined })).toThrow('CHECK_NAME must name the check');
  });
});

describe('SecretReplicationAlarms', () => {
  const json = synthConstruct((scope) => new SecretReplicationAlarms(scope, 'Replication', PROPS));

  it('runs the check on a schedule, with the secrets and regions it is given', () => {
    const fn = onlyResource(json, 'aws_lambda_function');
    expect(fn.environment.variables.CHECK_NAME).toBe('hexabid-test');
    expect(JSON.parse(fn.environment.variables.REPLICATED_SECRETS)).toEqual(PROPS.secrets);
    expect(onlyResource(json, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(15 minutes)');
    expect(onlyResource(json, 'aws_lambda_permission')).toMatchObject({ principal: 'events.amazonaws.com', action: 'lambda:InvokeFunction' });
  });

  it('lets the check describe only these secrets and publish only its own metric', () => {
    const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
    expect(statements.find((s) => s.Sid === 'DescribeReplicatedSecrets')).toMatchObject({
      Action: 'secretsmanager:DescribeSecret',
      Resource: [expect.stringMatching(/:secret:hexabid\/test\/database\/app-\?{6}$/), expect.stringMatching(/:secret:hexabid\/test\/alerting\/slack-webhook-url-\?{6}$/)],
    });
    expect(statements.find((s) => s.Sid === 'PublishOwnMetric')).toMatchObject({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': NAMESPACE } } });
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(['cloudwatch:PutMetricData', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret']);
  });

  it('pages when copies stay out of sync for two hours, or when nobody checked', () => {
    expect(onlyResource(json, 'aws_cloudwatch_metric_alarm')).toMatchObject({
      alarm_name: 'hexabid-test-secrets-replication-not-in-sync',
      namespace: NAMESPACE,
      metric_name: METRIC_NAME,
      dimensions: { Check: 'hexabid-test' },
      period: 3600,
      evaluation_periods: 2,
      threshold: 0,
      treat_missing_data: 'breaching',
      alarm_actions: [PROPS.topics.critical],
    });
  });

  it('refuses props it cannot work with, naming them', () => {
    expect(() => synthConstruct((scope) => new SecretReplicationAlarms(scope, 'R', { ...PROPS, secrets: [] }))).toThrow('secrets must name at least one replicated secret');
    expect(() => synthConstruct((scope) => new SecretReplicationAlarms(scope, 'R', { ...PROPS, checkIntervalMinutes: 90 }))).toThrow('checkIntervalMinutes must be a whole number from 1 to 60 (got 90)');
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')[0].kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });
});

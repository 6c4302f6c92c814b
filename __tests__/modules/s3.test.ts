import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { REPLICATION_RULE_ID } from '../../modules/internal/cross-region-replication.ts';
import { DocumentStorage } from '../../modules/s3.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson } from '../helpers/synth.ts';

function bucketResource(json: TfJson, type: string, bucketKey: string): Record<string, any> {
  const ref = `\${aws_s3_bucket.${bucketKey}.id}`;
  const found = resourcesOf(json, type).find((r) => r.bucket === ref);
  if (!found) throw new Error(`no ${type} for ${bucketKey}`);
  return found;
}

function bucketKey(json: TfJson, namePart: string): string {
  return Object.entries(json.resource.aws_s3_bucket!).find(([, b]) => (b.bucket as string).includes(namePart))![0];
}

describe('DocumentStorage', () => {
  const json = synthConstruct((scope) => new DocumentStorage(scope, 'Docs', { namePrefix: 'hexabid-test' }));
  const documents = bucketKey(json, '-documents-');
  const logs = bucketKey(json, '-access-logs-');

  it('creates a documents bucket and an access-logs bucket, not force-destroyable by default', () => {
    expect(resourcesOf(json, 'aws_s3_bucket')).toHaveLength(2);
    for (const b of resourcesOf(json, 'aws_s3_bucket')) expect(b.force_destroy).toBe(false);
  });

  it('encrypts documents with SSE-KMS and a bucket key, and logs with SSE-S3 (required for log delivery)', () => {
    const docsSse = bucketResource(json, 'aws_s3_bucket_server_side_encryption_configuration', documents).rule[0];
    expect(docsSse.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(docsSse.bucket_key_enabled).toBe(true);
    const logsSse = bucketResource(json, 'aws_s3_bucket_server_side_encryption_configuration', logs).rule[0];
    expect(logsSse.apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
  });

  it('lets the region\'s load balancers write access logs under alb/ only', () => {
    const policy = resourcesOf(json, 'aws_s3_bucket_policy').find((p) => p.bucket.includes(logs))!;
    const statement = parsePolicy(policy.policy).Statement.find((s) => s.Sid === 'LoadBalancerLogDelivery')!;
    expect(statement.Principal).toEqual({ AWS: expect.stringMatching(/^\$\{data\.aws_elb_service_account\.\w+\.arn\}$/) });
    expect(statement.Action).toBe('s3:PutObject');
    expect(statement.Resource).toMatch(/\/alb\/AWSLogs\/\$\{data\.aws_caller_identity\.\w+\.account_id\}\/\*$/);
  });

  it('versions both buckets and sends document access logs to the log bucket', () => {
    expect(resourcesOf(json, 'aws_s3_bucket_versioning').map((v) => v.versioning_configuration.status)).toEqual(['Enabled', 'Enabled']);
    const logging = onlyResource(json, 'aws_s3_bucket_logging');
    expect(logging.bucket).toBe(`\${aws_s3_bucket.${documents}.id}`);
    expect(logging.target_bucket).toBe(`\${aws_s3_bucket.${logs}.id}`);
  });

  it('expires noncurrent versions after 30 days, aborts stale uploads, and tiers large objects', () => {
    const rules = bucketResource(json, 'aws_s3_bucket_lifecycle_configuration', documents).rule;
    const byId = Object.fromEntries(rules.map((r: { id: string }) => [r.id, r]));
    expect(byId['expire-noncurrent-versions'].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(byId['abort-incomplete-multipart-uploads'].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    expect(byId['intelligent-tiering'].transition).toEqual([{ days: 30, storage_class: 'INTELLIGENT_TIERING' }]);
  });

  it('lets only the S3 logging service write to the log bucket, and denies non-TLS access to both', () => {
    const logStatements = parsePolicy(bucketResource(json, 'aws_s3_bucket_policy', logs).policy).Statement;
    const delivery = logStatements.find((s) => s.Effect === 'Allow')!;
    expect(delivery.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(delivery.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    const docStatements = parsePolicy(bucketResource(json, 'aws_s3_bucket_policy', documents).policy).Statement;
    expect(docStatements.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('replicates to a versioned, encrypted DR bucket through the DR provider', () => {
    const replicated = synthConstruct((scope) => {
      const dr = new AwsProvider(scope, 'aws-dr', { alias: 'dr', region: 'ap-south-2' });
      new DocumentStorage(scope, 'Docs', { namePrefix: 'hexabid-test', replication: { provider: dr, region: 'ap-south-2' } });
    });
    const replica = bucketKey(replicated, '-documents-replica-');
    expect(replicated.resource.aws_s3_bucket![replica]!.provider).toBe('aws.dr');
    expect(bucketResource(replicated, 'aws_s3_bucket_versioning', replica).versioning_configuration.status).toBe('Enabled');
    expect(bucketResource(replicated, 'aws_s3_bucket_server_side_encryption_configuration', replica).rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    const config = onlyResource(replicated, 'aws_s3_bucket_replication_configuration');
    expect(config.rule[0]).toMatchObject({ status: 'Enabled', delete_marker_replication: { status: 'Enabled' } });
    expect(config.rule[0].source_selection_criteria.sse_kms_encrypted_objects.status).toBe('Enabled');
    expect(config.rule[0].destination.encryption_configuration.replica_kms_key_id).toMatch(/aws_kms_key\./);
    expect(config.depends_on).toHaveLength(2);
    const replicaKeys = resourcesOf(replicated, 'aws_kms_key').filter((k) => k.provider === 'aws.dr');
    expect(replicaKeys).toHaveLength(1);
  });

  it('replicates under Replication Time Control: 15 minutes, the RPO, with replication metrics on the same threshold', () => {
    let storage: DocumentStorage | undefined;
    const replicated = synthConstruct((scope) => {
      const dr = new AwsProvider(scope, 'aws-dr', { alias: 'dr', region: 'ap-south-2' });
      storage = new DocumentStorage(scope, 'Docs', { namePrefix: 'hexabid-test', replication: { provider: dr, region: 'ap-south-2' } });
    });
    const rule = onlyResource(replicated, 'aws_s3_bucket_replication_configuration').rule;
    expect(rule).toHaveLength(1);
    expect(rule[0].destination.replication_time).toEqual({ status: 'Enabled', time: { minutes: 15 } });
    expect(rule[0].destination.metrics).toEqual({ status: 'Enabled', event_threshold: { minutes: 15 } });
    // RTC needs a V2 rule: a filter, and delete-marker replication stated.
    expect(rule[0].filter).toEqual({ prefix: '' });

    // The metrics' dimensions, for alarms: the rule's ID and both bucket names.
    expect(rule[0].id).toBe(REPLICATION_RULE_ID);
    expect(storage!.replicationRuleId).toBe(rule[0].id);
    const replica = bucketKey(replicated, '-documents-replica-');
    expect(storage!.replicaBucketName).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(replicated.resource.aws_s3_bucket![replica]!.bucket).toMatch(/^hexabid-test-documents-replica-\$\{data\.aws_caller_identity\.\w+\.account_id\}$/);
  });

  it('keeps the Terraform addresses of the replication resources, which production state holds', () => {
    const replicated = synthConstruct((scope) => {
      const dr = new AwsProvider(scope, 'aws-dr', { alias: 'dr', region: 'ap-south-2' });
      new DocumentStorage(scope, 'Documents', { namePrefix: 'hexabid-test', replication: { provider: dr, region: 'ap-south-2' } });
    });
    const keys = (type: string) => Object.keys(replicated.resource[type] ?? {});
    expect(keys('aws_s3_bucket_replication_configuration')).toEqual(['Documents_Replication_39A6D4CA']);
    expect(keys('aws_iam_role')).toEqual(['Documents_ReplicationRole_B77A2415']);
    expect(keys('aws_iam_role_policy')).toEqual(['Documents_ReplicationPolicy_8746D617']);
    expect(keys('aws_kms_key')).toEqual(['Documents_Key_E87C4D79', 'Documents_ReplicaKey_43AA98F2']);
    expect(keys('aws_s3_bucket')).toEqual([
      'Documents_AccessLogs_Bucket_1A50B681',
      'Documents_Bucket_3CC83512',
      'Documents_ReplicaAccessLogs_Bucket_2168BAF2',
      'Documents_Replica_Bucket_F41D2661',
    ]);
  });

  it('logs replica access to an access-logs bucket in the DR region, built like the primary one', () => {
    const replicated = synthConstruct((scope) => {
      const dr = new AwsProvider(scope, 'aws-dr', { alias: 'dr', region: 'ap-south-2' });
      new DocumentStorage(scope, 'Docs', { namePrefix: 'hexabid-test', accessLogRetentionDays: 90, replication: { provider: dr, region: 'ap-south-2' } });
    });
    const replica = bucketKey(replicated, '-documents-replica-');
    const drLogs = bucketKey(replicated, '-access-logs-replica-');
    const inDr = (type: string) => bucketResource(replicated, type, drLogs).provider;
    expect(replicated.resource.aws_s3_bucket![drLogs]!.provider).toBe('aws.dr');
    for (const type of ['aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration']) {
      expect(inDr(type)).toBe('aws.dr');
    }

    const logging = bucketResource(replicated, 'aws_s3_bucket_logging', replica);
    expect(logging).toMatchObject({ target_bucket: `\${aws_s3_bucket.${drLogs}.id}`, target_prefix: 'documents-replica/', provider: 'aws.dr' });
    expect(bucketResource(replicated, 'aws_s3_bucket_server_side_encryption_configuration', drLogs).rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(bucketResource(replicated, 'aws_s3_bucket_public_access_block', drLogs)).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    const rules = bucketResource(replicated, 'aws_s3_bucket_lifecycle_configuration', drLogs).rule;
    expect(rules.find((r: { id: string }) => r.id === 'expire-access-logs').expiration).toEqual([{ days: 90 }]);

    const statements = parsePolicy(bucketResource(replicated, 'aws_s3_bucket_policy', drLogs).policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls', 'S3ServerAccessLogDelivery']);
    const delivery = statements.find((s) => s.Sid === 'S3ServerAccessLogDelivery')!;
    expect(delivery.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(delivery.Condition.StringEquals['aws:SourceAccount']).toMatch(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/);
    expect(delivery.Condition.ArnLike['aws:SourceArn']).toMatch(/:s3:::hexabid-test-documents-replica-\$\{data\.aws_caller_identity\.\w+\.account_id\}$/);
  });
});

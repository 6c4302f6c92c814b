import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { REPLICATION_RULE_ID } from '../../modules/internal/cross-region-replication.ts';
import { InvalidPropsError } from '../../modules/invalid-props-error.ts';
import { SearchSnapshotStorage, type SearchSnapshotStorageProps } from '../../modules/search-snapshot-storage.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson } from '../helpers/synth.ts';

const ACCOUNT = /\$\{data\.aws_caller_identity\.\w+\.account_id\}/.source;

function synth(props: Partial<SearchSnapshotStorageProps> = {}): { json: TfJson; storage: SearchSnapshotStorage } {
  let storage: SearchSnapshotStorage | undefined;
  const json = synthConstruct((scope) => {
    const dr = new AwsProvider(scope, 'aws-dr', { alias: 'dr', region: 'ap-south-2' });
    storage = new SearchSnapshotStorage(scope, 'SearchSnapshots', { namePrefix: 'hexabid-test', replication: { provider: dr, region: 'ap-south-2' }, ...props });
  });
  return { json, storage: storage! };
}

/** The Terraform key of the bucket whose name matches. */
function bucketKey(json: TfJson, name: RegExp): string {
  const found = Object.entries(json.resource.aws_s3_bucket!).filter(([, b]) => name.test(b.bucket as string));
  if (found.length !== 1) throw new Error(`expected one bucket named ${name}, found ${found.length}`);
  return found[0]![0];
}

function ofBucket(json: TfJson, type: string, key: string): Record<string, any> {
  const found = resourcesOf(json, type).find((r) => r.bucket === `\${aws_s3_bucket.${key}.id}`);
  if (!found) throw new Error(`no ${type} for ${key}`);
  return found;
}

describe('SearchSnapshotStorage', () => {
  const { json, storage } = synth();
  const primary = bucketKey(json, new RegExp(`^hexabid-test-search-snapshots-${ACCOUNT}$`));
  const replica = bucketKey(json, new RegExp(`^hexabid-test-search-snapshots-replica-${ACCOUNT}$`));
  const keyRef = (key: Record<string, any>) => Object.entries(json.resource.aws_kms_key!).find(([, k]) => k === key)![0];
  const primaryKey = resourcesOf(json, 'aws_kms_key').find((k) => k.provider === undefined)!;
  const replicaKey = resourcesOf(json, 'aws_kms_key').find((k) => k.provider === 'aws.dr')!;

  it('creates the repository bucket, and its replica and key in the DR region, not force-destroyable', () => {
    expect(resourcesOf(json, 'aws_s3_bucket')).toHaveLength(2);
    expect(json.resource.aws_s3_bucket![primary]!).toMatchObject({ force_destroy: false });
    expect(json.resource.aws_s3_bucket![primary]!.provider).toBeUndefined();
    expect(json.resource.aws_s3_bucket![replica]!).toMatchObject({ force_destroy: false, provider: 'aws.dr' });
    expect(resourcesOf(json, 'aws_kms_key')).toHaveLength(2);
    for (const key of [primaryKey, replicaKey]) expect(key.enable_key_rotation).toBe(true);
    expect(resourcesOf(json, 'aws_kms_alias').map((a) => a.name).sort()).toEqual(['alias/hexabid-test-search-snapshots', 'alias/hexabid-test-search-snapshots-replica']);
  });

  it('encrypts each bucket with its own region\'s key, with a bucket key', () => {
    const sse = (bucket: string) => ofBucket(json, 'aws_s3_bucket_server_side_encryption_configuration', bucket).rule[0];
    expect(sse(primary)).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${aws_kms_key.${keyRef(primaryKey)}.arn}` },
      bucket_key_enabled: true,
    });
    expect(sse(replica).apply_server_side_encryption_by_default.kms_master_key_id).toBe(`\${aws_kms_key.${keyRef(replicaKey)}.arn}`);
  });

  it('never expires current objects: OpenSearch deletes its own snapshots; only old versions and stale uploads go', () => {
    for (const bucket of [primary, replica]) {
      const rules = ofBucket(json, 'aws_s3_bucket_lifecycle_configuration', bucket).rule as Record<string, any>[];
      expect(rules.map((r) => r.id).sort()).toEqual(['abort-incomplete-multipart-uploads', 'expire-noncurrent-versions']);
      for (const rule of rules) {
        expect(rule.expiration).toBeUndefined();
        expect(rule.transition).toBeUndefined();
        expect(rule.noncurrent_version_transition).toBeUndefined();
      }
      const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
      expect(byId['expire-noncurrent-versions'].noncurrent_version_expiration).toEqual([{ noncurrent_days: 7 }]);
      expect(byId['abort-incomplete-multipart-uploads'].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    }
  });

  it('replicates every object and delete marker to the replica under Replication Time Control', () => {
    const config = onlyResource(json, 'aws_s3_bucket_replication_configuration');
    expect(config.bucket).toBe(`\${aws_s3_bucket.${primary}.id}`);
    expect(config.rule).toHaveLength(1);
    const [rule] = config.rule;
    expect(rule).toMatchObject({
      id: REPLICATION_RULE_ID,
      status: 'Enabled',
      filter: { prefix: '' },
      delete_marker_replication: { status: 'Enabled' },
      source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
    });
    expect(rule.destination).toEqual({
      bucket: `\${aws_s3_bucket.${replica}.arn}`,
      storage_class: 'STANDARD',
      encryption_configuration: { replica_kms_key_id: `\${aws_kms_key.${keyRef(replicaKey)}.arn}` },
      replication_time: { status: 'Enabled', time: { minutes: 15 } },
      metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
    });
    // Replication needs versioning on at both ends first.
    expect(config.depends_on).toHaveLength(2);
    const replication = resourcesOf(json, 'aws_iam_role').find((r) => r.name === 'hexabid-test-search-snapshots-replication')!;
    expect(parsePolicy(replication.assume_role_policy).Statement[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
  });

  it('lets only OpenSearch Service, on behalf of this account, assume the snapshot role', () => {
    const role = resourcesOf(json, 'aws_iam_role').find((r) => r.name === 'hexabid-test-search-snapshots')!;
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'es.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(new RegExp(`^${ACCOUNT}$`)) } },
      },
    ]);
  });

  it('gives the snapshot role exactly AWS\'s repository policy on both buckets, and each key through S3 in its region', () => {
    const roles = Object.entries(json.resource.aws_iam_role!);
    const roleKey = roles.find(([, r]) => r.name === 'hexabid-test-search-snapshots')![0];
    const policies = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${roleKey}.id}`);
    expect(policies).toHaveLength(1);
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment')).toEqual([]);
    const bucketArn = (key: string) => `\${aws_s3_bucket.${key}.arn}`;
    expect(parsePolicy(policies[0]!.policy).Statement).toEqual([
      { Sid: 'ListRepositories', Effect: 'Allow', Action: 's3:ListBucket', Resource: [bucketArn(primary), bucketArn(replica)] },
      {
        Sid: 'ReadWriteSnapshots',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [`${bucketArn(primary)}/*`, `${bucketArn(replica)}/*`],
      },
      {
        Sid: 'UseRepositoryKeyThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: `\${aws_kms_key.${keyRef(primaryKey)}.arn}`,
        Condition: { StringEquals: { 'kms:ViaService': expect.stringMatching(/^s3\.\$\{data\.aws_region\.\w+\.region\}\.amazonaws\.com$/) } },
      },
      {
        Sid: 'UseReplicaKeyThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: `\${aws_kms_key.${keyRef(replicaKey)}.arn}`,
        Condition: { StringEquals: { 'kms:ViaService': 's3.ap-south-2.amazonaws.com' } },
      },
    ]);
  });

  it('lets a registering principal pass the role to OpenSearch Service only', () => {
    expect(storage.passRoleStatements()).toEqual([
      {
        Sid: 'PassSnapshotRoleToOpenSearch',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: storage.roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
      },
    ]);
  });

  it('exposes what a repository registration and the replication alarms need', () => {
    expect(storage.replicaRegion).toBe('ap-south-2');
    expect(storage.replicationRuleId).toBe(REPLICATION_RULE_ID);
    for (const attribute of ['bucketName', 'bucketArn', 'replicaBucketName', 'replicaBucketArn', 'kmsKeyArn', 'replicaKmsKeyArn', 'roleArn', 'roleName'] as const) {
      expect(storage[attribute], attribute).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    }
  });

  it('logs repository access only where told, and takes its retention from props', () => {
    expect(resourcesOf(json, 'aws_s3_bucket_logging')).toEqual([]);
    const { json: logged } = synth({ accessLogs: { bucketId: 'hexabid-test-access-logs', prefix: 'search-snapshots/' }, noncurrentVersionExpirationDays: 3, abortIncompleteMultipartUploadDays: 2 });
    const key = bucketKey(logged, /-search-snapshots-\$/);
    expect(onlyResource(logged, 'aws_s3_bucket_logging')).toMatchObject({
      bucket: `\${aws_s3_bucket.${key}.id}`,
      target_bucket: 'hexabid-test-access-logs',
      target_prefix: 'search-snapshots/',
    });
    const rules = ofBucket(logged, 'aws_s3_bucket_lifecycle_configuration', key).rule as Record<string, any>[];
    expect(rules.find((r) => r.id === 'expire-noncurrent-versions')!.noncurrent_version_expiration).toEqual([{ noncurrent_days: 3 }]);
    expect(rules.find((r) => r.id === 'abort-incomplete-multipart-uploads')!.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 2 }]);
  });

  it('refuses a name prefix that makes bucket names too long, and lifecycle days that are not whole days', () => {
    const long = 'hexabid-production-eu-west';
    expect(() => synth({ namePrefix: long })).toThrow(InvalidPropsError);
    expect(() => synth({ namePrefix: long })).toThrow(
      `SearchSnapshotStorage SearchSnapshots: namePrefix '${long}' makes the replica bucket name 64 characters long; S3 allows 63`,
    );
    expect(() => synth({ namePrefix: 'hexabid-production-eu-we' })).not.toThrow();
    expect(() => synth({ noncurrentVersionExpirationDays: 0 })).toThrow(
      'SearchSnapshotStorage SearchSnapshots: noncurrentVersionExpirationDays must be a whole number of days, at least 1 (got 0)',
    );
    expect(() => synth({ abortIncompleteMultipartUploadDays: 1.5 })).toThrow('abortIncompleteMultipartUploadDays must be a whole number of days, at least 1 (got 1.5)');
  });
});

/**
 * Cross-region replication of a bucket to a DR region: the replica bucket
 * and its key, an optional access-logs bucket beside it, and the replication
 * role and rule, with S3 Replication Time Control.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import { EncryptionKey } from '../security/kms-key.ts';
import { accessLogsBucket } from './access-logs-bucket.ts';
import { awsContext } from './aws-context.ts';
import { policyDocument, serviceTrustPolicy } from './iam.ts';
import { SecureBucket } from './secure-bucket.ts';

/** The ID of the one replication rule: the `RuleId` of its CloudWatch metrics. */
export const REPLICATION_RULE_ID = 'replicate-everything-to-dr';

/**
 * S3 Replication Time Control's only setting: 99.99% of objects replicated
 * within 15 minutes, which is the DR recovery point objective.
 */
export const REPLICATION_TIME_MINUTES = 15;

/** The DR region a bucket replicates to. */
export interface ReplicationDestination {
  /** Provider aliased to the DR region. */
  readonly provider: TerraformProvider;
  readonly region: string;
}

export interface CrossRegionReplicationProps {
  /** The bucket replicated from. */
  readonly source: SecureBucket;
  /** The source bucket's KMS key, which replication decrypts with. */
  readonly sourceKmsKeyArn: string;
  /**
   * Names start with the prefix and the data's name: the replica bucket is
   * `<namePrefix>-<dataName>-replica-<accountId>`, its key
   * `alias/<namePrefix>-<dataName>-replica`, the role
   * `<namePrefix>-<dataName>-replication`.
   */
  readonly namePrefix: string;
  /** e.g. `documents`. */
  readonly dataName: string;
  /** What the buckets hold, for the replica key's description, e.g. `hexabid-prod tenant documents`. */
  readonly contents: string;
  readonly destination: ReplicationDestination;
  readonly forceDestroy: boolean;
  /** The replica's lifecycle; usually the source's, so both keep the same history. */
  readonly lifecycleRules: S3BucketLifecycleConfigurationRule[];
  /**
   * A new access-logs bucket in the DR region for the replica's server
   * access logs, which it receives under `<dataName>-replica/`.
   * @default - the replica is not access-logged
   */
  readonly accessLogs?: {
    readonly bucketName: string;
    readonly retentionDays: number;
    readonly abortIncompleteMultipartUploadDays: number;
  };
}

/** What {@link replicateToRegion} built. */
export interface CrossRegionReplica {
  readonly replicaBucketName: string;
  readonly replicaBucketArn: string;
  readonly replicaKmsKeyArn: string;
  /** Set when `accessLogs` was given. */
  readonly replicaAccessLogsBucketName?: string;
  readonly replicationRoleArn: string;
  /** The replication rule's ID, a dimension of the replication metrics. */
  readonly ruleId: string;
  readonly region: string;
}

/**
 * Replicates a bucket, every object and delete marker, to a new bucket in
 * the DR region, encrypted with a key of that region, under S3 Replication
 * Time Control with replication metrics.
 *
 * A function, not a construct: it builds in the caller's scope, so the
 * resources keep the addresses they had before it was factored out
 * (`ReplicaKey`, `ReplicaAccessLogs`, `Replica`, `ReplicationRole`,
 * `ReplicationPolicy`, `Replication`). One call per scope.
 */
export function replicateToRegion(scope: Construct, props: CrossRegionReplicationProps): CrossRegionReplica {
  const { accountId, partition, region } = awsContext(scope);
  const dr = props.destination;
  const name = `${props.namePrefix}-${props.dataName}`;
  const source = props.source;

  const replicaKey = new EncryptionKey(scope, 'ReplicaKey', {
    aliasName: `${name}-replica`,
    description: `Encrypts ${props.contents} replicated to ${dr.region}`,
    provider: dr.provider,
  });
  const replicaBucketName = `${name}-replica-${accountId}`;
  // S3 delivers access logs only to a bucket in the source bucket's region.
  const replicaLogs =
    props.accessLogs &&
    accessLogsBucket(scope, 'ReplicaAccessLogs', {
      ...props.accessLogs,
      forceDestroy: props.forceDestroy,
      // From the name, not the resource: the replica bucket is built after this one.
      sourceBucketArn: `arn:${partition}:s3:::${replicaBucketName}`,
      provider: dr.provider,
    });
  const replica = new SecureBucket(scope, 'Replica', {
    bucketName: replicaBucketName,
    kmsKeyArn: replicaKey.keyArn,
    forceDestroy: props.forceDestroy,
    accessLogs: replicaLogs && { bucketId: replicaLogs.bucketId, prefix: `${props.dataName}-replica/` },
    lifecycleRules: props.lifecycleRules,
    provider: dr.provider,
  });

  const role = new IamRole(scope, 'ReplicationRole', {
    name: `${name}-replication`,
    assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', { sourceAccount: accountId }),
  });
  new IamRolePolicy(scope, 'ReplicationPolicy', {
    role: role.id,
    name: `replicate-${props.dataName}`,
    policy: policyDocument([
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: source.bucketArn },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: `${source.bucketArn}/*`,
      },
      { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: `${replica.bucketArn}/*` },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: props.sourceKmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      },
      {
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: replicaKey.keyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${dr.region}.amazonaws.com` } },
      },
    ]),
  });
  new S3BucketReplicationConfigurationA(scope, 'Replication', {
    bucket: source.bucketId,
    role: role.arn,
    rule: [
      {
        id: REPLICATION_RULE_ID,
        status: 'Enabled',
        priority: 1,
        filter: { prefix: '' },
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: replica.bucketArn,
          storageClass: 'STANDARD',
          encryptionConfiguration: { replicaKmsKeyId: replicaKey.keyArn },
          // RTC holds replication to the RPO; S3 requires metrics, with the same threshold, beside it.
          replicationTime: { status: 'Enabled', time: { minutes: REPLICATION_TIME_MINUTES } },
          metrics: { status: 'Enabled', eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
        },
      },
    ],
    dependsOn: [source.versioning, replica.versioning],
  });

  return {
    replicaBucketName: replica.bucketId,
    replicaBucketArn: replica.bucketArn,
    replicaKmsKeyArn: replicaKey.keyArn,
    replicaAccessLogsBucketName: replicaLogs?.bucketId,
    replicationRoleArn: role.arn,
    ruleId: REPLICATION_RULE_ID,
    region: dr.region,
  };
}

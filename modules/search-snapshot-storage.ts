import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { awsContext } from './internal/aws-context.ts';
import { replicateToRegion, type ReplicationDestination } from './internal/cross-region-replication.ts';
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from './internal/iam.ts';
import { requireProps, withDefaults } from './internal/props.ts';
import { SecureBucket } from './internal/secure-bucket.ts';
import { EncryptionKey } from './security/kms-key.ts';

/** S3's limit on bucket names. */
const MAX_BUCKET_NAME = 63;
/** An account ID, which ends every bucket name here. */
const ACCOUNT_ID_LENGTH = 12;

export interface SearchSnapshotStorageProps {
  /** Names start with it, e.g. `hexabid-production`; bucket names end with the account ID. */
  readonly namePrefix: string;
  /** The DR region the repository replicates to, where a DR domain restores from the replica. */
  readonly replication: ReplicationDestination;
  /**
   * Let `terraform destroy` delete non-empty buckets. Only for throwaway environments.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Where the repository bucket's server access logs go: an access-logs
   * bucket of the primary region that accepts this bucket's logs.
   * @default - no server access logging
   */
  readonly accessLogs?: { readonly bucketId: string; readonly prefix: string };
  /**
   * Days a snapshot file OpenSearch deleted (or overwrote) stays recoverable
   * as a noncurrent version, in both buckets.
   * @default 7
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/** Every default of {@link SearchSnapshotStorageProps}, applied in one place. */
export const SEARCH_SNAPSHOT_STORAGE_DEFAULTS = {
  forceDestroy: false,
  noncurrentVersionExpirationDays: 7,
  abortIncompleteMultipartUploadDays: 7,
} as const satisfies Partial<SearchSnapshotStorageProps>;

/**
 * An S3 repository for OpenSearch manual snapshots, replicated to the DR
 * region under S3 Replication Time Control, and the role OpenSearch Service
 * assumes to use it (`role_arn` when registering the repository).
 *
 * The role reaches both buckets: the primary domain writes to the repository,
 * and a DR domain registers the replica (IAM is global) to restore from it.
 * Register the replica with `"readonly": true` until failover, so the DR
 * domain cannot write into a repository that replication is still updating.
 *
 * Current objects never expire: OpenSearch deletes its own snapshots through
 * its API, and files removed behind its back corrupt the repository. Only
 * noncurrent versions expire and unfinished uploads are aborted. No Glacier
 * transitions either: manual snapshots cannot be read from Glacier.
 */
export class SearchSnapshotStorage extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  /** The DR region's copy, in {@link replicaRegion}. */
  readonly replicaBucketName: string;
  readonly replicaBucketArn: string;
  readonly replicaKmsKeyArn: string;
  readonly replicaRegion: string;
  /** The role OpenSearch Service assumes to read and write both buckets: the repository's `role_arn`. */
  readonly roleArn: string;
  readonly roleName: string;
  /** The replication rule's ID: with the two bucket names, the dimensions of its replication metrics. */
  readonly replicationRuleId: string;

  constructor(scope: Construct, id: string, props: SearchSnapshotStorageProps) {
    super(scope, id);
    const p = withDefaults(props, SEARCH_SNAPSHOT_STORAGE_DEFAULTS);
    const prefix = p.namePrefix;
    const dataName = 'search-snapshots';
    // The longest name made here is the replica bucket's.
    const longest = `${prefix}-${dataName}-replica-`.length + ACCOUNT_ID_LENGTH;
    requireProps(
      longest <= MAX_BUCKET_NAME,
      'SearchSnapshotStorage',
      id,
      `namePrefix '${prefix}' makes the replica bucket name ${longest} characters long; S3 allows ${MAX_BUCKET_NAME}`,
    );
    for (const [name, days] of [
      ['noncurrentVersionExpirationDays', p.noncurrentVersionExpirationDays],
      ['abortIncompleteMultipartUploadDays', p.abortIncompleteMultipartUploadDays],
    ] as const) {
      requireProps(Number.isInteger(days) && days >= 1, 'SearchSnapshotStorage', id, `${name} must be a whole number of days, at least 1 (got ${days})`);
    }
    const { accountId, region } = awsContext(this);

    const key = new EncryptionKey(this, 'Key', { aliasName: `${prefix}-${dataName}`, description: `Encrypts ${prefix} OpenSearch snapshots` });
    const all = { status: 'Enabled', filter: [{ prefix: '' }] };
    const lifecycleRules = [
      { id: 'expire-noncurrent-versions', ...all, noncurrentVersionExpiration: [{ noncurrentDays: p.noncurrentVersionExpirationDays }] },
      { id: 'abort-incomplete-multipart-uploads', ...all, abortIncompleteMultipartUpload: [{ daysAfterInitiation: p.abortIncompleteMultipartUploadDays }] },
    ];
    const bucket = new SecureBucket(this, 'Bucket', {
      bucketName: `${prefix}-${dataName}-${accountId}`,
      kmsKeyArn: key.keyArn,
      forceDestroy: p.forceDestroy,
      accessLogs: p.accessLogs,
      lifecycleRules,
    });
    const dr = p.replication;
    const replica = replicateToRegion(this, {
      source: bucket,
      sourceKmsKeyArn: key.keyArn,
      namePrefix: prefix,
      dataName,
      contents: `${prefix} OpenSearch snapshots`,
      destination: dr,
      forceDestroy: p.forceDestroy,
      lifecycleRules,
    });

    // The policy of AWS's "Creating index snapshots" guide, on both buckets, plus their keys.
    const role = new IamRole(this, 'Role', {
      name: `${prefix}-${dataName}`,
      description: `Assumed by OpenSearch Service to read and write the ${prefix} snapshot repositories`,
      assumeRolePolicy: serviceTrustPolicy('es.amazonaws.com', { sourceAccount: accountId }),
    });
    new IamRolePolicy(this, 'RolePolicy', {
      role: role.id,
      name: 'read-write-snapshot-repositories',
      policy: policyDocument([
        { Sid: 'ListRepositories', Effect: 'Allow', Action: 's3:ListBucket', Resource: [bucket.bucketArn, replica.replicaBucketArn] },
        {
          Sid: 'ReadWriteSnapshots',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: [`${bucket.bucketArn}/*`, `${replica.replicaBucketArn}/*`],
        },
        // Each key only through S3 in its own region: the buckets are SSE-KMS.
        {
          Sid: 'UseRepositoryKeyThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: key.keyArn,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
        },
        {
          Sid: 'UseReplicaKeyThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: replica.replicaKmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${dr.region}.amazonaws.com` } },
        },
      ]),
    });

    this.bucketName = bucket.bucketId;
    this.bucketArn = bucket.bucketArn;
    this.kmsKeyArn = key.keyArn;
    this.replicaBucketName = replica.replicaBucketName;
    this.replicaBucketArn = replica.replicaBucketArn;
    this.replicaKmsKeyArn = replica.replicaKmsKeyArn;
    this.replicaRegion = replica.region;
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.replicationRuleId = replica.ruleId;
  }

  /**
   * What the principal that registers a repository needs beside
   * `es:ESHttpPut` on the domain: passing this role to OpenSearch Service,
   * and to nothing else. With fine-grained access control, that principal
   * must also be mapped to the domain's `manage_snapshots` role.
   */
  passRoleStatements(): PolicyStatement[] {
    return [
      {
        Sid: 'PassSnapshotRoleToOpenSearch',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: this.roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
      },
    ];
  }
}

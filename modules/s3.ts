import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from './internal/aws-context.ts';
import { policyDocument, serviceTrustPolicy } from './internal/iam.ts';
import { withDefaults } from './internal/props.ts';
import { accessLogsBucket, type AccessLogsBucketProps } from './internal/access-logs-bucket.ts';
import { SecureBucket } from './internal/secure-bucket.ts';
import { EncryptionKey } from './security/kms-key.ts';

export interface DocumentStorageProps {
  /** Bucket names start with it, e.g. `hexabid-prod`; the account ID ends them. */
  readonly namePrefix: string;
  /**
   * Let `terraform destroy` delete non-empty buckets. Only for throwaway environments.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /** @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Objects over 128 KiB move to Intelligent-Tiering after this many days. @default 30 */
  readonly intelligentTieringAfterDays?: number;
  /** @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** @default 365 */
  readonly accessLogRetentionDays?: number;
  /**
   * Key prefix under which the region's Elastic Load Balancing may write
   * load balancer access logs into the access-logs bucket.
   * @default 'alb'
   */
  readonly loadBalancerLogsPrefix?: string;
  /**
   * Cross-region replication of every document to a DR bucket.
   * @default - no replication
   */
  readonly replication?: {
    /** Provider aliased to the DR region. */
    readonly provider: TerraformProvider;
    readonly region: string;
  };
}

/** Every default of {@link DocumentStorageProps}, applied in one place. */
export const DOCUMENT_STORAGE_DEFAULTS = {
  forceDestroy: false,
  noncurrentVersionExpirationDays: 30,
  intelligentTieringAfterDays: 30,
  abortIncompleteMultipartUploadDays: 7,
  accessLogRetentionDays: 365,
  loadBalancerLogsPrefix: 'alb',
} as const satisfies Partial<DocumentStorageProps>;

/**
 * Tenant documents: a KMS-encrypted, versioned bucket with server access
 * logging, lifecycle tiering and, optionally, replication to a DR region
 * whose replica logs to an access-logs bucket of its own region.
 */
export class DocumentStorage extends Construct {
  readonly documentsBucketName: string;
  readonly documentsBucketArn: string;
  readonly accessLogsBucketName: string;
  readonly accessLogsBucketArn: string;
  /** Prefix in the access-logs bucket where load balancers may write their logs. */
  readonly loadBalancerLogsPrefix: string;
  readonly kmsKeyArn: string;
  readonly replicaBucketArn?: string;
  readonly replicaKmsKeyArn?: string;
  /** The DR region's access-logs bucket, which receives the replica bucket's server access logs. */
  readonly replicaAccessLogsBucketName?: string;

  constructor(scope: Construct, id: string, props: DocumentStorageProps) {
    super(scope, id);
    const { accountId, partition, region } = awsContext(this);
    const p = withDefaults(props, DOCUMENT_STORAGE_DEFAULTS);
    const prefix = p.namePrefix;
    const forceDestroy = p.forceDestroy;
    const abortDays = p.abortIncompleteMultipartUploadDays;
    const abortMultipart = { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }] };
    const expireNoncurrent = (days: number) => ({
      id: 'expire-noncurrent-versions',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      noncurrentVersionExpiration: [{ noncurrentDays: days }],
    });

    // Every access-logs bucket, the primary region's and the DR region's, is built alike.
    const logsBucket = (bucketId: string, options: Pick<AccessLogsBucketProps, 'bucketName' | 'sourceBucketArn' | 'additionalStatements' | 'provider'>) =>
      accessLogsBucket(this, bucketId, { ...options, retentionDays: p.accessLogRetentionDays, forceDestroy, abortIncompleteMultipartUploadDays: abortDays });

    const elbAccount = new DataAwsElbServiceAccount(this, 'ElbServiceAccount');
    const logs = logsBucket('AccessLogs', {
      bucketName: `${prefix}-access-logs-${accountId}`,
      additionalStatements: (bucketArn) => [
        {
          // ap-south-1 predates the log-delivery service principal: ALB logs come from the region's ELB account.
          Sid: 'LoadBalancerLogDelivery',
          Effect: 'Allow',
          Principal: { AWS: elbAccount.arn },
          Action: 's3:PutObject',
          Resource: `${bucketArn}/${p.loadBalancerLogsPrefix}/AWSLogs/${accountId}/*`,
        },
      ],
    });
    this.loadBalancerLogsPrefix = p.loadBalancerLogsPrefix;
    this.accessLogsBucketName = logs.bucketId;
    this.accessLogsBucketArn = logs.bucketArn;

    const key = new EncryptionKey(this, 'Key', { aliasName: `${prefix}-documents`, description: `Encrypts ${prefix} tenant documents` });
    this.kmsKeyArn = key.keyArn;
    const documentRules = [
      expireNoncurrent(p.noncurrentVersionExpirationDays),
      abortMultipart,
      {
        id: 'intelligent-tiering',
        status: 'Enabled',
        // Intelligent-Tiering does not tier objects under 128 KiB but would still bill their monitoring.
        filter: [{ objectSizeGreaterThan: 131072 }],
        transition: [{ days: p.intelligentTieringAfterDays, storageClass: 'INTELLIGENT_TIERING' }],
      },
    ];
    const documents = new SecureBucket(this, 'Documents', {
      bucketName: `${prefix}-documents-${accountId}`,
      kmsKeyArn: key.keyArn,
      forceDestroy,
      accessLogs: { bucketId: logs.bucketId, prefix: 'documents/' },
      lifecycleRules: documentRules,
    });
    this.documentsBucketName = documents.bucketId;
    this.documentsBucketArn = documents.bucketArn;

    if (p.replication) {
      const dr = p.replication;
      const replicaKey = new EncryptionKey(this, 'ReplicaKey', {
        aliasName: `${prefix}-documents-replica`,
        description: `Encrypts ${prefix} tenant documents replicated to ${dr.region}`,
        provider: dr.provider,
      });
      const replicaBucketName = `${prefix}-documents-replica-${accountId}`;
      // S3 delivers access logs only to a bucket in the source bucket's region.
      const replicaLogs = logsBucket('ReplicaAccessLogs', {
        bucketName: `${prefix}-access-logs-replica-${accountId}`,
        // From the name, not the resource: the replica bucket is built after this one.
        sourceBucketArn: `arn:${partition}:s3:::${replicaBucketName}`,
        provider: dr.provider,
      });
      const replica = new SecureBucket(this, 'Replica', {
        bucketName: replicaBucketName,
        kmsKeyArn: replicaKey.keyArn,
        forceDestroy,
        accessLogs: { bucketId: replicaLogs.bucketId, prefix: 'documents-replica/' },
        lifecycleRules: documentRules,
        provider: dr.provider,
      });
      const role = new IamRole(this, 'ReplicationRole', {
        name: `${prefix}-documents-replication`,
        assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', { sourceAccount: accountId }),
      });
      new IamRolePolicy(this, 'ReplicationPolicy', {
        role: role.id,
        name: 'replicate-documents',
        policy: policyDocument([
          { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: documents.bucketArn },
          {
            Effect: 'Allow',
            Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
            Resource: `${documents.bucketArn}/*`,
          },
          { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: `${replica.bucketArn}/*` },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: key.keyArn,
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
      new S3BucketReplicationConfigurationA(this, 'Replication', {
        bucket: documents.bucketId,
        role: role.arn,
        rule: [
          {
            id: 'replicate-everything-to-dr',
            status: 'Enabled',
            priority: 1,
            filter: { prefix: '' },
            deleteMarkerReplication: { status: 'Enabled' },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
            destination: {
              bucket: replica.bucketArn,
              storageClass: 'STANDARD',
              encryptionConfiguration: { replicaKmsKeyId: replicaKey.keyArn },
            },
          },
        ],
        dependsOn: [documents.versioning, replica.versioning],
      });
      this.replicaBucketArn = replica.bucketArn;
      this.replicaKmsKeyArn = replicaKey.keyArn;
      this.replicaAccessLogsBucketName = replicaLogs.bucketId;
    }
  }
}

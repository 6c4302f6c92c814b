import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { Construct } from 'constructs';
import { awsContext } from './internal/aws-context.ts';
import { withDefaults } from './internal/props.ts';
import { accessLogsBucket } from './internal/access-logs-bucket.ts';
import { replicateToRegion, type ReplicationDestination } from './internal/cross-region-replication.ts';
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
  readonly replication?: ReplicationDestination;
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
 * under S3 Replication Time Control (15 minutes, the RPO), whose replica logs
 * to an access-logs bucket of its own region.
 */
export class DocumentStorage extends Construct {
  readonly documentsBucketName: string;
  readonly documentsBucketArn: string;
  readonly accessLogsBucketName: string;
  readonly accessLogsBucketArn: string;
  /** Prefix in the access-logs bucket where load balancers may write their logs. */
  readonly loadBalancerLogsPrefix: string;
  readonly kmsKeyArn: string;
  readonly replicaBucketName?: string;
  readonly replicaBucketArn?: string;
  readonly replicaKmsKeyArn?: string;
  /** The DR region's access-logs bucket, which receives the replica bucket's server access logs. */
  readonly replicaAccessLogsBucketName?: string;
  /** The replication rule's ID: with the two bucket names, the dimensions of its replication metrics. */
  readonly replicationRuleId?: string;

  constructor(scope: Construct, id: string, props: DocumentStorageProps) {
    super(scope, id);
    const { accountId } = awsContext(this);
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

    // Every access-logs bucket, the primary region's and the DR region's, keeps logs alike.
    const logKeeping = { retentionDays: p.accessLogRetentionDays, abortIncompleteMultipartUploadDays: abortDays };

    const elbAccount = new DataAwsElbServiceAccount(this, 'ElbServiceAccount');
    const logs = accessLogsBucket(this, 'AccessLogs', {
      ...logKeeping,
      forceDestroy,
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
      const replica = replicateToRegion(this, {
        source: documents,
        sourceKmsKeyArn: key.keyArn,
        namePrefix: prefix,
        dataName: 'documents',
        contents: `${prefix} tenant documents`,
        destination: p.replication,
        forceDestroy,
        lifecycleRules: documentRules,
        accessLogs: { ...logKeeping, bucketName: `${prefix}-access-logs-replica-${accountId}` },
      });
      this.replicaBucketName = replica.replicaBucketName;
      this.replicaBucketArn = replica.replicaBucketArn;
      this.replicaKmsKeyArn = replica.replicaKmsKeyArn;
      this.replicaAccessLogsBucketName = replica.replicaAccessLogsBucketName;
      this.replicationRuleId = replica.ruleId;
    }
  }
}

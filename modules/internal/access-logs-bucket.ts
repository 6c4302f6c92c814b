import type { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import { awsContext } from './aws-context.ts';
import type { PolicyStatement } from './iam.ts';
import { SecureBucket } from './secure-bucket.ts';

export interface AccessLogsBucketProps {
  readonly bucketName: string;
  /** Days a log object is kept. */
  readonly retentionDays: number;
  readonly forceDestroy: boolean;
  /** Days before an unfinished multipart upload is aborted. */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Only this bucket's logs are accepted; unset accepts any bucket of the account. */
  readonly sourceBucketArn?: string;
  /** Statements for other log writers (load balancers), given this bucket's ARN. */
  readonly additionalStatements?: (bucketArn: string) => readonly PolicyStatement[];
  /** For a bucket in another region: S3 delivers access logs only within the source's region. */
  readonly provider?: TerraformProvider;
}

/**
 * A bucket that receives S3 server access logs, for this account only. Log
 * delivery cannot write to SSE-KMS buckets, so it uses SSE-S3; logs expire
 * after the retention, overwritten versions after a week.
 */
export function accessLogsBucket(scope: Construct, id: string, props: AccessLogsBucketProps): SecureBucket {
  const { accountId } = awsContext(scope);
  const all = { status: 'Enabled', filter: [{ prefix: '' }] };
  return new SecureBucket(scope, id, {
    bucketName: props.bucketName,
    forceDestroy: props.forceDestroy,
    lifecycleRules: [
      { id: 'expire-access-logs', ...all, expiration: [{ days: props.retentionDays }] },
      { id: 'expire-noncurrent-versions', ...all, noncurrentVersionExpiration: [{ noncurrentDays: 7 }] },
      { id: 'abort-incomplete-multipart-uploads', ...all, abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays }] },
    ],
    policyStatements: (bucketArn): PolicyStatement[] => [
      {
        Sid: 'S3ServerAccessLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${bucketArn}/*`,
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ...(props.sourceBucketArn !== undefined ? { ArnLike: { 'aws:SourceArn': props.sourceBucketArn } } : {}),
        },
      },
      ...(props.additionalStatements?.(bucketArn) ?? []),
    ],
    provider: props.provider,
  });
}

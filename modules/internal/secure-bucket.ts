import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from './iam.ts';

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * KMS key for SSE-KMS with a bucket key. Unset means SSE-S3, which server
   * access-log targets require.
   */
  readonly kmsKeyArn?: string;
  readonly forceDestroy: boolean;
  /** Where this bucket's server access logs go. */
  readonly accessLogs?: { readonly bucketId: string; readonly prefix: string };
  readonly lifecycleRules: S3BucketLifecycleConfigurationRule[];
  /** Statements added to the TLS-only bucket policy, given the bucket's ARN. */
  readonly policyStatements?: (bucketArn: string) => readonly PolicyStatement[];
  readonly provider?: TerraformProvider;
}

/**
 * A private, versioned, encrypted bucket that refuses plain HTTP and ACLs.
 * The shared base of every bucket in this project.
 */
export class SecureBucket extends Construct {
  readonly bucketId: string;
  readonly bucketArn: string;
  /** Depend on this before anything (replication) that needs versioning on. */
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const provider = props.provider;
    const bucket = new S3Bucket(this, 'Bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy, provider });
    this.bucketId = bucket.id;
    this.bucketArn = bucket.arn;

    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' }, provider });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: bucket.id,
      rule: [
        props.kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true },
      ],
      provider,
    });
    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
      provider,
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: bucket.id,
      rule: props.lifecycleRules,
      dependsOn: [this.versioning],
      provider,
    });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'AccessLogging', {
        bucket: bucket.id,
        targetBucket: props.accessLogs.bucketId,
        targetPrefix: props.accessLogs.prefix,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
        provider,
      });
    }
    new S3BucketPolicy(this, 'Policy', {
      bucket: bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
        {
          Sid: 'DenyOutdatedTls',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
        },
        ...(props.policyStatements?.(bucket.arn) ?? []),
      ]),
      // A policy put before the public access block would race it.
      dependsOn: [publicAccess],
      provider,
    });
  }
}

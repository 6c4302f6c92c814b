import { Construct } from 'constructs';
import type { ServiceAccountRef } from './pod-identity-role.ts';
import { PodIdentityRole } from './pod-identity-role.ts';
import { awsContext } from './internal/aws-context.ts';
import type { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';

export interface DocumentsAccessRoleProps {
  /** The cluster's literal name. */
  readonly clusterName: string;
  readonly roleName: string;
  /** The app's service accounts, in one namespace. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** The tenant-documents bucket. */
  readonly bucketArn: string;
  /** The bucket's KMS key; usable through S3 only. */
  readonly kmsKeyArn: string;
}

/**
 * The app's AWS identity through Pod Identity: list, read and write objects
 * in the tenant-documents bucket and use its key through S3. Nothing else.
 */
export class DocumentsAccessRole extends Construct {
  readonly roleArn: string;
  readonly associations: EksPodIdentityAssociation[];

  constructor(scope: Construct, id: string, props: DocumentsAccessRoleProps) {
    super(scope, id);
    const { region } = awsContext(this);
    const role = new PodIdentityRole(this, 'Role', {
      clusterName: props.clusterName,
      roleName: props.roleName,
      serviceAccounts: props.serviceAccounts,
      statements: [
        { Sid: 'ListDocuments', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: props.bucketArn },
        {
          Sid: 'ReadWriteDocuments',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: `${props.bucketArn}/*`,
        },
        {
          Sid: 'UseDocumentsKeyThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
        },
      ],
    });
    this.roleArn = role.roleArn;
    this.associations = role.associations;
  }
}

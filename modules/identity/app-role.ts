import type { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import type { PolicyStatement } from '../internal/iam.ts';
import { PodIdentityRole, type ServiceAccountRef } from './pod-identity-role.ts';
import { cacheConnectStatements } from '../elasticache.ts';
import { SEARCH_HTTP_ACTIONS } from '../elasticsearch.ts';

export interface AppRoleProps {
  /** The cluster's literal name. */
  readonly clusterName: string;
  readonly roleName: string;
  /** The app's service accounts, in one namespace. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** The tenant-documents bucket and its KMS key (usable through S3 only). */
  readonly documents: { readonly bucketArn: string; readonly kmsKeyArn: string };
  /**
   * The OpenSearch domain the app queries with signed requests. Fine-grained
   * access control must also map this role (see `SearchRoleMapping`).
   * @default - no search access
   */
  readonly search?: { readonly domainArn: string };
  /**
   * The cache the app signs in to as its IAM user.
   * @default - no cache access
   */
  readonly cache?: { readonly replicationGroupArn: string; readonly userArn: string };
}

/**
 * The app's AWS identity through Pod Identity: list, read and write objects in
 * the tenant-documents bucket and use its key through S3, send HTTP
 * requests to its search domain, and sign in to its cache as its own user.
 * Nothing else.
 */
export class AppRole extends Construct {
  readonly roleArn: string;
  readonly associations: EksPodIdentityAssociation[];

  constructor(scope: Construct, id: string, props: AppRoleProps) {
    super(scope, id);
    const { region } = awsContext(this);
    const role = new PodIdentityRole(this, 'Role', {
      clusterName: props.clusterName,
      roleName: props.roleName,
      serviceAccounts: props.serviceAccounts,
      statements: [
        ...documentsReadWriteStatements(props.documents.bucketArn, props.documents.kmsKeyArn, region),
        ...(props.search ? searchHttpStatements(props.search.domainArn) : []),
        ...(props.cache ? cacheConnectStatements(props.cache.replicationGroupArn, props.cache.userArn) : []),
      ],
    });
    this.roleArn = role.roleArn;
    this.associations = role.associations;
  }
}

/** Read and write objects of a bucket, and use its key, through S3 only. */
export function documentsReadWriteStatements(bucketArn: string, kmsKeyArn: string, region: string): PolicyStatement[] {
  return [
    { Sid: 'ListDocuments', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: bucketArn },
    {
      Sid: 'ReadWriteDocuments',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: `${bucketArn}/*`,
    },
    {
      Sid: 'UseDocumentsKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    },
  ];
}

/** Signed HTTP requests to one domain. */
export function searchHttpStatements(domainArn: string): PolicyStatement[] {
  return [{ Sid: 'QuerySearchDomain', Effect: 'Allow', Action: [...SEARCH_HTTP_ACTIONS], Resource: `${domainArn}/*` }];
}

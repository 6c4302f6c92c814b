import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { accessLogsBucket } from '../modules/internal/access-logs-bucket.ts';
import type { SecureBucket } from '../modules/internal/secure-bucket.ts';
import { DOCUMENT_STORAGE_DEFAULTS } from '../modules/s3.ts';
import type { AlarmTopics, AlertReceiver } from '../modules/monitoring/alarm-topics.ts';
import type { StandbyOutputs } from './infrastructure-outputs.ts';
import { infrastructureStackName } from '../environments/stack-names.ts';

/**
 * How a standby's infrastructure stack takes over what already exists in its
 * region: the network and the promoted database of its always-on stack, and
 * the documents bucket production has been replicating. Each returns the same
 * attributes the construct it stands in for exposes, so the stack builds the
 * cluster, cache and search domain on them exactly as it does in the primary.
 */

export interface NetworkAttributes {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];
  readonly natGatewayIds: string[];
}

export interface DatabaseAttributes {
  readonly dbInstanceIdentifier: string;
  readonly dbInstanceAddress: string;
  readonly dbInstanceEndpoint: string;
  readonly dbInstancePort: number;
  readonly dbName: string;
  readonly replicaAddresses: string[];
  readonly replicaIdentifiers: string[];
  readonly securityGroupId: string;
  /** ARN, or for a standby the name of the replicated secret. */
  readonly masterSecretArn: string;
  readonly kmsKeyArn: string;
  /**
   * The key of the users' secrets where it differs from the database's (a standby reads the replicated copies).
   * @default - kmsKeyArn
   */
  readonly secretsKmsKeyArn?: string;
}

export interface DocumentsAttributes {
  readonly documentsBucketName: string;
  readonly documentsBucketArn: string;
  readonly kmsKeyArn: string;
  readonly accessLogsBucketName: string;
  readonly accessLogsBucketArn: string;
  readonly loadBalancerLogsPrefix: string;
  readonly replicaBucketArn?: string;
}

export interface AlertingAttributes {
  readonly topicArns: AlarmTopics;
  readonly criticalTopicArn: string;
  readonly warningTopicArn: string;
  readonly kmsKeyArn: string;
  readonly secretNames: Readonly<Record<AlertReceiver, string>>;
}

/**
 * The standby's network, built long before the failover. Lists come back one
 * element per zone (per NAT gateway), so the modules' zone checks still count
 * them at synth.
 */
export function adoptStandbyNetwork(standby: StandbyOutputs, config: EnvironmentConfig): NetworkAttributes {
  const zones = config.network.availabilityZones.length;
  const each = (name: 'public_subnet_ids' | 'private_subnet_ids' | 'database_subnet_ids' | 'nat_gateway_ids', count: number) =>
    Array.from({ length: count }, (_, i) => Token.asString(Fn.element(standby.list(name), i)));
  return {
    vpcId: standby.string('vpc_id'),
    publicSubnetIds: each('public_subnet_ids', zones),
    privateSubnetIds: each('private_subnet_ids', zones),
    databaseSubnetIds: each('database_subnet_ids', zones),
    natGatewayIds: each('nat_gateway_ids', config.network.natGateways === 'single' ? 1 : zones),
  };
}

/** The primary's name prefix (`hexabid-production`), which names what it replicates here. */
function primaryPrefix(config: EnvironmentConfig): string {
  if (!config.standbyFor) throw new Error(`${config.name} is not a standby environment`);
  return infrastructureStackName({ name: config.standbyFor.primary });
}

/**
 * The promoted replica, and the one rule that lets the new cluster reach it.
 * The users' secrets are the primary's copies here, under the key the
 * primary's stack made for them in this region.
 */
export function adoptPromotedDatabase(scope: Construct, standby: StandbyOutputs, w: { config: EnvironmentConfig; clusterSecurityGroupId: string }): DatabaseAttributes {
  const securityGroupId = standby.string('db_security_group_id');
  new VpcSecurityGroupIngressRule(scope, 'DatabaseFromCluster', {
    securityGroupId,
    referencedSecurityGroupId: w.clusterSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    description: 'PostgreSQL from the failed-over EKS cluster',
  });
  const secretsKey = new DataAwsKmsKey(scope, 'SecretsReplicaKey', { keyId: `alias/${primaryPrefix(w.config)}-secrets-replica` });
  return {
    dbInstanceIdentifier: standby.string('db_instance_identifier'),
    dbInstanceAddress: standby.string('db_instance_address'),
    dbInstanceEndpoint: standby.string('db_instance_endpoint'),
    dbInstancePort: standby.number('db_instance_port'),
    dbName: w.config.database.databaseName,
    replicaAddresses: [],
    replicaIdentifiers: [],
    securityGroupId,
    masterSecretArn: standby.string('db_master_secret_name'),
    kmsKeyArn: standby.string('db_kms_key_arn'),
    secretsKmsKeyArn: secretsKey.arn,
  };
}

/**
 * The access-logs bucket of a standby's load balancer. It lives in the
 * always-on stack: its logs outlive a failback, which destroys the failover's
 * stacks, and a versioned bucket that still holds them would fail that
 * destroy; the next failover finds it again by the same stack's outputs.
 */
export function standbyLoadBalancerLogs(scope: Construct, config: EnvironmentConfig): SecureBucket {
  const prefix = DOCUMENT_STORAGE_DEFAULTS.loadBalancerLogsPrefix;
  return accessLogsBucket(scope, 'LoadBalancerLogs', {
    bucketName: `${infrastructureStackName(config)}-access-logs-${config.accountId}`,
    retentionDays: config.documents.accessLogRetentionDays,
    forceDestroy: config.documents.forceDestroy,
    abortIncompleteMultipartUploadDays: 7,
    additionalStatements: (bucketArn) => [
      {
        // Regions opened after August 2022 deliver ALB logs through this service principal, not an ELB account.
        Sid: 'LoadBalancerLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${bucketArn}/${prefix}/AWSLogs/${config.accountId}/*`,
      },
    ],
  });
}

/**
 * The replica of the primary's documents bucket, looked up by the name the
 * primary's stack gave it, and the access-logs bucket of this region's load
 * balancer, which the always-on stack keeps (the replica's own logs bucket
 * admits S3 only).
 */
export function adoptReplicatedDocuments(scope: Construct, standby: StandbyOutputs, config: EnvironmentConfig): DocumentsAttributes {
  const source = primaryPrefix(config);
  const bucket = new DataAwsS3Bucket(scope, 'DocumentsReplica', { bucket: `${source}-documents-replica-${config.accountId}` });
  const key = new DataAwsKmsKey(scope, 'DocumentsReplicaKey', { keyId: `alias/${source}-documents-replica` });
  return {
    documentsBucketName: bucket.bucket,
    documentsBucketArn: bucket.arn,
    kmsKeyArn: key.arn,
    accessLogsBucketName: standby.string('access_logs_bucket_name'),
    accessLogsBucketArn: standby.string('access_logs_bucket_arn'),
    loadBalancerLogsPrefix: DOCUMENT_STORAGE_DEFAULTS.loadBalancerLogsPrefix,
  };
}

/** The region's alerting, which the always-on stack built and on-call has tested. */
export function adoptStandbyAlerting(standby: StandbyOutputs): AlertingAttributes {
  const critical = standby.string('alerts_critical_topic_arn');
  const warning = standby.string('alerts_warning_topic_arn');
  return {
    topicArns: { critical, warning },
    criticalTopicArn: critical,
    warningTopicArn: warning,
    kmsKeyArn: standby.string('alerting_kms_key_arn'),
    secretNames: { pagerduty: standby.string('alerting_pagerduty_secret_name'), slack: standby.string('alerting_slack_secret_name') },
  };
}

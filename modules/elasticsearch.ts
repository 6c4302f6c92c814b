import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { Construct } from 'constructs';
import { isBurstableSearchType } from '../lib/aws-catalog.ts';
import { awsContext } from './internal/aws-context.ts';
import { policyDocument } from './internal/iam.ts';
import { IngressSecurityGroup } from './internal/ingress-security-group.ts';
import { requireProps, withDefaults } from './internal/props.ts';
import { podIdentityTrust } from './identity/pod-identity-role.ts';
import { EncryptionKey } from './security/kms-key.ts';

/** The OpenSearch log streams this domain publishes. */
export const OPENSEARCH_LOG_TYPES = ['INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS', 'ES_APPLICATION_LOGS', 'AUDIT_LOGS'] as const;

/**
 * The HTTP verbs a search client uses, on the domain's indices only: no
 * configuration API (`es:UpdateDomainConfig` and the like).
 */
export const SEARCH_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'] as const;

export interface SearchDomainProps {
  /** Domain name (3-28 lowercase characters). */
  readonly domainName: string;
  readonly instanceType: string;
  readonly vpcId: string;
  /** Database-tier subnets, one per zone; the first `availabilityZoneCount` are used. */
  readonly subnetIds: string[];
  /** Security groups allowed to connect on 443: the cluster's nodes and pods. */
  readonly allowedSecurityGroupIds: readonly string[];
  /** @default 'OpenSearch_2.19' */
  readonly engineVersion?: string;
  /** @default 3 */
  readonly instanceCount?: number;
  /** Zones the data nodes spread across; 1 turns zone awareness off. @default 3 */
  readonly availabilityZoneCount?: number;
  /** @default 100 */
  readonly volumeSizeGiB?: number;
  /**
   * Three dedicated master nodes of this type.
   * @default - no dedicated masters
   */
  readonly dedicatedMasterType?: string;
  /**
   * IAM principals the domain's resource policy admits; fine-grained access
   * control then maps them to OpenSearch roles.
   * @default - this account's IAM principals
   */
  readonly accessPrincipalArns?: readonly string[];
  /**
   * IAM roles that may assume the fine-grained access control master role:
   * the people who administer the domain. At least one.
   */
  readonly masterRoleTrustedArns: readonly string[];
  /**
   * A Kubernetes service account that may also assume the master role through
   * EKS Pod Identity, to manage roles and mappings inside the domain.
   * @default - none
   */
  readonly masterRoleServiceAccount?: { readonly clusterName: string; readonly namespace: string; readonly name: string };
  /** @default 90 */
  readonly logRetentionDays?: number;
}

/** Every default of {@link SearchDomainProps}, applied in one place. */
export const SEARCH_DEFAULTS = {
  engineVersion: 'OpenSearch_2.19',
  instanceCount: 3,
  availabilityZoneCount: 3,
  volumeSizeGiB: 100,
  logRetentionDays: 90,
} as const satisfies Partial<SearchDomainProps>;

/**
 * An OpenSearch Service domain inside the VPC with encryption at rest and in
 * transit, HTTPS-only on a PFS TLS 1.2+ policy, fine-grained access control
 * mastered by an IAM role, and slow, application and audit logs.
 */
export class SearchDomain extends Construct {
  readonly domainName: string;
  readonly domainArn: string;
  readonly domainEndpoint: string;
  readonly masterRoleArn: string;
  readonly securityGroupId: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const { accountId, accountRootArn, partition, region } = awsContext(this);
    const p = withDefaults(props, SEARCH_DEFAULTS);
    const name = p.domainName;
    const zones = p.availabilityZoneCount;
    requireProps(
      zones <= p.subnetIds.length,
      'SearchDomain',
      name,
      `availabilityZoneCount (${zones}) needs as many subnetIds, one per zone (got ${p.subnetIds.length})`,
    );
    requireProps(
      p.instanceCount % zones === 0,
      'SearchDomain',
      name,
      `instanceCount (${p.instanceCount}) must be a multiple of availabilityZoneCount (${zones}) to spread evenly`,
    );
    requireProps(p.masterRoleTrustedArns.length > 0, 'SearchDomain', name, 'masterRoleTrustedArns must name at least one role, or nobody can administer the domain');
    const domainArn = `arn:${partition}:es:${region}:${accountId}:domain/${name}`;

    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${name}-opensearch`,
      description: `Encrypts ${name} OpenSearch data and logs`,
      cloudWatchLogGroupPrefix: `/aws/opensearch/${name}/`,
    });
    this.kmsKeyArn = key.keyArn;

    const podTrust = p.masterRoleServiceAccount;
    const masterRole = new IamRole(this, 'MasterRole', {
      name: `${name}-opensearch-master`,
      description: `Fine-grained access control master of ${name}; assumable only by its administrators`,
      assumeRolePolicy: policyDocument([
        { Effect: 'Allow', Principal: { AWS: [...p.masterRoleTrustedArns] }, Action: 'sts:AssumeRole' },
        // The Kubernetes job that maps roles inside the domain.
        ...(podTrust ? [podIdentityTrust(accountId, podTrust.clusterName, [podTrust])] : []),
      ]),
    });
    this.masterRoleArn = masterRole.arn;
    // The domain's own policy names the account, which leaves the decision to IAM: the master role's policy grants it.
    new IamRolePolicy(this, 'MasterRolePolicy', {
      role: masterRole.name,
      name: 'call-the-domain',
      policy: policyDocument([{ Sid: 'CallTheDomain', Effect: 'Allow', Action: [...SEARCH_HTTP_ACTIONS], Resource: `${domainArn}/*` }]),
    });

    const securityGroup = new IngressSecurityGroup(this, 'SecurityGroup', {
      name: `${name}-opensearch`,
      description: `OpenSearch ${name} from the EKS cluster`,
      vpcId: p.vpcId,
      port: 443,
      sourceSecurityGroupIds: p.allowedSecurityGroupIds,
    });
    this.securityGroupId = securityGroup.securityGroupId;

    const logGroups = OPENSEARCH_LOG_TYPES.map(
      (logType) =>
        new CloudwatchLogGroup(this, `Logs-${logType}`, {
          name: `/aws/opensearch/${name}/${logType.toLowerCase().replace(/_/g, '-')}`,
          retentionInDays: p.logRetentionDays,
          kmsKeyId: key.keyArn,
        }),
    );
    const logPolicy = new CloudwatchLogResourcePolicy(this, 'LogPublishingPolicy', {
      policyName: `${name}-opensearch-logs`,
      policyDocument: policyDocument([
        {
          Effect: 'Allow',
          Principal: { Service: 'es.amazonaws.com' },
          Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          Resource: logGroups.map((g) => `${g.arn}:*`),
          Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': domainArn } },
        },
      ]),
    });

    const burstable = isBurstableSearchType(p.instanceType);
    const domain = new OpensearchDomain(this, 'Domain', {
      domainName: name,
      engineVersion: p.engineVersion,
      clusterConfig: {
        instanceType: p.instanceType,
        instanceCount: p.instanceCount,
        zoneAwarenessEnabled: zones > 1,
        zoneAwarenessConfig: zones > 1 ? { availabilityZoneCount: zones } : undefined,
        dedicatedMasterEnabled: p.dedicatedMasterType !== undefined,
        dedicatedMasterType: p.dedicatedMasterType,
        dedicatedMasterCount: p.dedicatedMasterType !== undefined ? 3 : undefined,
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: p.volumeSizeGiB },
      vpcOptions: { subnetIds: p.subnetIds.slice(0, zones), securityGroupIds: [securityGroup.securityGroupId] },
      encryptAtRest: { enabled: true, kmsKeyId: key.keyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
      advancedSecurityOptions: {
        enabled: true,
        anonymousAuthEnabled: false,
        internalUserDatabaseEnabled: false,
        masterUserOptions: { masterUserArn: masterRole.arn },
      },
      // Burstable types reject Auto-Tune.
      autoTuneOptions: burstable
        ? { desiredState: 'DISABLED', rollbackOnDisable: 'NO_ROLLBACK' }
        : { desiredState: 'ENABLED', rollbackOnDisable: 'NO_ROLLBACK', useOffPeakWindow: true },
      softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      logPublishingOptions: OPENSEARCH_LOG_TYPES.map((logType, i) => ({
        logType,
        cloudwatchLogGroupArn: logGroups[i]!.arn,
        enabled: true,
      })),
      accessPolicies: policyDocument([
        {
          Effect: 'Allow',
          Principal: { AWS: [...(p.accessPrincipalArns ?? [accountRootArn])] },
          Action: 'es:ESHttp*',
          Resource: `${domainArn}/*`,
        },
      ]),
      dependsOn: [logPolicy],
    });
    this.domainName = domain.domainName;
    this.domainArn = domain.arn;
    this.domainEndpoint = domain.endpoint;
  }
}

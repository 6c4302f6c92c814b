import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument, type PolicyStatement } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';

export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix, e.g. `hexabid-prod-rds`. */
  readonly aliasName: string;
  readonly description: string;
  /**
   * Lets CloudWatch Logs use the key for log groups whose names start with
   * this prefix.
   * @default - CloudWatch Logs gets no access
   */
  readonly cloudWatchLogGroupPrefix?: string;
  /**
   * Extra key-policy statements for services that need a named grant.
   * @default []
   */
  readonly additionalStatements?: readonly PolicyStatement[];
  /**
   * Days the key waits in pending-deletion before it is destroyed.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Provider for a key in another region (DR replicas).
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
  /**
   * The region to make the key in, through the resource's own `region`
   * argument (AWS provider 6); the CloudWatch Logs grant names that region.
   * Give it or `provider`, not both.
   * @default - the provider's region
   */
  readonly region?: string;
}

/** Every default of {@link EncryptionKeyProps}, applied in one place. */
export const ENCRYPTION_KEY_DEFAULTS = {
  additionalStatements: [],
  deletionWindowInDays: 30,
} as const satisfies Partial<EncryptionKeyProps>;

/**
 * A customer-managed KMS key with rotation on and an explicit key policy: the
 * account administers it through IAM, and only the named services get more.
 */
export class EncryptionKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const p = withDefaults(props, ENCRYPTION_KEY_DEFAULTS);
    const context = awsContext(this);
    const { accountId, accountRootArn, partition } = context;
    requireProps(p.provider === undefined || p.region === undefined, 'EncryptionKey', id, 'give provider or region, not both: region places the key with the default provider');
    const region = p.region ?? context.region;
    const statements: PolicyStatement[] = [
      {
        Sid: 'AccountAdministersKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn },
        Action: 'kms:*',
        Resource: '*',
      },
    ];
    if (p.cloudWatchLogGroupPrefix !== undefined) {
      statements.push({
        Sid: 'CloudWatchLogsEncryptsOwnLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:log-group:${p.cloudWatchLogGroupPrefix}*`,
          },
        },
      });
    }
    statements.push(...p.additionalStatements);

    const key = new KmsKey(this, 'Key', {
      description: p.description,
      enableKeyRotation: true,
      deletionWindowInDays: p.deletionWindowInDays,
      policy: policyDocument(statements),
      provider: p.provider,
      region: p.region,
    });
    new KmsAlias(this, 'Alias', { name: `alias/${p.aliasName}`, targetKeyId: key.keyId, provider: p.provider, region: p.region });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.aliasName = `alias/${p.aliasName}`;
  }
}

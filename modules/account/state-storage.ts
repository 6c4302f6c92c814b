import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { accessLogsBucket } from '../internal/access-logs-bucket.ts';
import type { PolicyStatement } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { SecureBucket } from '../internal/secure-bucket.ts';
import { EncryptionKey } from '../security/kms-key.ts';

export interface TerraformStateStorageProps {
  /** Globally unique bucket name, e.g. `hexabid-tfstate-<account>-<region>`. */
  readonly bucketName: string;
  /** Alias of the state key, without `alias/`. */
  readonly keyAliasName: string;
  /**
   * The only IAM roles that may read or write state. State holds generated
   * credentials, so every other principal of the account is denied, whatever
   * its IAM policies allow.
   */
  readonly stateAccessRoleArns: readonly string[];
  /**
   * Roles of `stateAccessRoleArns` that reach only some state: the key
   * prefixes each may read and write (`hexabid-staging/`). A CI role that
   * applies one environment cannot then read another's credentials or
   * overwrite its state.
   * @default {} (every named role reaches every key)
   */
  readonly keyPrefixesByRole?: Readonly<Record<string, readonly string[]>>;
  /**
   * Days an overwritten state version is kept, to roll back a bad apply.
   * @default 90
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days the server access logs of the state bucket are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
  /**
   * The provider of the bucket's region: another region's bucket holds the
   * state of stacks that must work while the primary region is down.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/** Every default of {@link TerraformStateStorageProps}, applied in one place. */
export const STATE_STORAGE_DEFAULTS = {
  keyPrefixesByRole: {},
  noncurrentVersionRetentionDays: 90,
  accessLogRetentionDays: 365,
} as const satisfies Partial<TerraformStateStorageProps>;

/** The object-level actions that read or change state; bucket-level reads stay with IAM. */
export const STATE_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:RestoreObject'] as const;

/**
 * Terraform state for every stack of the account: a versioned, KMS-encrypted,
 * TLS-only bucket that blocks public access, logs every request to an access
 * log bucket, and admits only the named roles to its objects.
 */
export class TerraformStateStorage extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  /** `alias/<name>`, as backends name the key. */
  readonly kmsKeyAlias: string;
  readonly accessLogsBucketName: string;

  constructor(scope: Construct, id: string, props: TerraformStateStorageProps) {
    super(scope, id);
    const p = withDefaults(props, STATE_STORAGE_DEFAULTS);
    requireProps(
      p.stateAccessRoleArns.length > 0,
      'TerraformStateStorage',
      id,
      'stateAccessRoleArns must name at least one role, or nobody can read state',
    );
    for (const [role, prefixes] of Object.entries(p.keyPrefixesByRole)) {
      requireProps(p.stateAccessRoleArns.includes(role), 'TerraformStateStorage', id, `keyPrefixesByRole names ${role}, which is not in stateAccessRoleArns`);
      requireProps(prefixes.length > 0 && prefixes.every((x) => /^[\w.-]+\/$/.test(x)), 'TerraformStateStorage', id, `keyPrefixesByRole of ${role} must list prefixes like "hexabid-staging/" (got ${JSON.stringify(prefixes)})`);
    }
    const abortMultipart = { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] };

    const provider = p.provider;
    const key = new EncryptionKey(this, 'Key', { aliasName: p.keyAliasName, description: 'Encrypts Terraform state, which holds generated credentials', provider });
    const logs = accessLogsBucket(this, 'AccessLogs', {
      provider,
      bucketName: `${p.bucketName}-logs`,
      retentionDays: p.accessLogRetentionDays,
      forceDestroy: false,
      abortIncompleteMultipartUploadDays: 7,
    });
    const state = new SecureBucket(this, 'State', {
      provider,
      bucketName: p.bucketName,
      kmsKeyArn: key.keyArn,
      forceDestroy: false,
      accessLogs: { bucketId: logs.bucketId, prefix: 'state/' },
      lifecycleRules: [
        { id: 'expire-old-state-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: p.noncurrentVersionRetentionDays }] },
        abortMultipart,
      ],
      policyStatements: (bucketArn): PolicyStatement[] => [
        {
          Sid: 'OnlyNamedRolesTouchState',
          Effect: 'Deny',
          Principal: '*',
          Action: [...STATE_OBJECT_ACTIONS],
          Resource: `${bucketArn}/*`,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [...p.stateAccessRoleArns] } },
        },
        ...Object.entries(p.keyPrefixesByRole).map(([role, prefixes], i): PolicyStatement => ({
          Sid: `ScopedStateAccess${i}`,
          Effect: 'Deny',
          Principal: '*',
          Action: [...STATE_OBJECT_ACTIONS],
          NotResource: prefixes.map((prefix) => `${bucketArn}/${prefix}*`),
          Condition: { ArnEquals: { 'aws:PrincipalArn': role } },
        })),
      ],
    });
    this.bucketName = state.bucketId;
    this.bucketArn = state.bucketArn;
    this.kmsKeyArn = key.keyArn;
    this.kmsKeyAlias = key.aliasName;
    this.accessLogsBucketName = logs.bucketId;
  }

  /**
   * What `terraform plan` needs of state: read every stack's state, never
   * write it. Plans run with `-lock=false` (tools/ci/steps/stack.sh), so the plan
   * role can neither take a lock nor break one an apply holds.
   */
  planStatements(/** Distinguishes the statements of a second bucket in the same policy. */ sidPrefix = ''): PolicyStatement[] {
    return [
      { Sid: `${sidPrefix}ListState`, Effect: 'Allow', Action: 's3:ListBucket', Resource: this.bucketArn },
      { Sid: `${sidPrefix}ReadState`, Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.bucketArn}/*` },
      { Sid: `${sidPrefix}UseStateKey`, Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.kmsKeyArn },
    ];
  }
}

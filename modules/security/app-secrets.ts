import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import { EncryptionKey } from './kms-key.ts';
import { replicaSettings, type SecretReplica } from './secret-replica.ts';

/** A secret the app needs and what its value must hold. */
export interface AppSecretSpec {
  /** Last part of the secret's name: `<namePrefix>/<name>`. */
  readonly name: string;
  /** What the value holds: shown in the console and the plan, never the value itself. */
  readonly description: string;
}

export interface AppSecretsProps {
  /** Every name starts with it, e.g. `hexabid/production`. */
  readonly namePrefix: string;
  readonly secrets: readonly AppSecretSpec[];
  /**
   * Days a deleted secret can be restored; 0 deletes at once.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /**
   * A read-only copy of every secret in another region, which a standby environment reads.
   * @default - this region only
   */
  readonly replica?: SecretReplica;
}

/** Every default of {@link AppSecretsProps}, applied in one place. */
export const APP_SECRETS_DEFAULTS = { recoveryWindowInDays: 30 } as const satisfies Partial<AppSecretsProps>;

/**
 * Empty Secrets Manager containers for third-party credentials, under one
 * prefix and one customer-managed key. Terraform never holds their values:
 * ops put them with `aws secretsmanager put-secret-value`.
 */
export class AppSecrets extends Construct {
  /** Secret ARN by spec name. */
  readonly secretArns: Readonly<Record<string, string>>;
  /** Full secret names by spec name, e.g. `hexabid/production/llm`. */
  readonly secretNames: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const p = withDefaults(props, APP_SECRETS_DEFAULTS);
    const names = p.secrets.map((s) => s.name);
    requireProps(new Set(names).size === names.length, 'AppSecrets', id, `secret names must be unique (got ${names.join(', ')})`);
    for (const name of names) {
      requireProps(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9-]+)*$/.test(name), 'AppSecrets', id, `secret name "${name}" must be lowercase words separated by - or /`);
    }

    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${p.namePrefix.replaceAll('/', '-')}-app-secrets`,
      description: `Encrypts the app secrets under ${p.namePrefix}/`,
    });
    this.kmsKeyArn = key.keyArn;
    const arns: Record<string, string> = {};
    const fullNames: Record<string, string> = {};
    for (const spec of p.secrets) {
      const name = `${p.namePrefix}/${spec.name}`;
      const secret = new SecretsmanagerSecret(this, `Secret-${spec.name}`, {
        name,
        description: spec.description,
        kmsKeyId: key.keyArn,
        recoveryWindowInDays: p.recoveryWindowInDays,
        ...replicaSettings(p.replica),
      });
      arns[spec.name] = secret.arn;
      fullNames[spec.name] = name;
    }
    this.secretArns = arns;
    this.secretNames = fullNames;
  }
}

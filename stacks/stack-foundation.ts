import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { ENVIRONMENT_TAG_KEY } from '../environments/stack-names.ts';


/** What the provider and backend need of a stack's config: an environment's, or the account-wide bootstrap's. */
export type StackFoundationConfig = Pick<EnvironmentConfig, 'name' | 'accountId' | 'region' | 'costCenter' | 'state'>;

/** The tags every AWS resource of an environment carries. */
export function defaultTags(config: StackFoundationConfig): { tags: Record<string, string> }[] {
  return [{ tags: { project: 'hexabid', [ENVIRONMENT_TAG_KEY]: config.name, 'managed-by': 'cdktf', 'cost-center': config.costCenter } }];
}

/** The environment's AWS provider, locked to its account so a wrong profile fails at plan. */
export function awsProvider(scope: Construct, config: StackFoundationConfig, options: { id?: string; alias?: string; region?: string; skipCredentialsValidation?: boolean } = {}): AwsProvider {
  return new AwsProvider(scope, options.id ?? 'aws', {
    alias: options.alias,
    region: options.region ?? config.region,
    skipCredentialsValidation: options.skipCredentialsValidation,
    allowedAccountIds: [config.accountId],
    defaultTags: defaultTags(config),
  });
}

/** Where a stack's state lives in the environment's state bucket. */
export function stateKey(stackName: string): string {
  return `${stackName}/terraform.tfstate`;
}

/** Encrypted S3 state with S3-native locking. */
export function stateBackend(scope: Construct, config: StackFoundationConfig, stackName: string): S3Backend {
  const backend = new S3Backend(scope, {
    bucket: config.state.bucket,
    key: stateKey(stackName),
    region: config.state.region,
    encrypt: true,
    kmsKeyId: config.state.kmsKeyId,
  });
  // cdktf 0.21's S3Backend predates S3-native locking and has no typed option for it.
  backend.addOverride('use_lockfile', true);
  return backend;
}

/** The oldest Terraform with write-only arguments (`password_wo`) and S3-native locking (`use_lockfile`). */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11';

/** Makes an older Terraform stop at init with a clear message instead of misreading the stack. */
export function requireTerraformVersion(stack: TerraformStack): void {
  // cdktf 0.21 has no typed setting for `terraform.required_version`.
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
}

/**
 * Every Secrets Manager name of an environment starts with this:
 * `hexabid/<env>`. A standby shares its primary's (in its own region), so the
 * secrets replicated to it and the app's values file name the same secrets.
 */
export function secretNamePrefix(config: Pick<EnvironmentConfig, 'name' | 'standbyFor'>): string {
  return `hexabid/${config.standbyFor?.primary ?? config.name}`;
}

/** The cache's AUTH token (its `default` user, for the metrics exporter) under a secret prefix. */
export function cacheAuthSecretName(secretPrefix: string): string {
  return `${secretPrefix}/cache/auth`;
}

import type { StackInput } from '../../../lib/access/index.ts';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';

/** A hand-written synthesized stack: one AWS provider in an account and region, and the given resources. */
export function tinyStack(
  stackName: string,
  resource: Record<string, Record<string, Record<string, unknown>>>,
  options: { account?: string; region?: string; data?: Record<string, Record<string, unknown>>; output?: Record<string, unknown>; backendKey?: string; providers?: Record<string, unknown>[] } = {},
): StackInput {
  return {
    stackName,
    json: {
      terraform: { backend: { s3: { bucket: 'state', key: options.backendKey ?? `${stackName}/terraform.tfstate`, region: 'ap-south-1' } } },
      provider: {
        aws: [
          { region: options.region ?? 'ap-south-1', allowed_account_ids: [options.account ?? ACCOUNT], default_tags: [{ tags: { project: 'tiny' } }] },
          ...(options.providers ?? []),
        ],
      },
      resource,
      data: { aws_caller_identity: { me: {} }, aws_partition: { p: {} }, aws_region: { r: {} }, ...(options.data ?? {}) },
      ...(options.output ? { output: options.output } : {}),
    },
  };
}

/** A policy document as the JSON string Terraform gets. */
export function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A role trusted by the account root, with inline policies. */
export function role(name: string, policies: Record<string, unknown>[][] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    assume_role_policy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }),
    ...(policies.length ? { inline_policy: policies.map((statements, i) => ({ name: `p${i}`, policy: doc(...statements) })) } : {}),
    ...extra,
  };
}

export const roleArn = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`;

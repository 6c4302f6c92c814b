/** IAM policy documents as typed data, rendered to JSON for the provider. */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  /** Everything but these; for denials that must not cover what a role is meant to reach. */
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;
}

/** Renders statements as a policy document; tokens inside strings resolve at synth. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Trust policy letting one AWS service assume a role. With `sourceAccount`,
 * only on behalf of that account, which closes the confused-deputy hole.
 */
export function serviceTrustPolicy(
  service: string,
  options: { actions?: readonly string[]; sourceAccount?: string } = {},
): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: options.actions ?? ['sts:AssumeRole'],
      ...(options.sourceAccount !== undefined ? { Condition: { StringEquals: { 'aws:SourceAccount': options.sourceAccount } } } : {}),
    },
  ]);
}

/** The managed policy ARN for a name, in the stack's partition. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Read-only by name: IAM's own convention for actions that change nothing. */
export function isReadOnlyAction(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|Get|List)/.test(action);
}

/**
 * The write actions a statement allows on every resource (`*`), which least
 * privilege forbids: writes must name their resources.
 */
export function unscopedWriteActions(statement: PolicyStatement): string[] {
  if (statement.Effect !== 'Allow') return [];
  const resources = statement.Resource === undefined ? [] : [statement.Resource].flat();
  if (!resources.includes('*')) return [];
  return [statement.Action].flat().filter((action) => !isReadOnlyAction(action));
}

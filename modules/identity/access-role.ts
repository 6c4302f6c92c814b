import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { managedPolicyArn, policyDocument, type PolicyStatement } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';

export interface AccessRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** Who may assume the role: {@link principalsTrust} or {@link githubActionsTrust}. */
  readonly trust: readonly PolicyStatement[];
  /**
   * AWS managed policies by name, e.g. `ReadOnlyAccess`.
   * @default []
   */
  readonly managedPolicies?: readonly string[];
  /**
   * An inline policy for what the managed policies lack.
   * @default - none
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Longest session, in seconds. An apply of a whole environment can outlast an hour.
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * A managed policy that caps what the role may do, whatever its policies
   * allow: what no session of it may touch.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
}

/** Every default of {@link AccessRoleProps}, applied in one place. */
export const ACCESS_ROLE_DEFAULTS = {
  managedPolicies: [],
  maxSessionDurationSeconds: 3600,
} as const satisfies Partial<AccessRoleProps>;

/** A role that people or CI assume to work on the account. */
export class AccessRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: AccessRoleProps) {
    super(scope, id);
    const p = withDefaults(props, ACCESS_ROLE_DEFAULTS);
    const { partition } = awsContext(this);
    requireProps(p.trust.length > 0, 'AccessRole', id, 'trust must name who may assume the role');
    requireProps(
      p.maxSessionDurationSeconds >= 3600 && p.maxSessionDurationSeconds <= 43200,
      'AccessRole',
      id,
      `maxSessionDurationSeconds must be from 3600 to 43200 (got ${p.maxSessionDurationSeconds})`,
    );
    const role = new IamRole(this, 'Role', {
      name: p.roleName,
      description: p.description,
      assumeRolePolicy: policyDocument(p.trust),
      maxSessionDuration: p.maxSessionDurationSeconds,
      permissionsBoundary: p.permissionsBoundaryArn,
    });
    p.managedPolicies.forEach(
      (name) => new IamRolePolicyAttachment(this, `Managed-${name}`, { role: role.name, policyArn: managedPolicyArn(partition, name) }),
    );
    if (p.statements && p.statements.length > 0) {
      new IamRolePolicy(this, 'Policy', { role: role.name, name: 'inline', policy: policyDocument(p.statements) });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}

/**
 * Trust for named people of one account: principals whose ARN matches one of
 * the patterns (`aws:PrincipalArn`), and nobody else of the account, however
 * broad their own policies. Roles (an IAM Identity Center permission set's,
 * whose sign-in asked for MFA) are trusted as named; IAM users only with MFA.
 * The account root is the principal, so the person's own policies must allow
 * the assumption too.
 */
export function peopleTrust(accountId: string, principalPatterns: readonly string[]): PolicyStatement[] {
  const roles = principalPatterns.filter((p) => p.includes(':role/'));
  const users = principalPatterns.filter((p) => p.includes(':user/'));
  const root = { AWS: `arn:aws:iam::${accountId}:root` };
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
  return [
    ...(roles.length > 0 ? [{ Sid: 'NamedRoles', Effect: 'Allow' as const, Principal: root, Action: actions, Condition: { ArnLike: { 'aws:PrincipalArn': roles } } }] : []),
    ...(users.length > 0
      ? [{ Sid: 'NamedUsersWithMfa', Effect: 'Allow' as const, Principal: root, Action: actions, Condition: { ArnLike: { 'aws:PrincipalArn': users }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]
      : []),
  ];
}

/** The host that issues GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * Trust for GitHub Actions workflows through the account's OIDC provider,
 * only for the exact token subjects given (`repo:<owner>/<name>:environment:production`).
 */
export function githubActionsTrust(oidcProviderArn: string, subjects: readonly string[]): PolicyStatement[] {
  return [
    {
      Effect: 'Allow',
      Principal: { Federated: oidcProviderArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] },
      },
    },
  ];
}

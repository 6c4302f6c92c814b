import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument, type PolicyStatement } from '../internal/iam.ts';
import { requireProps } from '../internal/props.ts';

export interface CiApplyBoundaryProps {
  /** The managed policy's name; the boundary protects its own name too. */
  readonly policyName: string;
  /** Roles no apply may change or assume: people's, and CI's own (including every apply role). Wildcards allowed. */
  readonly protectedRoleNames: readonly string[];
  /** State buckets: an apply reads and writes its state objects, and may change nothing else of them. */
  readonly stateBucketNames: readonly string[];
  /** Aliases (without `alias/`) of the keys that protect state: no apply may change, disable or delete them. */
  readonly protectedKeyAliases: readonly string[];
}

/**
 * The permissions boundary of CI's apply roles. An apply builds whatever its
 * environment holds, so its role is an administrator of its account; the
 * boundary takes back what no environment's stacks ever need and what would
 * let an apply undo the account's guard rails:
 *
 * - people: IAM users, groups, access keys and passwords;
 * - the roles the bootstrap made (people's, and CI's own, so one environment's
 *   apply role cannot rewrite another's trust, or assume it);
 * - the boundary itself, and taking a boundary off a role;
 * - the state buckets beyond their objects, and the state keys;
 * - the account itself: its regions, and its organization.
 *
 * What stays possible, and is the reason production runs in an account of its
 * own (docs/ACCESS.md): an apply can make a new role for its workloads and
 * act through it. Only an organization's service control policies bound that.
 */
export class CiApplyBoundary extends Construct {
  readonly policyArn: string;
  readonly policyName: string;

  constructor(scope: Construct, id: string, props: CiApplyBoundaryProps) {
    super(scope, id);
    requireProps(props.protectedRoleNames.length > 0, 'CiApplyBoundary', id, 'protectedRoleNames must name the roles the boundary protects');
    const { partition, accountId } = awsContext(this);
    const role = (name: string) => `arn:${partition}:iam::${accountId}:role/${name}`;
    const policyArn = `arn:${partition}:iam::${accountId}:policy/${props.policyName}`;
    const statements: PolicyStatement[] = [
      // A boundary allows nothing itself: within it, the role's own policies decide.
      { Sid: 'WithinTheRolesOwnPolicies', Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Sid: 'NoPeopleCredentials',
        Effect: 'Deny',
        Action: ['iam:*User*', 'iam:*Group*', 'iam:*AccessKey*', 'iam:*LoginProfile*', 'iam:*MFADevice*', 'iam:*SSHPublicKey*', 'iam:*ServiceSpecificCredential*', 'iam:*SigningCertificate*'],
        Resource: '*',
      },
      { Sid: 'NoChangeToProtectedRoles', Effect: 'Deny', Action: 'iam:*', Resource: props.protectedRoleNames.map(role) },
      { Sid: 'NoAssumingProtectedRoles', Effect: 'Deny', Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'], Resource: props.protectedRoleNames.map(role) },
      {
        Sid: 'NoChangeToTheBoundary',
        Effect: 'Deny',
        Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy'],
        Resource: policyArn,
      },
      { Sid: 'NoRemovingBoundaries', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], Resource: '*' },
      { Sid: 'NoChangeToIdentityProviders', Effect: 'Deny', Action: ['iam:*OpenIDConnectProvider*', 'iam:*SAMLProvider*'], Resource: '*' },
      ...(props.stateBucketNames.length > 0
        ? [
            {
              Sid: 'StateBucketsKeepTheirSettings',
              Effect: 'Deny' as const,
              Action: ['s3:PutBucket*', 's3:DeleteBucket*', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration', 's3:PutReplicationConfiguration', 's3:BypassGovernanceRetention'],
              Resource: props.stateBucketNames.flatMap((name) => [`arn:${partition}:s3:::${name}`, `arn:${partition}:s3:::${name}-logs`]),
            },
          ]
        : []),
      ...(props.protectedKeyAliases.length > 0
        ? [
            {
              Sid: 'StateKeysKeepTheirSettings',
              Effect: 'Deny' as const,
              Action: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:CreateGrant', 'kms:RevokeGrant', 'kms:UpdateAlias', 'kms:DeleteAlias'],
              Resource: '*',
              Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.protectedKeyAliases.map((a) => `alias/${a}`) } },
            },
          ]
        : []),
      { Sid: 'NoChangeToTheAccount', Effect: 'Deny', Action: ['account:*', 'organizations:*'], Resource: '*' },
    ];
    const policy = new IamPolicy(this, 'Policy', {
      name: props.policyName,
      description: 'Boundary of CI apply roles: no people credentials, no change to the bootstrap roles, state buckets or keys, or the account',
      policy: policyDocument(statements),
    });
    this.policyArn = policy.arn;
    this.policyName = policy.name;
  }
}

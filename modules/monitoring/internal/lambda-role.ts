import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from '../../internal/iam.ts';

/**
 * A function's execution role, named after it: trusted by Lambda, allowed to
 * write to its own log group, and given `statements` besides, in one inline
 * policy (`least-privilege`). Creates `Role` and `RolePolicy` in `scope`.
 */
export function lambdaExecutionRole(
  scope: Construct,
  props: { readonly functionName: string; readonly description: string; readonly logGroupArn: string; readonly statements: readonly PolicyStatement[] },
): { readonly role: IamRole; readonly policy: IamRolePolicy } {
  const role = new IamRole(scope, 'Role', {
    name: props.functionName,
    description: props.description,
    assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
  });
  const policy = new IamRolePolicy(scope, 'RolePolicy', {
    role: role.name,
    name: 'least-privilege',
    policy: policyDocument([
      { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${props.logGroupArn}:*` },
      ...props.statements,
    ]),
  });
  return { role, policy };
}

import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from '../../internal/iam.ts';
import { lambdaPackage } from './lambda-package.ts';

/**
 * The code of one of these functions: the source files zipped under `name`,
 * as an asset (`Code` in `scope`), run by Node.js 22 on Graviton from
 * `index.handler`. Spread into a LambdaFunction's props.
 */
export function nodeFunctionCode(
  scope: Construct,
  name: string,
  files: readonly string[],
): { readonly runtime: string; readonly architectures: string[]; readonly handler: string; readonly filename: string; readonly sourceCodeHash: string } {
  const code = lambdaPackage(name, files);
  const asset = new TerraformAsset(scope, 'Code', { path: code.zipPath, type: AssetType.FILE });
  return { runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', filename: asset.path, sourceCodeHash: code.sourceCodeHash };
}

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

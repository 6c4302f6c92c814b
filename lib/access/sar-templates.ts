import type { PolicyDocument } from './types.ts';

/** Where a SAR stack's resources live and what it was given. */
export interface SarContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** What a Serverless Application Repository application creates that access depends on. */
export interface SarApplicationModel {
  /** The application's name in its ARN (`applications/<name>`). */
  readonly application: string;
  /** How the model was obtained, for the report. */
  readonly provenance: string;
  readonly sources: readonly string[];
  /** The stack's outputs. */
  outputs(ctx: SarContext): Record<string, string>;
  /** The rotation function's name and its execution role's identity policies and trust. */
  function(ctx: SarContext): { functionName: string; policies: readonly PolicyDocument[]; trust: PolicyDocument; resourcePolicy: PolicyDocument };
}

const SOURCES = [
  'https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html',
  'https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-rotation-templates.html',
  'github.com/aws/serverless-application-model samtranslator/policy_templates_data/policy_templates.json (AWSSecretsManagerRotationPolicy)',
];

const PROVENANCE =
  'Documented model, not the pinned template: the template of each application version is served only by the ' +
  'Serverless Application Repository API, which cannot be reached here. The model is what AWS documents for ' +
  'its rotation functions: the SAM policy template AWSSecretsManagerRotationPolicy (Secrets Manager actions on ' +
  'secrets whose rotation function is this one, GetRandomPassword), the VPC network interface actions, ' +
  'AWSLambdaBasicExecutionRole logging, kms:Decrypt/DescribeKey/GenerateDataKey on kmsKeyArn, and for ' +
  'alternating users GetSecretValue on masterSecretArn with kms:Decrypt on masterSecretKmsKeyArn.';

function functionArn(ctx: SarContext): string {
  const name = ctx.parameters['functionName'];
  if (!name) throw new Error('the rotation application needs the parameter functionName');
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:function:${name}`;
}

function rotationFunction(ctx: SarContext, multiUser: boolean): ReturnType<SarApplicationModel['function']> {
  const fn = functionArn(ctx);
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'AWSSecretsManagerRotationPolicy',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:*`,
      Condition: { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': fn } },
    },
    { Sid: 'GenerateRandomPassword', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
    {
      Sid: 'BasicExecution',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: '*',
    },
  ];
  if (ctx.parameters['vpcSubnetIds']) {
    statements.push({
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DetachNetworkInterface'],
      Resource: '*',
    });
  }
  if (ctx.parameters['kmsKeyArn']) {
    statements.push({
      Sid: 'SecretKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
      Resource: ctx.parameters['kmsKeyArn'],
    });
  }
  if (multiUser) {
    const master = ctx.parameters['masterSecretArn'];
    if (!master) throw new Error('the alternating-users rotation application needs the parameter masterSecretArn');
    statements.push({ Sid: 'MasterSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: master });
    if (ctx.parameters['masterSecretKmsKeyArn']) {
      statements.push({ Sid: 'MasterSecretKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: ctx.parameters['masterSecretKmsKeyArn'] });
    }
  }
  return {
    functionName: ctx.parameters['functionName']!,
    policies: [{ Version: '2012-10-17', Statement: statements }],
    trust: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'SecretsManagerInvokes', Effect: 'Allow', Principal: { Service: 'secretsmanager.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fn }],
    },
  };
}

/** The applications the engine models, by their name in the application ARN. */
export const SAR_APPLICATIONS: Readonly<Record<string, SarApplicationModel>> = {
  SecretsManagerRDSPostgreSQLRotationSingleUser: {
    application: 'SecretsManagerRDSPostgreSQLRotationSingleUser',
    provenance: PROVENANCE,
    sources: SOURCES,
    outputs: (ctx) => ({ RotationLambdaARN: functionArn(ctx) }),
    function: (ctx) => rotationFunction(ctx, false),
  },
  SecretsManagerRDSPostgreSQLRotationMultiUser: {
    application: 'SecretsManagerRDSPostgreSQLRotationMultiUser',
    provenance: PROVENANCE,
    sources: SOURCES,
    outputs: (ctx) => ({ RotationLambdaARN: functionArn(ctx) }),
    function: (ctx) => rotationFunction(ctx, true),
  },
};

/** The model of an application ARN, or undefined when it is not modelled. */
export function sarApplication(applicationId: string): SarApplicationModel | undefined {
  const name = /applications\/([^/]+)$/.exec(applicationId)?.[1];
  return name ? SAR_APPLICATIONS[name] : undefined;
}

/**
 * The name CloudFormation gives the execution role of a SAR stack's function:
 * the stack's name, cut short, then `-Role-` and a suffix of its own. The
 * suffix is a placeholder derived from where the stack is declared, so the
 * inventory and a data source that looks the function up name the same role.
 */
export function sarRoleName(stackName: string, declaredAt: string): string {
  return `serverlessrepo-${stackName}`.slice(0, 40) + `-Role-${hashName(declaredAt)}`;
}

function hashName(seed: string): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36).toUpperCase().padStart(7, '0');
}

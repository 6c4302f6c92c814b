import { DataAwsLambdaFunction } from '@cdktf/provider-aws/lib/data-aws-lambda-function';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ServerlessapplicationrepositoryCloudformationStack } from '@cdktf/provider-aws/lib/serverlessapplicationrepository-cloudformation-stack';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument } from '../internal/iam.ts';
import { IngressSecurityGroup } from '../internal/ingress-security-group.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { GeneratedCredential } from './generated-credential.ts';
import type { SecretReplica } from './secret-replica.ts';
import type { RotationWindow } from '../../lib/cron.ts';

/**
 * The PostgreSQL roles of the app's database. Privileges go to the two
 * NOLOGIN group roles, never to a login user, so the `<user>_clone` that
 * AWS's alternating-users function creates (and makes a member of the user it
 * clones) holds the same rights. {@link DatabaseBootstrap} creates them all.
 */
export const DATABASE_ROLE_NAMES = {
  /** The schema the app's tables live in; owned by the migrator. */
  schema: 'hexabid',
  /** NOLOGIN: USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on its tables; USAGE, SELECT on its sequences. */
  readwrite: 'hexabid_readwrite',
  /** NOLOGIN: USAGE on the schema; SELECT on its tables. */
  readonly: 'hexabid_readonly',
  /** Login, owns the schema and everything migrations create. Single-user rotation, so ownership never moves. */
  migrator: 'hexabid_migrator',
  /** Login, member of `readwrite`. Alternating users: `hexabid_app` / `hexabid_app_clone`. */
  app: 'hexabid_app',
  /** Login, member of `readonly`, for the replica URL. Alternating users: `hexabid_app_ro` / `hexabid_app_ro_clone`. */
  appReadonly: 'hexabid_app_ro',
} as const;

/** The login users that have a secret of their own. */
export type DatabaseUser = 'migrator' | 'app' | 'appReadonly';

/** The last part of each user's secret name: `<secretPrefix>/database/<suffix>`. */
export const DATABASE_USER_SECRET_SUFFIXES: Readonly<Record<DatabaseUser, string>> = {
  migrator: 'migrator',
  app: 'app',
  appReadonly: 'app-readonly',
};

/** Each user's secret name under a prefix: also where a standby finds the replicated copies. */
export function databaseUserSecretNames(secretPrefix: string): Readonly<Record<DatabaseUser, string>> {
  return {
    migrator: `${secretPrefix}/database/${DATABASE_USER_SECRET_SUFFIXES.migrator}`,
    app: `${secretPrefix}/database/${DATABASE_USER_SECRET_SUFFIXES.app}`,
    appReadonly: `${secretPrefix}/database/${DATABASE_USER_SECRET_SUFFIXES.appReadonly}`,
  };
}

/** What AWS's multi-user function appends to the user it clones (`get_alt_username`). */
export const CLONE_SUFFIX = '_clone';

/**
 * AWS's published rotation functions for PostgreSQL, in the Serverless
 * Application Repository.
 *
 * The version is the one aws-cdk-lib pins for both applications in the `aws`
 * partition (`SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER` and
 * `..._MULTI_USER`, packages/aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts,
 * raised by aws/aws-cdk#37660 to the versions on the Python 3.12 runtime).
 * Check the newest with
 * `aws serverlessrepo get-application --application-id <arn> --query Version.SemanticVersion`.
 */
export const POSTGRES_ROTATION_APPLICATIONS = {
  singleUser: 'arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser',
  multiUser: 'arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationMultiUser',
  semanticVersion: '1.1.671',
} as const;

export interface DatabaseUsersProps {
  /** Secret names start with it: `<secretPrefix>/database/<user>`, e.g. `hexabid/production`. */
  readonly secretPrefix: string;
  /** Prefix of the rotation stacks', functions' and security groups' names, e.g. `hexabid-production` (at most 40 characters). */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets: the rotation functions and the Secrets Manager endpoint run here. They must reach the database. */
  readonly subnetIds: readonly string[];
  /** The primary's hostname; every user's secret names it, since passwords change on the primary. */
  readonly dbInstanceAddress: string;
  readonly dbName: string;
  /** The database's security group: it gets one rule, 5432 from the rotation functions. */
  readonly databaseSecurityGroupId: string;
  /** The database's KMS key: it encrypts the users' secrets, as it does the master's. */
  readonly kmsKeyArn: string;
  /**
   * The master credential. It gets single-user rotation too, and the
   * alternating-users function logs in with it to create and change users;
   * its JSON must hold `engine`, `host`, `username` and `password` (see
   * {@link GeneratedCredentialProps.extraFields}).
   */
  readonly masterSecretArn: string;
  /** @default 5432 */
  readonly port?: number;
  /**
   * Days between rotations of every user and of the master.
   * @default 30
   */
  readonly rotationDays?: number;
  /**
   * A UTC cron window to rotate in, in place of every `rotationDays` at a
   * random hour: for a database stopped out of hours, which a rotation
   * cannot reach then (lib/cron.ts `rotationWindowWithin`).
   * @default - every `rotationDays`, at any hour
   */
  readonly rotationWindow?: RotationWindow;
  /**
   * Days a deleted user secret stays recoverable; 0 deletes at once.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /**
   * Private DNS on the Secrets Manager endpoint. On, it answers for
   * `secretsmanager.<region>.amazonaws.com` throughout the VPC, so every
   * Secrets Manager client there (External Secrets) must be listed in
   * {@link endpointClientSecurityGroupIds}. Off, only the rotation functions
   * use it, by its own DNS name.
   * @default false
   */
  readonly privateDnsEnabled?: boolean;
  /**
   * Other security groups the endpoint admits on 443, beside the rotation functions'.
   * @default []
   */
  readonly endpointClientSecurityGroupIds?: readonly string[];
  /**
   * Subnets the Secrets Manager endpoint has an interface in: one zone is a
   * third of the hourly charge, and functions in other zones reach it across
   * zones, with no interface of their own left when that zone fails.
   * @default - every subnet in `subnetIds`
   */
  readonly endpointSubnetIds?: readonly string[];
  /**
   * Serverless Application Repository version of both rotation applications.
   * @default POSTGRES_ROTATION_APPLICATIONS.semanticVersion ('1.1.671')
   */
  readonly rotationApplicationVersion?: string;
  /**
   * A read-only copy of every user's secret in another region, kept in sync through rotations.
   * The rotation functions then also get `kms:Encrypt` and `kms:GenerateDataKey` on
   * the replica's key: Secrets Manager writes each new version to the copy with the
   * caller's identity. Give the master secret's replica the same key, since the
   * single-user function rotates it too.
   * @default - this region only
   */
  readonly secretReplica?: SecretReplica;
}

/** Every default of {@link DatabaseUsersProps}, applied in one place. */
export const DATABASE_USERS_DEFAULTS = {
  port: 5432,
  rotationDays: 30,
  recoveryWindowInDays: 30,
  privateDnsEnabled: false,
  endpointClientSecurityGroupIds: [],
  rotationApplicationVersion: POSTGRES_ROTATION_APPLICATIONS.semanticVersion,
} as const satisfies Partial<DatabaseUsersProps>;

/** What the Serverless Application Repository stacks must be allowed to create (the function's IAM role and its invoke permission). */
const ROTATION_STACK_CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_RESOURCE_POLICY'];
/** The rotation stacks' output with the function's ARN. */
const ROTATION_LAMBDA_OUTPUT = 'RotationLambdaARN';

/**
 * The app's PostgreSQL users, least privilege, with rotation: one KMS-encrypted
 * Secrets Manager secret per user (`migrator`, `app`, `app-readonly`), AWS's
 * published rotation functions deployed from the Serverless Application
 * Repository, and the network they need.
 *
 * - The migrator (it owns the schema) and the master rotate single-user: the
 *   function logs in as the user and changes its own password.
 * - The app's users rotate with alternating users: the function logs in as the
 *   master, creates `<user>_clone` on the first rotation with
 *   `GRANT <user> TO <user>_clone`, and from then on changes the password of
 *   whichever of the two is not current. The app never sees a login fail.
 *
 * Each secret holds what those functions read: `engine`, `host`, `port`,
 * `dbname`, `username`, `password`, and for alternating users `masterarn`.
 * The first password is generated by Secrets Manager and written write-only;
 * {@link DatabaseBootstrap} (a Kubernetes Job, after this apply) creates the
 * users with those passwords.
 *
 * Network: the functions run in the private subnets in a security group whose
 * only egress is 5432 to the database's group and 443 to a Secrets Manager
 * interface endpoint's group; the endpoint admits 443 from the functions
 * only; the database admits 5432 from the functions.
 *
 * IAM: each function's execution role comes from AWS's template, not from
 * here. What AWS documents for it: `DescribeSecret`, `GetSecretValue`,
 * `PutSecretValue` and `UpdateSecretVersionStage` on secrets that name the
 * function as their rotation function, `GetRandomPassword`, the VPC network
 * interface actions, `kms:Decrypt`/`GenerateDataKey` on `kmsKeyArn`, and for
 * alternating users `GetSecretValue` on `masterSecretArn` and decrypt with
 * `masterSecretKmsKeyArn`. With `secretReplica`, this construct adds the one
 * thing the template cannot know: encrypt rights on the replica's key.
 */
export class DatabaseUsers extends Construct {
  /** Secrets Manager ARN of each user's secret. */
  readonly secretArns: Readonly<Record<DatabaseUser, string>>;
  /** Secrets Manager name of each user's secret, e.g. `hexabid/production/database/app`. */
  readonly secretNames: Readonly<Record<DatabaseUser, string>>;
  /** The PostgreSQL role names (a copy of {@link DATABASE_ROLE_NAMES}). */
  readonly roleNames: typeof DATABASE_ROLE_NAMES;
  /** The rotation functions' security group. */
  readonly rotationSecurityGroupId: string;
  /** ARN of the single-user (migrator, master) and the alternating-users (app users) rotation function. */
  readonly rotationFunctionArns: Readonly<{ singleUser: string; multiUser: string }>;
  /** The Secrets Manager interface endpoint. */
  readonly endpointId: string;
  readonly endpointSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: DatabaseUsersProps) {
    super(scope, id);
    const p = withDefaults(props, DATABASE_USERS_DEFAULTS);
    requireProps(p.subnetIds.length >= 1, 'DatabaseUsers', id, 'subnetIds must name at least one private subnet');
    requireProps(Number.isInteger(p.rotationDays) && p.rotationDays >= 1 && p.rotationDays <= 1000, 'DatabaseUsers', id, `rotationDays must be a whole number from 1 to 1000 (got ${p.rotationDays})`);
    requireProps(
      Token.isUnresolved(p.namePrefix) || /^[a-zA-Z][a-zA-Z0-9-]{0,39}$/.test(p.namePrefix),
      'DatabaseUsers',
      id,
      `namePrefix must be letters, digits and - and at most 40 characters, so function names stay within 64 (got "${p.namePrefix}")`,
    );
    requireProps(
      !p.privateDnsEnabled || p.endpointClientSecurityGroupIds.length > 0,
      'DatabaseUsers',
      id,
      'privateDnsEnabled sends every Secrets Manager client in the VPC to the endpoint, so endpointClientSecurityGroupIds must list their security groups (External Secrets at least)',
    );
    const { region } = awsContext(this);
    this.roleNames = DATABASE_ROLE_NAMES;

    // --- Network: functions -> endpoint (443) and -> database (5432), nothing else.
    const rotationGroup = new SecurityGroup(this, 'RotationSecurityGroup', {
      name: `${p.namePrefix}-db-rotation`,
      description: 'Secrets Manager rotation functions of the database users',
      vpcId: p.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${p.namePrefix}-db-rotation` },
    });
    this.rotationSecurityGroupId = rotationGroup.id;
    const endpointGroup = new IngressSecurityGroup(this, 'EndpointSecurityGroup', {
      name: `${p.namePrefix}-secretsmanager-endpoint`,
      description: 'Secrets Manager endpoint from the rotation functions',
      vpcId: p.vpcId,
      port: 443,
      sourceSecurityGroupIds: [rotationGroup.id, ...p.endpointClientSecurityGroupIds],
    });
    this.endpointSecurityGroupId = endpointGroup.securityGroupId;
    const toEndpoint = new VpcSecurityGroupEgressRule(this, 'RotationToEndpoint', {
      securityGroupId: rotationGroup.id,
      referencedSecurityGroupId: endpointGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'Secrets Manager endpoint: port 443',
    });
    const toDatabase = new VpcSecurityGroupEgressRule(this, 'RotationToDatabase', {
      securityGroupId: rotationGroup.id,
      referencedSecurityGroupId: p.databaseSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: p.port,
      toPort: p.port,
      description: `PostgreSQL: port ${p.port}`,
    });
    const databaseFromRotation = new VpcSecurityGroupIngressRule(this, 'DatabaseFromRotation', {
      securityGroupId: p.databaseSecurityGroupId,
      referencedSecurityGroupId: rotationGroup.id,
      ipProtocol: 'tcp',
      fromPort: p.port,
      toPort: p.port,
      description: `Secrets Manager rotation functions: port ${p.port}`,
    });
    const endpoint = new VpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpcId: p.vpcId,
      serviceName: `com.amazonaws.${region}.secretsmanager`,
      vpcEndpointType: 'Interface',
      subnetIds: [...(p.endpointSubnetIds ?? p.subnetIds)],
      securityGroupIds: [endpointGroup.securityGroupId],
      privateDnsEnabled: p.privateDnsEnabled,
      tags: { Name: `${p.namePrefix}-secretsmanager` },
    });
    this.endpointId = endpoint.id;
    // Without private DNS, the functions call the endpoint by its own regional
    // name (`vpce-….secretsmanager.<region>.vpce.amazonaws.com`, the first DNS entry).
    const endpointUrl = p.privateDnsEnabled
      ? `https://secretsmanager.${region}.amazonaws.com`
      : `https://${endpoint.dnsEntry.get(0).dnsName}`;

    // --- The rotation functions, from AWS's templates.
    const common = {
      endpoint: endpointUrl,
      vpcSubnetIds: Fn.join(',', [...p.subnetIds]),
      vpcSecurityGroupIds: rotationGroup.id,
      kmsKeyArn: p.kmsKeyArn,
    };
    const singleUserStack = new ServerlessapplicationrepositoryCloudformationStack(this, 'SingleUserRotation', {
      name: `${p.namePrefix}-db-rotation-single-user`,
      applicationId: POSTGRES_ROTATION_APPLICATIONS.singleUser,
      semanticVersion: p.rotationApplicationVersion,
      capabilities: [...ROTATION_STACK_CAPABILITIES],
      parameters: { ...common, functionName: `${p.namePrefix}-db-rotation-single-user` },
    });
    const multiUserStack = new ServerlessapplicationrepositoryCloudformationStack(this, 'MultiUserRotation', {
      name: `${p.namePrefix}-db-rotation-multi-user`,
      applicationId: POSTGRES_ROTATION_APPLICATIONS.multiUser,
      semanticVersion: p.rotationApplicationVersion,
      capabilities: [...ROTATION_STACK_CAPABILITIES],
      parameters: {
        ...common,
        functionName: `${p.namePrefix}-db-rotation-multi-user`,
        masterSecretArn: p.masterSecretArn,
        // The master secret is encrypted with the database's key too (PostgresDatabase).
        masterSecretKmsKeyArn: p.kmsKeyArn,
      },
    });
    this.rotationFunctionArns = {
      singleUser: singleUserStack.outputs.lookup(ROTATION_LAMBDA_OUTPUT),
      multiUser: multiUserStack.outputs.lookup(ROTATION_LAMBDA_OUTPUT),
    };
    if (p.secretReplica) {
      for (const [kind, stack] of [['single-user', singleUserStack], ['multi-user', multiUserStack]] as const) {
        this.grantReplicaEncrypt(`ReplicaKey-${kind}`, `${p.namePrefix}-db-rotation-${kind}`, stack, p.secretReplica.kmsKeyArn);
      }
    }

    // --- One secret per user, in the JSON the functions read.
    const connection = { engine: 'postgres', host: p.dbInstanceAddress, port: String(p.port), dbname: p.dbName };
    const users: Record<DatabaseUser, { username: string; alternating: boolean }> = {
      migrator: { username: DATABASE_ROLE_NAMES.migrator, alternating: false },
      app: { username: DATABASE_ROLE_NAMES.app, alternating: true },
      appReadonly: { username: DATABASE_ROLE_NAMES.appReadonly, alternating: true },
    };
    const arns: Partial<Record<DatabaseUser, string>> = {};
    const names: Partial<Record<DatabaseUser, string>> = {};
    const network: ITerraformDependable[] = [endpoint, toEndpoint, toDatabase, databaseFromRotation];
    for (const [user, spec] of Object.entries(users) as [DatabaseUser, (typeof users)[DatabaseUser]][]) {
      const suffix = DATABASE_USER_SECRET_SUFFIXES[user];
      const credential = new GeneratedCredential(this, `Credential-${suffix}`, {
        secretName: databaseUserSecretNames(p.secretPrefix)[user],
        replica: p.secretReplica,
        description: `PostgreSQL user ${spec.username}${spec.alternating ? ` (or ${spec.username}${CLONE_SUFFIX})` : ''} and its connection details; rotated every ${p.rotationDays} days`,
        kmsKeyArn: p.kmsKeyArn,
        username: spec.username,
        recoveryWindowInDays: p.recoveryWindowInDays,
        extraFields: spec.alternating ? { ...connection, masterarn: p.masterSecretArn } : connection,
      });
      this.rotation(`Rotation-${suffix}`, credential.secretArn, spec.alternating ? multiUserStack : singleUserStack, p.rotationDays, [...network, credential.valueWritten], p.rotationWindow);
      arns[user] = credential.secretArn;
      names[user] = credential.secretName;
    }
    this.rotation('Rotation-master', p.masterSecretArn, singleUserStack, p.rotationDays, network, p.rotationWindow);
    this.secretArns = arns as Record<DatabaseUser, string>;
    this.secretNames = names as Record<DatabaseUser, string>;
  }

  /**
   * Lets one rotation function write the copies in the replica's region. Every
   * replicated change is decrypted with the primary's key and re-encrypted
   * with the replica's, as the identity that made the change (AWS Secrets
   * Manager, "How Secrets Manager authorizes cross-account replication", and
   * ReplicateSecretToRegions: `kms:GenerateDataKey` and `kms:Encrypt` on the
   * replica's key). AWS's template grants its role only `kmsKeyArn`, so the
   * role, found through the function AWS's stack made, gets this policy too.
   */
  private grantReplicaEncrypt(id: string, functionName: string, stack: ServerlessapplicationrepositoryCloudformationStack, replicaKeyArn: string): void {
    const fn = new DataAwsLambdaFunction(this, `${id}-Function`, { functionName, dependsOn: [stack] });
    new IamRolePolicy(this, id, {
      // The role's name is the last part of its ARN (AWS's template gives it the path /).
      role: Fn.element(Fn.reverse(Fn.split('/', fn.role)), 0),
      name: 'replica-secrets-encrypt',
      policy: policyDocument([
        {
          Sid: 'EncryptReplicaCopies',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: replicaKeyArn,
          // Only through Secrets Manager; the replication may be carried out from either region's endpoint.
          Condition: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
        },
      ]),
    });
  }

  /**
   * Turns on rotation without rotating now (`rotate_immediately = false`).
   * The users do not exist in PostgreSQL until {@link DatabaseBootstrap} runs,
   * after this stack's apply, and rotating a user that does not exist fails;
   * so the first rotation comes one period later, by when the job has created
   * every user with the password in its secret.
   *
   * AWS documents that turning rotation on without rotating still runs the
   * function's testSecret step once (a login with the current value). On the
   * very first apply that login fails for the three users, which do not exist
   * yet; RotateSecret is documented as asynchronous, so this shows in the
   * function's logs rather than failing the apply (not verified against AWS).
   */
  private rotation(id: string, secretArn: string, stack: ServerlessapplicationrepositoryCloudformationStack, days: number, dependsOn: ITerraformDependable[], window?: RotationWindow): void {
    new SecretsmanagerSecretRotation(this, id, {
      secretId: secretArn,
      rotationLambdaArn: stack.outputs.lookup(ROTATION_LAMBDA_OUTPUT),
      rotationRules: window ? { scheduleExpression: window.scheduleExpression, duration: window.duration } : { automaticallyAfterDays: days },
      rotateImmediately: false,
      // The function must reach Secrets Manager and the database, and the secret hold a value, when it first runs.
      dependsOn,
    });
  }
}

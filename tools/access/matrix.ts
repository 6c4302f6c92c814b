/**
 * Who may do what, where: one row per workload and person, each with the
 * calls its job makes (which must be allowed) and the paths that must stay
 * closed (which must be denied), asked of the access model (lib/access) over
 * the synthesized stacks, the way IAM and EKS would answer them. `npm test`
 * runs every row; docs/ACCESS.md is this matrix, rendered.
 */
import {
  ACCOUNTS,
  ciApplyRoleName,
  CI_APPLY_BOUNDARY_NAME,
  PRODUCTION_PLAN_GITHUB_ENVIRONMENT,
  ROLE_NAMES,
  roleArn,
  stateBackendConfig,
  type AccountConfig,
} from '../../environments/account.ts';
import { bootstrapConfig } from '../../environments/bootstrap.ts';
import type { EnvironmentConfig } from '../../environments/types.ts';
import type { AccessModel, AssumeCaller, ExternalPrincipal, Workload } from '../../lib/access/index.ts';
import { containerLogGroupName, infrastructureStackName, standbyStackName } from '../../environments/stack-names.ts';
import { TUNNEL_SESSION_DOCUMENT } from '../../stacks/bootstrap-stack.ts';

/** One question put to the model. */
export interface AccessCheck {
  /** The call in words: "read production's database master secret". */
  readonly what: string;
  readonly expect: 'allowed' | 'denied';
  /** Asks the model; true when the call is allowed. */
  readonly allowed: (model: AccessModel) => boolean;
}

/** A workload or a person, and what it must and must not be able to do. */
export interface AccessRow {
  readonly who: string;
  readonly account: AccountConfig['name'];
  /** The environment, for a workload of one. */
  readonly environment?: string;
  /** The roles this row speaks for: every role of the stacks must be in some row. */
  readonly roleArns: readonly string[];
  readonly checks: readonly AccessCheck[];
}

const GITHUB = 'token.actions.githubusercontent.com';

/** A GitHub Actions token of the infrastructure repository: a pull request, a branch, or a job in a GitHub environment. */
export function githubToken(account: AccountConfig, subject: 'pull_request' | `ref:refs/heads/${string}` | `environment:${string}`, repository = account.githubRepository): AssumeCaller {
  return { webIdentity: { provider: GITHUB, claims: { sub: `repo:${repository}:${subject}`, aud: 'sts.amazonaws.com' } } };
}

/** A person signed in through an IAM Identity Center permission set of the account, allowed by it to assume roles. */
export function identityCenterPerson(account: AccountConfig, permissionSet: string): ExternalPrincipal {
  return {
    arn: `arn:aws:iam::${account.accountId}:role/aws-reserved/sso.amazonaws.com/${account.region}/AWSReservedSSO_${permissionSet}_0123456789abcdef`,
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }],
  };
}

/** The inputs of the matrix: the environments, and where their resources are in the model. */
class Lookup {
  constructor(
    readonly model: AccessModel,
    readonly environments: readonly EnvironmentConfig[],
  ) {}

  accountOf(environment: EnvironmentConfig): AccountConfig {
    return ACCOUNTS.find((a) => a.accountId === environment.accountId)!;
  }

  /** A secret by name, in a region of an account. */
  secret(name: string, region: string, accountId: string): string {
    // AWS appends six characters to a secret's name in its ARN.
    const arn = new RegExp(`:secret:${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[A-Za-z0-9]{6}$`);
    const found = this.model.findResources((r) => r.type === 'aws_secretsmanager_secret' && r.region === region && r.account === accountId && arn.test(r.arn));
    if (found.length !== 1) throw new Error(`expected one secret ${name} in ${accountId} ${region}, found ${found.length}`);
    return found[0]!.arn;
  }

  /** The state object of a stack in its account's bucket of a region. */
  stateObject(account: AccountConfig, stack: string, region = account.region): string {
    return `arn:aws:s3:::hexabid-tfstate-${account.accountId}-${region}/${stack}/terraform.tfstate`;
  }

  bucket(name: string): string {
    return `arn:aws:s3:::${name}`;
  }

  logGroup(environment: EnvironmentConfig, name: string): string {
    return `arn:aws:logs:${environment.region}:${environment.accountId}:log-group:${name}`;
  }

  domain(environment: EnvironmentConfig): string {
    return `arn:aws:es:${environment.region}:${environment.accountId}:domain/${infrastructureStackName(environment)}`;
  }

  /** A node of the environment's cluster, as an SSM session's target. */
  node(environment: EnvironmentConfig): string {
    return `arn:aws:ec2:${environment.region}:${environment.accountId}:instance/i-0123456789abcdef0`;
  }

  workload(test: (w: Workload) => boolean): Workload {
    return this.model.workload(test);
  }

  pod(environment: EnvironmentConfig, namespace: string, serviceAccount: string): Workload {
    return this.workload((w) => w.kind === 'pod-identity' && w.cluster === infrastructureStackName(environment) && w.namespace === namespace && w.serviceAccount === serviceAccount);
  }
}

const allowed = (what: string, ask: (m: AccessModel) => boolean): AccessCheck => ({ what, expect: 'allowed', allowed: ask });
const denied = (what: string, ask: (m: AccessModel) => boolean): AccessCheck => ({ what, expect: 'denied', allowed: ask });
const isAllow = (d: { decision: string }) => d.decision === 'allow';

/** Every row of the matrix, for these environments. */
export function accessMatrix(model: AccessModel, environments: readonly EnvironmentConfig[]): AccessRow[] {
  const at = new Lookup(model, environments);
  const primary = environments.find((e) => e.disasterRecovery)!;
  const productionAccount = at.accountOf(primary);
  const nonProductionAccount = ACCOUNTS.find((a) => a !== productionAccount)!;
  const nonProduction = environments.filter((e) => !e.isProduction);
  const productionMaster = at.secret(`hexabid/${primary.name}/database/master`, primary.region, primary.accountId);
  const productionState = at.stateObject(productionAccount, infrastructureStackName(primary));
  const productionAdmin = roleArn(ROLE_NAMES.platformAdmin, productionAccount);
  return [
    ...ACCOUNTS.flatMap((account) => peopleRows(at, account)),
    ...ACCOUNTS.flatMap((account) => ciRows(at, account, { productionAccount, productionMaster, productionState, productionAdmin })),
    ...ACCOUNTS.flatMap((account) => registryRows(at, account, productionMaster)),
    ...environments.flatMap((environment) => workloadRows(at, environment)),
    ...crossCuttingRows(at, { productionAccount, nonProductionAccount, nonProduction, productionMaster, productionState, productionAdmin }),
  ];
}

/** The account's people: platform admins, developers, support. */
function peopleRows(at: Lookup, account: AccountConfig): AccessRow[] {
  const environments = at.environments.filter((e) => e.accountId === account.accountId);
  const admin = roleArn(ROLE_NAMES.platformAdmin, account);
  const readOnly = roleArn(ROLE_NAMES.readOnly, account);
  const developer = roleArn(ROLE_NAMES.developer, account);
  const first = environments.find((e) => !e.standbyFor)!;
  const master = at.secret(`hexabid/${first.name}/database/master`, first.region, first.accountId);
  const state = at.stateObject(account, infrastructureStackName(first));
  const userWithoutMfa: ExternalPrincipal = { arn: `arn:aws:iam::${account.accountId}:user/someone`, identityPolicies: identityCenterPerson(account, 'x').identityPolicies! };
  const ciApply = roleArn(ciApplyRoleName(first.name), account);
  return [
    {
      who: `${ROLE_NAMES.platformAdmin} (platform operators)`,
      account: account.name,
      roleArns: [admin],
      checks: [
        allowed('be assumed by a named platform operator (IAM Identity Center, MFA at sign-in)', (m) => isAllow(m.canAssume(identityCenterPerson(account, 'HexaBidPlatformAdmin'), admin))),
        denied('be assumed by a person of another permission set', (m) => isAllow(m.canAssume(identityCenterPerson(account, 'HexaBidDeveloper'), admin))),
        denied('be assumed by an IAM user, even an administrator, without MFA', (m) => isAllow(m.canAssume(userWithoutMfa, admin, { context: { 'aws:MultiFactorAuthPresent': false } }))),
        denied(`be assumed by a CI apply role (${ciApplyRoleName(first.name)})`, (m) => isAllow(m.canAssume(ciApply, admin))),
        allowed(`read ${first.name}'s state`, (m) => isAllow(m.evaluate({ principal: admin, action: 's3:GetObject', resource: state }))),
        allowed(`read ${first.name}'s database master secret`, (m) => isAllow(m.evaluate({ principal: admin, action: 'secretsmanager:GetSecretValue', resource: master }))),
        allowed(`administer ${first.name}'s cluster`, (m) => m.canKube({ principalArn: admin, cluster: infrastructureStackName(first), verb: 'delete', resource: 'deployments', apiGroup: 'apps', namespace: 'kube-system' }).decision === 'allow'),
      ],
    },
    {
      who: `${ROLE_NAMES.readOnly} (support and audit)`,
      account: account.name,
      roleArns: [readOnly],
      checks: [
        allowed('be assumed by a named support person', (m) => isAllow(m.canAssume(identityCenterPerson(account, 'HexaBidReadOnly'), readOnly))),
        allowed(`describe ${first.name}'s database`, (m) => isAllow(m.evaluate({ principal: readOnly, action: 'rds:DescribeDBInstances', resource: `arn:aws:rds:${first.region}:${account.accountId}:db:${infrastructureStackName(first)}` }))),
        denied(`read ${first.name}'s state, which holds generated credentials`, (m) => isAllow(m.evaluate({ principal: readOnly, action: 's3:GetObject', resource: state }))),
        denied(`read ${first.name}'s database master secret`, (m) => isAllow(m.evaluate({ principal: readOnly, action: 'secretsmanager:GetSecretValue', resource: master }))),
        denied(`read Secrets in ${first.name}'s cluster`, (m) => m.canKube({ principalArn: readOnly, cluster: infrastructureStackName(first), verb: 'get', resource: 'secrets', namespace: first.kubernetes.appNamespace }).decision === 'allow'),
      ],
    },
    {
      who: `${ROLE_NAMES.developer} (developers)`,
      account: account.name,
      roleArns: [developer],
      checks: environments.flatMap((environment) => developerChecks(at, environment, developer)),
    },
  ];
}

function developerChecks(at: Lookup, environment: EnvironmentConfig, developer: string): AccessCheck[] {
  const cluster = infrastructureStackName(environment);
  const namespace = environment.kubernetes.appNamespace;
  const tag = { 'ssm:resourceTag/eks:cluster-name': cluster };
  const document = `arn:aws:ssm:${environment.region}::document/${TUNNEL_SESSION_DOCUMENT}`;
  const checks: AccessCheck[] = [
    allowed(`${environment.name}: open the tunnel (the port-forwarding document, on a node)`, (m) =>
      isAllow(m.evaluate({ principal: developer, action: 'ssm:StartSession', resource: at.node(environment), context: { ...tag, 'ssm:SessionDocumentAccessCheck': true } })) &&
      isAllow(m.evaluate({ principal: developer, action: 'ssm:StartSession', resource: document, context: { 'ssm:SessionDocumentAccessCheck': true } })),
    ),
    // SSM checks access to the session's document whenever the granting statement asks for the document check; without
    // --document-name that is the default shell document (Systems Manager User Guide, "Enforce a session document permission check").
    denied(`${environment.name}: start a shell on a node (a session skipping the document check, or the default shell document)`, (m) =>
      isAllow(m.evaluate({ principal: developer, action: 'ssm:StartSession', resource: at.node(environment), context: { ...tag, 'ssm:SessionDocumentAccessCheck': false } })) ||
      isAllow(m.evaluate({ principal: developer, action: 'ssm:StartSession', resource: `arn:aws:ssm:${environment.region}:${environment.accountId}:document/SSM-SessionManagerRunShell`, context: { 'ssm:SessionDocumentAccessCheck': true } })),
    ),
    allowed(`${environment.name}: read the app's container logs`, (m) => isAllow(m.evaluate({ principal: developer, action: 'logs:FilterLogEvents', resource: at.logGroup(environment, containerLogGroupName(environment.name, namespace)) }))),
    denied(`${environment.name}: read hexabid-system's container logs`, (m) => isAllow(m.evaluate({ principal: developer, action: 'logs:FilterLogEvents', resource: at.logGroup(environment, containerLogGroupName(environment.name, 'hexabid-system')) }))),
    denied(`${environment.name}: change kube-system`, (m) => m.canKube({ principalArn: developer, cluster, verb: 'update', resource: 'deployments', apiGroup: 'apps', namespace: 'kube-system' }).decision === 'allow'),
  ];
  if (environment.isProduction) {
    checks.push(
      allowed(`${environment.name}: see the app's pods`, (m) => m.canKube({ principalArn: developer, cluster, verb: 'list', resource: 'pods', namespace }).decision === 'allow'),
      denied(`${environment.name}: read the app's Secrets (its database and third-party credentials)`, (m) => m.canKube({ principalArn: developer, cluster, verb: 'get', resource: 'secrets', namespace }).decision === 'allow'),
      denied(`${environment.name}: open a shell in an app pod`, (m) => m.canKube({ principalArn: developer, cluster, verb: 'create', resource: 'pods', subresource: 'exec', namespace }).decision === 'allow'),
    );
  } else {
    checks.push(allowed(`${environment.name}: change what runs in the app namespace`, (m) => m.canKube({ principalArn: developer, cluster, verb: 'update', resource: 'deployments', apiGroup: 'apps', namespace }).decision === 'allow'));
  }
  return checks;
}

interface ProductionTargets {
  readonly productionAccount: AccountConfig;
  readonly productionMaster: string;
  readonly productionState: string;
  readonly productionAdmin: string;
}

/** CI's roles in the account: plan, one apply role per environment, and (where the registry is) image push. */
function ciRows(at: Lookup, account: AccountConfig, p: ProductionTargets): AccessRow[] {
  const environments = at.environments.filter((e) => e.accountId === account.accountId);
  const isProduction = account === p.productionAccount;
  const plan = roleArn(ROLE_NAMES.ciPlan, account);
  const first = environments.find((e) => !e.standbyFor)!;
  const state = at.stateObject(account, infrastructureStackName(first));
  const master = at.secret(`hexabid/${first.name}/database/master`, first.region, first.accountId);
  const rows: AccessRow[] = [
    {
      who: `${ROLE_NAMES.ciPlan} (CI's plans)`,
      account: account.name,
      roleArns: [plan],
      checks: [
        isProduction
          ? allowed(`be assumed from the GitHub environment ${PRODUCTION_PLAN_GITHUB_ENVIRONMENT} (main only: the deploy's plan, the nightly drift)`, (m) => isAllow(m.canAssume(githubToken(account, `environment:${PRODUCTION_PLAN_GITHUB_ENVIRONMENT}`), plan)))
          : allowed('be assumed by a pull request of the repository, and by main', (m) => isAllow(m.canAssume(githubToken(account, 'pull_request'), plan)) && isAllow(m.canAssume(githubToken(account, 'ref:refs/heads/main'), plan))),
        ...(isProduction
          ? [
              denied('be assumed by a pull request', (m) => isAllow(m.canAssume(githubToken(account, 'pull_request'), plan))),
              denied('be assumed by a branch outside a GitHub environment, main included', (m) => isAllow(m.canAssume(githubToken(account, 'ref:refs/heads/main'), plan))),
            ]
          : []),
        denied("be assumed by another repository's workflows", (m) => isAllow(m.canAssume(githubToken(account, 'pull_request', 'someone/fork'), plan))),
        allowed(`read ${first.name}'s state`, (m) => isAllow(m.evaluate({ principal: plan, action: 's3:GetObject', resource: state }))),
        allowed(`refresh ${first.name}'s secret versions (GetSecretValue, decrypting through Secrets Manager)`, (m) => {
          const key = m.resource(master).kmsKeyArn;
          return isAllow(m.evaluate({ principal: plan, action: 'secretsmanager:GetSecretValue', resource: master })) && (!key || isAllow(m.evaluate({ principal: plan, action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': `secretsmanager.${first.region}.amazonaws.com` } })));
        }),
        allowed('refresh a generated password (GetRandomPassword)', (m) => isAllow(m.evaluate({ principal: plan, action: 'secretsmanager:GetRandomPassword', resource: '*' }))),
        allowed("send each plan's policies to IAM Access Analyzer", (m) => isAllow(m.evaluate({ principal: plan, action: 'access-analyzer:ValidatePolicy', resource: '*' }))),
        denied(`write ${first.name}'s state`, (m) => isAllow(m.evaluate({ principal: plan, action: 's3:PutObject', resource: state }))),
        denied("take or break a state lock (plans run with -lock=false)", (m) => isAllow(m.evaluate({ principal: plan, action: 's3:PutObject', resource: `${state}.tflock` })) || isAllow(m.evaluate({ principal: plan, action: 's3:DeleteObject', resource: `${state}.tflock` }))),
        allowed(`read Helm's release records in ${first.name}'s namespaces`, (m) => m.canKube({ principalArn: plan, cluster: infrastructureStackName(first), verb: 'get', resource: 'secrets', namespace: first.kubernetes.appNamespace }).decision === 'allow'),
      ],
    },
  ];
  for (const environment of environments) {
    const apply = roleArn(ciApplyRoleName(environment.name), account);
    const own = environment.standbyFor ? at.stateObject(account, standbyStackName(environment), environment.region) : at.stateObject(account, infrastructureStackName(environment));
    const other = environments.find((e) => e !== environment && !e.standbyFor && !environment.standbyFor);
    rows.push({
      who: `${ciApplyRoleName(environment.name)} (CI applies ${environment.name})`,
      account: account.name,
      environment: environment.name,
      roleArns: [apply],
      checks: [
        allowed(`be assumed from the GitHub environment ${environment.name}`, (m) => isAllow(m.canAssume(githubToken(account, `environment:${environment.name}`), apply))),
        denied('be assumed by a pull request, or by main outside that environment', (m) => isAllow(m.canAssume(githubToken(account, 'pull_request'), apply)) || isAllow(m.canAssume(githubToken(account, 'ref:refs/heads/main'), apply))),
        ...(other ? [denied(`be assumed from the GitHub environment ${other.name}`, (m) => isAllow(m.canAssume(githubToken(account, `environment:${other.name}`), apply)))] : []),
        allowed(`write its own state (${environment.standbyFor ? standbyStackName(environment) : infrastructureStackName(environment)})`, (m) => isAllow(m.evaluate({ principal: apply, action: 's3:PutObject', resource: own }))),
        ...(other ? [denied(`write ${other.name}'s state`, (m) => isAllow(m.evaluate({ principal: apply, action: 's3:PutObject', resource: at.stateObject(account, infrastructureStackName(other)) })))] : []),
        denied(`change ${ROLE_NAMES.platformAdmin}'s trust (the boundary)`, (m) => isAllow(m.evaluate({ principal: apply, action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(ROLE_NAMES.platformAdmin, account) }))),
        denied(`assume ${ROLE_NAMES.platformAdmin}`, (m) => isAllow(m.canAssume(apply, roleArn(ROLE_NAMES.platformAdmin, account)))),
        denied('create an access key or an IAM user (the boundary)', (m) => isAllow(m.evaluate({ principal: apply, action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${account.accountId}:user/someone` })) || isAllow(m.evaluate({ principal: apply, action: 'iam:CreateUser', resource: `arn:aws:iam::${account.accountId}:user/someone` }))),
        denied(`change its own boundary, ${CI_APPLY_BOUNDARY_NAME}, or take it off a role`, (m) =>
          isAllow(m.evaluate({ principal: apply, action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${account.accountId}:policy/${CI_APPLY_BOUNDARY_NAME}` })) ||
          isAllow(m.evaluate({ principal: apply, action: 'iam:DeleteRolePermissionsBoundary', resource: apply })),
        ),
        denied("change the state bucket's policy (the boundary)", (m) => isAllow(m.evaluate({ principal: apply, action: 's3:PutBucketPolicy', resource: at.bucket(`hexabid-tfstate-${account.accountId}-${account.region}`) }))),
        denied("change the state key's policy or schedule its deletion (the boundary, by the key's alias)", (m) => {
          const key = m.findResources((r) => r.type === 'aws_kms_key' && r.account === account.accountId && r.region === account.region && [r.context?.['kms:ResourceAliases'] ?? []].flat().includes(stateBackendConfig(account).kmsKeyId))[0];
          // No key found would make the check vacuous: count it as allowed, so the row fails.
          return !key || isAllow(m.evaluate({ principal: apply, action: 'kms:PutKeyPolicy', resource: key.arn })) || isAllow(m.evaluate({ principal: apply, action: 'kms:ScheduleKeyDeletion', resource: key.arn }));
        }),
        allowed(`build ${environment.name}'s resources (an EKS cluster)`, (m) => isAllow(m.evaluate({ principal: apply, action: 'eks:CreateCluster', resource: `arn:aws:eks:${environment.region}:${account.accountId}:cluster/${infrastructureStackName(environment)}` }))),
      ],
    });
  }
  if (environments.some((e) => e.isProduction)) {
    const push = roleArn(ROLE_NAMES.imagePush, account);
    const repository = (name: string) => `arn:aws:ecr:${account.region}:${account.accountId}:repository/hexabid/${name}`;
    rows.push({
      who: `${ROLE_NAMES.imagePush} (the app's pipeline)`,
      account: account.name,
      roleArns: [push],
      checks: [
        allowed(`be assumed from the main branch of ${account.appRepository}`, (m) => isAllow(m.canAssume(githubToken(account, 'ref:refs/heads/main', account.appRepository), push))),
        denied(`be assumed by a pull request of ${account.appRepository}`, (m) => isAllow(m.canAssume(githubToken(account, 'pull_request', account.appRepository), push))),
        allowed('push an image to hexabid/api', (m) => isAllow(m.evaluate({ principal: push, action: 'ecr:PutImage', resource: repository('api') }))),
        denied("read production's database master secret", (m) => isAllow(m.evaluate({ principal: push, action: 'secretsmanager:GetSecretValue', resource: p.productionMaster }))),
        denied('delete an image', (m) => isAllow(m.evaluate({ principal: push, action: 'ecr:BatchDeleteImage', resource: repository('api') }))),
      ],
    });
  }
  return rows;
}

/** The role ECR creates replica repositories as, in each account that receives replicas. */
function registryRows(at: Lookup, account: AccountConfig, productionMaster: string): AccessRow[] {
  const role = `arn:aws:iam::${account.accountId}:role/hexabid-image-replicas`;
  if (!at.model.inventory.roles.some((r) => r.arn === role)) return [];
  // Where ECR creates this account's replicas, as its bootstrap config says: its other regions, or, receiving another's images, its own.
  const images = bootstrapConfig(at.environments, account).images;
  const region = images.role === 'source' ? (images.replicationDestinations.find((d) => (d.accountId ?? account.accountId) === account.accountId)?.region ?? account.region) : account.region;
  const repository = (name: string) => `arn:aws:ecr:${region}:${account.accountId}:repository/${name}`;
  return [
    {
      who: 'hexabid-image-replicas (ECR creating replica repositories)',
      account: account.name,
      roleArns: [role],
      checks: [
        allowed('be assumed by ECR for this account', (m) => isAllow(m.canAssume('ecr.amazonaws.com', role, { context: { 'aws:SourceAccount': account.accountId } }))),
        denied("be assumed by ECR on another account's behalf", (m) => isAllow(m.canAssume('ecr.amazonaws.com', role, { context: { 'aws:SourceAccount': '999988887777' } }))),
        allowed(`create a replica of hexabid/api in ${region}`, (m) => isAllow(m.evaluate({ principal: role, action: 'ecr:CreateRepository', resource: repository('hexabid/api') }))),
        denied(`create a repository outside hexabid/ (other/api)`, (m) => isAllow(m.evaluate({ principal: role, action: 'ecr:CreateRepository', resource: repository('other/api') }))),
        denied("read production's database master secret", (m) => isAllow(m.evaluate({ principal: role, action: 'secretsmanager:GetSecretValue', resource: productionMaster }))),
      ],
    },
  ];
}

/** An environment's workloads: the app, its jobs, the add-ons, functions and AWS services' roles. */
function workloadRows(at: Lookup, environment: EnvironmentConfig): AccessRow[] {
  const model = at.model;
  const account = at.accountOf(environment);
  const cluster = infrastructureStackName(environment);
  const row = (who: string, roleArns: string[], checks: AccessCheck[]): AccessRow => ({ who: `${who} (${environment.name})`, account: account.name, environment: environment.name, roleArns, checks });
  const others = at.environments.filter((e) => e !== environment && e.accountId === environment.accountId && e.region === environment.region);
  const neighbour = others[0];
  const prefix = environment.standbyFor ? `hexabid/${environment.standbyFor.primary}` : `hexabid/${environment.name}`;
  const rows: AccessRow[] = [];
  const hasRole = (name: string) => model.roles.some((r) => r.name === name && r.account === environment.accountId);
  const roleOf = (name: string) => roleArn(name, account);

  // The app: api, worker and scraper run as one role.
  const api = at.pod(environment, environment.kubernetes.appNamespace, 'hexabid-api');
  const documents = model.findResources((r) => r.type === 'aws_s3_bucket' && r.account === environment.accountId && r.region === environment.region && /-documents-\d+$/.test(r.arn) && r.stack === infrastructureStackName(environment))[0]
    ?? model.findResources((r) => r.type === 'aws_s3_bucket' && r.account === environment.accountId && r.region === environment.region && /-documents-(replica-)?\d+/.test(r.arn))[0];
  rows.push(
    row('the app (api, worker, scraper)', [api.roleArn], [
      allowed('read and write tenant documents, decrypting through S3', (m) => {
        const bucket = documents ? m.resource(documents.arn) : undefined;
        return !!bucket && isAllow(m.evaluate({ principal: api, action: 's3:PutObject', resource: `${bucket.arn}/tenant/a.pdf` })) && (!bucket.kmsKeyArn || isAllow(m.evaluate({ principal: api, action: 'kms:GenerateDataKey', resource: bucket.kmsKeyArn, context: { 'kms:ViaService': `s3.${environment.region}.amazonaws.com` } })));
      }),
      allowed('query its search domain', (m) => isAllow(m.evaluate({ principal: api, action: 'es:ESHttpGet', resource: `${at.domain(environment)}/tenders/_search` }))),
      denied("read the database master secret (the app's users have their own, synced by External Secrets)", (m) => isAllow(m.evaluate({ principal: api, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
      denied("use the documents' key directly, outside S3", (m) => !!documents && !!m.resource(documents.arn).kmsKeyArn && isAllow(m.evaluate({ principal: api, action: 'kms:Decrypt', resource: m.resource(documents.arn).kmsKeyArn! }))),
      ...(neighbour ? [denied(`query ${neighbour.name}'s search domain`, (m) => isAllow(m.evaluate({ principal: api, action: 'es:ESHttpGet', resource: `${at.domain(neighbour)}/tenders/_search` })))] : []),
    ]),
  );

  // The OpenSearch master role: its role-mapping job in the cluster.
  const mapping = at.pod(environment, 'hexabid-system', 'opensearch-security');
  rows.push(
    row('the search role-mapping job (the OpenSearch master role)', [mapping.roleArn], [
      allowed('map the app role inside its domain (the security API)', (m) => isAllow(m.canAssume(mapping, mapping.roleArn)) && isAllow(m.evaluate({ principal: mapping, action: 'es:ESHttpPut', resource: `${at.domain(environment)}/_plugins/_security/api/rolesmapping/all_access` }))),
      allowed(`be assumed by ${ROLE_NAMES.platformAdmin}, to administer the domain by hand`, (m) => isAllow(m.canAssume(roleOf(ROLE_NAMES.platformAdmin), mapping.roleArn))),
      denied('change the domain\'s configuration', (m) => isAllow(m.evaluate({ principal: mapping, action: 'es:UpdateDomainConfig', resource: at.domain(environment) }))),
      ...(neighbour ? [denied(`call ${neighbour.name}'s domain`, (m) => isAllow(m.evaluate({ principal: mapping, action: 'es:ESHttpPut', resource: `${at.domain(neighbour)}/_plugins/_security/api/rolesmapping/all_access` })))] : []),
    ]),
  );

  // Search snapshots: the job's role, and the repository role OpenSearch itself assumes.
  const snapshotJob = model.inventory.workloads.find((w) => w.kind === 'pod-identity' && w.cluster === cluster && w.serviceAccount === 'search-snapshots');
  if (snapshotJob) {
    const repository = roleOf(`${environment.standbyFor ? infrastructureStackName({ name: environment.standbyFor.primary }) : cluster}-search-snapshots`);
    rows.push(
      row(environment.standbyFor ? 'the search restore job' : 'the daily search snapshot job', [snapshotJob.roleArn], [
        allowed('take or restore snapshots through the domain\'s snapshot API', (m) => isAllow(m.evaluate({ principal: snapshotJob, action: 'es:ESHttpPut', resource: `${at.domain(environment)}/_snapshot/hexabid-snapshots` }))),
        allowed('pass the repository role to OpenSearch Service, and to no other service', (m) =>
          isAllow(m.evaluate({ principal: snapshotJob, action: 'iam:PassRole', resource: repository, context: { 'iam:PassedToService': 'es.amazonaws.com' } })) &&
          !isAllow(m.evaluate({ principal: snapshotJob, action: 'iam:PassRole', resource: repository, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })),
        ),
        denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: snapshotJob, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
      ]),
    );
  }
  if (hasRole(`${cluster}-search-snapshots`)) {
    const repository = roleOf(`${cluster}-search-snapshots`);
    rows.push(
      row('the snapshot repository role (OpenSearch Service writes snapshots as it)', [repository], [
        allowed('be assumed by OpenSearch Service', (m) => isAllow(m.canAssume('es.amazonaws.com', repository, { context: { 'aws:SourceAccount': environment.accountId } }))),
        denied('be assumed by the app', (m) => isAllow(m.canAssume(api, repository))),
      ]),
    );
  }

  // Add-ons.
  const addon = (namespace: string, serviceAccount: string) => model.inventory.workloads.find((w) => w.cluster === cluster && w.namespace === namespace && w.serviceAccount === serviceAccount);
  const externalSecrets = addon('external-secrets', 'external-secrets')!;
  rows.push(
    row('external-secrets', [externalSecrets.roleArn], [
      allowed(`read the app's secrets (${prefix}/*)`, (m) => isAllow(m.evaluate({ principal: externalSecrets, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/app`, environment.region, environment.accountId) }))),
      ...(neighbour ? [denied(`read ${neighbour.name}'s secrets`, (m) => isAllow(m.evaluate({ principal: externalSecrets, action: 'secretsmanager:GetSecretValue', resource: at.secret(`hexabid/${neighbour.name}/database/app`, neighbour.region, neighbour.accountId) })))] : []),
      denied('write a secret', (m) => isAllow(m.evaluate({ principal: externalSecrets, action: 'secretsmanager:PutSecretValue', resource: at.secret(`${prefix}/database/app`, environment.region, environment.accountId) }))),
    ]),
  );
  const dns = addon('external-dns', 'external-dns')!;
  rows.push(row('external-dns', [dns.roleArn], [
    allowed(`change records in its zone, ${environment.edge.hostedZone.zoneName}`, (m) => {
      const zone = m.findResources((r) => r.type === 'aws_route53_zone' && r.account === environment.accountId && r.name === environment.edge.hostedZone.zoneName)[0];
      return !!zone && isAllow(m.evaluate({ principal: dns, action: 'route53:ChangeResourceRecordSets', resource: zone.arn }));
    }),
    denied('change records in any other zone', (m) =>
      m.findResources((r) => r.type === 'aws_route53_zone' && r.name !== environment.edge.hostedZone.zoneName).some((zone) => isAllow(m.evaluate({ principal: dns, action: 'route53:ChangeResourceRecordSets', resource: zone.arn }))),
    ),
  ]));
  const lbc = addon('aws-load-balancer-controller', 'aws-load-balancer-controller')!;
  rows.push(row('the load balancer controller', [lbc.roleArn], [
    allowed('create a load balancer for an Ingress of its cluster', (m) => isAllow(m.evaluate({ principal: lbc, action: 'elasticloadbalancing:CreateLoadBalancer', resource: `arn:aws:elasticloadbalancing:${environment.region}:${environment.accountId}:loadbalancer/app/k8s-x/0123`, context: { 'aws:RequestTag/elbv2.k8s.aws/cluster': cluster } }))),
    denied('read a secret', (m) => isAllow(m.evaluate({ principal: lbc, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/app`, environment.region, environment.accountId) }))),
  ]));
  const autoscaler = addon('cluster-autoscaler', 'cluster-autoscaler')!;
  rows.push(row('cluster-autoscaler', [autoscaler.roleArn], [
    // EKS names a managed node group's Auto Scaling group eks-<node group>-<uuid>, and tags it for the autoscaler.
    allowed("resize its cluster's node groups", (m) => isAllow(m.evaluate({ principal: autoscaler, action: 'autoscaling:SetDesiredCapacity', resource: `arn:aws:autoscaling:${environment.region}:${environment.accountId}:autoScalingGroup:0123:autoScalingGroupName/eks-app-0123abcd`, context: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: 'owned' } }))),
    denied("resize another cluster's node groups", (m) => isAllow(m.evaluate({ principal: autoscaler, action: 'autoscaling:SetDesiredCapacity', resource: `arn:aws:autoscaling:${environment.region}:${environment.accountId}:autoScalingGroup:0123:autoScalingGroupName/eks-app-4567cdef`, context: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/hexabid-other': 'owned' } }))),
  ]));
  const fluentBit = addon('hexabid-node-agents', 'aws-for-fluent-bit')!;
  rows.push(row('Fluent Bit (container logs)', [fluentBit.roleArn], [
    allowed("write its environment's container logs", (m) => isAllow(m.evaluate({ principal: fluentBit, action: 'logs:PutLogEvents', resource: `${at.logGroup(environment, containerLogGroupName(environment.name, environment.kubernetes.appNamespace))}:log-stream:x` }))),
    ...(neighbour ? [denied(`write ${neighbour.name}'s container logs`, (m) => isAllow(m.evaluate({ principal: fluentBit, action: 'logs:PutLogEvents', resource: `${at.logGroup(neighbour, containerLogGroupName(neighbour.name, neighbour.kubernetes.appNamespace))}:log-stream:x` })))] : []),
  ]));
  const grafana = at.pod(environment, 'hexabid-system', 'grafana');
  rows.push(row('Grafana', [grafana.roleArn], [
    allowed("query its environment's container logs", (m) => isAllow(m.evaluate({ principal: grafana, action: 'logs:StartQuery', resource: at.logGroup(environment, containerLogGroupName(environment.name, environment.kubernetes.appNamespace)) }))),
    allowed("query its database's logs", (m) => isAllow(m.evaluate({ principal: grafana, action: 'logs:StartQuery', resource: at.logGroup(environment, `/aws/rds/instance/${cluster}/postgresql`) }))),
    ...(neighbour ? [denied(`query ${neighbour.name}'s logs`, (m) => isAllow(m.evaluate({ principal: grafana, action: 'logs:StartQuery', resource: at.logGroup(neighbour, containerLogGroupName(neighbour.name, neighbour.kubernetes.appNamespace)) })))] : []),
    denied('write anything', (m) => isAllow(m.evaluate({ principal: grafana, action: 'logs:PutLogEvents', resource: `${at.logGroup(environment, containerLogGroupName(environment.name, environment.kubernetes.appNamespace))}:log-stream:x` }))),
  ]));
  const alertmanager = model.inventory.workloads.find((w) => w.kind === 'pod-identity' && w.cluster === cluster && w.serviceAccount === 'monitoring-alertmanager');
  if (alertmanager) {
    const heartbeat = model.findResources((r) => r.type === 'aws_sns_topic' && r.account === environment.accountId && r.arn.endsWith('-alertmanager-heartbeat'))[0];
    const critical = model.findResources((r) => r.type === 'aws_sns_topic' && r.region === environment.region && r.account === environment.accountId && r.arn.endsWith(`:${cluster}-alerts-critical`))[0];
    rows.push(row("Alertmanager (the dead man's switch)", [alertmanager.roleArn], [
      allowed('publish its heartbeat to the us-east-1 topic, encrypted with that topic\'s key', (m) => {
        if (!heartbeat) return false;
        const key = m.resource(heartbeat.arn).kmsKeyArn;
        return isAllow(m.evaluate({ principal: alertmanager, action: 'sns:Publish', resource: heartbeat.arn })) && (!key || isAllow(m.evaluate({ principal: alertmanager, action: 'kms:GenerateDataKey', resource: key, context: { 'kms:ViaService': `sns.${heartbeat.region}.amazonaws.com` } })));
      }),
      denied("publish to the environment's critical alert topic (alerts page through the forwarder, not from the cluster)", (m) => !!critical && isAllow(m.evaluate({ principal: alertmanager, action: 'sns:Publish', resource: critical.arn }))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: alertmanager, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
    ]));
  }
  for (const [serviceAccount, who, call] of [
    ['ebs-csi-controller-sa', 'the EBS CSI driver', { action: 'ec2:CreateVolume', resource: `arn:aws:ec2:${environment.region}:${environment.accountId}:volume/*`, context: { 'aws:RequestTag/ebs.csi.aws.com/cluster': 'true' } }],
    ['aws-node', 'the VPC CNI', { action: 'ec2:AssignPrivateIpAddresses', resource: `arn:aws:ec2:${environment.region}:${environment.accountId}:network-interface/eni-0123` }],
  ] as const) {
    const w = model.inventory.workloads.find((x) => x.kind === 'eks-addon' && x.cluster === cluster && x.serviceAccount === serviceAccount)!;
    rows.push(row(who, [w.roleArn], [
      allowed(`${call.action.split(':')[1]} for its pods`, (m) => isAllow(m.evaluate({ principal: w, action: call.action, resource: call.resource, context: 'context' in call ? call.context : {} }))),
      denied('read a secret', (m) => isAllow(m.evaluate({ principal: w, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/app`, environment.region, environment.accountId) }))),
    ]));
  }
  const node = model.inventory.workloads.find((w) => w.kind === 'eks-node' && w.cluster === cluster);
  if (node) {
    rows.push(row('the nodes (kubelet, image pulls, the SSM agent)', [node.roleArn], [
      allowed('pull the app image', (m) => isAllow(m.evaluate({ principal: node, action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:${environment.region}:${environment.accountId}:repository/hexabid/api` }))),
      allowed("carry the tunnel (the SSM agent's data channel)", (m) => isAllow(m.evaluate({ principal: node, action: 'ssmmessages:OpenDataChannel', resource: '*' }))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: node, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
    ]));
  }

  // Functions: the alarm forwarder, the rotation functions.
  const forwarder = model.inventory.workloads.find((w) => w.kind === 'lambda' && w.name === `${cluster}-alarm-forwarder` && w.account === environment.accountId);
  if (forwarder) {
    rows.push(row('the alarm forwarder', [forwarder.roleArn], [
      allowed('read the receivers\' credentials', (m) => isAllow(m.evaluate({ principal: forwarder, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/alerting/slack-webhook-url`, environment.region, environment.accountId) }))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: forwarder, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
    ]));
  }
  const master = at.secret(`${prefix}/database/master`, environment.region, environment.accountId);
  const watchForwarder = model.inventory.workloads.find((w) => w.kind === 'lambda' && w.name === `${cluster}-us-east-1-alarm-forwarder` && w.account === environment.accountId);
  if (watchForwarder) {
    rows.push(row('the us-east-1 alarm forwarder (pages while the primary region is down)', [watchForwarder.roleArn], [
      allowed("read its copy of the receivers' credentials in us-east-1", (m) => {
        const copy = at.secret(`${prefix}/alerting/pagerduty-routing-key`, watchForwarder.region, environment.accountId);
        const key = m.resource(copy).kmsKeyArn;
        return isAllow(m.evaluate({ principal: watchForwarder, action: 'secretsmanager:GetSecretValue', resource: copy })) && (!key || isAllow(m.evaluate({ principal: watchForwarder, action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': `secretsmanager.${watchForwarder.region}.amazonaws.com` } })));
      }),
      denied(`read the receivers' credentials in ${environment.region} (it must not need that region)`, (m) => isAllow(m.evaluate({ principal: watchForwarder, action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/alerting/pagerduty-routing-key`, environment.region, environment.accountId) }))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: watchForwarder, action: 'secretsmanager:GetSecretValue', resource: master }))),
    ]));
  }
  const replicationCheck = model.inventory.workloads.find((w) => w.kind === 'lambda' && w.name === `${cluster}-secret-replication-check` && w.account === environment.accountId);
  if (replicationCheck) {
    rows.push(row("the secret replication check", [replicationCheck.roleArn], [
      allowed("describe the database master secret (its replicas' status)", (m) => isAllow(m.evaluate({ principal: replicationCheck, action: 'secretsmanager:DescribeSecret', resource: master }))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: replicationCheck, action: 'secretsmanager:GetSecretValue', resource: master }))),
      denied('change the database master secret', (m) => isAllow(m.evaluate({ principal: replicationCheck, action: 'secretsmanager:PutSecretValue', resource: master }))),
    ]));
  }
  for (const rotation of model.inventory.workloads.filter((w) => w.kind === 'rotation-function' && w.stack === infrastructureStackName(environment))) {
    const secretName = rotation.name.endsWith('single-user') ? `${prefix}/database/master` : `${prefix}/database/app`;
    const secret = at.secret(secretName, environment.region, environment.accountId);
    const replicaRegion = environment.disasterRecovery ? environment.documents.replicationRegion : undefined;
    rows.push(row(`the ${rotation.name.endsWith('single-user') ? 'single' : 'alternating'}-user rotation function`, [rotation.roleArn], [
      allowed(`rotate ${secretName}: write its new version, encrypted with its key`, (m) => {
        const key = m.resource(secret).kmsKeyArn;
        return isAllow(m.evaluate({ principal: rotation, action: 'secretsmanager:PutSecretValue', resource: secret })) && (!key || isAllow(m.evaluate({ principal: rotation, action: 'kms:GenerateDataKey', resource: key, context: { 'kms:ViaService': `secretsmanager.${environment.region}.amazonaws.com` } })));
      }),
      ...(replicaRegion
        ? [
            allowed(`encrypt the copy in ${replicaRegion} with the replica key (Secrets Manager writes it as the rotation's caller)`, (m) => {
              // The key is the one the secret's copy in that region is encrypted with.
              const replicaKey = m.resource(at.secret(secretName, replicaRegion, environment.accountId)).kmsKeyArn;
              return !!replicaKey && isAllow(m.evaluate({ principal: rotation, action: 'kms:GenerateDataKey', resource: replicaKey, context: { 'kms:ViaService': `secretsmanager.${replicaRegion}.amazonaws.com` } }));
            }),
          ]
        : []),
      denied(`rotate ${prefix}/grafana/admin, which is not its secret`, (m) => {
        const grafanaAdmin = m.findResources((r) => r.type === 'aws_secretsmanager_secret' && r.region === environment.region && r.account === environment.accountId && r.arn.includes(`:secret:${prefix}/grafana/admin-`))[0];
        return !!grafanaAdmin && isAllow(m.evaluate({ principal: rotation, action: 'secretsmanager:PutSecretValue', resource: grafanaAdmin.arn }));
      }),
    ]));
  }

  // Roles AWS services assume.
  const service = (name: string, who: string, servicePrincipal: string) => {
    if (!hasRole(name)) return;
    rows.push(row(who, [roleOf(name)], [
      allowed(`be assumed by ${servicePrincipal}`, (m) => isAllow(m.canAssume(servicePrincipal, roleOf(name), { context: { 'aws:SourceAccount': environment.accountId } }))),
      denied('be assumed by the app', (m) => isAllow(m.canAssume(api, roleOf(name)))),
      denied('read the database master secret', (m) => isAllow(m.evaluate({ principal: roleOf(name), action: 'secretsmanager:GetSecretValue', resource: at.secret(`${prefix}/database/master`, environment.region, environment.accountId) }))),
    ]));
  };
  service(`${cluster}-cluster`, 'the EKS cluster', 'eks.amazonaws.com');
  service(`${cluster}-rds-monitoring`, "RDS's enhanced monitoring", 'monitoring.rds.amazonaws.com');
  service(`${cluster}-vpc-flow-logs`, 'VPC flow logs', 'vpc-flow-logs.amazonaws.com');
  service(`${cluster}-documents-replication`, "the documents' replication", 's3.amazonaws.com');
  service(`${cluster}-search-snapshots-replication`, "the search snapshots' replication", 's3.amazonaws.com');
  // dev's NAT instance: Session Manager's core policy and nothing else.
  service(`${cluster}-nat`, 'the NAT instance (Session Manager only)', 'ec2.amazonaws.com');
  // A database stopped out of hours: EventBridge Scheduler stops and starts it, and may do nothing else to it.
  if (hasRole(`${cluster}-rds-schedule`)) {
    const scheduler = roleOf(`${cluster}-rds-schedule`);
    const database = `arn:aws:rds:${environment.region}:${environment.accountId}:db:${cluster}`;
    rows.push(row("the database's stop and start schedules (EventBridge Scheduler)", [scheduler], [
      allowed('be assumed by scheduler.amazonaws.com', (m) => isAllow(m.canAssume('scheduler.amazonaws.com', scheduler, { context: { 'aws:SourceAccount': environment.accountId } }))),
      allowed('stop and start the database', (m) => ['rds:StopDBInstance', 'rds:StartDBInstance'].every((action) => isAllow(m.evaluate({ principal: scheduler, action, resource: database })))),
      denied('modify or delete the database', (m) => ['rds:ModifyDBInstance', 'rds:DeleteDBInstance'].some((action) => isAllow(m.evaluate({ principal: scheduler, action, resource: database })))),
      denied('be assumed by the app', (m) => isAllow(m.canAssume(api, scheduler))),
    ]));
  }
  return rows;
}

/** The paths the issue names, across every identity: asked of every role and token at once. */
function crossCuttingRows(
  at: Lookup,
  p: ProductionTargets & { nonProductionAccount: AccountConfig; nonProduction: readonly EnvironmentConfig[] },
): AccessRow[] {
  const model = at.model;
  const nonProductionRoles = model.roles.filter((r) => r.account === p.nonProductionAccount.accountId).map((r) => r.arn);
  const productionRole = (arn: string) => arn.split(':')[4] === p.productionAccount.accountId;
  const prTokens = ACCOUNTS.map((a) => githubToken(a, 'pull_request'));
  return [
    {
      who: 'pull-request code (any GitHub token of a pull request)',
      account: 'nonproduction',
      roleArns: [],
      checks: [
        denied('reach any role of the production account, directly or through a chain', (m) => prTokens.some((token) => m.reachableRoles(token).some((r) => productionRole(r.roleArn)))),
        denied("read production's state, as any role it reaches", (m) => prTokens.some((token) => m.reachableRoles(token).some((r) => isAllow(m.evaluate({ principal: r.roleArn, action: 's3:GetObject', resource: p.productionState }))))),
        denied("read production's database master secret, as any role it reaches", (m) => prTokens.some((token) => m.reachableRoles(token).some((r) => isAllow(m.evaluate({ principal: r.roleArn, action: 'secretsmanager:GetSecretValue', resource: p.productionMaster }))))),
      ],
    },
    {
      who: 'every identity of the non-production account (people, CI, workloads)',
      account: 'nonproduction',
      roleArns: [],
      checks: [
        denied('reach any role of the production account', (m) => nonProductionRoles.some((arn) => m.reachableRoles(arn).some((r) => productionRole(r.roleArn)))),
        denied("read production's state or its database master secret", (m) =>
          nonProductionRoles.some((arn) => isAllow(m.evaluate({ principal: arn, action: 's3:GetObject', resource: p.productionState })) || isAllow(m.evaluate({ principal: arn, action: 'secretsmanager:GetSecretValue', resource: p.productionMaster }))),
        ),
        denied(`change anything of production: ${ROLE_NAMES.platformAdmin}'s trust, its database, its zone`, (m) =>
          nonProductionRoles.some((arn) =>
            isAllow(m.evaluate({ principal: arn, action: 'iam:UpdateAssumeRolePolicy', resource: p.productionAdmin })) ||
            isAllow(m.evaluate({ principal: arn, action: 'rds:DeleteDBInstance', resource: `arn:aws:rds:${p.productionAccount.region}:${p.productionAccount.accountId}:db:hexabid-production` })),
          ),
        ),
      ],
    },
  ];
}

/** The roles of the stacks that no row speaks for: each must get one. */
export function rolesWithoutRow(model: AccessModel, rows: readonly AccessRow[]): string[] {
  const covered = new Set(rows.flatMap((r) => r.roleArns));
  return model.roles.map((r) => r.arn).filter((arn) => !covered.has(arn)).sort();
}

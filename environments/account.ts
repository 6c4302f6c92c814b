/**
 * HexaBid's two AWS accounts, and every identity derived from them: the one
 * place to set them. Production (and its standby) runs in an account of its
 * own, apart from dev and staging, so no identity of a non-production
 * environment can reach anything of production: nothing in the production
 * account trusts the other account (docs/ACCESS.md). Each account has a
 * bootstrap stack that creates its state bucket, roles and registries under
 * the names computed here, and every environment refers to them by the same
 * names.
 */
import type { StateBackendConfig } from './types.ts';

/** The accounts, by the short name their bootstrap stack carries (`hexabid-bootstrap-<name>`). */
export type AccountName = 'production' | 'nonproduction';

/**
 * AWS's documentation example accounts. A fresh clone synthesizes against
 * them; `allowed_account_ids` then refuses to plan against any real account,
 * so nothing can be built until the real IDs are set below.
 */
export const EXAMPLE_ACCOUNT_IDS: Readonly<Record<AccountName, string>> = { nonproduction: '111122223333', production: '444455556666' };

/**
 * Who may assume a person's role: IAM principal ARNs, with `*` wildcards
 * (`aws:PrincipalArn` patterns). An IAM Identity Center permission set's role
 * in this account is the usual one: Identity Center has already asked for
 * MFA. An IAM user must also have signed in with MFA, or the role refuses it.
 */
export interface OperatorPrincipals {
  /** Platform operators: the account's administrators and cluster-admin in every cluster. */
  readonly platformAdmin: readonly string[];
  /** Developers: their environments' app namespaces and container logs. */
  readonly developer: readonly string[];
  /** Support and audit: read the account, never state. */
  readonly readOnly: readonly string[];
}

export interface AccountConfig {
  readonly name: AccountName;
  /** The 12-digit ID of the account. */
  readonly accountId: string;
  /** Where HexaBid runs, and where state and images live. */
  readonly region: string;
  /** The disaster-recovery region; opt-in regions are enabled by the bootstrap stack. */
  readonly drRegion: string;
  /** `owner/name` of the GitHub repository whose workflows plan and apply these stacks. */
  readonly githubRepository: string;
  /** `owner/name` of the app's GitHub repository, whose main-branch workflow pushes images and asks for a deploy. */
  readonly appRepository: string;
  /** Teams of the GitHub organization whose members approve a production deploy or a failover (`npm run github:setup`). */
  readonly githubApproverTeams: readonly string[];
  /** The registered domain HexaBid serves; every environment's zone is this one or below it. */
  readonly apexDomain: string;
  /**
   * Whether the production bootstrap creates the domain's public hosted zone.
   * Set false when the zone already exists in the production account and is
   * managed elsewhere; the environments look it up by name either way.
   */
  readonly createApexZone: boolean;
  /** Who may assume each person's role. */
  readonly operators: OperatorPrincipals;
}

/** The settings the accounts share. */
const SHARED = {
  region: 'ap-south-1',
  drRegion: 'ap-south-2',
  githubRepository: 'hexabid/hexabid-infrastructure',
  appRepository: 'hexabid/hexabid',
  githubApproverTeams: ['platform'],
  apexDomain: 'hexabid.in',
  createApexZone: true,
} as const;

/** The IAM Identity Center permission set roles of an account (`AWSReservedSSO_<set>_<suffix>`), by permission set name. */
export function identityCenterRoles(accountId: string, permissionSet: string): string {
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_${permissionSet}_*`;
}

function account(name: AccountName, accountId: string): AccountConfig {
  return {
    ...SHARED,
    name,
    accountId,
    operators: {
      platformAdmin: [identityCenterRoles(accountId, 'HexaBidPlatformAdmin')],
      developer: [identityCenterRoles(accountId, 'HexaBidDeveloper')],
      readOnly: [identityCenterRoles(accountId, 'HexaBidReadOnly')],
    },
  };
}

/** dev and staging. Set `accountId` to yours before the first deploy (README, "First deploy"). */
export const NON_PRODUCTION_ACCOUNT: AccountConfig = account('nonproduction', EXAMPLE_ACCOUNT_IDS.nonproduction);

/** production and its standby, production-dr. Set `accountId` to yours before the first deploy. */
export const PRODUCTION_ACCOUNT: AccountConfig = account('production', EXAMPLE_ACCOUNT_IDS.production);

/** Both accounts, in the order their bootstraps apply (docs/BOOTSTRAP.md). */
export const ACCOUNTS: readonly AccountConfig[] = [NON_PRODUCTION_ACCOUNT, PRODUCTION_ACCOUNT];

/**
 * The name servers of the non-production account's reusable delegation set,
 * which serves every non-production environment's zone (`dev.hexabid.in`, ...).
 * The production account's apex zone delegates each of those names to them.
 * Empty until the non-production bootstrap has been applied once: then copy
 * its output `delegation_name_servers` here (docs/BOOTSTRAP.md). Production
 * never reads the other account, so the four names are config.
 */
export const NON_PRODUCTION_NAME_SERVERS: readonly string[] = [];

/** The account an environment (or anything with an `accountId`) belongs to. */
export function accountOf(config: { readonly accountId: string }): AccountConfig {
  const found = ACCOUNTS.find((a) => a.accountId === config.accountId);
  if (!found) throw new Error(`account ${config.accountId} is neither account of environments/account.ts`);
  return found;
}

/** True while any account still names a documentation example. */
export function isExampleAccount(accounts: readonly AccountConfig[] = ACCOUNTS): boolean {
  return accounts.some((a) => Object.values(EXAMPLE_ACCOUNT_IDS).includes(a.accountId));
}

/** Names of the IAM roles each account's bootstrap stack creates. */
export const ROLE_NAMES = {
  /** Platform operators: AWS administrator and cluster-admin in every environment of the account. */
  platformAdmin: 'hexabid-platform-admin',
  /** Support and audit: read-only in AWS, and never state (which holds generated credentials). */
  readOnly: 'hexabid-read-only',
  /** CI's plan role: read-only plus state and the secrets a refresh reads, in its account. */
  ciPlan: 'hexabid-ci-plan',
  /** Developers: their environments' app namespaces and container logs, nothing else. */
  developer: 'hexabid-developer',
  /** The app repository's pipeline: pushes images to ECR, nothing else (the production account's registry). */
  imagePush: 'hexabid-ci-image-push',
} as const;

/** The permissions boundary of every CI apply role: what no apply may do, whatever it is allowed. */
export const CI_APPLY_BOUNDARY_NAME = 'hexabid-ci-apply-boundary';

/** CI's apply role for one environment, assumable only from that GitHub environment. */
export function ciApplyRoleName(environment: string): string {
  return `hexabid-ci-apply-${environment}`;
}

/**
 * The GitHub environment production's plan role trusts: deploys from main
 * only, no approval, so the deploy workflow's production plan and the nightly
 * drift plan run there, and pull requests never can.
 */
export const PRODUCTION_PLAN_GITHUB_ENVIRONMENT = 'production-plan';

/** An IAM role's ARN in an account. */
export function roleArn(roleName: string, account: AccountConfig): string {
  return `arn:aws:iam::${account.accountId}:role/${roleName}`;
}

/**
 * Who administers an environment's cluster: its account's platform admins,
 * and the CI role that applies that environment (Helm installs cluster-scoped objects).
 */
export function clusterAdminRoleArns(environment: string, account: AccountConfig): string[] {
  return [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ciApplyRoleName(environment), account)];
}

/** Who may read an environment's cluster without changing it: support and audit. */
export function clusterViewRoleArns(account: AccountConfig): string[] {
  return [roleArn(ROLE_NAMES.readOnly, account)];
}

/** Developers: edit in a non-production app namespace, view without secrets in production's. */
export function clusterDeveloperRoleArns(account: AccountConfig): string[] {
  return [roleArn(ROLE_NAMES.developer, account)];
}

/** Who plans an environment's Kubernetes stack: its account's CI plan role. */
export function clusterPlanRoleArns(account: AccountConfig): string[] {
  return [roleArn(ROLE_NAMES.ciPlan, account)];
}

/**
 * Where a stack keeps its state: its account's bucket in the primary region,
 * or in the DR region for stacks that must work while the primary region is
 * down. Bucket names are global, so the account and region make each unique.
 */
export function stateBackendConfig(account: AccountConfig, region: string = account.region): StateBackendConfig {
  return {
    bucket: `hexabid-tfstate-${account.accountId}-${region}`,
    region,
    kmsKeyId: 'alias/hexabid-terraform-state',
  };
}

/** The app's images, one ECR repository each. */
export const IMAGE_COMPONENTS = ['api', 'worker', 'frontend', 'scraper'] as const;
export type ImageComponent = (typeof IMAGE_COMPONENTS)[number];

/** The namespace of the app's ECR repositories: registry policies and replica templates cover `<prefix>/*`. */
export const IMAGE_REPOSITORY_PREFIX = 'hexabid';

/** The ECR repository name of a component's image. */
export function imageRepositoryName(component: ImageComponent): string {
  return `${IMAGE_REPOSITORY_PREFIX}/${component}`;
}

/**
 * An account's private registry host in a region. The app's pipeline pushes
 * to the production account's registry in the primary region; ECR replicates
 * every image to the DR region and to the non-production account, so each
 * environment pulls from its own account and region.
 */
export function imageRegistry(account: AccountConfig, region: string = account.region): string {
  return `${account.accountId}.dkr.ecr.${region}.amazonaws.com`;
}

/**
 * The service account of the job that maps the app's role inside OpenSearch.
 * The infrastructure stack lets it assume the domain's master role, and the
 * Kubernetes stack runs the job under it.
 */
export const OPENSEARCH_SECURITY_SERVICE_ACCOUNT = 'opensearch-security';

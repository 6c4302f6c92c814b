/**
 * The AWS account HexaBid runs in, and every identity derived from it: the
 * one place to set the account. The bootstrap stack creates the state bucket,
 * the roles and the image repositories under the names computed here, and
 * every environment refers to them by the same names.
 */
import type { StateBackendConfig } from './types.ts';

/**
 * AWS's documentation example account. A fresh clone synthesizes against it;
 * `allowed_account_ids` then refuses to plan against any real account, so
 * nothing can be built until the real ID is set below.
 */
export const EXAMPLE_ACCOUNT_ID = '111122223333';

export interface AccountConfig {
  /** The 12-digit ID of the one account every stack may be applied to. */
  readonly accountId: string;
  /** Where HexaBid runs, and where state and images live. */
  readonly region: string;
  /** The disaster-recovery region; opt-in regions are enabled by the bootstrap stack. */
  readonly drRegion: string;
  /** `owner/name` of the GitHub repository whose workflows plan and apply these stacks. */
  readonly githubRepository: string;
  /** `owner/name` of the app's GitHub repository, whose main-branch workflow pushes images and asks for a deploy. */
  readonly appRepository: string;
  /** The registered domain HexaBid serves; every environment's zone is this one or below it. */
  readonly apexDomain: string;
  /**
   * Whether the bootstrap stack creates the domain's public hosted zone. Set
   * false when the zone already exists and is managed elsewhere; the
   * environments look it up by name either way.
   */
  readonly createApexZone: boolean;
}

/** HexaBid's account. Set `accountId` to yours before the first deploy (README, "First deploy"). */
export const ACCOUNT: AccountConfig = {
  accountId: EXAMPLE_ACCOUNT_ID,
  region: 'ap-south-1',
  drRegion: 'ap-south-2',
  githubRepository: 'hexabid/hexabid-infrastructure',
  appRepository: 'hexabid/hexabid',
  apexDomain: 'hexabid.in',
  createApexZone: true,
};

/** True while the config still names the documentation example account. */
export function isExampleAccount(account: AccountConfig = ACCOUNT): boolean {
  return account.accountId === EXAMPLE_ACCOUNT_ID;
}

/** Names of the IAM roles the bootstrap stack creates. */
export const ROLE_NAMES = {
  /** Platform operators: AWS administrator and cluster-admin in every environment. */
  platformAdmin: 'hexabid-platform-admin',
  /** Support and audit: read-only in AWS, and never state (which holds generated credentials). */
  readOnly: 'hexabid-read-only',
  /** CI's plan role for pull requests and drift checks: read-only plus state read. */
  ciPlan: 'hexabid-ci-plan',
  /** Developers: edit in each app namespace, read nothing else of the clusters. */
  developer: 'hexabid-developer',
  /** The app repository's pipeline: pushes images to ECR, nothing else. */
  imagePush: 'hexabid-ci-image-push',
} as const;

/** CI's apply role for one environment, assumable only from that GitHub environment. */
export function ciApplyRoleName(environment: string): string {
  return `hexabid-ci-apply-${environment}`;
}

/** An IAM role's ARN in the account. */
export function roleArn(roleName: string, account: AccountConfig = ACCOUNT): string {
  return `arn:aws:iam::${account.accountId}:role/${roleName}`;
}

/**
 * Who administers an environment's cluster: the platform admins, and the CI
 * role that applies that environment (Helm installs cluster-scoped objects).
 */
export function clusterAdminRoleArns(environment: string, account: AccountConfig = ACCOUNT): string[] {
  return [roleArn(ROLE_NAMES.platformAdmin, account), roleArn(ciApplyRoleName(environment), account)];
}

/** Who may read an environment's cluster without changing it: support and audit. */
export function clusterViewRoleArns(account: AccountConfig = ACCOUNT): string[] {
  return [roleArn(ROLE_NAMES.readOnly, account)];
}

/** Who may change what runs in an environment's app namespace, and nothing else of its cluster: developers. */
export function clusterDeveloperRoleArns(account: AccountConfig = ACCOUNT): string[] {
  return [roleArn(ROLE_NAMES.developer, account)];
}

/** Who plans an environment's Kubernetes stack: CI's plan role, for pull requests and drift checks. */
export function clusterPlanRoleArns(account: AccountConfig = ACCOUNT): string[] {
  return [roleArn(ROLE_NAMES.ciPlan, account)];
}

/**
 * Where a stack keeps its state: the primary region's bucket, or the DR
 * region's for stacks that must work while the primary region is down. Bucket
 * names are global, so the account and region make each unique.
 */
export function stateBackendConfig(account: AccountConfig = ACCOUNT, region: string = account.region): StateBackendConfig {
  return {
    bucket: `hexabid-tfstate-${account.accountId}-${region}`,
    region,
    kmsKeyId: 'alias/hexabid-terraform-state',
  };
}

/** The app's images, one ECR repository each. */
export const IMAGE_COMPONENTS = ['api', 'worker', 'frontend', 'scraper'] as const;
export type ImageComponent = (typeof IMAGE_COMPONENTS)[number];

/** The ECR repository name of a component's image. */
export function imageRepositoryName(component: ImageComponent): string {
  return `hexabid/${component}`;
}

/** The account's private registry host in a region: the primary's, or the DR region's replica of it. */
export function imageRegistry(account: AccountConfig = ACCOUNT, region: string = account.region): string {
  return `${account.accountId}.dkr.ecr.${region}.amazonaws.com`;
}

/** The namespace of the platform's own workloads (monitoring, logging, the search security job). */
export const SYSTEM_NAMESPACE = 'hexabid-system';

/**
 * The service account of the job that maps the app's role inside OpenSearch.
 * The infrastructure stack lets it assume the domain's master role, and the
 * Kubernetes stack runs the job under it.
 */
export const OPENSEARCH_SECURITY_SERVICE_ACCOUNT = 'opensearch-security';

/**
 * Sets the repository's GitHub settings that CI's safety rests on, before any
 * role trusts them (docs/FIRST-DEPLOY.md, step 2): the environments CI's roles
 * trust (each deploys from main only; production's and its standby's need an
 * approval from the approver teams, never the requester's own), main's branch
 * protection (a pull request, an approving review and the Plan gate), and the
 * allow-data-loss label. Run with a token that may administer the repository:
 *
 *   GITHUB_TOKEN=$(gh auth token) npm run github:setup
 *   npm run github:setup -- --print     # the settings, without calling GitHub
 *
 * Idempotent: a second run changes nothing.
 */
import { ACCOUNTS, ciApplyRoleName, PRODUCTION_PLAN_GITHUB_ENVIRONMENT, ROLE_NAMES } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { ensureLabel, protectBranch, protectEnvironments, type BranchRule, type GithubEnvironmentRule, type LabelRule } from '../github-settings.ts';
import { ALLOW_LABEL } from '../../plan-summary/summarize.ts';
import { GitHub, GitHubApiError } from '../pr-comment.ts';
import { startCli, UsageError, type CliDefinition } from '../../../lib/cli.ts';

const USAGE = 'usage: GITHUB_TOKEN=<token with admin on the repository> npm run github:setup [-- --print]';

/** Every GitHub environment a role trusts, and its rule: from the same config as the roles. */
export function githubEnvironmentRules(): GithubEnvironmentRule[] {
  const production = ACCOUNTS.find((a) => ENVIRONMENTS.some((e) => e.isProduction && e.accountId === a.accountId))!;
  return [
    ...ENVIRONMENTS.map((e) => ({
      name: e.name,
      branches: ['main'],
      reviewerTeams: e.isProduction ? production.githubApproverTeams : [],
      purpose: `trusted by ${ciApplyRoleName(e.name)}`,
    })),
    { name: PRODUCTION_PLAN_GITHUB_ENVIRONMENT, branches: ['main'], reviewerTeams: [], purpose: `trusted by the production account's ${ROLE_NAMES.ciPlan}` },
  ];
}

/** Main's protection: the pull request workflow's one required check, and a review. */
export const MAIN_BRANCH_RULE: BranchRule = { branch: 'main', requiredChecks: ['Plan gate'], requiredApprovals: 1 };

/** The label that lets a pull request's plans destroy or replace data (docs/DELIVERY.md). */
export const ALLOW_DATA_LOSS_LABEL: LabelRule = { name: ALLOW_LABEL, color: 'B60205', description: "Allows this PR's plans to destroy or replace data" };

function parse(args: readonly string[]): { print: boolean } {
  const unknown = args.find((a) => a !== '--print');
  if (unknown !== undefined) throw new UsageError(unknown.startsWith('-') ? `unknown option ${unknown}` : `unexpected argument "${unknown}"`);
  return { print: args.includes('--print') };
}

async function run({ print }: { print: boolean }): Promise<void> {
  const rules = githubEnvironmentRules();
  if (print) {
    for (const rule of rules) console.log(`${rule.name}: from ${rule.branches.join(', ')} only${rule.reviewerTeams.length > 0 ? `, approved by ${rule.reviewerTeams.join(', ')}` : ''}; ${rule.purpose}`);
    console.log(`${MAIN_BRANCH_RULE.branch}: a pull request with ${MAIN_BRANCH_RULE.requiredApprovals} approving review and ${MAIN_BRANCH_RULE.requiredChecks.join(', ')} passed`);
    console.log(`label ${ALLOW_DATA_LOSS_LABEL.name}: ${ALLOW_DATA_LOSS_LABEL.description}`);
    return;
  }
  const token = process.env.GITHUB_TOKEN;
  if (!token) throw new UsageError('GITHUB_TOKEN is not set: GITHUB_TOKEN=$(gh auth token) npm run github:setup');
  const github = new GitHub({ apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', token, repository: ACCOUNTS[0]!.githubRepository, fetch });
  for (const line of await protectEnvironments(github, rules)) console.log(line);
  console.log(await protectBranch(github, MAIN_BRANCH_RULE));
  console.log(await ensureLabel(github, ALLOW_DATA_LOSS_LABEL));
}

export const cli: CliDefinition<{ print: boolean }> = { usage: USAGE, parse, run, exitCodeOf: (error) => (error instanceof GitHubApiError ? 1 : undefined) };
if (require.main === module) startCli(cli);

/**
 * Creates and protects the GitHub environments CI's roles trust, before any
 * role trusts them (docs/BOOTSTRAP.md, step 1): each environment and
 * production's plan environment deploy from main only, and production's and
 * its standby's need an approval from the approver teams, never the
 * requester's own. Run with a token that may administer the repository:
 *
 *   GITHUB_TOKEN=$(gh auth token) npm run github:environments
 *   npm run github:environments -- --print     # the rules, without calling GitHub
 *
 * Idempotent: a second run changes nothing.
 */
import { ACCOUNTS, ciApplyRoleName, PRODUCTION_PLAN_GITHUB_ENVIRONMENT, ROLE_NAMES } from '../environments/account.ts';
import { ENVIRONMENTS } from '../environments/index.ts';
import { protectEnvironments, type GithubEnvironmentRule } from '../lib/ci/github-environments.ts';
import { GitHub, GitHubApiError } from '../lib/ci/pr-comment.ts';
import { startCli, UsageError, type CliDefinition } from '../lib/cli.ts';

const USAGE = 'usage: GITHUB_TOKEN=<token with admin on the repository> npm run github:environments [-- --print]';

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

function parse(args: readonly string[]): { print: boolean } {
  const unknown = args.find((a) => a !== '--print');
  if (unknown !== undefined) throw new UsageError(unknown.startsWith('-') ? `unknown option ${unknown}` : `unexpected argument "${unknown}"`);
  return { print: args.includes('--print') };
}

async function run({ print }: { print: boolean }): Promise<void> {
  const rules = githubEnvironmentRules();
  if (print) {
    for (const rule of rules) console.log(`${rule.name}: from ${rule.branches.join(', ')} only${rule.reviewerTeams.length > 0 ? `, approved by ${rule.reviewerTeams.join(', ')}` : ''}; ${rule.purpose}`);
    return;
  }
  const token = process.env.GITHUB_TOKEN;
  if (!token) throw new UsageError('GITHUB_TOKEN is not set: GITHUB_TOKEN=$(gh auth token) npm run github:environments');
  const github = new GitHub({ apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', token, repository: ACCOUNTS[0]!.githubRepository, fetch });
  for (const line of await protectEnvironments(github, rules)) console.log(line);
}

export const cli: CliDefinition<{ print: boolean }> = { usage: USAGE, parse, run, exitCodeOf: (error) => (error instanceof GitHubApiError ? 1 : undefined) };
if (require.main === module) startCli(cli);

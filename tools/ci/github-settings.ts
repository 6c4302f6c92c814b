/**
 * The GitHub settings CI's safety rests on, set by code rather than by hand:
 *
 * - the environments CI's roles trust, protected before any role trusts them.
 *   GitHub creates an environment, unprotected, the first time a job names
 *   it, so a role that trusts `environment:<name>` is only as safe as that
 *   environment's rules: here every one deploys from main only, and those of
 *   production need a reviewer other than the person who asked;
 * - main's branch protection: a pull request with an approving review and the
 *   Plan gate, for administrators too;
 * - the label a pull request carries to let its plans destroy data.
 */
import { GitHubApiError, type GitHub } from './pr-comment.ts';

/** What one GitHub environment must enforce. */
export interface GithubEnvironmentRule {
  readonly name: string;
  /** The only branches whose workflow runs may use the environment. */
  readonly branches: readonly string[];
  /** Team slugs of the organization whose members must approve each run; empty for none. */
  readonly reviewerTeams: readonly string[];
  /** Why the environment exists: which role trusts it. */
  readonly purpose: string;
}

interface BranchPolicy {
  readonly id: number;
  readonly name: string;
  readonly type?: string;
}

/**
 * Creates or updates each environment to its rule: reviewers (with self-review
 * refused), and a deployment branch policy that admits exactly the named
 * branches. Returns what it did, a line per environment.
 */
export async function protectEnvironments(github: GitHub, rules: readonly GithubEnvironmentRule[]): Promise<string[]> {
  const done: string[] = [];
  const teamIds = new Map<string, number>();
  for (const rule of rules) {
    for (const slug of rule.reviewerTeams) {
      if (!teamIds.has(slug)) {
        const team = (await github.request('GET', `/orgs/${encodeURIComponent(github.owner)}/teams/${encodeURIComponent(slug)}`)) as { id: number };
        teamIds.set(slug, team.id);
      }
    }
    const reviewers = rule.reviewerTeams.map((slug) => ({ type: 'Team', id: teamIds.get(slug)! }));
    const path = github.repoPath(`/environments/${encodeURIComponent(rule.name)}`);
    await github.request('PUT', path, {
      wait_timer: 0,
      prevent_self_review: reviewers.length > 0,
      reviewers,
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    const existing = ((await github.request('GET', `${path}/deployment-branch-policies`)) as { branch_policies: BranchPolicy[] }).branch_policies;
    for (const policy of existing) {
      if (policy.type === 'tag' || !rule.branches.includes(policy.name)) await github.request('DELETE', `${path}/deployment-branch-policies/${policy.id}`);
    }
    for (const branch of rule.branches) {
      if (!existing.some((p) => p.name === branch && p.type !== 'tag')) await github.request('POST', `${path}/deployment-branch-policies`, { name: branch, type: 'branch' });
    }
    done.push(`${rule.name}: from ${rule.branches.join(', ')} only${reviewers.length > 0 ? `, approved by ${rule.reviewerTeams.join(', ')} (not by whoever asked)` : ''}; ${rule.purpose}`);
  }
  return done;
}

/** Main's protection: what a change needs before it merges, and so before it deploys. */
export interface BranchRule {
  readonly branch: string;
  /** Status checks (job names) that must pass on the pull request's latest commit. */
  readonly requiredChecks: readonly string[];
  readonly requiredApprovals: number;
}

/** Sets the branch's protection to the rule, replacing what was there; administrators are held to it too. */
export async function protectBranch(github: GitHub, rule: BranchRule): Promise<string> {
  await github.request('PUT', github.repoPath(`/branches/${encodeURIComponent(rule.branch)}/protection`), {
    required_status_checks: { strict: true, checks: rule.requiredChecks.map((context) => ({ context })) },
    enforce_admins: true,
    required_pull_request_reviews: { required_approving_review_count: rule.requiredApprovals, dismiss_stale_reviews: true },
    restrictions: null,
    allow_force_pushes: false,
    allow_deletions: false,
  });
  return `${rule.branch}: merges through a pull request with ${rule.requiredApprovals} approving review${rule.requiredApprovals === 1 ? '' : 's'} and ${rule.requiredChecks.join(', ')} passed, administrators included`;
}

/** A label the workflows read. */
export interface LabelRule {
  readonly name: string;
  /** Six hex digits, without `#`. */
  readonly color: string;
  readonly description: string;
}

/** Creates the label, or sets its colour and description when it exists. */
export async function ensureLabel(github: GitHub, label: LabelRule): Promise<string> {
  const path = github.repoPath(`/labels/${encodeURIComponent(label.name)}`);
  try {
    await github.request('GET', path);
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    await github.request('POST', github.repoPath('/labels'), label);
    return `label ${label.name}: created`;
  }
  await github.request('PATCH', path, { color: label.color, description: label.description });
  return `label ${label.name}: up to date`;
}

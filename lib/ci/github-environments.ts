/**
 * The GitHub environments CI's roles trust, protected before any role trusts
 * them. GitHub creates an environment, unprotected, the first time a job
 * names it, so a role that trusts `environment:<name>` is only as safe as that
 * environment's rules: here every one deploys from main only, and those of
 * production need a reviewer other than the person who asked.
 */
import type { GitHub } from './pr-comment.ts';

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

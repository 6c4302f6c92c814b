import { describe, expect, it } from 'vitest';
import { ACCOUNTS, ciApplyRoleName, PRODUCTION_PLAN_GITHUB_ENVIRONMENT } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { protectEnvironments } from '../../lib/ci/github-environments.ts';
import { GitHub, type FetchInit } from '../../lib/ci/pr-comment.ts';
import { githubEnvironmentRules } from '../../scripts/github-environments.ts';

/** A GitHub that records each call and answers from `existing` branch policies and one team. */
function fakeGitHub(existing: Record<string, { id: number; name: string; type: string }[]> = {}) {
  const calls: string[] = [];
  const github = new GitHub({
    apiUrl: 'https://api.github.test',
    token: 't',
    repository: 'hexabid/hexabid-infrastructure',
    fetch: async (url: string, init?: FetchInit) => {
      const path = url.replace('https://api.github.test', '');
      calls.push(`${init?.method ?? 'GET'} ${path}${init?.body ? ` ${init.body}` : ''}`);
      const policies = /\/environments\/([^/]+)\/deployment-branch-policies$/.exec(path);
      const body = path.startsWith('/orgs/') ? { id: 42, slug: 'platform' } : policies ? { branch_policies: existing[decodeURIComponent(policies[1]!)] ?? [] } : {};
      return { ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, text: async () => JSON.stringify(body) };
    },
  });
  return { github, calls };
}

describe('the GitHub environments CI trusts (npm run github:environments)', () => {
  it('covers every environment an apply role trusts, and production\'s plan environment, each from main only', () => {
    const rules = githubEnvironmentRules();
    expect(rules.map((r) => r.name).sort()).toEqual([...ENVIRONMENTS.map((e) => e.name), PRODUCTION_PLAN_GITHUB_ENVIRONMENT].sort());
    for (const rule of rules) expect(rule.branches).toEqual(['main']);
    for (const environment of ENVIRONMENTS) {
      const rule = rules.find((r) => r.name === environment.name)!;
      expect(rule.purpose).toContain(ciApplyRoleName(environment.name));
      // Production and its standby need an approver; dev and staging deploy on merge.
      expect(rule.reviewerTeams.length > 0, environment.name).toBe(environment.isProduction);
    }
    expect(rules.find((r) => r.name === PRODUCTION_PLAN_GITHUB_ENVIRONMENT)!.reviewerTeams).toEqual([]);
    expect(ACCOUNTS.every((a) => a.githubApproverTeams.length > 0)).toBe(true);
  });

  it('sets reviewers (never the requester) and exactly the named branches, deleting any other policy', async () => {
    const { github, calls } = fakeGitHub({ production: [{ id: 7, name: 'release/*', type: 'branch' }, { id: 8, name: 'main', type: 'branch' }] });
    const done = await protectEnvironments(github, [{ name: 'production', branches: ['main'], reviewerTeams: ['platform'], purpose: 'trusted by x' }]);
    expect(calls).toEqual([
      'GET /orgs/hexabid/teams/platform',
      'PUT /repos/hexabid/hexabid-infrastructure/environments/production {"wait_timer":0,"prevent_self_review":true,"reviewers":[{"type":"Team","id":42}],"deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}}',
      'GET /repos/hexabid/hexabid-infrastructure/environments/production/deployment-branch-policies',
      'DELETE /repos/hexabid/hexabid-infrastructure/environments/production/deployment-branch-policies/7',
    ]);
    expect(done).toEqual(['production: from main only, approved by platform (not by whoever asked); trusted by x']);
  });

  it('creates the branch policy an environment lacks', async () => {
    const { github, calls } = fakeGitHub();
    await protectEnvironments(github, [{ name: 'dev', branches: ['main'], reviewerTeams: [], purpose: 'p' }]);
    expect(calls.at(-1)).toBe('POST /repos/hexabid/hexabid-infrastructure/environments/dev/deployment-branch-policies {"name":"main","type":"branch"}');
    expect(calls[0]).toContain('"prevent_self_review":false,"reviewers":[]');
  });
});

import { describe, expect, it } from 'vitest';
import { ACCOUNTS, ciApplyRoleName, PRODUCTION_PLAN_GITHUB_ENVIRONMENT } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureLabel, protectBranch, protectEnvironments } from '../../../tools/ci/github-settings.ts';
import { GitHub, type FetchInit } from '../../../tools/ci/pr-comment.ts';
import { ALLOW_DATA_LOSS_LABEL, githubEnvironmentRules, MAIN_BRANCH_RULE } from '../../../tools/ci/cli/github-setup.ts';

/** A GitHub that records each call and answers from `existing` branch policies, one team and `labels`. */
function fakeGitHub(existing: Record<string, { id: number; name: string; type: string }[]> = {}, labels: readonly string[] = []) {
  const calls: string[] = [];
  const github = new GitHub({
    apiUrl: 'https://api.github.test',
    token: 't',
    repository: 'hexabid/hexabid-infrastructure',
    fetch: async (url: string, init?: FetchInit) => {
      const path = url.replace('https://api.github.test', '');
      calls.push(`${init?.method ?? 'GET'} ${path}${init?.body ? ` ${init.body}` : ''}`);
      const label = /\/labels\/([^/]+)$/.exec(path);
      if (label && (init?.method ?? 'GET') === 'GET' && !labels.includes(decodeURIComponent(label[1]!))) {
        return { ok: false, status: 404, statusText: 'Not Found', headers: { get: () => null }, text: async () => '{"message":"Not Found"}' };
      }
      const policies = /\/environments\/([^/]+)\/deployment-branch-policies$/.exec(path);
      const body = path.startsWith('/orgs/') ? { id: 42, slug: 'platform' } : policies ? { branch_policies: existing[decodeURIComponent(policies[1]!)] ?? [] } : {};
      return { ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, text: async () => JSON.stringify(body) };
    },
  });
  return { github, calls };
}

describe('the GitHub settings CI relies on (npm run github:setup)', () => {
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

  it("protects main with the pull request workflow's gate job, by its name there, and a review, administrators included", async () => {
    const workflow = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', '.github', 'workflows', 'pull-request.yml'), 'utf8')) as { jobs: Record<string, { name?: string }> };
    const jobNames = Object.values(workflow.jobs).map((j) => j.name);
    for (const check of MAIN_BRANCH_RULE.requiredChecks) expect(jobNames).toContain(check);
    const { github, calls } = fakeGitHub();
    await protectBranch(github, MAIN_BRANCH_RULE);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^PUT \/repos\/hexabid\/hexabid-infrastructure\/branches\/main\/protection /);
    const body = JSON.parse(calls[0]!.slice(calls[0]!.indexOf(' {') + 1));
    expect(body).toMatchObject({
      required_status_checks: { strict: true, checks: [{ context: 'Plan gate' }] },
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 1 },
      allow_force_pushes: false,
    });
  });

  it('creates the allow-data-loss label once, and only updates it after', async () => {
    const fresh = fakeGitHub();
    expect(await ensureLabel(fresh.github, ALLOW_DATA_LOSS_LABEL)).toBe('label allow-data-loss: created');
    expect(fresh.calls.at(-1)).toBe(`POST /repos/hexabid/hexabid-infrastructure/labels ${JSON.stringify(ALLOW_DATA_LOSS_LABEL)}`);
    const again = fakeGitHub({}, ['allow-data-loss']);
    expect(await ensureLabel(again.github, ALLOW_DATA_LOSS_LABEL)).toBe('label allow-data-loss: up to date');
    expect(again.calls.some((c) => c.startsWith('POST'))).toBe(false);
  });
});

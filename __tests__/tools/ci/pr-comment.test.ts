import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { reportDrift, reportSaysNoChanges } from '../../../tools/ci/drift-issue.ts';
import { CommentInputError, GitHub, GitHubApiError, MAX_BODY_CHARS, nextPage, upsertStickyComment, type FetchInit } from '../../../tools/ci/pr-comment.ts';
import { scratchDir } from '../../helpers/synth.ts';

const API = 'https://api.github.test';
const MARKER = '<!-- hexabid-plan:hexabid-dev -->';
const BOT = { login: 'github-actions[bot]', type: 'Bot' };
const HUMAN = { login: 'octocat', type: 'User' };

interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string;
  labels: string[];
  pull_request?: object;
}

/** An in-memory GitHub repository that answers the REST calls the CI tools make, a page at a time. */
class FakeGitHub {
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  readonly calls: { method: string; path: string; body?: Record<string, unknown> }[] = [];
  private nextId = 1000;

  constructor(private readonly pageSize = 100) {}

  readonly github = new GitHub({ apiUrl: API, token: 't0ken', repository: 'hexabid/infra', fetch: (url, init) => this.fetch(url, init) });

  comment(issue: number, body: string, user = BOT): FakeComment {
    const comment = { id: this.nextId++, issue, body, user };
    this.comments.push(comment);
    return comment;
  }

  issue(title: string, options: Partial<FakeIssue> = {}): FakeIssue {
    const issue: FakeIssue = { number: this.nextId++, title, body: 'first report', state: 'open', labels: ['drift'], ...options };
    this.issues.push(issue);
    return issue;
  }

  writes(): string[] {
    return this.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
  }

  private async fetch(url: string, init: FetchInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const { pathname, searchParams } = new URL(url);
    const body = init.body === undefined ? undefined : (JSON.parse(init.body) as Record<string, unknown>);
    this.calls.push({ method, path: pathname + (searchParams.size > 0 ? `?${searchParams}` : ''), ...(body ? { body } : {}) });
    expect(init.headers?.Authorization).toBe('Bearer t0ken');
    const base = '/repos/hexabid/infra';
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(pathname))) {
      return this.page(url, this.comments.filter((c) => c.issue === Number(match![1])).map(commentJson));
    }
    if (method === 'POST' && (match = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(pathname))) {
      return json(201, commentJson(this.comment(Number(match[1]), String(body!.body))));
    }
    if ((match = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(pathname))) {
      const comment = this.comments.find((c) => c.id === Number(match![1]));
      if (!comment) return json(404, { message: 'Not Found' });
      if (method === 'PATCH') {
        comment.body = String(body!.body);
        return json(200, commentJson(comment));
      }
      if (method === 'DELETE') {
        this.comments = this.comments.filter((c) => c !== comment);
        return new Response(null, { status: 204 });
      }
    }
    if (method === 'GET' && pathname === `${base}/issues`) {
      const label = searchParams.get('labels');
      const state = searchParams.get('state');
      return this.page(url, this.issues.filter((i) => i.state === state && (label === null || i.labels.includes(label))).map(issueJson(this)));
    }
    if (method === 'POST' && pathname === `${base}/issues`) {
      const issue = this.issue(String(body!.title), { body: String(body!.body), labels: body!.labels as string[] });
      return json(201, issueJson(this)(issue));
    }
    if (method === 'PATCH' && (match = new RegExp(`^${base}/issues/(\\d+)$`).exec(pathname))) {
      const issue = this.issues.find((i) => i.number === Number(match![1]))!;
      Object.assign(issue, body);
      return json(200, issueJson(this)(issue));
    }
    return json(404, { message: `no route for ${method} ${pathname}` });
  }

  /** Serves one page of a list, with a Link header to the next as GitHub does. */
  private page(url: string, items: unknown[]): Response {
    const parsed = new URL(url);
    const page = Number(parsed.searchParams.get('page') ?? '1');
    const headers: Record<string, string> = {};
    if (page * this.pageSize < items.length) {
      parsed.searchParams.set('page', String(page + 1));
      headers.link = `<${parsed}>; rel="next", <${API}/last>; rel="last"`;
    }
    return json(200, items.slice((page - 1) * this.pageSize, page * this.pageSize), headers);
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function commentJson(c: FakeComment): object {
  return { id: c.id, body: c.body, user: c.user, html_url: `https://github.test/hexabid/infra/pull/${c.issue}#issuecomment-${c.id}` };
}

function issueJson(fake: FakeGitHub): (i: FakeIssue) => object {
  return (i) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    comments: fake.comments.filter((c) => c.issue === i.number).length,
    html_url: `https://github.test/hexabid/infra/issues/${i.number}`,
    ...(i.pull_request ? { pull_request: i.pull_request } : {}),
  });
}

const sticky = (fake: FakeGitHub, issue: number): FakeComment[] => fake.comments.filter((c) => c.issue === issue && c.body.includes(MARKER));

describe('the sticky pull request comment', () => {
  it("creates the comment when there is none, ignoring a person's comment that quotes the marker", async () => {
    const fake = new FakeGitHub();
    fake.comment(7, `> ${MARKER}\n> Plan: 1 to add\nWhy is this adding a bucket?`, HUMAN);
    const result = await upsertStickyComment(fake.github, 7, MARKER, `${MARKER}\nPlan: 1 to add`);
    expect(result).toMatchObject({ action: 'created', deleted: [] });
    expect(fake.writes()).toEqual(['POST /repos/hexabid/infra/issues/7/comments']);
    expect(fake.comments.map((c) => c.user.type)).toEqual(['User', 'Bot']);
    expect(fake.comments[0]!.body).toContain('Why is this adding a bucket?');
  });

  it('edits its earlier comment in place instead of adding one', async () => {
    const fake = new FakeGitHub();
    fake.comment(7, '<!-- hexabid-plan:hexabid-dev-k8s -->\nk8s plan');
    const mine = fake.comment(7, `${MARKER}\nold plan`);
    const result = await upsertStickyComment(fake.github, 7, MARKER, `${MARKER}\nnew plan`);
    expect(result).toMatchObject({ action: 'updated', id: mine.id, deleted: [] });
    expect(fake.writes()).toEqual([`PATCH /repos/hexabid/infra/issues/comments/${mine.id}`]);
    expect(mine.body).toBe(`${MARKER}\nnew plan`);
    // The -k8s stack's marker starts with the same text; its comment is not this one.
    expect(fake.comments[0]!.body).toBe('<!-- hexabid-plan:hexabid-dev-k8s -->\nk8s plan');
  });

  it('leaves an identical comment alone', async () => {
    const fake = new FakeGitHub();
    fake.comment(7, `${MARKER}\nsame plan`);
    expect((await upsertStickyComment(fake.github, 7, MARKER, `${MARKER}\nsame plan`)).action).toBe('unchanged');
    expect(fake.writes()).toEqual([]);
  });

  it('keeps the first of several and deletes the rest, so one is left', async () => {
    const fake = new FakeGitHub();
    const first = fake.comment(7, `${MARKER}\nrun 1`);
    fake.comment(7, 'LGTM', HUMAN);
    const second = fake.comment(7, `${MARKER}\nrun 2`);
    const third = fake.comment(7, `${MARKER}\nrun 3`);
    const result = await upsertStickyComment(fake.github, 7, MARKER, `${MARKER}\nrun 4`);
    expect(result).toMatchObject({ action: 'updated', id: first.id, deleted: [second.id, third.id] });
    expect(sticky(fake, 7).map((c) => [c.id, c.body])).toEqual([[first.id, `${MARKER}\nrun 4`]]);
    expect(fake.comments.some((c) => c.body === 'LGTM')).toBe(true);
  });

  it('follows the Link header through every page of comments', async () => {
    const fake = new FakeGitHub(2);
    for (let i = 0; i < 4; i++) fake.comment(7, `chatter ${i}`, HUMAN);
    const mine = fake.comment(7, `${MARKER}\nold plan`);
    fake.comment(8, `${MARKER}\nanother pull request's plan`);
    const result = await upsertStickyComment(fake.github, 7, MARKER, `${MARKER}\nnew plan`);
    expect(result).toMatchObject({ action: 'updated', id: mine.id });
    expect(fake.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual([
      '/repos/hexabid/infra/issues/7/comments?per_page=100',
      '/repos/hexabid/infra/issues/7/comments?per_page=100&page=2',
      '/repos/hexabid/infra/issues/7/comments?per_page=100&page=3',
    ]);
    expect(fake.comments.find((c) => c.issue === 8)!.body).toContain("another pull request's plan");
  });

  it('puts the marker first when the body lacks it, so the next run finds the comment', async () => {
    const fake = new FakeGitHub();
    await upsertStickyComment(fake.github, 7, MARKER, 'Plan: 0 to add');
    expect(fake.comments[0]!.body).toBe(`${MARKER}\nPlan: 0 to add`);
  });

  it('refuses a body over 65,536 characters before calling GitHub, and takes one of exactly that', async () => {
    const fake = new FakeGitHub();
    const fits = `${MARKER}\n${'x'.repeat(MAX_BODY_CHARS - MARKER.length - 1)}`;
    await expect(upsertStickyComment(fake.github, 7, MARKER, `${fits}y`)).rejects.toThrow(/65537 characters; GitHub takes at most 65536/);
    await expect(upsertStickyComment(fake.github, 7, MARKER, `${fits}y`)).rejects.toBeInstanceOf(CommentInputError);
    expect(fake.calls).toEqual([]);
    expect((await upsertStickyComment(fake.github, 7, MARKER, fits)).action).toBe('created');
  });

  it('refuses a marker that is not a whole HTML comment', async () => {
    const fake = new FakeGitHub();
    for (const marker of ['hexabid-plan:hexabid-dev', '<!-- -->', '<!-- hexabid-plan:hexabid-dev']) {
      await expect(upsertStickyComment(fake.github, 7, marker, 'body')).rejects.toBeInstanceOf(CommentInputError);
    }
    expect(fake.calls).toEqual([]);
  });

  it("reports GitHub's error message, with a hint for a missing permission", async () => {
    const github = new GitHub({
      apiUrl: API,
      token: 't',
      repository: 'hexabid/infra',
      fetch: async () => new Response(JSON.stringify({ message: 'Resource not accessible by integration' }), { status: 403 }),
    });
    const failure = upsertStickyComment(github, 7, MARKER, 'body');
    await expect(failure).rejects.toBeInstanceOf(GitHubApiError);
    await expect(failure).rejects.toThrow(/GET \/repos\/hexabid\/infra\/issues\/7\/comments\?per_page=100 failed: 403 Resource not accessible by integration \(does the workflow grant/);
  });

  it('sends the token to the API only, whatever a Link header says', async () => {
    const github = new GitHub({
      apiUrl: API,
      token: 't',
      repository: 'hexabid/infra',
      fetch: async () => new Response('[]', { status: 200, headers: { link: '<https://evil.test/next>; rel="next"' } }),
    });
    await expect(upsertStickyComment(github, 7, MARKER, 'body')).rejects.toThrow('next page https://evil.test/next is outside https://api.github.test');
    expect(nextPage('<https://a.test/2>; rel="prev", <https://a.test/4>; rel="next"')).toBe('https://a.test/4');
    expect(nextPage('<https://a.test/1>; rel="first"')).toBeUndefined();
    expect(() => new GitHub({ apiUrl: API, token: 't', repository: 'hexabid', fetch })).toThrow('repository must be owner/name, not "hexabid"');
  });
});

describe('the drift issue', () => {
  const TITLE = 'Drift in production';
  const DRIFT = '## hexabid-production\nPlan: 0 to add, 1 to change, 0 to destroy.';
  const CLEAN = '## hexabid-production\nNo changes. Your infrastructure matches the configuration.';

  it('opens an issue with the title and the drift label when none is open', async () => {
    const fake = new FakeGitHub();
    fake.issue(TITLE, { state: 'closed' });
    fake.issue(TITLE, { labels: [] });
    fake.issue(TITLE, { pull_request: {} });
    fake.issue('Drift in staging');
    const result = await reportDrift(fake.github, { title: TITLE, body: DRIFT });
    expect(result.action).toBe('created');
    expect(fake.calls.at(-1)).toEqual({ method: 'POST', path: '/repos/hexabid/infra/issues', body: { title: TITLE, body: DRIFT, labels: ['drift'] } });
    expect(fake.issues.filter((i) => i.state === 'open' && i.title === TITLE && i.labels.includes('drift') && !i.pull_request)).toHaveLength(1);
  });

  it('comments on the open issue instead of opening another', async () => {
    const fake = new FakeGitHub();
    const open = fake.issue(TITLE);
    const result = await reportDrift(fake.github, { title: TITLE, body: DRIFT });
    expect(result).toMatchObject({ action: 'commented', issue: { number: open.number } });
    expect(fake.writes()).toEqual([`POST /repos/hexabid/infra/issues/${open.number}/comments`]);
    expect(fake.issues).toHaveLength(1);
  });

  it('does not repeat a report the issue already ends with', async () => {
    const fake = new FakeGitHub();
    const open = fake.issue(TITLE, { body: 'older report' });
    fake.comment(open.number, DRIFT);
    fake.comment(open.number, 'Looking into it.', HUMAN);
    expect((await reportDrift(fake.github, { title: TITLE, body: DRIFT })).action).toBe('unchanged');
    expect(fake.writes()).toEqual([]);
  });

  it('closes the open issue with the clean report when asked to, and leaves other titles open', async () => {
    const fake = new FakeGitHub();
    const open = fake.issue(TITLE);
    const other = fake.issue('Drift in staging');
    const result = await reportDrift(fake.github, { title: TITLE, body: CLEAN, closeIfClean: true });
    expect(result.action).toBe('closed');
    expect(fake.writes()).toEqual([`POST /repos/hexabid/infra/issues/${open.number}/comments`, `PATCH /repos/hexabid/infra/issues/${open.number}`]);
    expect(open).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(other.state).toBe('open');
  });

  it('does nothing for a clean report with no issue open, and reports drift even with --close-if-clean', async () => {
    const fake = new FakeGitHub();
    expect((await reportDrift(fake.github, { title: TITLE, body: CLEAN, closeIfClean: true })).action).toBe('clean');
    expect(fake.writes()).toEqual([]);
    expect((await reportDrift(fake.github, { title: TITLE, body: DRIFT, closeIfClean: true })).action).toBe('created');
  });

  it('closes later duplicates of the issue it keeps', async () => {
    const fake = new FakeGitHub();
    const first = fake.issue(TITLE);
    const second = fake.issue(TITLE);
    const result = await reportDrift(fake.github, { title: TITLE, body: DRIFT });
    expect(result).toMatchObject({ action: 'commented', issue: { number: first.number }, closedDuplicates: [second.number] });
    expect(second).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(fake.comments.find((c) => c.issue === second.number)?.body).toContain(`Duplicate of #${first.number}`);
  });

  it('refuses an empty or multi-line title and an oversize body', async () => {
    const fake = new FakeGitHub();
    await expect(reportDrift(fake.github, { title: ' ', body: DRIFT })).rejects.toThrow('--title must be one non-empty line');
    await expect(reportDrift(fake.github, { title: 'a\nb', body: DRIFT })).rejects.toBeInstanceOf(CommentInputError);
    await expect(reportDrift(fake.github, { title: TITLE, body: 'x'.repeat(MAX_BODY_CHARS + 1) })).rejects.toBeInstanceOf(CommentInputError);
    expect(fake.calls).toEqual([]);
  });

  it("reads Terraform's words: clean only when every stack says no changes", () => {
    expect(reportSaysNoChanges(CLEAN)).toBe(true);
    expect(reportSaysNoChanges('Plan: 0 to add, 0 to change, 0 to destroy.\nNo changes.')).toBe(true);
    expect(reportSaysNoChanges(DRIFT)).toBe(false);
    expect(reportSaysNoChanges(`${CLEAN}\n## hexabid-production-k8s\nPlan: 1 to import, 0 to add, 0 to change, 0 to destroy.`)).toBe(false);
    expect(reportSaysNoChanges('No changes to resources.\nChanges to Outputs:\n  ~ endpoint')).toBe(false);
    // A report it cannot read never closes the issue.
    expect(reportSaysNoChanges('all good')).toBe(false);
  });
});

describe('npm run ci:comment', () => {
  const dir = scratchDir('hexabid-comment');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an oversize body with exit 2 and a message, before needing a token', async () => {
    const file = join(dir, 'plan.md');
    writeFileSync(file, 'x'.repeat(MAX_BODY_CHARS));
    const env = { ...process.env, GITHUB_TOKEN: '', GITHUB_EVENT_PATH: '' };
    const failure = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', 'tools/ci/cli/pr-comment.ts', '--marker', MARKER, '--body-file', file], {
      cwd: join(__dirname, '..', '..', '..'),
      env,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(2);
    // The marker line it gains takes it over.
    expect(failure.stderr).toBe(`body is ${MAX_BODY_CHARS + MARKER.length + 1} characters; GitHub takes at most 65536: shorten it (link the full plan instead)\n`);
  });
});

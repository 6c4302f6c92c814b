/**
 * One sticky comment per marker on a pull request: CI posts each stack's plan
 * and, on every push, edits that comment instead of adding another, so the
 * conversation holds the latest plan once. A small GitHub REST client over an
 * injected fetch, so tests need no network.
 */

/** GitHub refuses a comment or issue body longer than this. */
export const MAX_BODY_CHARS = 65_536;

/** The part of fetch's options this client uses. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** The part of fetch's Response this client reads. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Node's global fetch fits; tests pass a fake. */
export type FetchLike = (url: string, init?: FetchInit) => Promise<FetchResponse>;

export interface GitHubOptions {
  /** The REST API root, $GITHUB_API_URL in a workflow (it differs on GitHub Enterprise Server). */
  readonly apiUrl: string;
  readonly token: string;
  /** owner/name, as $GITHUB_REPOSITORY gives it. */
  readonly repository: string;
  readonly fetch: FetchLike;
}

/** Input the caller must fix (a bad marker, an oversize body): no request was made. */
export class CommentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommentInputError';
  }
}

/** GitHub answered with an error. */
export class GitHubApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(
      `GitHub ${method} ${path} failed: ${status} ${detail}` +
        // The usual cause in CI: a token without the permission, or a pull request from a fork.
        (status === 403 || status === 404 ? ' (does the workflow grant `issues: write` and `pull-requests: write`, and is the token allowed on this repository?)' : ''),
    );
    this.name = 'GitHubApiError';
  }
}

/** The fields of a GitHub user this code reads. */
export interface GitHubUser {
  readonly login: string;
  readonly type: string;
}

export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user: GitHubUser | null;
  readonly html_url: string;
}

/** Pages of the issue comments list; more than this is a runaway, not a pull request. */
const MAX_PAGES = 100;

/** A minimal GitHub REST client for one repository. */
export class GitHub {
  readonly owner: string;
  readonly repo: string;
  private readonly apiUrl: string;

  constructor(private readonly options: GitHubOptions) {
    const parts = options.repository.split('/');
    if (parts.length !== 2 || parts.some((p) => !/^[\w.-]+$/.test(p))) {
      throw new CommentInputError(`repository must be owner/name, not "${options.repository}"`);
    }
    [this.owner, this.repo] = parts as [string, string];
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
  }

  /** `/repos/{owner}/{repo}` followed by path. */
  repoPath(path: string): string {
    return `/repos/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}${path}`;
  }

  /** One request; the parsed JSON answer, or undefined for 204 No Content. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.send(method, `${this.apiUrl}${path}`, path, body)).json;
  }

  /** Every item of a list, following `Link: rel="next"` from page to page. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.apiUrl}${path}`;
    for (let page = 0; url !== undefined; page++) {
      if (page === MAX_PAGES) throw new Error(`GitHub GET ${path}: more than ${MAX_PAGES} pages, giving up`);
      const { json, link } = await this.send('GET', url, path);
      if (!Array.isArray(json)) throw new GitHubApiError('GET', path, 200, 'answered with something other than a list');
      items.push(...(json as T[]));
      url = nextPage(link);
      // The token goes only to the API it is for, whatever a header says.
      if (url !== undefined && !url.startsWith(`${this.apiUrl}/`)) throw new Error(`GitHub GET ${path}: next page ${url} is outside ${this.apiUrl}`);
    }
    return items;
  }

  private async send(method: string, url: string, path: string, body?: unknown): Promise<{ json: unknown; link: string | null }> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${this.options.token}`,
      'User-Agent': 'hexabid-infrastructure-ci',
      'X-GitHub-Api-Version': '2022-11-28',
    };
    const init: FetchInit =
      body === undefined ? { method, headers } : { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    const response = await this.options.fetch(url, init);
    const text = await response.text();
    if (!response.ok) throw new GitHubApiError(method, path, response.status, errorDetail(text, response.statusText));
    return { json: text === '' ? undefined : (JSON.parse(text) as unknown), link: response.headers.get('link') };
  }
}

function errorDetail(text: string, statusText: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: fall back to the status text.
  }
  return statusText;
}

/** The URL of rel="next" in a Link header, if any. */
export function nextPage(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]+)>(.*)$/.exec(part);
    const rel = match && /;\s*rel="?([^";]*)"?/.exec(match[2]!);
    // rel may hold several space-separated relations.
    if (match && rel && rel[1]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

/** Refuses a body GitHub would refuse, before any request. */
export function checkBodySize(body: string): void {
  // UTF-16 units, which are never fewer than the characters GitHub counts.
  if (body.length > MAX_BODY_CHARS) {
    throw new CommentInputError(`body is ${body.length} characters; GitHub takes at most ${MAX_BODY_CHARS}: shorten it (link the full plan instead)`);
  }
}

/**
 * A marker must be a whole HTML comment, so that it stays invisible and one
 * stack's marker is never part of another's (`…:hexabid-dev -->` is not in
 * `…:hexabid-dev-k8s -->`).
 */
export function checkMarker(marker: string): void {
  if (!/^<!--\s*\S(?:[^\n]*\S)?\s*-->$/.test(marker) || marker.slice(4, -3).includes('--')) {
    throw new CommentInputError(`--marker must be an HTML comment such as "<!-- hexabid-plan:hexabid-dev -->", not "${marker}"`);
  }
}

/** The body as posted: the marker first, so the next run finds the comment. */
export function withMarker(marker: string, body: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`;
}

/** A comment this tool posted earlier: a bot's, carrying the marker. People's comments quoting it are theirs. */
export function isStickyComment(comment: IssueComment, marker: string): boolean {
  return comment.user?.type === 'Bot' && (comment.body ?? '').includes(marker);
}

export interface StickyCommentResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
  /** Older duplicates removed, so one comment per marker is left. */
  readonly deleted: readonly number[];
}

/**
 * Posts body as the pull request's one comment with this marker: edits the
 * first such comment, deletes any later duplicates, or creates it.
 */
export async function upsertStickyComment(github: GitHub, pullRequest: number, marker: string, body: string): Promise<StickyCommentResult> {
  checkMarker(marker);
  const text = withMarker(marker, body);
  checkBodySize(text);
  if (!Number.isInteger(pullRequest) || pullRequest < 1) throw new CommentInputError(`pull request number must be a positive whole number, not ${pullRequest}`);
  const comments = await github.list<IssueComment>(github.repoPath(`/issues/${pullRequest}/comments?per_page=100`));
  const [first, ...duplicates] = comments.filter((c) => isStickyComment(c, marker));
  let result: Omit<StickyCommentResult, 'deleted'>;
  if (first === undefined) {
    const created = (await github.request('POST', github.repoPath(`/issues/${pullRequest}/comments`), { body: text })) as IssueComment;
    result = { action: 'created', id: created.id, url: created.html_url };
  } else if (first.body === text) {
    result = { action: 'unchanged', id: first.id, url: first.html_url };
  } else {
    const updated = (await github.request('PATCH', github.repoPath(`/issues/comments/${first.id}`), { body: text })) as IssueComment;
    result = { action: 'updated', id: updated.id, url: updated.html_url };
  }
  // Only after the one that stays is current: a failure here leaves an extra comment, never none.
  for (const duplicate of duplicates) await github.request('DELETE', github.repoPath(`/issues/comments/${duplicate.id}`));
  return { ...result, deleted: duplicates.map((d) => d.id) };
}

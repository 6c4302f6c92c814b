/**
 * The drift check's one issue per title: opened when a scheduled plan finds
 * that the cloud no longer matches main, commented on while it still does not,
 * and closed once a plan comes back clean. Never a second open issue.
 */
import { checkBodySize, CommentInputError, type GitHub, type IssueComment } from './pr-comment.ts';

/** The label that, with the title, identifies the drift issue. */
export const DRIFT_LABEL = 'drift';

export interface Issue {
  readonly number: number;
  readonly title: string;
  readonly html_url: string;
  readonly body?: string | null;
  readonly comments: number;
  /** Present when the "issue" is a pull request: the issues API lists both. */
  readonly pull_request?: unknown;
}

export interface DriftReport {
  readonly title: string;
  /** Markdown: the plan summary of the stacks that drifted, or that none did. */
  readonly body: string;
  readonly label?: string;
  /** Close the open issue when the body says there are no changes, instead of reporting it. */
  readonly closeIfClean?: boolean;
}

export interface DriftIssueResult {
  /**
   * created: a new issue; commented: the report added to the open one;
   * unchanged: the open issue's latest report is this one already;
   * closed: the body was clean and the open issue is closed;
   * clean: the body was clean and no issue was open.
   */
  readonly action: 'created' | 'commented' | 'unchanged' | 'closed' | 'clean';
  readonly issue?: { readonly number: number; readonly url: string };
  /** Later open issues with the same title and label, closed as duplicates of the first. */
  readonly closedDuplicates: readonly number[];
}

/** Terraform's own summary counts: `Plan: 1 to add, 0 to change, 0 to destroy.` */
const CHANGE_COUNTS = /(\d+) to (?:import|add|change|destroy|forget)\b/g;

/**
 * Whether a plan report says nothing would change: Terraform's "No changes",
 * and no non-zero change count or output change anywhere in it (a report
 * covering several stacks is clean only if all are). Anything else counts as
 * drift, so an unrecognized report never closes the issue.
 */
export function reportSaysNoChanges(body: string): boolean {
  for (const match of body.matchAll(CHANGE_COUNTS)) if (Number(match[1]) > 0) return false;
  if (/Changes to Outputs/i.test(body)) return false;
  return /\bNo changes\b/i.test(body);
}

/** Opens, comments on or closes the drift issue titled report.title, as the report calls for. */
export async function reportDrift(github: GitHub, report: DriftReport): Promise<DriftIssueResult> {
  const title = report.title.trim();
  const label = report.label ?? DRIFT_LABEL;
  if (title === '' || /[\r\n]/.test(title)) throw new CommentInputError(`--title must be one non-empty line, not "${report.title}"`);
  checkBodySize(report.body);
  const open = await github.list<Issue>(github.repoPath(`/issues?state=open&labels=${encodeURIComponent(label)}&sort=created&direction=asc&per_page=100`));
  // GitHub trims titles, so compare trimmed; the oldest issue is the one to keep.
  const [issue, ...duplicates] = open
    .filter((i) => i.pull_request === undefined && typeof i.title === 'string' && i.title.trim() === title)
    .sort((a, b) => a.number - b.number);

  if (report.closeIfClean && reportSaysNoChanges(report.body)) {
    if (issue === undefined) return { action: 'clean', closedDuplicates: [] };
    await comment(github, issue.number, report.body);
    await close(github, issue.number, 'completed');
    return { action: 'closed', issue: ref(issue), closedDuplicates: await closeDuplicates(github, duplicates, issue) };
  }

  if (issue === undefined) {
    const created = (await github.request('POST', github.repoPath('/issues'), { title, body: report.body, labels: [label] })) as Issue;
    return { action: 'created', issue: ref(created), closedDuplicates: [] };
  }
  const latest = await latestReport(github, issue);
  if (latest !== report.body) await comment(github, issue.number, report.body);
  return { action: latest === report.body ? 'unchanged' : 'commented', issue: ref(issue), closedDuplicates: await closeDuplicates(github, duplicates, issue) };
}

function ref(issue: Issue): { number: number; url: string } {
  return { number: issue.number, url: issue.html_url };
}

/** The last report on an issue: its newest bot comment, else its body. */
async function latestReport(github: GitHub, issue: Issue): Promise<string | null | undefined> {
  if (issue.comments === 0) return issue.body;
  const comments = await github.list<IssueComment>(github.repoPath(`/issues/${issue.number}/comments?per_page=100`));
  const bot = comments.filter((c) => c.user?.type === 'Bot');
  return bot.length > 0 ? bot[bot.length - 1]!.body : issue.body;
}

async function comment(github: GitHub, issue: number, body: string): Promise<void> {
  await github.request('POST', github.repoPath(`/issues/${issue}/comments`), { body });
}

async function close(github: GitHub, issue: number, reason: 'completed' | 'not_planned'): Promise<void> {
  await github.request('PATCH', github.repoPath(`/issues/${issue}`), { state: 'closed', state_reason: reason });
}

async function closeDuplicates(github: GitHub, duplicates: readonly Issue[], kept: Issue): Promise<number[]> {
  for (const duplicate of duplicates) {
    await comment(github, duplicate.number, `Duplicate of #${kept.number}, which tracks this drift.`);
    await close(github, duplicate.number, 'not_planned');
  }
  return duplicates.map((d) => d.number);
}

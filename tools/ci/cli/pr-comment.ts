/**
 * Posts CI's reports to GitHub without piling them up: one sticky comment per
 * marker on a pull request (each stack's plan), or one open issue per title
 * for drift found by the scheduled plan.
 *
 *   npm run ci:comment -- --marker '<!-- hexabid-plan:hexabid-dev -->' --body-file plan.md [--pr 42]
 *   npm run ci:comment -- --drift-issue --title 'Drift in production' --body-file drift.md [--close-if-clean] [--label drift]
 *
 * A comment replaces the first bot comment carrying the marker (and deletes
 * later duplicates), or is created; the marker is put first in the body when
 * the file does not hold it. A drift report opens an issue with that title and
 * label, or comments on the open one; with --close-if-clean, a report that
 * says "No changes" closes the open issue instead (see tools/ci/drift-issue.ts).
 *
 * Reads GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), GITHUB_API_URL
 * (default https://api.github.com) and, without --pr, the pull request number
 * from the event payload at GITHUB_EVENT_PATH. Needs `pull-requests: write`
 * (comments) or `issues: write` (drift). Exits 2 on bad arguments or a body
 * over 65,536 characters, 1 when GitHub fails.
 */
import { readFileSync } from 'node:fs';
import { reportDrift } from '../drift-issue.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../../../lib/cli.ts';
import { checkBodySize, checkMarker, CommentInputError, GitHub, upsertStickyComment, withMarker } from '../pr-comment.ts';

const USAGE =
  "usage: npm run ci:comment -- --marker '<!-- hexabid-plan:<stack> -->' --body-file <file.md> [--pr <number>]\n" +
  "       npm run ci:comment -- --drift-issue --title '<title>' --body-file <file.md> [--close-if-clean] [--label <label>]";

type Request =
  | { readonly mode: 'comment'; readonly marker: string; readonly bodyFile: string; readonly pr: number | undefined }
  | { readonly mode: 'drift'; readonly title: string; readonly bodyFile: string; readonly closeIfClean: boolean; readonly label: string | undefined };

function usage(message: string): UsageError {
  return new UsageError(message);
}

function parse(args: readonly string[]): Request {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--drift-issue' || arg === '--close-if-clean') flags.add(arg);
    else if (['--marker', '--body-file', '--pr', '--title', '--label'].includes(arg)) {
      const value = args[++i];
      if (value === undefined || value === '') throw usage(`${arg} needs a value`);
      values.set(arg, value);
    } else throw usage(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
  }
  const bodyFile = values.get('--body-file');
  if (bodyFile === undefined) throw usage('--body-file is required');
  const stray = (allowed: readonly string[]): string | undefined => [...values.keys(), ...flags].find((o) => !allowed.includes(o));
  if (flags.has('--drift-issue')) {
    const title = values.get('--title');
    if (title === undefined) throw usage('--drift-issue needs --title');
    const other = stray(['--drift-issue', '--title', '--body-file', '--close-if-clean', '--label']);
    if (other !== undefined) throw usage(`${other} does not go with --drift-issue`);
    return { mode: 'drift', title, bodyFile, closeIfClean: flags.has('--close-if-clean'), label: values.get('--label') };
  }
  const marker = values.get('--marker');
  if (marker === undefined) throw usage('--marker is required (or --drift-issue)');
  const other = stray(['--marker', '--body-file', '--pr']);
  if (other !== undefined) throw usage(`${other} goes only with --drift-issue`);
  checkMarker(marker);
  const prText = values.get('--pr');
  const pr = prText === undefined ? undefined : Number(prText);
  if (pr !== undefined && (!Number.isInteger(pr) || pr < 1)) throw usage(`--pr must be a pull request number, not "${prText}"`);
  return { mode: 'comment', marker, bodyFile, pr };
}

function readBody(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommentInputError(`--body-file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new CommentInputError(`${name} is not set (a workflow sets it; locally, export it)`);
  return value;
}

/** The pull request a pull_request workflow runs for, from its event payload. */
function eventPullRequest(): number {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) throw new CommentInputError('no pull request: pass --pr <number>, or run in a pull_request workflow (GITHUB_EVENT_PATH is not set)');
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CommentInputError(`GITHUB_EVENT_PATH ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pullRequest = typeof event === 'object' && event !== null && 'pull_request' in event ? event.pull_request : undefined;
  const number = typeof pullRequest === 'object' && pullRequest !== null && 'number' in pullRequest ? pullRequest.number : undefined;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw new CommentInputError(`no pull request: the event at ${path} has no pull_request.number (not a pull_request event?); pass --pr <number>`);
  }
  return number;
}

async function run(request: ReturnType<typeof parse>) {
  const body = readBody(request.bodyFile);
  // Before anything else, so an oversize report fails the same locally and in CI.
  checkBodySize(request.mode === 'comment' ? withMarker(request.marker, body) : body);
  const github = new GitHub({
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    token: requiredEnv('GITHUB_TOKEN'),
    repository: requiredEnv('GITHUB_REPOSITORY'),
    fetch,
  });
  if (request.mode === 'comment') {
    const pr = request.pr ?? eventPullRequest();
    const result = await upsertStickyComment(github, pr, request.marker, body);
    const deleted = result.deleted.length > 0 ? `; deleted duplicate${result.deleted.length > 1 ? 's' : ''} ${result.deleted.join(', ')}` : '';
    console.log(`${result.action} comment ${result.id} on #${pr}: ${result.url}${deleted}`);
  } else {
    const result = await reportDrift(github, { title: request.title, body, closeIfClean: request.closeIfClean, ...(request.label ? { label: request.label } : {}) });
    const where = result.issue ? ` #${result.issue.number}: ${result.issue.url}` : ': no drift, and no open issue to close';
    const duplicates = result.closedDuplicates.length > 0 ? `; closed duplicates ${result.closedDuplicates.map((n) => `#${n}`).join(', ')}` : '';
    console.log(`${result.action}${where}${duplicates}`);
  }
}

export const cli: CliDefinition<ReturnType<typeof parse>> = {
  usage: USAGE,
  parse,
  run,
  exitCodeOf: (error) => (error instanceof CommentInputError ? EXIT_USAGE : undefined),
};
if (require.main === module) startCli(cli);

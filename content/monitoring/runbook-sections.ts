/**
 * The sections of docs/RUNBOOK.md that alerts link to. Each key is the
 * GitHub anchor of a section heading, each value the heading's text: GitHub
 * derives the anchor from the heading (lower case, spaces to hyphens,
 * punctuation dropped), and `githubAnchor` does the same, so a test keeps
 * the two in step. The runbook must have every one of these headings.
 */
export const RUNBOOK_SECTIONS = {
  'deployment-and-rollback': 'Deployment and rollback',
  scaling: 'Scaling',
  'incident-response': 'Incident response',
  'database-migrations': 'Database migrations',
  'backup-and-restore': 'Backup and restore',
  'log-analysis': 'Log analysis',
  'performance-troubleshooting': 'Performance troubleshooting',
  // Specific sections, one per family of alerts.
  'api-errors': 'API errors',
  'crash-looping-pods': 'Crash-looping pods',
  'scraper-failures': 'Scraper failures',
  'exporters-down': 'Exporters down',
  'redis-memory-and-evictions': 'Redis memory and evictions',
  'database-connections': 'Database connections',
  'replica-lag': 'Replica lag',
} as const;

export type RunbookAnchor = keyof typeof RUNBOOK_SECTIONS;

export const RUNBOOK_ANCHORS = Object.keys(RUNBOOK_SECTIONS) as RunbookAnchor[];

/** Where the runbook is read; alerts link into it. */
export const RUNBOOK_URL = 'https://github.com/hexabid/hexabid-infrastructure/blob/main/docs/RUNBOOK.md';

/** The link to one runbook section. */
export function runbookUrl(anchor: RunbookAnchor): string {
  return `${RUNBOOK_URL}#${anchor}`;
}

/** GitHub's anchor for a Markdown heading (ASCII headings). */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

/** The anchor of a runbook URL, or undefined when the URL does not point into the runbook. */
export function runbookAnchorOf(url: string): RunbookAnchor | undefined {
  const prefix = `${RUNBOOK_URL}#`;
  if (!url.startsWith(prefix)) return undefined;
  const anchor = url.slice(prefix.length);
  return anchor in RUNBOOK_SECTIONS ? (anchor as RunbookAnchor) : undefined;
}

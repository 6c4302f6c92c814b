/**
 * The generated parts of docs/OBSERVABILITY.md. Each sits between
 * `<!-- generated:<name>:begin -->` and `<!-- generated:<name>:end -->`;
 * `npx tsx content/monitoring/render-docs.ts` rewrites them, and a test fails when
 * the document and the code differ.
 */
import { allAlertRules, buildAlertRules } from './alerts/index.ts';
import { renderAppMetricsContract } from './app-metrics.ts';
import { DASHBOARDS } from './dashboards/index.ts';
import { METRIC_SOURCES, METRICS_CATALOG } from './metrics-catalog.ts';
import { runbookAnchorOf } from './runbook-sections.ts';

export const OBSERVABILITY_DOC = 'docs/OBSERVABILITY.md';

/** The alert rules with default thresholds: name, severity, for, summary, runbook section. */
export function renderAlertRulesTable(): string {
  const lines = ['| Alert | Severity | For | Runbook section | Summary |', '| --- | --- | --- | --- | --- |'];
  for (const group of buildAlertRules()) {
    for (const r of allAlertRules([group])) {
      const anchor = runbookAnchorOf(r.annotations.runbook_url) ?? '?';
      lines.push(`| \`${r.alert}\` | ${r.labels.severity} | ${r.for} | \`${anchor}\` | ${r.annotations.summary.replace(/\|/g, '\\|')} |`);
    }
  }
  return lines.join('\n');
}

export function renderDashboardsTable(): string {
  return ['| Dashboard | uid | File |', '| --- | --- | --- |', ...DASHBOARDS.map((d) => `| ${d.title} | \`${d.uid}\` | \`${d.fileName}\` |`)].join('\n');
}

/** Where the exporter metric names were verified, and how many each source supplies. */
export function renderMetricSourcesTable(): string {
  const lines = ['| Source | Metrics used | Checked against | Deployed by |', '| --- | --- | --- | --- |'];
  for (const [source, info] of Object.entries(METRIC_SOURCES)) {
    const count = METRICS_CATALOG.filter((e) => e.source === source).length;
    lines.push(`| ${source} | ${count} | ${info.repository} ${info.checkedAt} | ${info.deployedBy} |`);
  }
  return lines.join('\n');
}

export const GENERATED_BLOCKS: Record<string, () => string> = {
  dashboards: renderDashboardsTable,
  'alert-rules': renderAlertRulesTable,
  'app-metrics': renderAppMetricsContract,
  'metric-sources': renderMetricSourcesTable,
};

const begin = (name: string): string => `<!-- generated:${name}:begin (npx tsx content/monitoring/render-docs.ts) -->`;
const end = (name: string): string => `<!-- generated:${name}:end -->`;

/** The text of one generated block in a document, or undefined when its markers are missing. */
export function generatedBlockOf(markdown: string, name: string): string | undefined {
  const from = markdown.indexOf(begin(name));
  const to = markdown.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return markdown.slice(from + begin(name).length, to).trim();
}

/** The document with every generated block re-rendered; a block whose markers are missing is an error. */
export function withGeneratedBlocks(markdown: string): string {
  let out = markdown;
  for (const [name, render] of Object.entries(GENERATED_BLOCKS)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`${OBSERVABILITY_DOC} lacks the markers of the generated block ${name}`);
    out = `${out.slice(0, from + begin(name).length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

/** An empty generated block with its markers, for a new document. */
export function emptyBlock(name: string): string {
  return `${begin(name)}\n${end(name)}`;
}

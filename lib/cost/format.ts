/**
 * The report three ways: a table for a terminal, Markdown for the pull
 * request comment, JSON for machines (and for `--compare` next time).
 */
import { CATEGORIES, type LineItem } from './line-items.ts';
import { JSON_FORMAT, type Comparison } from './compare.ts';
import { percent, signedUsd, unitPrice, usd } from './money.ts';
import type { CostReport, EnvironmentReport } from './report.ts';

/** The sticky PR comment's marker (scripts/pr-comment.ts). */
export const COMMENT_MARKER = '<!-- hexabid-cost -->';
export const USAGE_MARK = '*';

/** Lines worth a row: usage-based lines at $0 (no usage given) are counted, not shown. */
function shown(lines: readonly LineItem[]): { rows: LineItem[]; hidden: number } {
  const rows = lines.filter((l) => !(l.usageBased && Math.abs(l.monthlyUsd) < 0.005));
  return { rows, hidden: lines.length - rows.length };
}

function quantity(line: LineItem): string {
  const q = line.quantity;
  const text = Number.isInteger(q) ? q.toLocaleString('en-US') : q >= 100 ? Math.round(q).toLocaleString('en-US') : Number(q.toPrecision(3)).toString();
  return `${text} ${line.unit}`;
}

function title(report: EnvironmentReport): string {
  const e = report.estimate;
  return `${e.environment} (${e.stacks.join(', ')}; ${e.regions.join(', ')})`;
}

function designSummary(report: EnvironmentReport): string | undefined {
  if (!report.design) return undefined;
  return `design ~${usd(report.design.totalUsd, { cents: false })}: ${signedUsd(report.design.deltaUsd)} (${percent(report.design.deltaUsd, report.design.totalUsd)})`;
}

function budgetSummary(report: EnvironmentReport): string | undefined {
  const b = report.budget;
  if (!b) return undefined;
  return `budget ${usd(b.budgetUsd, { cents: false })}: ${b.status === 'over' ? `OVER by ${usd(-b.headroomUsd)}` : `under by ${usd(b.headroomUsd)}`}`;
}

function compareSummary(comparison: Comparison | undefined, name: string): string | undefined {
  const d = comparison?.environments.find((e) => e.environment === name);
  if (!d) return undefined;
  if (d.status === 'added') return 'new since the base';
  return `${signedUsd(d.deltaUsd)} vs the base (${usd(d.baseUsd ?? 0)})`;
}

// ---------------------------------------------------------------------------------------------- table

/** In a word or three, why a price is unverified: its source's own account, shortened. */
export function whyUnverified(source: string): string {
  if (source.includes('no ap-south-2 figure')) return 'assumed equal to ap-south-1';
  if (source.includes('third-party cost write-ups quote')) return 'quoted by third parties';
  if (source.includes('from memory')) return 'from memory';
  if (source.includes('estimate (')) return 'estimated';
  return 'unverified';
}

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

function lineTable(lines: readonly LineItem[], indent: string): string[] {
  const { rows, hidden } = shown(lines);
  const header = ['', 'Item', 'Quantity', 'Unit price', 'Monthly', 'Detail'];
  const body = rows.map((l) => [l.usageBased ? USAGE_MARK : '', l.component, quantity(l), unitPrice(l.unitPriceUsd), usd(l.monthlyUsd), l.detail]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const right = [false, false, true, true, true, false];
  return [
    pad(header, widths, right),
    ...body.map((r) => pad(r, widths, right)),
    ...(hidden > 0 ? [`   (${hidden} usage-based lines at $0.00, no usage in the usage file, not shown)`] : []),
  ].map((l) => `${indent}${l}`);
}

export function formatTable(report: CostReport, comparison?: Comparison): string {
  const out: string[] = [
    `HexaBid monthly cost estimate: ${report.priceTable.basis}, prices as of ${report.priceTable.asOf}, ${report.hoursPerMonth} hours a month.`,
    `${USAGE_MARK} usage-based: the quantity comes from the environment's usage file, not from the stacks.`,
    '',
  ];
  for (const env of report.environments) {
    const e = env.estimate;
    out.push(`${title(env)}${env.scenario ? ` [scenario: ${env.scenario.description}]` : ''}`);
    out.push(...lineTable(e.lines, '  '));
    const facts = [designSummary(env), budgetSummary(env), compareSummary(comparison, e.environment)].filter((f): f is string => f !== undefined);
    out.push(`  Total ${usd(e.monthlyUsd)} a month${facts.length ? `; ${facts.join('; ')}` : ''}`);
    if (e.atMaxUsd > e.atMinUsd + 0.005) out.push(`  Node groups at their minimum to maximum size: ${usd(e.atMinUsd)} to ${usd(e.atMaxUsd)}`);
    if (e.failoverOnlyStacks.length > 0) {
      out.push(`  After a failover (${e.failoverOnlyStacks.join(', ')} applied): ${usd(e.failoverMonthlyUsd ?? e.monthlyUsd)} a month; these lines are not in the total:`);
      out.push(...lineTable(e.failoverLines, '    '));
    }
    if (env.design && env.design.differences.length > 0) {
      out.push('  Why it differs from the design:');
      for (const d of env.design.differences) out.push(`    ${signedUsd(d.deltaUsd, { cents: false }).padStart(8)}  ${CATEGORIES[d.category]}: ${d.reason}`);
    }
    for (const w of e.warnings) out.push(`  warning: ${w}`);
    out.push(`  usage: ${e.usageFile}`, '');
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) out.push(`${d.environment}: in the base (${usd(d.baseUsd ?? 0)}), not in this estimate`, '');
  if (report.missing.length > 0) out.push(`Not in this synthesized output: ${report.missing.join(', ')} (run \`npm run cost\` without --from to synthesize everything).`, '');
  out.push(`Unverified prices used (${report.unverifiedPrices.length}; cost/prices.ts says where each comes from and the offer file to check it against):`);
  const rows = report.unverifiedPrices.map((p) => [`${p.key} ${p.region}`, `${unitPrice(p.usd)}/${p.unit}`, whyUnverified(p.source), p.environments.join(', ')]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) out.push(`  ${pad(r, [...widths, 0], [false, true, false, false])}`);
  out.push('', 'Not estimated:', ...report.notEstimated.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------- markdown

/** Text safe in a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;');
}

function markdownLines(lines: readonly LineItem[]): string[] {
  const { rows, hidden } = shown(lines);
  return [
    '| Item | Detail | Quantity | Unit price | Monthly |',
    '|---|---|--:|--:|--:|',
    ...rows.map((l) => `| ${cell(l.component)}${l.usageBased ? ` ${USAGE_MARK}` : ''} | ${cell(l.detail)} | ${cell(quantity(l))} | ${unitPrice(l.unitPriceUsd)} | ${usd(l.monthlyUsd)} |`),
    ...(hidden > 0 ? ['', `${hidden} usage-based lines at $0.00 (no usage in the usage file) are not shown.`] : []),
  ];
}

/** What the Markdown aims to stay under: GitHub refuses a comment over 65,536 characters, and CI may add around it. */
export const MARKDOWN_BUDGET = 60_000;

function environmentSection(env: EnvironmentReport, withTables: boolean): string[] {
  const e = env.estimate;
  const out = ['', `<details><summary><b>${e.environment}</b>: ${usd(e.monthlyUsd)} a month${env.design ? `, ${designSummary(env)}` : ''}</summary>`, ''];
  out.push(`Stacks ${e.stacks.map((s) => `\`${s}\``).join(', ')} in ${e.regions.join(', ')}${env.scenario ? `; scenario: ${cell(env.scenario.description)}` : ''}. Usage: \`${e.usageFile}\`.`, '');
  if (withTables) out.push(...markdownLines(e.lines));
  else out.push(`_${e.lines.length} line items left out to keep this comment under GitHub's size limit: \`npm run cost -- --env ${e.environment}\` lists them._`);
  if (e.atMaxUsd > e.atMinUsd + 0.005) out.push('', `Node groups at their minimum to maximum size: ${usd(e.atMinUsd)} to ${usd(e.atMaxUsd)}.`);
  if (e.failoverOnlyStacks.length > 0) {
    out.push('', `After a failover (${e.failoverOnlyStacks.map((s) => `\`${s}\``).join(', ')} applied): ${usd(e.failoverMonthlyUsd ?? e.monthlyUsd)} a month.${withTables ? ' Not in the total:' : ''}`);
    if (withTables) out.push('', ...markdownLines(e.failoverLines));
  }
  if (env.design && env.design.differences.length > 0) {
    out.push('', '**Why it differs from the design**', '');
    for (const d of env.design.differences) out.push(`- ${signedUsd(d.deltaUsd, { cents: false })} ${CATEGORIES[d.category]}: ${cell(d.reason)}`);
  }
  if (e.warnings.length > 0) out.push('', ...e.warnings.map((w) => `> ⚠️ ${cell(w)}`));
  out.push('', '</details>');
  return out;
}

export function formatMarkdown(report: CostReport, comparison?: Comparison): string {
  const head: string[] = [
    COMMENT_MARKER,
    '### Monthly cost estimate',
    '',
    `${report.priceTable.basis[0]!.toUpperCase()}${report.priceTable.basis.slice(1)}, as of ${report.priceTable.asOf}; ${report.hoursPerMonth} hours a month. ` +
      `Lines marked ${USAGE_MARK} are usage-based: their quantities come from \`cost/usage/<environment>.yaml\`. ` +
      `${report.unverifiedPrices.length} of the prices used are unverified (listed below).`,
    '',
    `| Environment | Monthly | Design | Difference${comparison ? ' | Change vs base' : ''} | Budget |`,
    `|---|--:|--:|--:|${comparison ? '--:|' : ''}---|`,
  ];
  for (const env of report.environments) {
    const e = env.estimate;
    const change = comparison?.environments.find((d) => d.environment === e.environment);
    head.push(
      `| ${e.environment}${env.scenario ? ' (scenario)' : ''}${e.failoverOnlyStacks.length ? ` (standby; ${usd(e.failoverMonthlyUsd ?? 0)} after failover)` : ''} | ${usd(e.monthlyUsd)} | ` +
        `${env.design ? `~${usd(env.design.totalUsd, { cents: false })}` : '—'} | ${env.design ? `${signedUsd(env.design.deltaUsd)} (${percent(env.design.deltaUsd, env.design.totalUsd)})` : '—'} | ` +
        `${comparison ? `${change ? (change.status === 'added' ? 'new' : signedUsd(change.deltaUsd)) : '—'} | ` : ''}` +
        `${env.budget ? `${env.budget.status === 'over' ? '**over**' : 'under'} ${usd(env.budget.budgetUsd, { cents: false })}` : '—'} |`,
    );
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) {
    head.push(`| ${d.environment} (removed) | — | — | — | ${signedUsd(d.deltaUsd)} | — |`);
  }
  const changed = comparison?.environments.filter((d) => d.lines.length > 0) ?? [];
  if (changed.length > 0) {
    head.push('', '#### What changed', '', '| Environment | Stack | Item | Base | Now | Change |', '|---|---|---|--:|--:|--:|');
    for (const d of changed) for (const l of d.lines.slice(0, 10)) head.push(`| ${d.environment} | ${l.stack} | ${cell(l.component)} | ${usd(l.baseUsd)} | ${usd(l.headUsd)} | ${signedUsd(l.deltaUsd)} |`);
  }
  const tail = [
    '',
    `<details><summary>Unverified prices (${report.unverifiedPrices.length}): cost/prices.ts gives each one's source and the offer file to check it against</summary>`,
    '',
    '| Price | Region | Rate | Why unverified | Used by |',
    '|---|---|--:|---|---|',
    ...report.unverifiedPrices.map((p) => `| \`${p.key}\` | ${p.region} | ${unitPrice(p.usd)}/${cell(p.unit)} | ${whyUnverified(p.source)} | ${p.environments.join(', ')} |`),
    '',
    '</details>',
    '',
    `Not estimated: ${report.notEstimated.join('; ')}.`,
    ...(report.missing.length > 0 ? ['', `Not in the synthesized output: ${report.missing.join(', ')}.`] : []),
  ];
  // Line tables go first when the comment would be too long: the largest environments' first.
  const withTables = new Set(report.environments.map((e) => e.estimate.environment));
  const render = () => `${[...head, ...report.environments.flatMap((env) => environmentSection(env, withTables.has(env.estimate.environment))), ...tail].join('\n')}\n`;
  let text = render();
  const bySize = [...report.environments].sort((a, b) => b.estimate.lines.length + b.estimate.failoverLines.length - (a.estimate.lines.length + a.estimate.failoverLines.length));
  for (const env of bySize) {
    if (text.length <= MARKDOWN_BUDGET) break;
    withTables.delete(env.estimate.environment);
    text = render();
  }
  return text;
}

// ---------------------------------------------------------------------------------------------- json

export function formatJson(report: CostReport, comparison?: Comparison): string {
  const json = {
    format: JSON_FORMAT,
    priceTable: report.priceTable,
    hoursPerMonth: report.hoursPerMonth,
    environments: report.environments.map(({ estimate: { environment, ...estimate }, ...env }) => ({
      name: environment,
      ...estimate,
      ...(env.scenario ? { scenario: env.scenario } : {}),
      ...(env.design ? { design: env.design } : {}),
      ...(env.budget ? { budget: env.budget } : {}),
    })),
    unverifiedPrices: report.unverifiedPrices,
    missing: report.missing,
    notEstimated: report.notEstimated,
    ...(comparison ? { compare: comparison } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * The report three ways: a table for a terminal (at most 120 columns), Markdown
 * for the pull request comment, JSON for machines (and for `--compare` next
 * time). Each leads with the account's total, then the deployed environments,
 * then the scenarios, set apart; every sum has thousands separators.
 */
import { CATEGORIES, type LineItem } from './line-items.ts';
import { JSON_FORMAT, type Comparison } from './compare.ts';
import { cents, percent, signedUsd, unitPrice, usd } from './money.ts';
import type { CostReport, EnvironmentReport } from './report.ts';

/** The sticky PR comment's marker (tools/ci/cli/pr-comment.ts). */
export const COMMENT_MARKER = '<!-- hexabid-cost -->';
export const USAGE_MARK = '*';

/** The terminal table's width: it fits a 120-column terminal and a CI log. */
export const TABLE_WIDTH = 120;

/** Lines worth a row: usage-based lines at $0 (no usage given) are counted, not shown. */
function shown(lines: readonly LineItem[]): { rows: LineItem[]; hidden: number } {
  const rows = lines.filter((l) => !(l.usageBased && Math.abs(l.monthlyUsd) < 0.005));
  return { rows, hidden: lines.length - rows.length };
}

function quantity(line: LineItem): string {
  const q = line.quantity;
  const text = Number.isInteger(q) ? q.toLocaleString('en-US') : q >= 100 ? Math.round(q).toLocaleString('en-US') : Number(q.toPrecision(3)).toLocaleString('en-US');
  return `${text} ${line.unit}`;
}

function designSummary(report: EnvironmentReport): string | undefined {
  if (!report.design) return undefined;
  return `design ~${usd(report.design.totalUsd, { cents: false })}: ${signedUsd(report.design.deltaUsd)} (${percent(report.design.deltaUsd, report.design.totalUsd)})`;
}

function budgetSummary(report: EnvironmentReport): string | undefined {
  const b = report.budget;
  if (!b) return undefined;
  const desired = b.status === 'over' ? `OVER by ${usd(-b.headroomUsd)}` : `under by ${usd(b.headroomUsd)}`;
  const atMax = b.atMaxStatus === 'over' ? `; at its node groups' maximum (${usd(b.atMaxUsd)}) OVER by ${usd(b.atMaxUsd - b.budgetUsd)}` : '';
  return `budget ${usd(b.budgetUsd, { cents: false })}: ${desired}${atMax}`;
}

function compareSummary(comparison: Comparison | undefined, name: string): string | undefined {
  const d = comparison?.environments.find((e) => e.environment === name);
  if (!d) return undefined;
  if (d.status === 'added') return 'new since the base';
  return `${signedUsd(d.deltaUsd)} vs the base (${usd(d.baseUsd ?? 0)})`;
}

/** GST on an amount, or undefined when the report has it switched off. */
function gstOf(report: CostReport, amount: number): number | undefined {
  return report.gst ? amount * report.gst.rate : undefined;
}

function gstLabel(report: CostReport): string {
  return report.gst ? `GST ${Math.round(report.gst.rate * 100)}%` : '';
}

/** The environments and the scenarios, apart. */
function sections(report: CostReport): { deployed: EnvironmentReport[]; scenarios: EnvironmentReport[] } {
  return { deployed: report.environments.filter((e) => e.kind !== 'scenario'), scenarios: report.environments.filter((e) => e.kind === 'scenario') };
}

// ---------------------------------------------------------------------------------------------- table

/** In a word or three, why a price is unverified: its source's own account, shortened. */
export function whyUnverified(source: string): string {
  if (source.startsWith('committed rate')) return 'committed rate estimated';
  if (source.includes('no ap-south-2 figure')) return 'assumed equal to ap-south-1';
  if (source.includes('third-party cost write-ups quote')) return 'quoted by third parties';
  if (source.includes('from memory')) return 'from memory';
  if (source.includes('estimate (')) return 'estimated';
  return 'third-party figure';
}

/** Splits text into lines of at most `width` characters, each after `indent`. */
export function wrap(text: string, width: number, indent: string, firstIndent: string = indent): string[] {
  const out: string[] = [];
  let line = firstIndent;
  let lineStart = true;
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = lineStart ? `${line}${word}` : `${line} ${word}`;
    if (!lineStart && candidate.length > width) {
      out.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
    lineStart = false;
  }
  out.push(line);
  // A single word longer than the width is cut, so nothing passes the margin.
  return out.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}

/** A cell cut to `width` with an ellipsis. */
function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

/** A table of rows, columns as wide as their widest cell, each under its cap. */
function columns(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[], caps: readonly number[], indent: string): string[] {
  const cut = [header, ...rows].map((r) => r.map((c, i) => fit(c, caps[i]!)));
  const widths = header.map((_, i) => Math.max(...cut.map((r) => r[i]!.length)));
  return cut.map((r) => `${indent}${pad(r, widths, right)}`);
}

const ITEM_COLUMNS = { header: ['', 'Item', 'Quantity', 'Unit price', 'Monthly', 'Committed'], right: [false, false, true, true, true, true], caps: [1, 48, 26, 12, 11, 11] };

function lineTable(lines: readonly LineItem[], indent: string, details: boolean): string[] {
  const { rows, hidden } = shown(lines);
  const out: string[] = [];
  const body = rows.map((l) => [l.usageBased ? USAGE_MARK : '', l.component, quantity(l), unitPrice(l.unitPriceUsd), usd(l.monthlyUsd), usd(l.committedMonthlyUsd)]);
  const table = columns(ITEM_COLUMNS.header, body, ITEM_COLUMNS.right, ITEM_COLUMNS.caps, indent);
  out.push(table[0]!);
  rows.forEach((line, i) => {
    out.push(table[i + 1]!);
    if (details) out.push(...wrap(line.detail, TABLE_WIDTH, `${indent}     `));
  });
  if (hidden > 0) out.push(`${indent}(${hidden} usage-based lines at $0.00, no usage in the usage file, not shown)`);
  return out;
}

function summaryRows(report: CostReport, envs: readonly EnvironmentReport[]): string[][] {
  return envs.map((env) => {
    const e = env.estimate;
    const gst = gstOf(report, e.monthlyUsd);
    const note = env.includedIn ? `in ${env.includedIn}'s total` : env.standby ? `with ${env.standby.environment}` : '';
    return [
      e.environment,
      usd(e.monthlyUsd),
      usd(e.committedMonthlyUsd),
      ...(gst === undefined ? [] : [usd(gst)]),
      env.design ? `~${usd(env.design.totalUsd, { cents: false })}` : '—',
      env.budget ? `${env.budget.status === 'over' ? 'OVER' : 'under'} ${usd(env.budget.budgetUsd, { cents: false })}${env.budget.atMaxStatus === 'over' ? ', max over' : ''}` : '—',
      note,
    ];
  });
}

function summaryTable(report: CostReport, envs: readonly EnvironmentReport[]): string[] {
  const gst = report.gst ? [gstLabel(report)] : [];
  const header = ['Environment', 'List', 'Committed', ...gst, 'Design', 'Budget', ''];
  const right = [false, true, true, ...gst.map(() => true), true, false, false];
  const caps = [26, 12, 12, ...gst.map(() => 11), 9, 22, 30];
  return columns(header, summaryRows(report, envs), right, caps, '  ');
}

function environmentDetail(report: CostReport, env: EnvironmentReport, comparison: Comparison | undefined, details: boolean): string[] {
  const e = env.estimate;
  const out: string[] = [];
  out.push(...wrap(`${e.environment} (${e.stacks.join(', ')}; ${e.regions.join(', ')})${env.scenario ? ` [scenario: ${env.scenario.description}]` : ''}`, TABLE_WIDTH, '    ', ''));
  if (env.includedIn) out.push(`  Counted in ${env.includedIn}'s total, not again in the account's.`);
  out.push(...lineTable(e.lines, '  ', details));
  const gst = gstOf(report, e.monthlyUsd);
  out.push(
    ...wrap(
      `Total ${usd(e.monthlyUsd)} a month at list, ${usd(e.committedMonthlyUsd)} committed` +
        `${gst === undefined ? '' : `; ${gstLabel(report)} on top: ${usd(gst)} (list), ${usd(gstOf(report, e.committedMonthlyUsd)!)} (committed)`}`,
      TABLE_WIDTH,
      '    ',
      '  ',
    ),
  );
  const facts = [designSummary(env), budgetSummary(env), compareSummary(comparison, e.environment)].filter((f): f is string => f !== undefined);
  if (facts.length > 0) out.push(...wrap(facts.join('; '), TABLE_WIDTH, '    ', '  '));
  if (e.atMaxUsd > e.atMinUsd + 0.005) out.push(`  Node groups at their minimum to maximum size: ${usd(e.atMinUsd)} to ${usd(e.atMaxUsd)}`);
  if (e.failoverOnlyStacks.length > 0) {
    out.push(
      ...wrap(`After a failover (${e.failoverOnlyStacks.join(', ')} applied): ${usd(e.failoverMonthlyUsd ?? e.monthlyUsd)} a month; these lines are not in the total:`, TABLE_WIDTH, '    ', '  '),
    );
    out.push(...lineTable(e.failoverLines, '    ', details));
  }
  if (env.design && env.design.differences.length > 0) {
    out.push('  Why it differs from the design:');
    for (const d of env.design.differences) out.push(...wrap(`${CATEGORIES[d.category]}: ${d.reason}`, TABLE_WIDTH, '              ', `    ${signedUsd(d.deltaUsd, { cents: false }).padStart(8)}  `));
  }
  for (const w of e.warnings) out.push(...wrap(`warning: ${w}`, TABLE_WIDTH, '    ', '  '));
  out.push(`  usage: ${e.usageFile}`, '');
  return out;
}

export interface TableOptions {
  /** Each line's detail (how its quantity was found) under it. */
  readonly details?: boolean;
}

export function formatTable(report: CostReport, comparison?: Comparison, options: TableOptions = {}): string {
  const details = options.details ?? false;
  const { deployed, scenarios } = sections(report);
  const a = report.account;
  const out: string[] = [
    ...wrap(`HexaBid monthly cost estimate, prices as of ${report.priceTable.asOf}, ${report.hoursPerMonth} hours a month.`, TABLE_WIDTH, ''),
    ...wrap(`List: ${report.priceTable.basis}. Committed: ${report.priceTable.committedBasis}.`, TABLE_WIDTH, ''),
    `${USAGE_MARK} usage-based: the quantity comes from the environment's usage file, not from the stacks.`,
    '',
    a.accounts.length > 1 ? 'THE ACCOUNTS' : 'THE ACCOUNT',
    ...wrap(`${a.environments.join(', ')}; a standby is counted inside its primary's total.`, TABLE_WIDTH, '  ', '  '),
    ...(a.accounts.length > 1
      ? a.accounts.flatMap((acct) => {
          // The figures lead, aligned; the environments wrap after them.
          const lead = `  ${acct.name.padEnd(14)} ${usd(acct.monthlyUsd).padStart(12)} list ${usd(acct.committedMonthlyUsd).padStart(12)} committed: `;
          return wrap(acct.environments.join(', '), TABLE_WIDTH, ' '.repeat(lead.length), lead);
        })
      : []),
    `  List       ${usd(a.monthlyUsd).padStart(12)} a month`,
    `  Committed  ${usd(a.committedMonthlyUsd).padStart(12)} a month`,
    ...(report.gst ? [`  ${gstLabel(report).padEnd(9)}  ${usd(gstOf(report, a.monthlyUsd)!).padStart(12)} on the list total, ${usd(gstOf(report, a.committedMonthlyUsd)!)} on the committed (--gst off leaves it out)`] : []),
    `  At every node group's maximum: ${usd(a.atMaxUsd)} a month at list`,
    '',
  ];
  if (deployed.length > 0) {
    out.push('ENVIRONMENTS', ...summaryTable(report, deployed), '');
    for (const env of deployed) out.push(...environmentDetail(report, env, comparison, details));
  }
  if (scenarios.length > 0) {
    out.push('SCENARIOS (not deployed: production synthesized at another size)', ...summaryTable(report, scenarios), '');
    for (const env of scenarios) out.push(...environmentDetail(report, env, comparison, details));
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) out.push(`${d.environment}: in the base (${usd(d.baseUsd ?? 0)}), not in this estimate`, '');
  if (report.missing.length > 0) out.push(...wrap(`Not in this synthesized output: ${report.missing.join(', ')} (run \`npm run cost\` without --from to synthesize everything).`, TABLE_WIDTH, '  ', ''), '');
  out.push(...wrap(`Unverified prices used (${report.unverifiedPrices.length}; tools/cost/prices/prices.json says where each comes from; \`npm run cost -- --refresh-prices\` reads them from AWS):`, TABLE_WIDTH, '  ', ''));
  const rows = report.unverifiedPrices.map((p) => [`${p.key} ${p.region}`, `${unitPrice(p.usd)}/${p.unit}`, whyUnverified(p.source)]);
  const table = columns(['Price', 'Rate', 'Why unverified'], rows, [false, true, false], [56, 24, 28], '  ');
  out.push(`${table[0]}  Used by`);
  report.unverifiedPrices.forEach((p, i) => {
    const usedBy = p.environments.join(', ');
    const line = `${table[i + 1]!.padEnd(table[0]!.length)}  ${usedBy}`;
    out.push(...(line.length <= TABLE_WIDTH ? [line] : [table[i + 1]!, ...wrap(`used by ${usedBy}`, TABLE_WIDTH, '        ')]));
  });
  out.push('', 'Not estimated:', ...report.notEstimated.flatMap((n) => wrap(n, TABLE_WIDTH, '    ', '  - ')));
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
    '| Item | Detail | Quantity | Unit price | Monthly | Committed |',
    '|---|---|--:|--:|--:|--:|',
    ...rows.map(
      (l) =>
        `| ${cell(l.component)}${l.usageBased ? ` ${USAGE_MARK}` : ''} | ${cell(l.detail)} | ${cell(quantity(l))} | ${unitPrice(l.unitPriceUsd)} | ${usd(l.monthlyUsd)} | ${usd(l.committedMonthlyUsd)} |`,
    ),
    ...(hidden > 0 ? ['', `${hidden} usage-based lines at $0.00 (no usage in the usage file) are not shown.`] : []),
  ];
}

/** What the Markdown aims to stay under: GitHub refuses a comment over 65,536 characters, and CI may add around it. */
export const MARKDOWN_BUDGET = 60_000;

function environmentSection(env: EnvironmentReport, withTables: boolean): string[] {
  const e = env.estimate;
  const out = ['', `<details><summary><b>${e.environment}</b>: ${usd(e.monthlyUsd)} a month, ${usd(e.committedMonthlyUsd)} committed${env.design ? `, ${designSummary(env)}` : ''}</summary>`, ''];
  out.push(`Stacks ${e.stacks.map((s) => `\`${s}\``).join(', ')} in ${e.regions.join(', ')}${env.scenario ? `; scenario: ${cell(env.scenario.description)}` : ''}. Usage: \`${e.usageFile}\`.`, '');
  if (env.includedIn) out.push(`Counted in ${env.includedIn}'s total, not again in the account's.`, '');
  if (withTables) out.push(...markdownLines(e.lines));
  else out.push(`_${e.lines.length} line items left out to keep this comment under GitHub's size limit: \`npm run cost -- --env ${e.environment}\` lists them._`);
  if (e.atMaxUsd > e.atMinUsd + 0.005) out.push('', `Node groups at their minimum to maximum size: ${usd(e.atMinUsd)} to ${usd(e.atMaxUsd)}.`);
  const budget = budgetSummary(env);
  if (budget) out.push('', `${budget[0]!.toUpperCase()}${budget.slice(1)}.`);
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

function markdownSummary(report: CostReport, envs: readonly EnvironmentReport[], comparison: Comparison | undefined): string[] {
  const gst = report.gst ? ` ${gstLabel(report)} |` : '';
  const out = [
    `| Environment | List | Committed |${gst} Design | Difference${comparison ? ' | Change vs base' : ''} | Budget |`,
    `|---|--:|--:|${report.gst ? '--:|' : ''}--:|--:|${comparison ? '--:|' : ''}---|`,
  ];
  for (const env of envs) {
    const e = env.estimate;
    const change = comparison?.environments.find((d) => d.environment === e.environment);
    const name = `${e.environment}${env.includedIn ? ` (in ${env.includedIn}'s total)` : ''}${env.standby ? ` (with ${env.standby.environment})` : ''}${e.failoverOnlyStacks.length ? ` (standby; ${usd(e.failoverMonthlyUsd ?? 0)} after failover)` : ''}`;
    const budget = env.budget ? `${env.budget.status === 'over' ? '**over**' : 'under'} ${usd(env.budget.budgetUsd, { cents: false })}${env.budget.atMaxStatus === 'over' ? `; **over at max** (${usd(env.budget.atMaxUsd)})` : ''}` : '—';
    out.push(
      `| ${name} | ${usd(e.monthlyUsd)} | ${usd(e.committedMonthlyUsd)} | ${report.gst ? `${usd(gstOf(report, e.monthlyUsd)!)} | ` : ''}` +
        `${env.design ? `~${usd(env.design.totalUsd, { cents: false })}` : '—'} | ${env.design ? `${signedUsd(env.design.deltaUsd)} (${percent(env.design.deltaUsd, env.design.totalUsd)})` : '—'} | ` +
        `${comparison ? `${change ? (change.status === 'added' ? 'new' : signedUsd(change.deltaUsd)) : '—'} | ` : ''}${budget} |`,
    );
  }
  return out;
}

export function formatMarkdown(report: CostReport, comparison?: Comparison): string {
  const { deployed, scenarios } = sections(report);
  const a = report.account;
  const head: string[] = [
    COMMENT_MARKER,
    '### Monthly cost estimate',
    '',
    `${report.priceTable.basis[0]!.toUpperCase()}${report.priceTable.basis.slice(1)}, as of ${report.priceTable.asOf}; ${report.hoursPerMonth} hours a month. ` +
      `Committed: ${report.priceTable.committedBasis}. ` +
      `Lines marked ${USAGE_MARK} are usage-based: their quantities come from \`tools/cost/usage/<environment>.yaml\`. ` +
      `${report.unverifiedPrices.length} of the prices used are unverified (listed below).`,
    '',
    `**${a.accounts.length > 1 ? 'The accounts' : 'The account'}** (${a.environments.join(', ')}; a standby inside its primary's total): **${usd(a.monthlyUsd)}** a month at list, ${usd(a.committedMonthlyUsd)} committed` +
      `${report.gst ? `; ${gstLabel(report)} on top: ${usd(gstOf(report, a.monthlyUsd)!)}` : ''}; ${usd(a.atMaxUsd)} with every node group at its maximum.`,
    ...(a.accounts.length > 1 ? ['', ...a.accounts.map((acct) => `- ${acct.name}: ${usd(acct.monthlyUsd)} at list, ${usd(acct.committedMonthlyUsd)} committed (${acct.environments.join(', ')})`)] : []),
    '',
    '#### Environments',
    '',
    ...markdownSummary(report, deployed, comparison),
  ];
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) {
    head.push(`| ${d.environment} (removed) | — | — |${report.gst ? ' — |' : ''} — | — | ${signedUsd(d.deltaUsd)} | — |`);
  }
  if (scenarios.length > 0) head.push('', '#### Scenarios (not deployed)', '', ...markdownSummary(report, scenarios, comparison));
  const changed = comparison?.environments.filter((d) => d.lines.length > 0) ?? [];
  if (changed.length > 0) {
    head.push('', '#### What changed', '', '| Environment | Stack | Item | Base | Now | Change |', '|---|---|---|--:|--:|--:|');
    for (const d of changed) for (const l of d.lines.slice(0, 10)) head.push(`| ${d.environment} | ${l.stack} | ${cell(l.component)} | ${usd(l.baseUsd)} | ${usd(l.headUsd)} | ${signedUsd(l.deltaUsd)} |`);
  }
  const tail = [
    '',
    `<details><summary>Unverified prices (${report.unverifiedPrices.length}): tools/cost/prices/prices.json gives each one's source; \`npm run cost -- --refresh-prices\` reads them from AWS</summary>`,
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
  const ordered = [...deployed, ...scenarios];
  const render = () => `${[...head, ...ordered.flatMap((env) => environmentSection(env, withTables.has(env.estimate.environment))), ...tail].join('\n')}\n`;
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
    ...(report.gst ? { gst: report.gst } : {}),
    account: {
      ...report.account,
      ...(report.gst ? { gstUsd: cents(gstOf(report, report.account.monthlyUsd)!), committedGstUsd: cents(gstOf(report, report.account.committedMonthlyUsd)!) } : {}),
    },
    environments: report.environments.map(({ estimate: { environment, ...estimate }, ...env }) => ({
      name: environment,
      kind: env.kind,
      ...estimate,
      ...(report.gst ? { gstUsd: cents(gstOf(report, estimate.monthlyUsd)!), committedGstUsd: cents(gstOf(report, estimate.committedMonthlyUsd)!) } : {}),
      ...(env.scenario ? { scenario: env.scenario } : {}),
      ...(env.standby ? { standby: env.standby } : {}),
      ...(env.includedIn ? { includedIn: env.includedIn } : {}),
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

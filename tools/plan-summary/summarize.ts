/**
 * Turns a parsed Terraform plan into the Markdown of a stack's sticky PR
 * comment, and decides whether the plan may go ahead: destroying or replacing
 * a data-bearing resource in a gated environment needs the allow-data-loss
 * label or a committed allowance. Pure (the clock aside, which options.now
 * replaces): the caller reads files and sets the exit code.
 *
 * The comment never shows a sensitive value: values appear only for top-level
 * scalar attributes that no mark, credential-like name or known secret covers.
 */
import { createHash } from 'node:crypto';
import { findAllowance, isExpired, type Allowance } from './allowances.ts';
import { DATA_BEARING_REASONS, destroysData, type DataBearingType } from './data-bearing.ts';
import type { JsonValue, Plan, ResourceChange } from './plan-format.ts';
import { containsSensitive, looksLikeCredential, SecretIndex, touchesMark } from './sensitive.ts';

/** GitHub refuses a comment longer than this (tools/ci/pr-comment.ts checks it too). */
export const COMMENT_LIMIT = 65_536;
/** What the summary aims to stay under, leaving room for what CI adds around it. */
export const DEFAULT_BUDGET = 60_000;
/** The pull request label that allows every data-bearing destroy of the plan. */
export const ALLOW_LABEL = 'allow-data-loss';
export const DEFAULT_ALLOWANCES_PATH = 'ci/allowed-data-destroys.json';
/** Environments where a data-bearing destroy goes through unasked; any other is gated, unknown ones included. */
export const UNGATED_ENVIRONMENTS: readonly string[] = ['dev'];

/** A stack name that is safe in the HTML marker (no `--`) and in Markdown. */
const STACK_NAME = /^(?=.{1,100}$)[A-Za-z0-9]+(?:[_.-][A-Za-z0-9]+)*$/;
const ENVIRONMENT_NAME = /^(?=.{1,40}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One bucket per resource change; import and move are no-ops that import or move. */
export type ActionKind = 'create' | 'update' | 'replace' | 'destroy' | 'forget' | 'read' | 'import' | 'move' | 'no-op';

/** Table order: what loses something first, so truncation cuts the harmless end. */
const TABLE_ORDER: readonly ActionKind[] = ['destroy', 'replace', 'forget', 'update', 'create', 'import', 'move', 'read'];
const TITLES: Record<ActionKind, string> = {
  destroy: 'Destroy', replace: 'Replace', forget: 'Forget (removed from state, not destroyed)', update: 'Update in place',
  create: 'Create', import: 'Import', move: 'Move', read: 'Read (data sources)', 'no-op': 'No change',
};

/** Terraform's action_reason values, in words. */
const REASONS: Record<string, string> = {
  replace_because_cannot_update: 'an attribute that cannot be updated changes',
  replace_because_tainted: 'the object is tainted',
  replace_by_request: 'replacement requested with -replace',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'removed from the configuration',
  delete_because_wrong_repetition: 'count/for_each was added or removed',
  delete_because_count_index: 'its count index is out of range',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_module: 'its module was removed',
  delete_because_no_move_target: 'its moved block has no target',
  read_because_config_unknown: 'its configuration is known only after apply',
  read_because_dependency_pending: 'it depends on a pending change',
  read_because_check_nested: 'a check block reads it',
};

export interface SummaryOptions {
  readonly stack: string;
  /** Overrides the environment derived from the stack name. */
  readonly environment?: string;
  /** The pull request carries the allow-data-loss label. */
  readonly allowDataLoss?: boolean;
  readonly allowances?: readonly Allowance[];
  /** Where the allowances come from, for the Markdown. */
  readonly allowancesPath?: string;
  /** Where the full plan is; else the text "the plan artifact of this run". */
  readonly artifactUrl?: string;
  /** For allowance expiry; defaults to the current time. */
  readonly now?: Date;
  /** Character budget of the Markdown, at most COMMENT_LIMIT. */
  readonly budget?: number;
}

export interface DangerousChange {
  readonly address: string;
  readonly type: DataBearingType;
  readonly action: 'destroy' | 'replace';
  /** For a replace: which happens first. */
  readonly order?: 'destroy-before-create' | 'create-before-destroy';
  readonly actionReason?: string;
  /** Set when the object destroyed is a deposed one a failed replace left behind. */
  readonly deposed?: string;
  readonly allowed: boolean;
  readonly allowedBy?: 'not-gated' | 'label' | 'allowance';
  readonly allowance?: Allowance;
  readonly expiredAllowances: readonly Allowance[];
}

export interface PlanSummary {
  readonly markdown: string;
  /** A dangerous change in a gated environment that nothing allows: CI must not apply the plan. */
  readonly blocked: boolean;
  readonly environment: string | undefined;
  readonly gated: boolean;
  readonly counts: Record<ActionKind, number>;
  readonly dangerous: readonly DangerousChange[];
  readonly outputChanges: number;
  readonly drift: number;
  /** Resources the table left out to stay within the budget. */
  readonly omitted: number;
  /** Expired allowances for this stack: they no longer count, and should be removed. */
  readonly expiredAllowances: readonly Allowance[];
  readonly fingerprint: string;
}

export class SummaryOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SummaryOptionsError';
  }
}

/** The environment a stack belongs to: `hexabid-<env>` or `hexabid-<env>-k8s`; the bootstrap stack is "bootstrap". */
export function environmentOfStack(stack: string): string | undefined {
  return /^hexabid-(.+?)(?:-k8s)?$/.exec(stack)?.[1];
}

export function isGated(environment: string | undefined): boolean {
  return environment === undefined || !UNGATED_ENVIRONMENTS.includes(environment);
}

export function actionKind(resource: ResourceChange): ActionKind {
  const actions = resource.change.actions;
  switch (actions.join(',')) {
    case 'no-op':
      if (resource.change.importing !== undefined) return 'import';
      return resource.previous_address !== undefined ? 'move' : 'no-op';
    case 'create': return 'create';
    case 'read': return 'read';
    case 'update': return 'update';
    case 'delete': return 'destroy';
    case 'forget': return 'forget';
    default: return 'replace';
  }
}

function replaceOrder(resource: ResourceChange): string {
  const [first, second] = resource.change.actions;
  if (first === 'delete') return 'destroy, then create';
  return second === 'forget' ? 'create, then forget the old object' : 'create, then destroy';
}

/**
 * A hash of everything the plan would change: each changed resource's
 * address, actions and values before and after (sensitive ones included,
 * hashed, never printed), and each changed output's. Two plans have the same
 * fingerprint only when applying either does exactly the same thing, so an
 * apply can check that the plan it is about to run is the one an approver
 * saw, values and all. No-op entries and the order of entries do not count.
 */
export function planFingerprint(plan: Plan): string {
  const resources = plan.resource_changes
    .filter((r) => actionKind(r) !== 'no-op')
    .map((r) => ({
      address: r.address,
      deposed: r.deposed ?? null,
      previous_address: r.previous_address ?? null,
      actions: r.change.actions,
      before: r.change.before,
      after: r.change.after,
      after_unknown: r.change.after_unknown,
      replace_paths: r.change.replace_paths ?? null,
    }));
  const outputs = Object.entries(plan.output_changes)
    .filter(([, o]) => o.actions[0] !== 'no-op')
    .map(([name, o]) => ({ output: name, actions: o.actions, before: o.before, after: o.after, after_unknown: o.after_unknown }));
  const lines = [...resources, ...outputs].map(canonicalJson).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** JSON with every object's keys sorted, so equal values always print alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------- Markdown text

/** Plain text made inert in Markdown: no emphasis, links, HTML, table breaks or @mentions. */
export function escapeText(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** Text as inline code, whatever backticks it holds; inTable escapes `|`, which GFM tables split on even inside code. */
export function codeSpan(text: string, inTable = true): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  const span = `${fence}${pad}${flat}${pad}${fence}`;
  return inTable ? span.replace(/\|/g, '\\|') : span;
}

const VALUE_CHARS = 60;

/** A scalar as shown in the table, cut to about 60 characters. */
function valueText(value: string | number | boolean | null): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return codeSpan(text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text);
}

function isScalar(value: JsonValue | undefined): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function attributes(value: JsonValue): { readonly [key: string]: JsonValue } | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { readonly [key: string]: JsonValue }) : undefined;
}

function reasonText(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return REASONS[reason] ?? codeSpan(reason);
}

const MAX_ATTRIBUTES = 20;

/** The top-level attributes an update or replace changes, each with its value where it is safe to show. */
function changedAttributes(resource: ResourceChange, secrets: SecretIndex): string[] {
  const { before, after, after_unknown: unknown, before_sensitive: beforeMarks, after_sensitive: afterMarks } = resource.change;
  if (unknown === true) return ['all attributes known after apply'];
  const old = attributes(before) ?? {};
  const next = attributes(after) ?? {};
  const forcing = new Set((resource.change.replace_paths ?? []).map((p) => String(p[0])));
  const names = [...new Set([...Object.keys(old), ...Object.keys(next), ...Object.keys(attributes(unknown) ?? {})])].filter(
    (name) => forcing.has(name) || touchesMark(unknown, [name]) || !equal(old[name], next[name]),
  );
  names.sort((a, b) => Number(forcing.has(b)) - Number(forcing.has(a)) || a.localeCompare(b));
  const shown = names.slice(0, MAX_ATTRIBUTES).map((name) => {
    const unknownNow = touchesMark(unknown, [name]);
    const sensitive = touchesMark(beforeMarks, [name]) || touchesMark(afterMarks, [name]) || looksLikeCredential(name);
    const a = old[name] ?? null;
    const b = next[name] ?? null;
    let text = codeSpan(name);
    if (sensitive) text += ' (sensitive)';
    else if (typeof a === 'string' && secrets.mayReveal(a)) text += ' (value hidden)';
    else if (unknownNow) text += isScalar(a) && a !== null ? `: ${valueText(a)} → (known after apply)` : ' (known after apply)';
    else if (typeof b === 'string' && secrets.mayReveal(b)) text += ' (value hidden)';
    else if (isScalar(a) && isScalar(b)) text += `: ${valueText(a)} → ${valueText(b)}`;
    if (forcing.has(name)) text += ' **forces replacement**';
    return text;
  });
  if (names.length > MAX_ATTRIBUTES) shown.push(`and ${names.length - MAX_ATTRIBUTES} more`);
  return shown;
}

/** The Details cell of a resource's row. */
function details(resource: ResourceChange, kind: ActionKind, secrets: SecretIndex): string {
  const parts: string[] = [];
  if (kind === 'replace') parts.push(`**${replaceOrder(resource)}**`);
  const reason = reasonText(resource.action_reason);
  if (reason !== undefined) parts.push(reason);
  if (resource.deposed !== undefined) parts.push(`deposed object ${codeSpan(resource.deposed)}`);
  if (resource.previous_address !== undefined) parts.push(`moved from ${codeSpan(resource.previous_address)}`);
  if (resource.change.importing !== undefined && kind !== 'import') parts.push('imported');
  if (kind === 'update' || kind === 'replace') {
    const changed = changedAttributes(resource, secrets);
    if (changed.length > 0) parts.push(changed.join('<br>'));
  }
  return parts.join('<br>');
}

// ---------------------------------------------------------------- gating

function dangerousChanges(plan: Plan, options: Required<Pick<SummaryOptions, 'stack' | 'allowDataLoss' | 'allowances' | 'now'>>, gated: boolean): DangerousChange[] {
  return plan.resource_changes.filter(destroysData).map((resource): DangerousChange => {
    const kind = actionKind(resource) === 'destroy' ? 'destroy' : 'replace';
    const { live, expired } = findAllowance(options.allowances, options.stack, resource.address, options.now);
    const allowedBy = !gated ? 'not-gated' : options.allowDataLoss ? 'label' : live !== undefined ? 'allowance' : undefined;
    return {
      address: resource.address,
      type: resource.type as DataBearingType,
      action: kind,
      order: kind === 'replace' ? (resource.change.actions[0] === 'delete' ? 'destroy-before-create' : 'create-before-destroy') : undefined,
      actionReason: resource.action_reason,
      deposed: resource.deposed,
      allowed: allowedBy !== undefined,
      allowedBy,
      allowance: allowedBy === 'allowance' ? live : undefined,
      expiredAllowances: expired,
    };
  });
}

function allowedText(change: DangerousChange, environment: string | undefined): string {
  switch (change.allowedBy) {
    case 'not-gated': return `yes, not gated in ${environment ?? 'this environment'}`;
    case 'label': return `yes, by the ${codeSpan(ALLOW_LABEL)} label`;
    case 'allowance': return `yes, until ${change.allowance!.expires}: ${escapeText(change.allowance!.reason)}`;
    default: return `⛔ **no**${change.expiredAllowances.length > 0 ? ` (its allowance expired ${change.expiredAllowances.map((a) => a.expires).join(', ')})` : ''}`;
  }
}

// ---------------------------------------------------------------- layout

/** Lines that stop being added once they would pass a character budget. */
class Section {
  readonly lines: string[] = [];
  private chars = 0;

  constructor(private readonly budget: number) {}

  get length(): number {
    return this.chars;
  }

  fits(...lines: string[]): boolean {
    return this.chars + lines.reduce((n, l) => n + l.length + 1, 0) <= this.budget;
  }

  add(...lines: string[]): boolean {
    if (!this.fits(...lines)) return false;
    this.lines.push(...lines);
    this.chars += lines.reduce((n, l) => n + l.length + 1, 0);
    return true;
  }
}

const DANGER_BUDGET = 25_000;
const LIST_BUDGET = 6_000;

/** Where the full plan is: a link when the URL is known. */
function pointer(artifactUrl: string | undefined): string {
  if (artifactUrl === undefined) return 'the plan artifact of this run';
  // URL.href percent-encodes spaces and the like; parentheses would end the link.
  const href = new URL(artifactUrl).href.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[the plan artifact of this run](${href})`;
}

function verdict(counts: Record<ActionKind, number>, outputs: number): string {
  const parts = ([['import', 'import'], ['create', 'add'], ['update', 'change'], ['replace', 'replace'], ['destroy', 'destroy'], ['forget', 'forget'], ['move', 'move']] as const)
    .filter(([kind]) => counts[kind] > 0)
    .map(([kind, verb]) => `${counts[kind]} to ${verb}`);
  if (parts.length > 0) return parts.join(', ') + (outputs > 0 ? `; ${outputs} output change${outputs === 1 ? '' : 's'}` : '');
  // Only "No changes" when nothing changes: the drift issue closes on those words.
  return outputs > 0 ? `no resource changes, ${outputs} output change${outputs === 1 ? '' : 's'}` : 'No changes';
}

function dangerSection(dangerous: readonly DangerousChange[], blocked: boolean, stack: string, environment: string | undefined, allowancesPath: string, artifactUrl: string | undefined): string[] {
  const section = new Section(DANGER_BUDGET);
  const where = `${codeSpan(stack, false)}${environment === undefined ? '' : ` (${escapeText(environment)})`}`;
  if (blocked) {
    section.add(
      '> [!CAUTION]',
      `> **Blocked: this plan destroys or replaces data-bearing resources in ${where}.** It is not applied until every change below is allowed:`,
      `> add the label ${codeSpan(ALLOW_LABEL, false)} to allow every listed change, or commit an allowance for each address (stack, exact address, reason, expiry date) to ${codeSpan(allowancesPath, false)}.`,
      '> If the data must stay, change the code so that the plan keeps these resources.',
      '',
    );
  } else {
    const how = dangerous.every((d) => d.allowedBy === 'not-gated')
      ? `not gated in ${escapeText(environment ?? 'this environment')}`
      : dangerous.every((d) => d.allowedBy === 'label') ? `allowed by the ${codeSpan(ALLOW_LABEL, false)} label` : 'every one allowed';
    section.add('> [!WARNING]', `> **This plan destroys or replaces data-bearing resources in ${where}**: ${how}. Check that the data may go.`, '');
  }
  section.add('| Resource | Action | Reason | Holds | Allowed |', '|---|---|---|---|---|');
  const tail = (n: number) => ['', `${n} more data-bearing change${n === 1 ? '' : 's'} not listed here; ${pointer(artifactUrl)} has them all.`];
  for (const [i, change] of dangerous.entries()) {
    const action = change.action === 'destroy' ? '**destroy**' : `**replace** (${change.order === 'destroy-before-create' ? 'destroy, then create' : 'create, then destroy'})`;
    const reason = [reasonText(change.actionReason), change.deposed === undefined ? undefined : `deposed object ${codeSpan(change.deposed)}`].filter((r) => r !== undefined).join('; ');
    const row = `| ${codeSpan(change.address)} | ${action} | ${reason} | ${escapeText(DATA_BEARING_REASONS[change.type])} | ${allowedText(change, environment)} |`;
    // Keep room for the closing line, so a long list still says it was cut.
    if (!section.fits(row, ...tail(dangerous.length - i))) {
      section.add(...tail(dangerous.length - i));
      break;
    }
    section.add(row);
  }
  section.add('');
  return section.lines;
}

function outputsSection(plan: Plan): string[] {
  const changed = Object.entries(plan.output_changes).filter(([, o]) => o.actions[0] !== 'no-op');
  if (changed.length === 0) return [];
  const section = new Section(LIST_BUDGET);
  section.add(`<details><summary>Output changes (${changed.length})</summary>`, '', '| Output | Action |', '|---|---|');
  for (const [i, [name, output]] of changed.entries()) {
    const sensitive = containsSensitive(output.before_sensitive) || containsSensitive(output.after_sensitive) || looksLikeCredential(name);
    const action = output.actions.length > 1 ? 'replace' : output.actions[0] === 'delete' ? 'remove' : output.actions[0];
    if (!section.fits(`| ${codeSpan(name)} | ${action}${sensitive ? ' (sensitive)' : ''} |`, '', '</details>', '', `and ${changed.length - i} more`)) {
      section.add(`| and ${changed.length - i} more | |`);
      break;
    }
    section.add(`| ${codeSpan(name)} | ${action}${sensitive ? ' (sensitive)' : ''} |`);
  }
  section.add('', '</details>', '');
  return section.lines;
}

function driftSection(plan: Plan): string[] {
  const drifted = plan.resource_drift.filter((r) => actionKind(r) !== 'no-op');
  if (drifted.length === 0) return [];
  const section = new Section(LIST_BUDGET);
  section.add(`<details><summary>Drift: ${drifted.length} resource${drifted.length === 1 ? '' : 's'} changed outside Terraform</summary>`, '');
  for (const [i, resource] of drifted.entries()) {
    const what = resource.change.actions[0] === 'delete' ? 'deleted' : resource.change.actions[0] === 'create' ? 'created' : 'changed';
    const line = `- ${codeSpan(resource.address, false)} (${what})`;
    if (!section.fits(line, '', '</details>', '', `- and ${drifted.length - i} more`)) {
      section.add(`- and ${drifted.length - i} more`);
      break;
    }
    section.add(line);
  }
  section.add('', '</details>', '');
  return section.lines;
}

function expiredNote(expired: readonly Allowance[], allowancesPath: string): string[] {
  if (expired.length === 0) return [];
  const listed: string[] = [];
  for (const allowance of expired) {
    const entry = `${codeSpan(allowance.address, false)} (expired ${allowance.expires})`;
    if (listed.join(', ').length + entry.length > 2_000) break;
    listed.push(entry);
  }
  const more = expired.length - listed.length;
  return [`Expired allowances in ${codeSpan(allowancesPath, false)}, which no longer count; remove them: ${listed.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`, ''];
}

/** The PR comment for a plan, and whether CI may apply it. */
export function summarizePlan(plan: Plan, options: SummaryOptions): PlanSummary {
  const stack = options.stack;
  if (!STACK_NAME.test(stack)) throw new SummaryOptionsError(`stack name "${stack.slice(0, 100)}" must be up to 100 letters and digits joined by single - _ or .`);
  const budget = options.budget ?? DEFAULT_BUDGET;
  if (!(budget > 0 && budget <= COMMENT_LIMIT)) throw new SummaryOptionsError(`budget must be from 1 to ${COMMENT_LIMIT} characters, not ${budget}`);
  const url = options.artifactUrl;
  if (url !== undefined && (url.length > 2_000 || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))) {
    throw new SummaryOptionsError(`the artifact URL "${url.slice(0, 100)}" must be an http(s) URL of at most 2,000 characters`);
  }
  if (options.environment !== undefined && !ENVIRONMENT_NAME.test(options.environment)) {
    throw new SummaryOptionsError(`environment "${options.environment}" must be up to 40 lowercase letters and digits joined by single dashes`);
  }
  const environment = options.environment ?? environmentOfStack(stack);
  const gated = isGated(environment);
  const now = options.now ?? new Date();
  const allowances = options.allowances ?? [];
  const allowancesPath = options.allowancesPath ?? DEFAULT_ALLOWANCES_PATH;
  const secrets = SecretIndex.of(plan);

  const counts: Record<ActionKind, number> = { create: 0, update: 0, replace: 0, destroy: 0, forget: 0, read: 0, import: 0, move: 0, 'no-op': 0 };
  const groups = new Map<ActionKind, ResourceChange[]>(TABLE_ORDER.map((k) => [k, []]));
  for (const resource of plan.resource_changes) {
    const kind = actionKind(resource);
    counts[kind]++;
    groups.get(kind)?.push(resource);
  }
  const dangerous = dangerousChanges(plan, { stack, allowDataLoss: options.allowDataLoss ?? false, allowances, now }, gated);
  const blocked = dangerous.some((d) => !d.allowed);
  const expiredAllowances = allowances.filter((a) => a.stack === stack && isExpired(a, now));
  const outputChanges = Object.values(plan.output_changes).filter((o) => o.actions[0] !== 'no-op').length;
  const drift = plan.resource_drift.filter((r) => actionKind(r) !== 'no-op').length;
  const fingerprint = planFingerprint(plan);

  const head: string[] = [`<!-- hexabid-plan:${stack} -->`, `### ${blocked ? '⛔ ' : ''}${codeSpan(stack, false)}: ${verdict(counts, outputChanges)}`, ''];
  if (plan.errored) head.push('> [!WARNING]', '> Planning stopped at an error: this plan is incomplete.', '');
  if (dangerous.length > 0) head.push(...dangerSection(dangerous, blocked, stack, environment, allowancesPath, url));
  head.push(...expiredNote(expiredAllowances, allowancesPath));
  const shownKinds: readonly ActionKind[] = ['create', 'update', 'replace', 'destroy', ...(['forget', 'import', 'move', 'read'] as const).filter((k) => counts[k] > 0)];
  if (TABLE_ORDER.some((k) => counts[k] > 0)) {
    head.push(`| ${shownKinds.join(' | ')} |`, `|${shownKinds.map(() => '--:').join('|')}|`, `| ${shownKinds.map((k) => counts[k]).join(' | ')} |`, '');
  }
  const tail = [...outputsSection(plan), ...driftSection(plan), `<sub>Terraform ${escapeText(plan.terraform_version ?? 'version unknown')} · plan fingerprint ${codeSpan(fingerprint.slice(0, 12), false)}</sub>`];

  // What the head and tail leave, less room for the line that says rows were left out.
  const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
  const table = new Section(budget - size(head) - size(tail) - 300 - pointer(url).length);
  let omitted = 0;
  for (const kind of TABLE_ORDER) {
    const rows = groups.get(kind)!;
    if (rows.length === 0) continue;
    if (omitted > 0) {
      omitted += rows.length;
      continue;
    }
    // Open what loses something, and short lists; long harmless ones stay folded.
    const open = kind === 'destroy' || kind === 'replace' || kind === 'forget' || rows.length <= 10;
    const opening = [`<details${open ? ' open' : ''}><summary>${TITLES[kind]} (${rows.length})</summary>`, '', '| Resource | Type | Details |', '|---|---|---|'];
    const closing = ['', '</details>', ''];
    let opened = false;
    for (const [i, resource] of rows.entries()) {
      const row = `| ${codeSpan(resource.address)} | ${codeSpan(resource.type)} | ${details(resource, kind, secrets)} |`;
      // Every row keeps room for the closing lines, so a cut table is still well-formed.
      const lines = i === 0 ? [...opening, row] : [row];
      if (!table.fits(...lines, ...closing)) {
        omitted += rows.length - i;
        break;
      }
      table.add(...lines);
      opened = true;
    }
    if (opened) table.add(...closing);
  }
  const body = [...head, ...table.lines];
  if (omitted > 0) {
    body.push(`**${omitted} resource change${omitted === 1 ? '' : 's'} left out** to keep this comment under GitHub's ${COMMENT_LIMIT.toLocaleString('en-US')}-character limit; ${pointer(url)} has the full plan.`, '');
  }
  const markdown = [...body, ...tail].join('\n') + '\n';
  // The sections are sized to fit; this only catches a mistake in that sizing.
  if (markdown.length > COMMENT_LIMIT) throw new Error(`plan summary is ${markdown.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  return { markdown, blocked, environment, gated, counts, dangerous, outputChanges, drift, omitted, expiredAllowances, fingerprint };
}

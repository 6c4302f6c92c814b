/**
 * The parts of Terraform's JSON plan format (`terraform show -json <planfile>`,
 * https://developer.hashicorp.com/terraform/internals/json-format) that the
 * plan summary reads, and a parser that checks them. Field names stay as
 * Terraform spells them, so the types read like the format's documentation.
 * What the summary never reads (variables, prior_state, configuration) is not
 * kept: a value that is not held cannot be printed.
 */

/** Any JSON value: before/after values, and the after_unknown and *_sensitive marks that mirror them. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A step into a value: an attribute or map key, or a list index. */
export type PathStep = string | number;

/** Every actions array Terraform writes (1.7 added forget; create+forget replaces with `destroy = false`). */
export const ACTION_SETS = [
  ['no-op'],
  ['create'],
  ['read'],
  ['update'],
  ['delete', 'create'],
  ['create', 'delete'],
  ['delete'],
  ['forget'],
  ['create', 'forget'],
] as const;

export type Actions = (typeof ACTION_SETS)[number];

export interface Change {
  readonly actions: Actions;
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** `true` at leaves (or for the whole value) known only after apply. */
  readonly after_unknown: JsonValue;
  /** `true` at sensitive leaves, or for the whole value. */
  readonly before_sensitive: JsonValue;
  readonly after_sensitive: JsonValue;
  /** Paths into the value whose change forces the replacement; absent when none did (tainted, -replace). */
  readonly replace_paths?: readonly (readonly PathStep[])[];
  /** Present when the change also imports the object. */
  readonly importing?: { readonly [key: string]: JsonValue };
}

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly provider_name?: string;
  /** Set on an object a failed create-before-destroy left behind. */
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: Change;
}

/** An output's change: the same shape as a resource's, without replace paths. */
export interface OutputChange {
  readonly actions: Actions;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly after_unknown: JsonValue;
  readonly before_sensitive: JsonValue;
  readonly after_sensitive: JsonValue;
}

export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly resource_drift: readonly ResourceChange[];
  readonly output_changes: { readonly [name: string]: OutputChange };
  /** True when planning stopped at an error, so the changes are incomplete. */
  readonly errored: boolean;
}

/** Input that is not a plan this tool can read; `path` says where, as `resource_changes[3].change.actions`. */
export class PlanFormatError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'the plan'}: ${problem}`);
    this.name = 'PlanFormatError';
  }
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function object(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new PlanFormatError(path, `expected an object, found ${describe(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new PlanFormatError(path, `expected a non-empty string, found ${describe(value)}`);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

function json(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PlanFormatError(path, 'expected a JSON number');
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => json(v, `${path}[${i}]`));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v, `${path}.${k}`)]));
  throw new PlanFormatError(path, `expected a JSON value, found ${describe(value)}`);
}

function actions(value: unknown, path: string): Actions {
  if (!Array.isArray(value) || !value.every((a) => typeof a === 'string')) throw new PlanFormatError(path, `expected an array of strings, found ${describe(value)}`);
  const found = ACTION_SETS.find((set) => set.length === value.length && set.every((a, i) => a === value[i]));
  // An action this tool does not know could hide a destroy: refuse rather than guess.
  if (found === undefined) throw new PlanFormatError(path, `unknown actions ${JSON.stringify(value)}; known are ${ACTION_SETS.map((s) => JSON.stringify(s)).join(', ')}`);
  return found;
}

function replacePaths(value: unknown, path: string): readonly (readonly PathStep[])[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new PlanFormatError(path, `expected an array of paths, found ${describe(value)}`);
  return value.map((p, i) => {
    if (!Array.isArray(p) || !p.every((s) => typeof s === 'string' || typeof s === 'number')) {
      throw new PlanFormatError(`${path}[${i}]`, `expected an array of strings and numbers, found ${describe(p)}`);
    }
    return p as PathStep[];
  });
}

// Omitted marks mean "nothing sensitive / nothing unknown"; Terraform writes false or {} for that.
function marks(value: unknown, path: string): JsonValue {
  return value === undefined ? false : json(value, path);
}

function change(value: unknown, path: string): Change {
  const c = object(value, path);
  const importing = c.importing === undefined || c.importing === null ? undefined : object(json(c.importing, `${path}.importing`), `${path}.importing`);
  return {
    actions: actions(c.actions, `${path}.actions`),
    before: c.before === undefined ? null : json(c.before, `${path}.before`),
    after: c.after === undefined ? null : json(c.after, `${path}.after`),
    after_unknown: marks(c.after_unknown, `${path}.after_unknown`),
    before_sensitive: marks(c.before_sensitive, `${path}.before_sensitive`),
    after_sensitive: marks(c.after_sensitive, `${path}.after_sensitive`),
    replace_paths: replacePaths(c.replace_paths, `${path}.replace_paths`),
    importing: importing as Change['importing'],
  };
}

function resourceChange(value: unknown, path: string): ResourceChange {
  const r = object(value, path);
  const mode = r.mode;
  if (mode !== 'managed' && mode !== 'data') throw new PlanFormatError(`${path}.mode`, `expected "managed" or "data", found ${describe(mode)}`);
  return {
    address: string(r.address, `${path}.address`),
    previous_address: optionalString(r.previous_address, `${path}.previous_address`),
    module_address: optionalString(r.module_address, `${path}.module_address`),
    mode,
    type: string(r.type, `${path}.type`),
    name: string(r.name, `${path}.name`),
    provider_name: optionalString(r.provider_name, `${path}.provider_name`),
    deposed: optionalString(r.deposed, `${path}.deposed`),
    action_reason: optionalString(r.action_reason, `${path}.action_reason`),
    change: change(r.change, `${path}.change`),
  };
}

function resourceChanges(value: unknown, path: string): ResourceChange[] {
  // Terraform omits the list when it is empty.
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PlanFormatError(path, `expected an array, found ${describe(value)}`);
  return value.map((r, i) => resourceChange(r, `${path}[${i}]`));
}

function outputChanges(value: unknown, path: string): Record<string, OutputChange> {
  if (value === undefined || value === null) return {};
  return Object.fromEntries(
    Object.entries(object(value, path)).map(([name, v]) => {
      const c = object(v, `${path}.${name}`);
      const at = `${path}.${name}`;
      return [
        name,
        {
          actions: actions(c.actions, `${at}.actions`),
          before: c.before === undefined ? null : json(c.before, `${at}.before`),
          after: c.after === undefined ? null : json(c.after, `${at}.after`),
          after_unknown: marks(c.after_unknown, `${at}.after_unknown`),
          before_sensitive: marks(c.before_sensitive, `${at}.before_sensitive`),
          after_sensitive: marks(c.after_sensitive, `${at}.after_sensitive`),
        },
      ];
    }),
  );
}

/** Checks that json is a 1.x JSON plan and returns the parts the summary reads; throws PlanFormatError naming the path otherwise. */
export function parsePlan(input: unknown): Plan {
  const plan = object(input, '');
  const version = plan.format_version;
  if (typeof version !== 'string') throw new PlanFormatError('format_version', `missing: is this the output of \`terraform show -json <planfile>\`? (found ${describe(version)})`);
  // Minor versions only add fields; a new major one may change what the fields mean.
  if (!/^1\.\d+$/.test(version)) throw new PlanFormatError('format_version', `unsupported version "${version}"; this tool reads 1.x`);
  if (plan.errored !== undefined && typeof plan.errored !== 'boolean') throw new PlanFormatError('errored', `expected a boolean, found ${describe(plan.errored)}`);
  return {
    format_version: version,
    terraform_version: optionalString(plan.terraform_version, 'terraform_version'),
    resource_changes: resourceChanges(plan.resource_changes, 'resource_changes'),
    resource_drift: resourceChanges(plan.resource_drift, 'resource_drift'),
    output_changes: outputChanges(plan.output_changes, 'output_changes'),
    errored: plan.errored === true,
  };
}

import { arnLikeMatches } from './arn.ts';
import { type NormalizedContext, substituteVariables } from './policy-variables.ts';
import type { ConditionBlock } from './types.ts';
import { wildcardMatch } from './wildcard.ts';

/** A condition operator IAM does not know: IAM would refuse the policy. */
export class ConditionOperatorError extends Error {
  constructor(operator: string) {
    super(`unknown condition operator "${operator}"`);
    this.name = 'ConditionOperatorError';
  }
}

type Compare = (policyValue: string, contextValue: string) => boolean;

function numeric(fn: (a: number, b: number) => boolean): Compare {
  return (p, c) => {
    const a = Number(c);
    const b = Number(p);
    return Number.isFinite(a) && Number.isFinite(b) && fn(a, b);
  };
}

function toTime(text: string): number {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function date(fn: (a: number, b: number) => boolean): Compare {
  return (p, c) => {
    const a = toTime(c);
    const b = toTime(p);
    return Number.isFinite(a) && Number.isFinite(b) && fn(a, b);
  };
}

function ipv4ToBits(ip: string): string | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => Number(p));
  if (bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return undefined;
  return bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
}

function ipv6ToBits(ip: string): string | undefined {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

/** `IpAddress`: the context address lies in the policy's CIDR (a bare address is /32 or /128). */
function inCidr(cidr: string, ip: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const v6 = network!.includes(':');
  const n = v6 ? ipv6ToBits(network!) : ipv4ToBits(network!);
  const a = ip.includes(':') ? ipv6ToBits(ip) : ipv4ToBits(ip);
  if (!n || !a || n.length !== a.length) return false;
  const bits = bitsText === undefined ? n.length : Number(bitsText);
  return n.slice(0, bits) === a.slice(0, bits);
}

/** Each base operator: its positive comparison, whether it negates, and whether policy variables apply. */
const OPERATORS: Readonly<Record<string, { compare: Compare; negated: boolean; variables: boolean }>> = {
  StringEquals: { compare: (p, c) => p === c, negated: false, variables: true },
  StringNotEquals: { compare: (p, c) => p === c, negated: true, variables: true },
  StringEqualsIgnoreCase: { compare: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false, variables: true },
  StringNotEqualsIgnoreCase: { compare: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: true, variables: true },
  StringLike: { compare: (p, c) => wildcardMatch(p, c), negated: false, variables: true },
  StringNotLike: { compare: (p, c) => wildcardMatch(p, c), negated: true, variables: true },
  NumericEquals: { compare: numeric((a, b) => a === b), negated: false, variables: false },
  NumericNotEquals: { compare: numeric((a, b) => a === b), negated: true, variables: false },
  NumericLessThan: { compare: numeric((a, b) => a < b), negated: false, variables: false },
  NumericLessThanEquals: { compare: numeric((a, b) => a <= b), negated: false, variables: false },
  NumericGreaterThan: { compare: numeric((a, b) => a > b), negated: false, variables: false },
  NumericGreaterThanEquals: { compare: numeric((a, b) => a >= b), negated: false, variables: false },
  DateEquals: { compare: date((a, b) => a === b), negated: false, variables: false },
  DateNotEquals: { compare: date((a, b) => a === b), negated: true, variables: false },
  DateLessThan: { compare: date((a, b) => a < b), negated: false, variables: false },
  DateLessThanEquals: { compare: date((a, b) => a <= b), negated: false, variables: false },
  DateGreaterThan: { compare: date((a, b) => a > b), negated: false, variables: false },
  DateGreaterThanEquals: { compare: date((a, b) => a >= b), negated: false, variables: false },
  Bool: { compare: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false, variables: true },
  BinaryEquals: { compare: (p, c) => p === c, negated: false, variables: false },
  IpAddress: { compare: (p, c) => inCidr(p, c), negated: false, variables: false },
  NotIpAddress: { compare: (p, c) => inCidr(p, c), negated: true, variables: false },
  ArnEquals: { compare: (p, c) => arnLikeMatches(p, c), negated: false, variables: true },
  ArnLike: { compare: (p, c) => arnLikeMatches(p, c), negated: false, variables: true },
  ArnNotEquals: { compare: (p, c) => arnLikeMatches(p, c), negated: true, variables: true },
  ArnNotLike: { compare: (p, c) => arnLikeMatches(p, c), negated: true, variables: true },
};

/** The base operator names IAM accepts (`Null` included), for validation. */
export const CONDITION_OPERATORS: readonly string[] = [...Object.keys(OPERATORS), 'Null'];

/** An operator's parts: set qualifier, base name, `IfExists`. */
export interface ParsedOperator {
  readonly set?: 'ForAnyValue' | 'ForAllValues';
  readonly base: string;
  readonly ifExists: boolean;
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; fails on an operator IAM does not know. */
export function parseOperator(operator: string): ParsedOperator {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
  const base = m?.[2];
  if (!m || !base || (base !== 'Null' && !OPERATORS[base]) || (base === 'Null' && (m[3] || m[1]))) {
    throw new ConditionOperatorError(operator);
  }
  return {
    ...(m[1] ? { set: m[1] as 'ForAnyValue' | 'ForAllValues' } : {}),
    base,
    ifExists: Boolean(m[3]),
  };
}

/**
 * One operator on one key, as the IAM User Guide documents it ("Condition
 * operators", "Set operators for multivalued context keys"):
 * - a missing key makes the condition false, except that negated operators
 *   (StringNotEquals, ArnNotLike...) are then true, `...IfExists` is true, and
 *   `ForAllValues` is true (no value fails it) while `ForAnyValue` is false;
 * - `Null: true` holds when the key is absent, `Null: false` when present;
 * - several policy values are ORed; a negated operator holds when no value matches;
 * - a multivalued key without a set operator is judged like `ForAnyValue`
 *   for positive operators and like `ForAllValues` for negated ones.
 * A policy variable with no value makes that policy value unusable; when no
 * value is left the condition is false.
 */
export function conditionHolds(operator: string, key: string, policyValues: readonly string[], context: NormalizedContext): boolean {
  const op = parseOperator(operator);
  const values = context.get(key.toLowerCase());
  const present = values !== undefined && values.length > 0;
  if (op.base === 'Null') {
    return policyValues.some((v) => (v.toLowerCase() === 'true' ? !present : present));
  }
  const spec = OPERATORS[op.base]!;
  if (!present) {
    if (op.ifExists) return true;
    if (op.set === 'ForAllValues') return true;
    if (op.set === 'ForAnyValue') return false;
    return spec.negated;
  }
  const resolved = spec.variables ? policyValues.map((v) => substituteVariables(v, context)) : policyValues;
  const usable = resolved.filter((v): v is string => v !== undefined);
  if (usable.length === 0) return false;
  const holdsFor = (contextValue: string): boolean => {
    const matched = usable.some((p) => spec.compare(p, contextValue));
    return spec.negated ? !matched : matched;
  };
  const set = op.set ?? (spec.negated ? 'ForAllValues' : 'ForAnyValue');
  return set === 'ForAllValues' ? values.every(holdsFor) : values.some(holdsFor);
}

/** Every operator and every key of a Condition element must hold (AND); values within a key OR. */
export function conditionsHold(condition: ConditionBlock | undefined, context: NormalizedContext): boolean {
  if (!condition) return true;
  for (const [operator, pairs] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(pairs)) {
      if (!conditionHolds(operator, key, values, context)) return false;
    }
  }
  return true;
}

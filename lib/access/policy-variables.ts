import type { ContextValue } from './types.ts';

/** Context keys to their string values, keys lower-cased (IAM keys are case-insensitive). */
export type NormalizedContext = ReadonlyMap<string, readonly string[]>;

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Replaces IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`,
 * `${aws:username, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`) with
 * their values from the request context, as the IAM User Guide describes
 * ("IAM policy elements: Variables and tags"). Only single-valued keys
 * substitute. Returns undefined when a variable has no value and no default:
 * IAM then treats the element as not matching.
 */
export function substituteVariables(text: string, context: NormalizedContext): string | undefined {
  if (!text.includes('${')) return text;
  let missing = false;
  const out = text.replace(VARIABLE, (_all, inner: string) => {
    const body = inner.trim();
    if (body === '*' || body === '?' || body === '$') return body;
    const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(body);
    const key = (m?.[1] ?? body).trim().toLowerCase();
    const fallback = m?.[2];
    const values = context.get(key);
    if (values && values.length === 1) return values[0]!;
    if (fallback !== undefined) return fallback;
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

/** Lower-cases keys and turns every value into strings, lists kept as lists. */
export function normalizeContext(context: Readonly<Record<string, ContextValue>>): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context)) {
    const list = Array.isArray(value) ? value : [value];
    map.set(key.toLowerCase(), list.map((v) => String(v)));
  }
  return map;
}

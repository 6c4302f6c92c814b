/**
 * Small readers of synthesized stacks for the tests that follow a page or a
 * notification from its source to its receiver: where a resource lives, what
 * a reference names, and whether a resource policy admits an AWS service.
 */
import type { TfJson } from '../helpers/synth.ts';

/** The region a resource is managed in: its own `region`, else its provider's. */
export function regionOf(json: TfJson, resource: Record<string, any>): string {
  if (resource.region) return resource.region;
  const alias = resource.provider?.replace(/^aws\./, '');
  return json.provider.aws!.find((p) => (alias ? p.alias === alias : p.alias === undefined))!.region;
}

/** A resource found by its `${type.id.attr}` reference. */
export function byRef(json: TfJson, ref: string): { type: string; id: string; body: Record<string, any> } | undefined {
  const m = /^\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(ref);
  if (!m) return undefined;
  const body = json.resource[m[1]!]?.[m[2]!];
  return body ? { type: m[1]!, id: m[2]!, body } : undefined;
}

/** Whether a policy statement's action pattern covers an action (IAM's `*` wildcard, case-insensitive). */
export const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

/**
 * Whether a resource policy lets an AWS service do an action, under the
 * request's context: an Allow for the service principal whose conditions
 * (StringEquals, ArnLike, ArnEquals) all hold, and no Deny.
 */
export function serviceMay(policyText: string, service: string, action: string, context: Record<string, string>): boolean {
  const statements = JSON.parse(policyText).Statement as Record<string, any>[];
  const applies = (s: Record<string, any>) => {
    const principals = [s.Principal?.Service].flat();
    if (!principals.includes(service)) return false;
    if (![s.Action].flat().some((a: string) => covers(a, action))) return false;
    return Object.entries((s.Condition ?? {}) as Record<string, Record<string, string | string[]>>).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const actual = context[key];
        if (actual === undefined) return false;
        const values = [expected].flat();
        if (operator === 'StringEquals' || operator === 'ArnEquals') return values.includes(actual);
        if (operator === 'ArnLike' || operator === 'StringLike') return values.some((v) => covers(v, actual));
        return false;
      }),
    );
  };
  return statements.some((s) => s.Effect === 'Allow' && applies(s)) && !statements.some((s) => s.Effect === 'Deny' && applies(s));
}


import { wildcardMatch } from './wildcard.ts';

/** An ARN's six parts; `resource` keeps any colons it has. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** The parts of an ARN, or undefined when the text is not one. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    account: parts[4]!,
    resource: parts.slice(5).join(':'),
  };
}

/** Splits at the first five colons: at most six segments, the last keeping its colons. */
function segments(text: string): string[] {
  const parts = text.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Whether a `Resource`/`NotResource` pattern matches an ARN, as the IAM User
 * Guide documents it ("IAM JSON policy elements: Resource", "Using wildcards
 * in resource ARNs"): wildcards work within each colon-separated segment, and
 * a `*` that ends a segment may expand beyond the colon boundaries. Matching
 * is case-sensitive.
 */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  if (pattern === arn) return true;
  const p = segments(pattern);
  const a = segments(arn);
  if (p.length === 6 && a.length === 6) {
    return p.every((segment, i) => wildcardMatch(segment, a[i]!));
  }
  // A pattern with fewer segments matches only through a trailing `*` that spans the rest.
  if (p.length < 6 && pattern.endsWith('*') && a.length >= p.length) {
    const last = p.length - 1;
    if (!p.slice(0, last).every((segment, i) => wildcardMatch(segment, a[i]!))) return false;
    return wildcardMatch(p[last]!, a.slice(last).join(':'));
  }
  return false;
}

/**
 * `ArnLike`/`ArnEquals` as the condition operators document them: "each of
 * the six colon-delimited components of the ARN is checked separately and
 * each can include multi-character match wildcards (*) or single-character
 * match wildcards (?)". A value that is not an ARN never matches.
 */
export function arnLikeMatches(pattern: string, value: string): boolean {
  const p = segments(pattern);
  const v = segments(value);
  if (p.length !== 6 || v.length !== 6 || v[0] !== 'arn') return false;
  return p.every((segment, i) => wildcardMatch(segment, v[i]!));
}

/** `arn:aws:sts::123:assumed-role/name/session` → `{ account, roleName, sessionName }`. */
export function parseAssumedRoleArn(arn: string): { account: string; roleName: string; sessionName: string; partition: string } | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'sts') return undefined;
  const m = /^assumed-role\/([^/]+)\/(.+)$/.exec(parsed.resource);
  return m ? { account: parsed.account, roleName: m[1]!, sessionName: m[2]!, partition: parsed.partition } : undefined;
}

/** `arn:aws:iam::123:role/path/name` → `{ account, path, name }`. */
export function parseRoleArn(arn: string): { account: string; path: string; name: string; partition: string } | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'iam') return undefined;
  const m = /^role(\/(?:.*\/)?)([^/]+)$/.exec(parsed.resource);
  return m ? { account: parsed.account, path: m[1]!, name: m[2]!, partition: parsed.partition } : undefined;
}

/** The account root ARN of an account. */
export function rootArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

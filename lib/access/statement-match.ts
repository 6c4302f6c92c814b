import { resourceMatches } from './arn.ts';
import { conditionsHold } from './conditions.ts';
import { type NormalizedContext, substituteVariables } from './policy-variables.ts';
import type { Policy, PrincipalBlock, Statement } from './types.ts';
import { wildcardMatch } from './wildcard.ts';

/** Who is calling, as the principal element of a resource-based policy sees it. */
export interface Caller {
  readonly kind: 'role-session' | 'user' | 'root' | 'service' | 'web-identity';
  /** The caller's own ARN: session ARN, user ARN, root ARN; the service or provider name otherwise. */
  readonly arn: string;
  readonly account?: string;
  /** For role sessions: the role's ARN (with its path). */
  readonly roleArn?: string;
  /** For web identity callers: the identity provider ARN. */
  readonly provider?: string;
}

/**
 * How a Principal element named the caller. The kind matters for the same
 * account: a grant to a session, user or `*` stands on its own, a grant to
 * a role ARN is still bounded by the role's permissions boundary, and a grant
 * to the account only delegates to the account's IAM policies.
 */
export type PrincipalMatch = 'session' | 'user' | 'role' | 'service' | 'federated' | 'wildcard' | 'account';

const STRENGTH: Readonly<Record<PrincipalMatch, number>> = {
  session: 6, user: 6, service: 6, federated: 6, role: 5, wildcard: 4, account: 1,
};

function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const m = /^arn:[^:]+:iam::(\d{12}):root$/.exec(value);
  return m?.[1];
}

function matchAws(value: string, caller: Caller): PrincipalMatch | undefined {
  if (value === '*') return 'wildcard';
  if (caller.kind === 'service' || caller.kind === 'web-identity') return undefined;
  const account = accountOf(value);
  if (account !== undefined) return account === caller.account ? 'account' : undefined;
  if (caller.roleArn && value === caller.roleArn) return 'role';
  if (value === caller.arn) return caller.kind === 'user' ? 'user' : 'session';
  return undefined;
}

/** The strongest way a Principal element names the caller, or undefined. */
export function principalMatch(block: PrincipalBlock, caller: Caller): PrincipalMatch | undefined {
  if (block === '*') return 'wildcard';
  let best: PrincipalMatch | undefined;
  const consider = (m: PrincipalMatch | undefined): void => {
    if (m && (!best || STRENGTH[m] > STRENGTH[best])) best = m;
  };
  for (const value of block.AWS ?? []) consider(matchAws(value, caller));
  for (const value of block.Service ?? []) {
    if (caller.kind === 'service' && value.toLowerCase() === caller.arn.toLowerCase()) consider('service');
  }
  for (const value of block.Federated ?? []) {
    if (caller.kind === 'web-identity' && value === caller.provider) consider('federated');
  }
  return best;
}

/**
 * NotPrincipal excludes only the principals it names exactly: a session,
 * user, service or provider; an account excludes only its root. A role ARN
 * does not exclude the role's sessions (IAM User Guide, "NotPrincipal").
 */
function excludedBy(block: PrincipalBlock, caller: Caller): boolean {
  const m = principalMatch(block, caller);
  if (m === 'account') return caller.kind === 'root';
  return m === 'session' || m === 'user' || m === 'service' || m === 'federated' || m === 'wildcard';
}

/** Whether an Action/NotAction list covers the action (case-insensitive, with wildcards). */
export function actionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => wildcardMatch(p, action, true));
}

function resourceListMatches(patterns: readonly string[], resource: string, policy: Policy, context: NormalizedContext): boolean {
  return patterns.some((p) => {
    const pattern = policy.version === '2012-10-17' ? substituteVariables(p, context) : p;
    return pattern !== undefined && resourceMatches(pattern, resource);
  });
}

/** A statement that applies to a request, with how its Principal named the caller. */
export interface StatementMatch {
  readonly policy: Policy;
  readonly statement: Statement;
  readonly principal?: PrincipalMatch;
}

/**
 * Whether a statement applies to the request: action, resource, principal
 * (for resource-based policies) and condition all hold.
 */
export function statementApplies(
  policy: Policy,
  statement: Statement,
  action: string,
  resource: string,
  context: NormalizedContext,
  caller?: Caller,
): StatementMatch | undefined {
  if (statement.action && !actionMatches(statement.action, action)) return undefined;
  if (statement.notAction && actionMatches(statement.notAction, action)) return undefined;
  if (statement.resource && !resourceListMatches(statement.resource, resource, policy, context)) return undefined;
  if (statement.notResource && resourceListMatches(statement.notResource, resource, policy, context)) return undefined;
  let principal: PrincipalMatch | undefined;
  if (caller && statement.principal) {
    principal = principalMatch(statement.principal, caller);
    if (!principal) return undefined;
  } else if (caller && statement.notPrincipal) {
    if (excludedBy(statement.notPrincipal, caller)) return undefined;
    principal = 'wildcard';
  }
  if (!conditionsHold(statement.condition, context)) return undefined;
  return { policy, statement, ...(principal ? { principal } : {}) };
}

/** Every statement of the policies that applies to the request. */
export function applicableStatements(
  policies: readonly Policy[],
  action: string,
  resource: string,
  context: NormalizedContext,
  caller?: Caller,
): StatementMatch[] {
  const out: StatementMatch[] = [];
  for (const policy of policies) {
    for (const statement of policy.statements) {
      const m = statementApplies(policy, statement, action, resource, context, caller);
      if (m) out.push(m);
    }
  }
  return out;
}

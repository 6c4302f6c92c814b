import type { Actor } from './actor.ts';
import { describeStatement } from './policy-document.ts';
import { normalizeContext } from './policy-variables.ts';
import type { ResolvedResource } from './resource-index.ts';
import { applicableStatements, type StatementMatch } from './statement-match.ts';
import type { ContextValue, Decision, RequestContext } from './types.ts';

const TRUST_ACTIONS = /^sts:(AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|TagSession|SetSourceIdentity|SetContext)$/i;

/** The request context AWS builds: principal keys, resource keys, then what the caller gives. */
export function requestContext(actor: Actor, action: string, resource: ResolvedResource, given: RequestContext, now: Date): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    ...actor.context,
    'aws:SecureTransport': true,
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': Math.floor(now.getTime() / 1000),
    'aws:ResourceAccount': resource.account,
  };
  if (resource.region) context['aws:RequestedRegion'] = resource.region;
  for (const [k, v] of Object.entries(resource.tags)) context[`aws:ResourceTag/${k}`] = v;
  for (const [k, v] of Object.entries(resource.entry?.context ?? {})) context[k] = v;
  const service = action.split(':')[0]!.toLowerCase();
  if (service === 'kms' && actor.caller.account) context['kms:CallerAccount'] = actor.caller.account;
  if (service === 's3') context['s3:TlsVersion'] = '1.3';
  return { ...context, ...given };
}

function cite(matches: readonly StatementMatch[]): string[] {
  return matches.map((m) => `${m.statement.effect === 'Deny' ? 'denies' : 'allows'}: ${describeStatement(m.policy, m.statement)}${m.principal ? ` [principal: ${m.principal}]` : ''}`);
}

/**
 * Decides a request as the IAM User Guide's "Policy evaluation logic"
 * describes it (single account and cross-account):
 * 1. An explicit Deny in any applicable policy wins.
 * 2. Same account: an Allow in the identity-based policies (within the
 *    permissions boundary, if any) or in the resource-based policy suffices.
 *    A resource policy that names the caller's session, user or `*` stands
 *    on its own; one that names the role ARN is still bounded by the role's
 *    permissions boundary; one that names the account only delegates to IAM.
 *    KMS keys and role trust are the documented exceptions: their resource
 *    policy must allow, and IAM policies count only when it names the account.
 * 3. Cross-account: the identity-based policy (within its boundary) and the
 *    resource-based policy must both allow.
 */
export function evaluateActor(actor: Actor, action: string, resource: ResolvedResource, given: RequestContext, now: Date): Decision {
  const context = normalizeContext(requestContext(actor, action, resource, given, now));
  const notes = actor.notes;
  const identity = applicableStatements(actor.identityPolicies, action, resource.arn, context);
  const boundary = actor.permissionsBoundary ? applicableStatements([actor.permissionsBoundary], action, resource.arn, context) : undefined;
  const resourceMatches = applicableStatements(resource.policies, action, resource.arn, context, actor.caller);

  const denies = [...identity, ...(boundary ?? []), ...resourceMatches].filter((m) => m.statement.effect === 'Deny');
  if (denies.length > 0) return { decision: 'explicit-deny', because: [...cite(denies), ...notes] };

  const idAllow = identity.filter((m) => m.statement.effect === 'Allow');
  const boundaryAllow = boundary?.filter((m) => m.statement.effect === 'Allow') ?? [];
  const withinBoundary = !boundary || boundaryAllow.length > 0;
  const rpAllow = resourceMatches.filter((m) => m.statement.effect === 'Allow');
  const standalone = rpAllow.filter((m) => m.principal === 'session' || m.principal === 'user' || m.principal === 'wildcard' || m.principal === 'service' || m.principal === 'federated');
  const toRole = rpAllow.filter((m) => m.principal === 'role');
  const toAccount = rpAllow.filter((m) => m.principal === 'account');
  const what = `${action} on ${resource.arn}`;
  const allow = (matches: StatementMatch[]): Decision => ({ decision: 'allow', because: [...cite(matches), ...notes] });
  const deny = (reasons: string[]): Decision => ({ decision: 'implicit-deny', because: [...reasons, ...notes] });
  const boundaryReason = `the permissions boundary ${actor.permissionsBoundary?.source.address ?? ''} does not allow ${what}`;

  const { caller } = actor;
  if (caller.kind === 'service' || caller.kind === 'web-identity') {
    return standalone.length > 0 ? allow(standalone) : deny([`no resource-based policy of ${resource.arn} allows ${caller.arn} to ${action}`]);
  }
  const requiresResourcePolicy = resource.kind === 'kms-key' || (resource.kind === 'role' && TRUST_ACTIONS.test(action));
  const policyName = resource.kind === 'kms-key' ? 'key policy' : resource.kind === 'role' ? 'trust policy' : 'resource-based policy';
  if (caller.kind === 'root' && caller.account === resource.account) {
    if (!requiresResourcePolicy || rpAllow.length > 0) return allow(rpAllow);
    return deny([`the ${policyName} of ${resource.arn} does not allow the account`]);
  }
  const sameAccount = caller.account === resource.account;
  if (sameAccount) {
    if (standalone.length > 0) return allow(standalone);
    if (toRole.length > 0 && withinBoundary) return allow([...toRole, ...boundaryAllow]);
    if (requiresResourcePolicy && toAccount.length === 0) {
      return deny([`the ${policyName} of ${resource.arn} neither allows ${actor.label} nor delegates ${action} to the account, so IAM policies cannot grant it`]);
    }
    if (idAllow.length > 0 && withinBoundary) return allow([...idAllow, ...boundaryAllow, ...toAccount]);
    if (idAllow.length > 0) return deny([boundaryReason]);
    return deny([
      `no identity-based policy of ${actor.label} allows ${what}`,
      ...(toAccount.length > 0 ? [`the ${policyName} only delegates to the account's IAM policies: ${cite(toAccount).join('; ')}`] : []),
      ...(toRole.length > 0 ? [boundaryReason] : []),
    ]);
  }
  const reasons: string[] = [];
  if (idAllow.length === 0) reasons.push(`cross-account: no identity-based policy of ${actor.label} allows ${what}`);
  else if (!withinBoundary) reasons.push(boundaryReason);
  if (rpAllow.length === 0) reasons.push(`cross-account: no ${policyName} of ${resource.arn} (account ${resource.account}) allows ${actor.label}`);
  if (reasons.length > 0) return deny(reasons);
  return allow([...idAllow, ...boundaryAllow, ...rpAllow]);
}

import { type Actor, podIdentitySessionTags, resolveActor, serviceActor } from './actor.ts';
import { evaluateActor } from './evaluate.ts';
import type { Inventory, Workload } from './inventory.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { ContextValue, Decision, PrincipalInput, RequestContext } from './types.ts';

/** A GitHub Actions job (or any OIDC client) presenting a token to STS. */
export interface WebIdentityCaller {
  readonly webIdentity: {
    /** The IAM OIDC provider's ARN, or its issuer (`token.actions.githubusercontent.com`). */
    readonly provider: string;
    /** Token claims (`sub`, `aud`, `environment`...); they become `<issuer>:<claim>` keys. */
    readonly claims: Readonly<Record<string, string | readonly string[]>>;
  };
}

/** Whoever asks STS for a role's credentials. */
export type AssumeCaller = PrincipalInput | Workload | WebIdentityCaller;

/** What the caller puts in the AssumeRole request. */
export interface AssumeOptions {
  /** Request keys such as `aws:MultiFactorAuthPresent`, `sts:ExternalId`. */
  readonly context?: RequestContext;
  /** Session tags: then `sts:TagSession` must be allowed too. */
  readonly sessionTags?: Readonly<Record<string, string>>;
  /** A source identity: then `sts:SetSourceIdentity` must be allowed too. */
  readonly sourceIdentity?: string;
  readonly sessionName?: string;
}

function isWebIdentity(c: AssumeCaller): c is WebIdentityCaller {
  return typeof c === 'object' && c !== null && 'webIdentity' in c;
}

function isWorkload(c: AssumeCaller): c is Workload {
  return typeof c === 'object' && c !== null && 'roleArn' in c && 'kind' in c && 'stack' in c;
}

/** Several decisions that must all allow: a deny wins, then any implicit deny. */
export function allOf(decisions: readonly Decision[]): Decision {
  const denied = decisions.filter((d) => d.decision === 'explicit-deny');
  if (denied.length > 0) return { decision: 'explicit-deny', because: [...new Set(denied.flatMap((d) => d.because))] };
  const implicit = decisions.filter((d) => d.decision === 'implicit-deny');
  if (implicit.length > 0) return { decision: 'implicit-deny', because: [...new Set(implicit.flatMap((d) => d.because))] };
  return { decision: 'allow', because: [...new Set(decisions.flatMap((d) => d.because))] };
}

/**
 * Whether a caller gets a role's credentials: the role's trust policy, and
 * for IAM callers their identity policy and boundary, as `evaluate` decides
 * `sts:AssumeRole` on the role. Workloads call as AWS does for them: EKS Pod
 * Identity as `pods.eks.amazonaws.com` with `sts:AssumeRole` and
 * `sts:TagSession` and its six session tags, `aws:SourceAccount` and
 * `aws:SourceArn` (the cluster); Lambda as `lambda.amazonaws.com`; nodes as
 * `ec2.amazonaws.com`. OIDC callers use `sts:AssumeRoleWithWebIdentity`,
 * and STS refuses a token whose audience the provider does not list.
 */
export function canAssume(inventory: Inventory, index: ResourceIndex, caller: AssumeCaller, roleArn: string, options: AssumeOptions, now: Date): Decision {
  const role = index.resolve(roleArn);
  const given = options.context ?? {};
  const tagContext = (tags: Readonly<Record<string, string>>): Record<string, ContextValue> => {
    const out: Record<string, ContextValue> = { 'aws:TagKeys': Object.keys(tags) };
    for (const [k, v] of Object.entries(tags)) out[`aws:RequestTag/${k}`] = v;
    return out;
  };
  const decide = (actor: Actor, actions: string[], context: Record<string, ContextValue>): Decision =>
    allOf(actions.map((action) => evaluateActor(actor, action, role, context, now)));

  if (isWebIdentity(caller)) {
    const { provider, claims } = caller.webIdentity;
    const entry = inventory.oidcProviders.find((p) => (p.arn === provider || p.issuer === provider.replace(/^https:\/\//, '')) && p.account === role.account);
    if (!entry) return { decision: 'implicit-deny', because: [`no IAM OIDC provider ${provider} in account ${role.account}`] };
    const audiences = claims['aud'] === undefined ? [] : ([] as string[]).concat(claims['aud'] as string | string[]);
    if (!audiences.some((a) => entry.clientIds.includes(a))) {
      return { decision: 'implicit-deny', because: [`STS refuses the token: audience ${audiences.join(', ') || '(none)'} is not a client ID of ${entry.arn}`] };
    }
    const context: Record<string, ContextValue> = { 'aws:FederatedProvider': entry.arn, ...(options.sessionTags ? tagContext(options.sessionTags) : {}) };
    for (const [claim, value] of Object.entries(claims)) context[`${entry.issuer}:${claim}`] = value as ContextValue;
    const actor: Actor = { caller: { kind: 'web-identity', arn: entry.arn, provider: entry.arn }, identityPolicies: [], context: {}, label: `web identity of ${entry.issuer}`, notes: [] };
    return decide(actor, ['sts:AssumeRoleWithWebIdentity', ...(options.sessionTags ? ['sts:TagSession'] : [])], { ...context, ...given });
  }

  if (isWorkload(caller)) {
    if (caller.kind === 'pod-identity' || caller.kind === 'eks-addon') {
      const tags = podIdentitySessionTags(caller);
      const context = { 'aws:SourceAccount': caller.account, 'aws:SourceArn': caller.clusterArn ?? '', ...tagContext(tags), ...given };
      return decide(serviceActor('pods.eks.amazonaws.com'), ['sts:AssumeRole', 'sts:TagSession'], context);
    }
    const service = caller.kind === 'eks-node' ? 'ec2.amazonaws.com' : 'lambda.amazonaws.com';
    return decide(serviceActor(service), ['sts:AssumeRole'], { 'aws:SourceAccount': caller.account, ...given });
  }

  const actor = resolveActor(inventory, caller);
  const actions = ['sts:AssumeRole', ...(options.sessionTags ? ['sts:TagSession'] : []), ...(options.sourceIdentity ? ['sts:SetSourceIdentity'] : [])];
  const context: Record<string, ContextValue> = {
    ...(options.sessionTags ? tagContext(options.sessionTags) : {}),
    ...(options.sourceIdentity ? { 'sts:SourceIdentity': options.sourceIdentity } : {}),
    ...(options.sessionName ? { 'sts:RoleSessionName': options.sessionName } : {}),
    ...given,
  };
  return decide(actor, actions, context);
}

/** A role a caller can reach, and the chain of roles that gets there. */
export interface ReachableRole {
  readonly roleArn: string;
  /** Roles assumed in order, ending with this one. */
  readonly path: readonly string[];
}

/**
 * Every role a caller reaches by assuming roles one after another. The
 * caller's own context (MFA, token claims) applies to the first hop only:
 * a chained session carries none of it.
 */
export function reachableRoles(inventory: Inventory, index: ResourceIndex, caller: AssumeCaller, options: AssumeOptions, now: Date): ReachableRole[] {
  const found = new Map<string, ReachableRole>();
  const candidates = [...new Set(inventory.roles.map((r) => r.arn))];
  let frontier: { caller: AssumeCaller; path: string[]; options: AssumeOptions }[] = [{ caller, path: [], options }];
  // AWS assumes only a workload's own role for it (its association, its function's role).
  if (isWorkload(caller)) {
    if (canAssume(inventory, index, caller, caller.roleArn, options, now).decision !== 'allow') return [];
    found.set(caller.roleArn, { roleArn: caller.roleArn, path: [caller.roleArn] });
    frontier = [{ caller: caller.roleArn, path: [caller.roleArn], options: {} }];
  }
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const step of frontier) {
      for (const roleArn of candidates) {
        if (found.has(roleArn) || step.path.includes(roleArn)) continue;
        if (canAssume(inventory, index, step.caller, roleArn, step.options, now).decision !== 'allow') continue;
        const path = [...step.path, roleArn];
        found.set(roleArn, { roleArn, path });
        next.push({ caller: roleArn, path, options: {} });
      }
    }
    frontier = next;
  }
  return [...found.values()];
}

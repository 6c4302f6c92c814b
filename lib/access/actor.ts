import { parseArn, parseAssumedRoleArn, parseRoleArn } from './arn.ts';
import type { Inventory, RoleEntry, Workload } from './inventory.ts';
import { Placeholders } from './placeholders.ts';
import { parsePolicy } from './policy-document.ts';
import type { Caller } from './statement-match.ts';
import type { ContextValue, ExternalPrincipal, Policy, PrincipalInput, SessionInput } from './types.ts';

/** A principal resolved against the inventory: who it is, what it carries, what IAM knows of it. */
export interface Actor {
  readonly caller: Caller;
  readonly identityPolicies: readonly Policy[];
  readonly permissionsBoundary?: Policy;
  /** Context keys AWS fills from the principal (`aws:PrincipalArn`, `aws:PrincipalTag/...`). */
  readonly context: Readonly<Record<string, ContextValue>>;
  /** How decisions name it. */
  readonly label: string;
  /** Notes that belong in every decision about it (a role defined twice, a principal unknown to the stacks). */
  readonly notes: readonly string[];
}

/** The session tags EKS Pod Identity attaches (EKS User Guide, "Pod Identity session tags"). */
export function podIdentitySessionTags(workload: Workload, podName?: string): Record<string, string> {
  const pod = podName ?? `${workload.serviceAccount}-pod`;
  return {
    'eks-cluster-arn': workload.clusterArn ?? '',
    'eks-cluster-name': workload.cluster ?? '',
    'kubernetes-namespace': workload.namespace ?? '',
    'kubernetes-service-account': workload.serviceAccount ?? '',
    'kubernetes-pod-name': pod,
    'kubernetes-pod-uid': new Placeholders(`${workload.name}/${pod}`).uuid('pod-uid'),
  };
}

/** The role session a workload runs as. */
export function workloadSession(workload: Workload, podName?: string): SessionInput {
  const pods = workload.kind === 'pod-identity' || workload.kind === 'eks-addon';
  return {
    roleArn: workload.roleArn,
    sessionName: pods ? `eks-${workload.cluster}-${podName ?? workload.serviceAccount}` : workload.name,
    ...(pods ? { sessionTags: podIdentitySessionTags(workload, podName) } : {}),
  };
}

function isWorkload(p: unknown): p is Workload {
  return typeof p === 'object' && p !== null && 'roleArn' in p && 'kind' in p && 'stack' in p;
}

/** Whether a name is an AWS service principal (`lambda.amazonaws.com`, `logs.ap-south-1.amazonaws.com`). */
export function isServicePrincipal(name: string): boolean {
  return !name.startsWith('arn:') && /\.amazonaws\.com(\.cn)?$/.test(name);
}

function roleSession(inventory: Inventory, roleArn: string, session: Partial<SessionInput> = {}): Actor {
  const candidates = inventory.roles.filter((r) => r.arn === roleArn);
  const role: RoleEntry | undefined = candidates[0];
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw new Error(`${roleArn} is not an IAM role ARN`);
  const sessionName = session.sessionName ?? 'session';
  const notes: string[] = [];
  if (!role) notes.push(`${roleArn} is not created by the given stacks: it carries no policies here`);
  if (candidates.length > 1) {
    notes.push(`${roleArn} is created by ${candidates.map((r) => `${r.stack} ${r.address}`).join(' and ')}; using ${role!.stack}'s`);
  }
  const tags = { ...(role?.tags ?? {}), ...(session.sessionTags ?? {}) };
  const context: Record<string, ContextValue> = {
    'aws:PrincipalArn': roleArn,
    'aws:PrincipalAccount': parsed.account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': false,
    'aws:userid': `AROA${new Placeholders(roleArn).alnum('unique-id', 17, true)}:${sessionName}`,
  };
  for (const [k, v] of Object.entries(tags)) context[`aws:PrincipalTag/${k}`] = v;
  return {
    caller: { kind: 'role-session', arn: `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/${sessionName}`, account: parsed.account, roleArn },
    identityPolicies: role?.policies ?? [],
    ...(role?.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
    context,
    label: `${roleArn} (session ${sessionName})`,
    notes,
  };
}

function external(principal: ExternalPrincipal): Actor {
  const source = (i: number) => ({ kind: 'external' as const, stack: 'external', address: principal.arn, label: `policy ${i}` });
  const policies = (principal.identityPolicies ?? []).map((d, i) => parsePolicy(d, source(i)));
  const boundary = principal.permissionsBoundary
    ? parsePolicy(principal.permissionsBoundary, { kind: 'permissions-boundary', stack: 'external', address: principal.arn })
    : undefined;
  const base = actorFromArn(principal.arn);
  const context: Record<string, ContextValue> = { ...base.context };
  for (const [k, v] of Object.entries(principal.tags ?? {})) context[`aws:PrincipalTag/${k}`] = v;
  return { ...base, identityPolicies: policies, ...(boundary ? { permissionsBoundary: boundary } : {}), context, notes: [] };
}

/** An IAM user, root or assumed-role ARN outside the inventory, with no policies of its own. */
function actorFromArn(arn: string): Actor {
  const parsed = parseArn(arn);
  if (!parsed || !parsed.account) throw new Error(`${arn} is not a principal ARN`);
  const assumed = parseAssumedRoleArn(arn);
  if (assumed) {
    return {
      caller: { kind: 'role-session', arn, account: assumed.account, roleArn: `arn:${assumed.partition}:iam::${assumed.account}:role/${assumed.roleName}` },
      identityPolicies: [],
      context: { 'aws:PrincipalArn': `arn:${assumed.partition}:iam::${assumed.account}:role/${assumed.roleName}`, 'aws:PrincipalAccount': assumed.account, 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': false },
      label: arn,
      notes: [],
    };
  }
  if (parsed.resource === 'root') {
    return {
      caller: { kind: 'root', arn, account: parsed.account },
      identityPolicies: [],
      context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': parsed.account, 'aws:PrincipalType': 'Account', 'aws:PrincipalIsAWSService': false },
      label: arn,
      notes: [],
    };
  }
  const user = /^user\/(?:.*\/)?([^/]+)$/.exec(parsed.resource);
  if (parsed.service === 'iam' && user) {
    return {
      caller: { kind: 'user', arn, account: parsed.account },
      identityPolicies: [],
      context: {
        'aws:PrincipalArn': arn, 'aws:PrincipalAccount': parsed.account, 'aws:PrincipalType': 'User', 'aws:PrincipalIsAWSService': false,
        'aws:username': user[1]!, 'aws:userid': `AIDA${new Placeholders(arn).alnum('unique-id', 17, true)}`,
      },
      label: arn,
      notes: [],
    };
  }
  // A role outside the stacks (an IAM Identity Center permission set's, with its path): a session of it.
  // aws:PrincipalArn carries the path, as trust conditions on such roles rely on (IAM User Guide, "AWS global condition context keys").
  const role = /^role\/(?:.*\/)?([^/]+)$/.exec(parsed.resource);
  if (parsed.service === 'iam' && role) {
    return {
      caller: { kind: 'role-session', arn: `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${role[1]}/person`, account: parsed.account, roleArn: arn },
      identityPolicies: [],
      context: {
        'aws:PrincipalArn': arn, 'aws:PrincipalAccount': parsed.account, 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': false,
        'aws:userid': `AROA${new Placeholders(arn).alnum('unique-id', 17, true)}:person`,
      },
      label: arn,
      notes: [],
    };
  }
  throw new Error(`${arn} is not a user, role, assumed-role or root ARN`);
}

/** A service principal acting on its own behalf (SNS publishing, CloudWatch alarms). */
export function serviceActor(service: string): Actor {
  return {
    caller: { kind: 'service', arn: service },
    identityPolicies: [],
    context: { 'aws:PrincipalServiceName': service, 'aws:PrincipalIsAWSService': true },
    label: service,
    notes: [],
  };
}

/** Resolves whatever the caller named into an actor. */
export function resolveActor(inventory: Inventory, principal: PrincipalInput | Workload): Actor {
  if (isWorkload(principal)) return roleSession(inventory, principal.roleArn, workloadSession(principal));
  if (typeof principal === 'string') {
    if (isServicePrincipal(principal)) return serviceActor(principal);
    if (parseRoleArn(principal)) return roleSession(inventory, principal);
    const assumed = parseAssumedRoleArn(principal);
    if (assumed) {
      const role = inventory.roles.find((r) => r.account === assumed.account && r.name === assumed.roleName);
      if (role) return roleSession(inventory, role.arn, { sessionName: assumed.sessionName });
    }
    return actorFromArn(principal);
  }
  if ('service' in principal) return serviceActor(principal.service);
  if ('session' in principal) return roleSession(inventory, principal.session.roleArn, principal.session);
  return external(principal);
}

import { parseAssumedRoleArn, parseRoleArn } from './arn.ts';
import { BUILT_IN_CLUSTER_ROLES, EKS_ACCESS_POLICIES, type KubeRule } from './eks-access-policies.ts';
import type { StackResource } from './stack-resource.ts';
import { AccessModelLoadError, type StackSet } from './stack-set.ts';
import type { TfValue } from './terraform-template.ts';

/** A Kubernetes API request by an IAM principal through an EKS access entry. */
export interface KubeRequest {
  /** The IAM role (or its session) that authenticates. */
  readonly principalArn: string;
  /** Cluster name, or ARN when names repeat across accounts or regions. */
  readonly cluster: string;
  readonly verb: string;
  /** Plural resource (`secrets`, `pods`), or a non-resource URL starting with `/`. */
  readonly resource: string;
  readonly subresource?: string;
  /** @default '' (the core group) */
  readonly apiGroup?: string;
  /** Omitted for cluster-scoped resources. */
  readonly namespace?: string;
  readonly name?: string;
}

/** The answer, with the access policy or binding that granted it. */
export interface KubeDecision {
  readonly decision: 'allow' | 'deny';
  readonly because: readonly string[];
}

interface Cluster { readonly name: string; readonly arn: string; readonly account: string; readonly region: string }
interface Entry { readonly cluster: Cluster; readonly principalArn: string; readonly groups: readonly string[]; readonly userName?: string; readonly where: string }
interface Association { readonly cluster: Cluster; readonly principalArn: string; readonly policy: string; readonly namespaces?: readonly string[]; readonly where: string }
interface Role { readonly cluster: Cluster; readonly name: string; readonly namespace?: string; readonly rules: readonly KubeRule[] }
interface Binding { readonly cluster: Cluster; readonly name: string; readonly namespace?: string; readonly roleKind: string; readonly roleName: string; readonly subjects: readonly { kind: string; name: string; namespace?: string }[]; readonly where: string }

function list(value: TfValue | undefined): Record<string, TfValue>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, TfValue>[];
}

function strings(value: TfValue | undefined): string[] {
  return value === undefined || value === null ? [] : ((Array.isArray(value) ? value : [value]) as TfValue[]).map(String);
}

function sameRole(a: string, b: string): boolean {
  const ra = parseRoleArn(a) ?? (parseAssumedRoleArn(a) ? { account: parseAssumedRoleArn(a)!.account, name: parseAssumedRoleArn(a)!.roleName } : undefined);
  const rb = parseRoleArn(b);
  if (!ra || !rb) return a === b;
  return ra.account === rb.account && ra.name === rb.name;
}

function ruleMatches(rule: KubeRule, r: KubeRequest): boolean {
  const verbOk = rule.verbs.includes('*') || rule.verbs.includes(r.verb);
  if (!verbOk) return false;
  if (r.resource.startsWith('/')) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === r.resource || (u.endsWith('*') && r.resource.startsWith(u.slice(0, -1))));
  }
  const group = r.apiGroup ?? '';
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const groupOk = (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
  const resourceOk = (rule.resources ?? []).some((x) => x === '*' || x === resource || (x === `${r.resource}/*` && Boolean(r.subresource)));
  const nameOk = !rule.resourceNames?.length || (r.name !== undefined && rule.resourceNames.includes(r.name));
  return groupOk && resourceOk && nameOk;
}

/**
 * Kubernetes authorization on EKS with access entries (EKS User Guide,
 * "Grant IAM users access to Kubernetes with EKS access entries"): an IAM
 * principal with an access entry authenticates as its user name, in its
 * Kubernetes groups and `system:authenticated`; it is authorized by the
 * access policies associated with the entry (cluster-wide, or within the
 * listed namespaces only, which then grant nothing cluster-scoped) and by
 * the RBAC bindings in the stacks that name its user or groups. RBAC that
 * Helm charts create is not in the stacks and not modelled.
 */
export class KubernetesAccess {
  private readonly clusters: Cluster[] = [];
  private readonly entries: Entry[] = [];
  private readonly associations: Association[] = [];
  private readonly roles: Role[] = [];
  private readonly bindings: Binding[] = [];

  constructor(private readonly set: StackSet) {
    for (const res of set.resources('aws_eks_cluster')) {
      const loc = set.location(res);
      this.clusters.push({ name: String(set.field(res, 'name')), arn: String(set.attribute(res.stack, 'resource', res.type, res.name, ['arn'])), account: loc.account, region: loc.region });
    }
    for (const res of set.resources('aws_eks_access_entry')) {
      this.entries.push({
        cluster: this.clusterOf(res, String(set.field(res, 'cluster_name'))),
        principalArn: String(set.field(res, 'principal_arn')),
        groups: set.has(res, 'kubernetes_groups') ? strings(set.field(res, 'kubernetes_groups')) : [],
        ...(set.has(res, 'user_name') ? { userName: String(set.field(res, 'user_name')) } : {}),
        where: `${res.stack} ${res.address}`,
      });
    }
    for (const res of set.resources('aws_eks_access_policy_association')) {
      const scope = list(set.field(res, 'access_scope'))[0] ?? {};
      const policyArn = String(set.field(res, 'policy_arn'));
      this.associations.push({
        cluster: this.clusterOf(res, String(set.field(res, 'cluster_name'))),
        principalArn: String(set.field(res, 'principal_arn')),
        policy: policyArn.slice(policyArn.lastIndexOf('/') + 1),
        ...(scope['type'] === 'namespace' ? { namespaces: strings(scope['namespaces']) } : {}),
        where: `${res.stack} ${res.address}`,
      });
    }
    for (const stack of set.stackNames) this.loadRbac(stack);
  }

  private clusterOf(res: StackResource, name: string): Cluster {
    const loc = this.set.location(res);
    const cluster = this.clusters.find((c) => c.name === name && c.account === loc.account && c.region === loc.region);
    if (!cluster) throw new AccessModelLoadError(res.stack, res.address, `names cluster ${name}, which no given stack creates in ${loc.account}/${loc.region}`);
    return cluster;
  }

  /** The cluster a stack's Kubernetes provider talks to: its `aws_eks_cluster` data source, or `--cluster-name`. */
  private stackCluster(stack: string): Cluster | undefined {
    const types = ['kubernetes_cluster_role_v1', 'kubernetes_role_v1', 'kubernetes_cluster_role_binding_v1', 'kubernetes_role_binding_v1', 'kubernetes_cluster_role', 'kubernetes_role', 'kubernetes_cluster_role_binding', 'kubernetes_role_binding'];
    const has = types.some((t) => this.set.resources(t).some((r) => r.stack === stack));
    if (!has) return undefined;
    const region = this.set.defaultRegion(stack);
    const data = this.set.resources('aws_eks_cluster', 'data').find((d) => d.stack === stack);
    const name = data ? String(this.set.field(data, 'name')) : undefined;
    const cluster = this.clusters.find((c) => c.name === name && c.region === region);
    if (!cluster) throw new AccessModelLoadError(stack, 'provider.kubernetes', `cannot tell which cluster of the stacks its Kubernetes objects are in (data.aws_eks_cluster name ${String(name)})`);
    return cluster;
  }

  private loadRbac(stack: string): void {
    const cluster = this.stackCluster(stack);
    if (!cluster) return;
    const of = (type: string) => this.set.resources(type).filter((r) => r.stack === stack);
    const meta = (res: StackResource) => (list(this.set.field(res, 'metadata'))[0] ?? {}) as Record<string, TfValue>;
    const rules = (res: StackResource): KubeRule[] => list(this.set.has(res, 'rule') ? this.set.field(res, 'rule') : undefined).map((r) => ({
      apiGroups: strings(r['api_groups']), resources: strings(r['resources']), resourceNames: strings(r['resource_names']),
      nonResourceURLs: strings(r['non_resource_urls']), verbs: strings(r['verbs']),
    }));
    for (const type of ['kubernetes_cluster_role_v1', 'kubernetes_cluster_role']) {
      for (const res of of(type)) this.roles.push({ cluster, name: String(meta(res)['name']), rules: rules(res) });
    }
    for (const type of ['kubernetes_role_v1', 'kubernetes_role']) {
      for (const res of of(type)) this.roles.push({ cluster, name: String(meta(res)['name']), namespace: String(meta(res)['namespace'] ?? 'default'), rules: rules(res) });
    }
    const binding = (res: StackResource, namespaced: boolean): Binding => {
      const ref = (list(this.set.field(res, 'role_ref'))[0] ?? {}) as Record<string, TfValue>;
      return {
        cluster, name: String(meta(res)['name']),
        ...(namespaced ? { namespace: String(meta(res)['namespace'] ?? 'default') } : {}),
        roleKind: String(ref['kind']), roleName: String(ref['name']),
        subjects: list(this.set.field(res, 'subject')).map((s) => ({ kind: String(s['kind']), name: String(s['name']), ...(s['namespace'] ? { namespace: String(s['namespace']) } : {}) })),
        where: `${res.stack} ${res.address}`,
      };
    };
    for (const type of ['kubernetes_cluster_role_binding_v1', 'kubernetes_cluster_role_binding']) for (const res of of(type)) this.bindings.push(binding(res, false));
    for (const type of ['kubernetes_role_binding_v1', 'kubernetes_role_binding']) for (const res of of(type)) this.bindings.push(binding(res, true));
  }

  private findCluster(nameOrArn: string): Cluster {
    const matches = this.clusters.filter((c) => c.arn === nameOrArn || c.name === nameOrArn);
    if (matches.length === 0) throw new Error(`no EKS cluster ${nameOrArn} in the stacks`);
    if (matches.length > 1) throw new Error(`several clusters are named ${nameOrArn}: give its ARN`);
    return matches[0]!;
  }

  private roleRules(cluster: Cluster, kind: string, name: string, namespace?: string): readonly KubeRule[] | undefined {
    const role = this.roles.find((r) => r.cluster === cluster && r.name === name && (kind === 'ClusterRole' ? r.namespace === undefined : r.namespace === namespace));
    return role?.rules ?? (kind === 'ClusterRole' ? BUILT_IN_CLUSTER_ROLES[name] : undefined);
  }

  decide(r: KubeRequest): KubeDecision {
    const cluster = this.findCluster(r.cluster);
    const entry = this.entries.find((e) => e.cluster === cluster && sameRole(r.principalArn, e.principalArn));
    if (!entry) return { decision: 'deny', because: [`${r.principalArn} has no access entry on ${cluster.name}: it cannot authenticate`] };
    const role = parseRoleArn(entry.principalArn);
    const user = entry.userName ?? (role ? `arn:aws:sts::${role.account}:assumed-role/${role.name}/{{SessionName}}` : entry.principalArn);
    const groups = [...entry.groups, 'system:authenticated'];
    const because: string[] = [];
    const notes: string[] = [];
    for (const a of this.associations.filter((x) => x.cluster === cluster && sameRole(r.principalArn, x.principalArn))) {
      const rules = EKS_ACCESS_POLICIES[a.policy];
      if (!rules) {
        notes.push(`access policy ${a.policy} (${a.where}) is not modelled`);
        continue;
      }
      if (a.namespaces && (!r.namespace || !a.namespaces.some((n) => n === r.namespace || (n.endsWith('*') && r.namespace!.startsWith(n.slice(0, -1)))))) continue;
      if (rules.some((rule) => ruleMatches(rule, r))) because.push(`access policy ${a.policy}${a.namespaces ? ` in ${a.namespaces.join(', ')}` : ' (cluster)'}: ${a.where}`);
    }
    const subjectOk = (b: Binding) => b.subjects.some((s) => (s.kind === 'Group' && groups.includes(s.name)) || (s.kind === 'User' && s.name === user));
    for (const b of this.bindings.filter((x) => x.cluster === cluster && subjectOk(x))) {
      if (b.namespace !== undefined && b.namespace !== r.namespace) continue;
      const rules = this.roleRules(cluster, b.roleKind, b.roleName, b.namespace);
      if (!rules) {
        notes.push(`${b.roleKind} ${b.roleName} bound by ${b.where} is not in the stacks (a chart's or built-in): not modelled`);
        continue;
      }
      if (rules.some((rule) => ruleMatches(rule, r))) because.push(`${b.namespace ? 'RoleBinding' : 'ClusterRoleBinding'} ${b.name} → ${b.roleKind} ${b.roleName}: ${b.where}`);
    }
    const what = `${r.verb} ${r.apiGroup ? `${r.apiGroup}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.namespace ? ` in ${r.namespace}` : ''}`;
    if (because.length > 0) return { decision: 'allow', because: [...because, ...notes] };
    return { decision: 'deny', because: [`no access policy or binding of ${entry.principalArn} (user ${user}, groups ${groups.join(', ')}) allows ${what} on ${cluster.name}`, ...notes] };
  }
}

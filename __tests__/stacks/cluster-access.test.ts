import { describe, expect, it } from 'vitest';
import { accountOf, clusterAdminRoleArns, clusterDeveloperRoleArns, clusterPlanRoleArns, clusterViewRoleArns } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { TERRAFORM_PLANNERS_GROUP } from '../../stacks/cluster-access.ts';
import { resourcesOf, synthEnvironment, synthKubernetesEnvironment } from '../helpers/synth.ts';

describe.each(ENVIRONMENTS)('cluster access of $name', (config) => {
  const account = accountOf(config);
  const infra = synthEnvironment(config).json;
  const k8s = synthKubernetesEnvironment(config).json;
  const entries = resourcesOf(infra, 'aws_eks_access_entry');
  const policyOf = (arn: string) => {
    const [key] = Object.entries(infra.resource.aws_eks_access_entry!).find(([, e]) => e.principal_arn === arn)!;
    return resourcesOf(infra, 'aws_eks_access_policy_association').filter((a) => a.principal_arn === `\${aws_eks_access_entry.${key}.principal_arn}`);
  };

  // Production's Secrets hold its credentials: there developers view (no Secret, no exec), elsewhere they edit.
  it(`gives developers the ${config.isProduction ? 'view' : 'edit'} policy in the app namespace, and nothing elsewhere`, () => {
    for (const arn of clusterDeveloperRoleArns(account)) {
      expect(entries.find((e) => e.principal_arn === arn)!.kubernetes_groups).toBeUndefined();
      expect(policyOf(arn)).toEqual([
        expect.objectContaining({
          policy_arn: expect.stringMatching(config.isProduction ? /\/AmazonEKSViewPolicy$/ : /\/AmazonEKSEditPolicy$/),
          access_scope: { type: 'namespace', namespaces: [config.kubernetes.appNamespace] },
        }),
      ]);
    }
  });

  it('lets no one but ops change kube-system or an add-on namespace', () => {
    const admins = new Set(clusterAdminRoleArns(config.name, account));
    const keyOf = (ref: string) => /aws_eks_access_entry\.([^.]+)\.principal_arn/.exec(ref)![1]!;
    const principalOf = (ref: string) => infra.resource.aws_eks_access_entry![keyOf(ref)]!.principal_arn as string;
    for (const association of resourcesOf(infra, 'aws_eks_access_policy_association')) {
      const principal = principalOf(association.principal_arn);
      const policy = association.policy_arn.split('/').pop();
      if (admins.has(principal)) {
        expect(policy, principal).toBe('AmazonEKSClusterAdminPolicy');
      } else if (policy !== 'AmazonEKSViewPolicy') {
        // Anything that can write is held to the app namespace.
        expect(association.access_scope, `${principal} ${policy}`).toEqual({ type: 'namespace', namespaces: [config.kubernetes.appNamespace] });
      }
    }
    // And the cluster's own RBAC grants the Terraform planners reads only.
    for (const role of [...resourcesOf(k8s, 'kubernetes_cluster_role_v1'), ...resourcesOf(k8s, 'kubernetes_role_v1')]) {
      for (const rule of role.rule) expect(rule.verbs, role.metadata.name).toEqual(['get', 'list', 'watch']);
    }
  });

  it('gives the read-only role the view policy across the cluster, in no Kubernetes group', () => {
    for (const arn of clusterViewRoleArns(account)) {
      expect(entries.find((e) => e.principal_arn === arn)!.kubernetes_groups).toBeUndefined();
      expect(policyOf(arn)).toEqual([expect.objectContaining({ policy_arn: expect.stringMatching(/\/AmazonEKSViewPolicy$/), access_scope: { type: 'cluster' } })]);
    }
  });

  it('gives the CI plan role view, plus the planners group', () => {
    for (const arn of clusterPlanRoleArns(account)) {
      expect(entries.find((e) => e.principal_arn === arn)!.kubernetes_groups).toEqual([TERRAFORM_PLANNERS_GROUP]);
      expect(policyOf(arn)).toEqual([expect.objectContaining({ policy_arn: expect.stringMatching(/\/AmazonEKSViewPolicy$/) })]);
    }
  });

  it('lets planners read release records in every namespace that holds a Helm release, and write nothing', () => {
    const namespaceOf = (ref: string) => ref;
    const releaseNamespaces = new Set(resourcesOf(k8s, 'helm_release').map((r) => namespaceOf(r.namespace)));
    const bindings = resourcesOf(k8s, 'kubernetes_role_binding_v1').filter((b) => b.subject.some((s: { name: string }) => s.name === TERRAFORM_PLANNERS_GROUP));
    expect(new Set(bindings.map((b) => b.metadata.namespace))).toEqual(releaseNamespaces);
    const roles = resourcesOf(k8s, 'kubernetes_cluster_role_v1').filter((r) => r.metadata.name.startsWith('hexabid:'));
    for (const role of roles) for (const rule of role.rule) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
    const secretReaders = roles.filter((r) => r.rule.some((rule: { resources: string[] }) => rule.resources.includes('secrets')));
    const clusterBindings = resourcesOf(k8s, 'kubernetes_cluster_role_binding_v1');
    // Secrets are readable through namespaced bindings only, never a cluster-wide one.
    for (const role of secretReaders) {
      expect(clusterBindings.filter((b) => b.role_ref.name.includes(role.metadata.name) || b.role_ref.name === role.metadata.name)).toEqual([]);
    }
  });
});

describe.each(ENVIRONMENTS)('what the planners can read in $name', (config) => {
  const k8s = synthKubernetesEnvironment(config).json;
  /** The Kubernetes kinds the stack manages, and the API group and resource a plan must read for each. */
  const READS: Record<string, [string, string]> = {
    kubernetes_namespace_v1: ['', 'namespaces'],
    kubernetes_storage_class_v1: ['storage.k8s.io', 'storageclasses'],
    kubernetes_cluster_role_v1: ['rbac.authorization.k8s.io', 'clusterroles'],
    kubernetes_cluster_role_binding_v1: ['rbac.authorization.k8s.io', 'clusterrolebindings'],
    kubernetes_role_binding_v1: ['rbac.authorization.k8s.io', 'rolebindings'],
  };
  // What the EKS view policy already reads: the namespaced kinds of the Kubernetes `view` role.
  const VIEWED = new Set(['kubernetes_config_map_v1', 'kubernetes_cron_job_v1', 'kubernetes_job_v1', 'kubernetes_limit_range_v1', 'kubernetes_resource_quota_v1', 'kubernetes_service_account_v1']);

  it('covers every kind of object the Kubernetes stack manages, so a plan can refresh it', () => {
    const rules = resourcesOf(k8s, 'kubernetes_cluster_role_v1').filter((r) => r.metadata.name === 'hexabid:plan-reader').flatMap((r) => r.rule);
    for (const type of Object.keys(k8s.resource).filter((t) => t.startsWith('kubernetes_'))) {
      if (VIEWED.has(type)) continue;
      const read = READS[type];
      expect(read, `${type}: add what a plan reads of it`).toBeDefined();
      expect(rules.some((r: { api_groups: string[]; resources: string[] }) => r.api_groups.includes(read![0]) && r.resources.includes(read![1])), type).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { loadAccessModel } from '../../../lib/access/index.ts';
import { role, roleArn, tinyStack } from './tiny-stack.ts';

const policy = (name: string) => `arn:\${data.aws_partition.p.partition}:eks::aws:cluster-access-policy/${name}`;

function model() {
  return loadAccessModel([
    tinyStack('infra', {
      aws_iam_role: { Viewer: role('viewer'), Dev: role('dev'), Admin: role('admin'), Planner: role('planner'), Stranger: role('stranger') },
      aws_eks_cluster: { C: { name: 'tiny', role_arn: '${aws_iam_role.Admin.arn}', vpc_config: { subnet_ids: [] } } },
      aws_eks_access_entry: {
        Viewer: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_iam_role.Viewer.arn}' },
        Dev: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_iam_role.Dev.arn}' },
        Admin: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_iam_role.Admin.arn}' },
        Planner: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_iam_role.Planner.arn}', kubernetes_groups: ['tiny:planners'] },
      },
      aws_eks_access_policy_association: {
        Viewer: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_eks_access_entry.Viewer.principal_arn}', policy_arn: policy('AmazonEKSViewPolicy'), access_scope: { type: 'cluster' } },
        Dev: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_eks_access_entry.Dev.principal_arn}', policy_arn: policy('AmazonEKSEditPolicy'), access_scope: { type: 'namespace', namespaces: ['app'] } },
        Admin: { cluster_name: '${aws_eks_cluster.C.name}', principal_arn: '${aws_eks_access_entry.Admin.principal_arn}', policy_arn: policy('AmazonEKSClusterAdminPolicy'), access_scope: { type: 'cluster' } },
      },
    }),
    tinyStack('k8s', {
      kubernetes_cluster_role_v1: { Reader: { metadata: { name: 'secret-reader' }, rule: [{ api_groups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] } },
      kubernetes_role_binding_v1: {
        Bind: {
          metadata: { name: 'planners-read-secrets', namespace: 'system' },
          role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: '${kubernetes_cluster_role_v1.Reader.metadata[0].name}' },
          subject: [{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'tiny:planners' }],
        },
      },
    }, { data: { aws_eks_cluster: { Cluster: { name: 'tiny' } } } }),
  ]);
}

describe('Kubernetes access through EKS access entries (EKS User Guide, "Review access policy permissions")', () => {
  it('View reads pods but not Secrets; Edit reads Secrets and execs into pods, only in its namespaces', () => {
    const m = model();
    const kube = (who: string, verb: string, resource: string, namespace?: string, subresource?: string) =>
      m.canKube({ principalArn: roleArn(who), cluster: 'tiny', verb, resource, ...(namespace ? { namespace } : {}), ...(subresource ? { subresource } : {}) }).decision;
    expect(kube('viewer', 'list', 'pods', 'app')).toBe('allow');
    expect(kube('viewer', 'get', 'secrets', 'app')).toBe('deny');
    expect(kube('dev', 'get', 'secrets', 'app')).toBe('allow');
    expect(kube('dev', 'create', 'pods', 'app', 'exec')).toBe('allow');
    expect(kube('dev', 'create', 'pods', 'other', 'exec')).toBe('deny');
    expect(kube('dev', 'list', 'namespaces')).toBe('deny');
    expect(kube('dev', 'create', 'roles', 'app')).toBe('deny');
    expect(kube('admin', 'delete', 'nodes')).toBe('allow');
  });

  it('RBAC bindings in the stacks grant to the access entry Kubernetes groups, in the binding namespace', () => {
    const m = model();
    const read = (namespace: string) => m.canKube({ principalArn: roleArn('planner'), cluster: 'tiny', verb: 'get', resource: 'secrets', namespace });
    const allowed = read('system');
    expect(allowed.decision).toBe('allow');
    expect(allowed.because[0]).toMatch(/RoleBinding planners-read-secrets → ClusterRole secret-reader: k8s kubernetes_role_binding_v1\.Bind/);
    expect(read('app').decision).toBe('deny');
  });

  it('a principal without an access entry cannot authenticate', () => {
    const d = model().canKube({ principalArn: roleArn('stranger'), cluster: 'tiny', verb: 'get', resource: 'pods', namespace: 'app' });
    expect(d.decision).toBe('deny');
    expect(d.because[0]).toMatch(/has no access entry on tiny/);
  });

  it('a role session authenticates as its role', () => {
    const session = roleArn('viewer').replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/alice';
    expect(model().canKube({ principalArn: session, cluster: 'tiny', verb: 'get', resource: 'pods', namespace: 'app' }).decision).toBe('allow');
  });
});

import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { Construct } from 'constructs';
import { requireProps } from '../internal/props.ts';

export interface TerraformPlanAccessProps {
  /** The Kubernetes group that plans; EKS access entries put principals in it, with the EKS view policy. */
  readonly groupName: string;
  /** Namespaces that hold Helm releases; the group reads Secrets there and nowhere else. */
  readonly releaseNamespaces: readonly string[];
}

const MANAGED = { 'app.kubernetes.io/managed-by': 'terraform' };
const RBAC = 'rbac.authorization.k8s.io';

/**
 * What `terraform plan` refreshes beyond the EKS view policy, read-only:
 * - Helm's release records, which Helm keeps in Secrets. RBAC cannot narrow
 *   `list` by label, so the grant is every Secret of the release namespaces:
 *   only there, and never write.
 * - The RBAC objects Terraform manages (these), the StorageClass and the
 *   namespaces, which view leaves out (or may).
 */
export class TerraformPlanAccess extends Construct {
  constructor(scope: Construct, id: string, props: TerraformPlanAccessProps) {
    super(scope, id);
    requireProps(props.releaseNamespaces.length > 0, 'TerraformPlanAccess', id, 'releaseNamespaces must name at least one namespace that holds a Helm release');
    const subject = [{ kind: 'Group', name: props.groupName, apiGroup: RBAC }];

    const releases = new ClusterRoleV1(this, 'ReleaseReader', {
      metadata: { name: 'hexabid:helm-release-reader', labels: MANAGED },
      rule: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    });
    // A RoleBinding to a ClusterRole grants its rule in that namespace only.
    props.releaseNamespaces.forEach((namespace, i) => {
      new RoleBindingV1(this, `ReleaseReaderBinding${i}`, {
        metadata: { name: 'hexabid:helm-release-readers', namespace, labels: MANAGED },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: releases.metadata.name },
        subject,
      });
    });

    // The cluster-scoped and RBAC objects the stacks manage, which the view policy leaves out.
    const rbac = new ClusterRoleV1(this, 'RbacReader', {
      metadata: { name: 'hexabid:plan-reader', labels: MANAGED },
      rule: [
        { apiGroups: [RBAC], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new ClusterRoleBindingV1(this, 'RbacReaderBinding', {
      metadata: { name: 'hexabid:plan-readers', labels: MANAGED },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: rbac.metadata.name },
      subject,
    });
  }
}

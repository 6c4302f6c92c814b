import type { EnvironmentConfig } from '../environments/index.ts';
import type { ClusterAccessGrant } from '../modules/eks.ts';

/**
 * The Kubernetes group of the roles that plan the Kubernetes stack. The
 * Kubernetes stack binds it to read Helm's release records, which live in
 * Secrets that the EKS view policy cannot read.
 */
export const TERRAFORM_PLANNERS_GROUP = 'hexabid:terraform-planners';

/**
 * The access entries of an environment beyond its admins (ops, cluster-admin):
 * developers edit the app namespace and nothing else, except in production,
 * where they only view it: the EKS view policy reads no Secret and opens no
 * shell in a pod, and production's Secrets hold its database and third-party
 * credentials. Support and CI's plan role view. Only admins can change
 * kube-system or an add-on's namespace.
 */
export function clusterAccessGrants(config: EnvironmentConfig): ClusterAccessGrant[] {
  const developerPolicy = config.isProduction ? 'view' : 'edit';
  return [
    ...config.cluster.developerRoleArns.map((principalArn): ClusterAccessGrant => ({ principalArn, policy: developerPolicy, namespaces: [config.kubernetes.appNamespace] })),
    ...config.cluster.viewRoleArns.map((principalArn): ClusterAccessGrant => ({ principalArn, policy: 'view' })),
    ...config.cluster.planRoleArns.map((principalArn): ClusterAccessGrant => ({ principalArn, policy: 'view', kubernetesGroups: [TERRAFORM_PLANNERS_GROUP] })),
  ];
}

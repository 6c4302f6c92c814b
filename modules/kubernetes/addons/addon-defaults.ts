/** What every platform add-on shares: where it runs, how it is admitted, how it gets AWS access. */
import type { Construct } from 'constructs';
import type { PolicyStatement } from '../../internal/iam.ts';
import { KubernetesNamespace } from '../namespace.ts';
import { PodIdentityRole } from '../../identity/pod-identity-role.ts';

/**
 * Add-on namespaces enforce the baseline Pod Security Standard (no host
 * access, no privilege) and audit and warn at restricted. Upstream charts'
 * security contexts cannot be checked against restricted offline, so
 * enforcing it could block an upgrade mid-apply.
 */
export const ADDON_POD_SECURITY_REASON = 'Third-party chart: baseline is enforced, restricted is audited and warned';

/** Platform add-ons stay on the app node group; the worker group is tainted for workers. */
export const CRITICAL_ADDON_PLACEMENT = {
  nodeSelector: { 'hexabid.in/node-group': 'app' },
} as const;

/** An add-on's own namespace, at the add-on Pod Security level. */
export function addonNamespace(scope: Construct, name: string): KubernetesNamespace {
  return new KubernetesNamespace(scope, 'Namespace', { name, podSecurity: 'baseline', podSecurityReason: ADDON_POD_SECURITY_REASON });
}

/** An add-on's AWS role, bound through Pod Identity to its one service account. */
export function addonRole(
  scope: Construct,
  options: { clusterName: string; addonName: string; namespace: KubernetesNamespace; serviceAccount: string; statements: readonly PolicyStatement[] },
): PodIdentityRole {
  return new PodIdentityRole(scope, 'Role', {
    clusterName: options.clusterName,
    roleName: `${options.clusterName}-${options.addonName}`,
    serviceAccounts: [{ namespace: options.namespace.namespaceName, name: options.serviceAccount }],
    statements: options.statements,
  });
}

/** Where platform add-ons run and how they are admitted. */

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

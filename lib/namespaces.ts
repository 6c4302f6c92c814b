/**
 * Kubernetes namespaces every HexaBid cluster has, whatever the environment:
 * the config, the stacks and the alert rules all name them, so they live on
 * the ground floor.
 */

/** The namespace of the platform's own workloads (monitoring, logging, the search security job). */
export const SYSTEM_NAMESPACE = 'hexabid-system';

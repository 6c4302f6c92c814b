/** The names of every stack, derived from the config: the stacks, the CI tools and the bootstrap config name them alike, without loading any stack. */

/** The variable that points a `-k8s` stack's Kubernetes and Helm providers at a local tunnel to the private API endpoint. */
export const TUNNEL_PORT_VARIABLE = 'cluster_api_tunnel_port';

/** Each account's bootstrap stack is `hexabid-bootstrap-<account>`, applied before the account's environments. */
export const BOOTSTRAP_STACK_PREFIX = 'hexabid-bootstrap';

/** The name of an account's bootstrap stack. */
export function bootstrapStackName(account: { readonly name: string }): string {
  return `${BOOTSTRAP_STACK_PREFIX}-${account.name}`;
}

/** The tag that names a resource's environment (every stack's provider sets it): each environment's AWS budget counts the costs tagged with its name. */
export const ENVIRONMENT_TAG_KEY = 'environment';

/** What stack names depend on: the environment's name, and whether it is a standby. */
export interface NamedEnvironment {
  readonly name: string;
  readonly standbyFor?: { readonly primary: string };
  readonly disasterRecovery?: { readonly standbyEnvironment: string };
}

/** Name of the AWS infrastructure stack of an environment. */
export function infrastructureStackName(environment: { readonly name: string }): string {
  return `hexabid-${environment.name}`;
}

/** Name of the Kubernetes layer stack of an environment. */
export function kubernetesStackName(environment: { readonly name: string }): string {
  return `${infrastructureStackName(environment)}-k8s`;
}

/**
 * Name of a standby environment's always-on stack (network and database
 * replica), applied with its primary, long before any failover.
 */
export function standbyStackName(environment: { readonly name: string }): string {
  return `${infrastructureStackName(environment)}-standby`;
}

/** An environment's stacks, in the order they apply: a standby's always-on stack first. */
export function environmentStackNames(environment: NamedEnvironment): string[] {
  const stacks = [infrastructureStackName(environment), kubernetesStackName(environment)];
  return environment.standbyFor ? [standbyStackName(environment), ...stacks] : stacks;
}

/**
 * The stacks a deploy of an environment applies: its own two, and for a
 * primary with disaster recovery its standby's always-on stack. A standby's
 * other stacks are applied on failover only.
 */
export function deployedStackNames(environment: NamedEnvironment): string[] {
  if (environment.standbyFor) return [standbyStackName(environment)];
  const standby = environment.disasterRecovery?.standbyEnvironment;
  return [...environmentStackNames(environment), ...(standby ? [standbyStackName({ name: standby })] : [])];
}

/** True for the stacks of a standby that nothing applies until a failover, so CI never plans them. */
export function isFailoverOnlyStack(environment: NamedEnvironment, stack: string): boolean {
  return environment.standbyFor !== undefined && stack !== standbyStackName(environment);
}

/** Where the container logs of one namespace of an environment land (CloudWatch Logs). */
export function containerLogGroupName(environmentName: string, namespace: string): string {
  return `${containerLogGroupPrefix(environmentName)}/${namespace}`;
}

/** The prefix of every container log group of an environment. */
export function containerLogGroupPrefix(environmentName: string): string {
  return `/hexabid/${environmentName}/containers`;
}

/**
 * Every log group an environment's stacks create, as name patterns: its
 * containers', and those AWS writes for its cluster, database, cache, search
 * domain, network, alarm forwarder and web ACL. Nothing of another
 * environment matches (a test holds both).
 */
export function environmentLogGroupPatterns(environmentName: string): string[] {
  const cluster = infrastructureStackName({ name: environmentName });
  return [
    `${containerLogGroupPrefix(environmentName)}/*`,
    ...['eks', 'elasticache', 'opensearch', 'vpc', 'rds/instance'].map((service) => `/aws/${service}/${cluster}/*`),
    `/aws/rds/instance/${cluster}-replica-*`,
    `/aws/lambda/${cluster}-*`,
    `aws-waf-logs-${cluster}`,
  ];
}

/** Stack names, kept apart from the stacks so that light tools (CI, bootstrap) need not load them. */

/** The account's bootstrap stack, applied once before any environment. */
export const BOOTSTRAP_STACK_NAME = 'hexabid-bootstrap';

/** Name of the AWS infrastructure stack of an environment. */
export function infrastructureStackName(environment: { readonly name: string }): string {
  return `hexabid-${environment.name}`;
}

/** Name of the Kubernetes layer stack of an environment. */
export function kubernetesStackName(environment: { readonly name: string }): string {
  return `${infrastructureStackName(environment)}-k8s`;
}

/** An environment's stacks, in the order they apply. */
export function environmentStackNames(environment: { readonly name: string }): [infrastructure: string, kubernetes: string] {
  return [infrastructureStackName(environment), kubernetesStackName(environment)];
}

/** Where the container logs of one namespace of an environment land (CloudWatch Logs). */
export function containerLogGroupName(environmentName: string, namespace: string): string {
  return `${containerLogGroupPrefix(environmentName)}/${namespace}`;
}

/** The prefix of every container log group of an environment. */
export function containerLogGroupPrefix(environmentName: string): string {
  return `/hexabid/${environmentName}/containers`;
}

import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, Op, TerraformVariable, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { infrastructureStackName, TUNNEL_PORT_VARIABLE } from '../environments/stack-names.ts';

/**
 * Configures the Kubernetes and Helm providers for the environment's cluster.
 *
 * - Connection: `data.aws_eks_cluster`, looked up by the cluster's literal
 *   name, so provider configuration never depends on a resource of this stack.
 * - Authentication: `aws eks get-token`, for whichever role runs the plan.
 * - Network: the endpoint is private. From inside the VPC it is used as is;
 *   from anywhere else `npm run tunnel -- <env>` forwards a local port to it
 *   through a node's SSM agent, and `TF_VAR_cluster_api_tunnel_port` sends both
 *   providers there, still verifying the cluster's certificate for its own name.
 */
export function configureClusterProviders(scope: Construct, config: EnvironmentConfig): { clusterName: string } {
  // The infrastructure stack names its cluster after itself.
  const clusterName = infrastructureStackName(config);
  const cluster = new DataAwsEksCluster(scope, 'Cluster', { name: clusterName });
  const tunnelPort = new TerraformVariable(scope, TUNNEL_PORT_VARIABLE, {
    type: 'number',
    nullable: false,
    default: 0,
    description: 'Local port of an SSM tunnel to the private API endpoint (npm run tunnel); 0 connects to the endpoint directly.',
    validation: [
      {
        condition: `\${var.${TUNNEL_PORT_VARIABLE} == 0 || (var.${TUNNEL_PORT_VARIABLE} >= 1024 && var.${TUNNEL_PORT_VARIABLE} <= 65535)}`,
        errorMessage: `${TUNNEL_PORT_VARIABLE} must be 0 (no tunnel) or a local port from 1024 to 65535.`,
      },
    ],
  });
  const port = tunnelPort.numberValue;
  const connection = {
    // Validation allows only 0 or 1024-65535, so "above 1023" means "a tunnel is set".
    host: Token.asString(Fn.conditional(Op.gt(port, 1023), `https://127.0.0.1:${Token.asString(port)}`, cluster.endpoint)),
    // Through the tunnel the address is 127.0.0.1; the certificate is still checked for the endpoint's name.
    tlsServerName: Fn.trimprefix(cluster.endpoint, 'https://'),
    clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', config.region, '--output', 'json'],
    },
  };
  new KubernetesProvider(scope, 'kubernetes', { ...connection, exec: [connection.exec] });
  new HelmProvider(scope, 'helm', { kubernetes: connection });
  return { clusterName };
}

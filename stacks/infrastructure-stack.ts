import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { EksCluster } from '../modules/eks.ts';
import { Vpc } from '../modules/vpc.ts';

/** Name of the AWS infrastructure stack of an environment. */
export function infrastructureStackName(config: EnvironmentConfig): string {
  return `hexabid-${config.name}`;
}

/**
 * The AWS side of one environment: network, cluster and data stores. The
 * Kubernetes layer is a separate stack that reads this one's outputs.
 */
export class InfrastructureStack extends TerraformStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    const id = infrastructureStackName(config);
    super(scope, id);
    const prefix = id;

    const defaultTags = [{ tags: { project: 'hexabid', environment: config.name, 'managed-by': 'cdktf', 'cost-center': config.costCenter } }];
    new AwsProvider(this, 'aws', { region: config.region, allowedAccountIds: [config.accountId], defaultTags });

    const backend = new S3Backend(this, {
      bucket: config.state.bucket,
      key: `${id}/terraform.tfstate`,
      region: config.state.region,
      encrypt: true,
      kmsKeyId: config.state.kmsKeyId,
    });
    // cdktf 0.21's S3Backend predates S3-native locking and has no typed option for it.
    backend.addOverride('use_lockfile', true);

    const clusterName = prefix;
    const network = new Vpc(this, 'Network', {
      namePrefix: prefix,
      cidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      publicSubnets: config.network.publicSubnets,
      privateSubnets: config.network.privateSubnets,
      databaseSubnets: config.network.databaseSubnets,
      eksClusterName: clusterName,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
    });

    const cluster = new EksCluster(this, 'Cluster', {
      clusterName,
      kubernetesVersion: config.cluster.kubernetesVersion,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      nodeGroups: config.cluster.nodeGroups,
      adminRoleArns: config.cluster.adminRoleArns,
      publicAccessCidrs: config.cluster.publicAccessCidrs,
      logRetentionDays: config.cluster.logRetentionDays,
    });

    new TerraformOutput(this, 'cluster_name', { value: cluster.clusterName });
  }
}

import { EcrRegistryPolicy } from '@cdktf/provider-aws/lib/ecr-registry-policy';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument } from '../internal/iam.ts';
import { requireProps } from '../internal/props.ts';

export interface ImageReplicaRegistryProps {
  /** The account whose registry replicates its images into this one. */
  readonly sourceAccountId: string;
  /** The repository prefixes it may create and replicate into, e.g. `hexabid`. */
  readonly repositoryPrefixes: readonly string[];
}

/**
 * This account's registry as a replication destination of another account's:
 * the registry policy ECR asks of the destination for cross-account
 * replication (Amazon ECR User Guide, "Private image replication": the
 * destination lets the source account `ecr:CreateRepository` and
 * `ecr:ReplicateImage`), for the named repositories only. It grants nothing
 * else, and nothing to any principal of this account.
 */
export class ImageReplicaRegistry extends Construct {
  constructor(scope: Construct, id: string, props: ImageReplicaRegistryProps) {
    super(scope, id);
    requireProps(/^\d{12}$/.test(props.sourceAccountId), 'ImageReplicaRegistry', id, `sourceAccountId must be a 12-digit account ID (got "${props.sourceAccountId}")`);
    requireProps(props.repositoryPrefixes.length > 0, 'ImageReplicaRegistry', id, 'repositoryPrefixes must name at least one prefix');
    const { partition, region, accountId } = awsContext(this);
    new EcrRegistryPolicy(this, 'Policy', {
      policy: policyDocument([
        {
          Sid: 'ReplicationFromSourceAccount',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${props.sourceAccountId}:root` },
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          Resource: props.repositoryPrefixes.map((prefix) => `arn:${partition}:ecr:${region}:${accountId}:repository/${prefix}/*`),
        },
      ]),
    });
  }
}

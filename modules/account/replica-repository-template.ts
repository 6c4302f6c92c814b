import { EcrRepositoryCreationTemplate } from '@cdktf/provider-aws/lib/ecr-repository-creation-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument, serviceTrustPolicy } from '../internal/iam.ts';
import { requireProps } from '../internal/props.ts';
import { EncryptionKey } from '../security/kms-key.ts';

/** A region the registry replicates to, and the provider that builds there. */
export interface ReplicaRegion {
  readonly region: string;
  readonly provider: TerraformProvider;
}

export interface ReplicaRepositoryTemplateProps {
  /** The repository namespace, without a slash: `hexabid` covers `hexabid/api` and every other `hexabid/…`. */
  readonly repositoryPrefix: string;
  /** Regions the registry replicates to: each gets a template and a key of its own. */
  readonly replicaRegions: readonly ReplicaRegion[];
  /** The lifecycle policy JSON the replicas keep, normally the primary repositories' (so replicas stay bounded too). */
  readonly lifecyclePolicy: string;
  /**
   * Prefix of the KMS key aliases and the role's name.
   * @default - `<repositoryPrefix>-image-replicas`
   */
  readonly namePrefix?: string;
}

/**
 * The settings of the repositories ECR creates on its own when it replicates
 * an image to another region. Without a template they get ECR's defaults:
 * mutable tags, AES-256 and no lifecycle (Amazon ECR, "Templates to control
 * repositories created during a pull through cache or replication action").
 * With it they match the primary repositories: immutable tags, a customer key
 * (one per region: a KMS key never leaves its region), the same lifecycle.
 *
 * ECR creates encrypted repositories through a role of its own ("Create an
 * IAM role for repository creation templates"): trusted by
 * ecr.amazonaws.com, it may create and replicate into `<prefix>/…`
 * repositories and grant ECR the use of the key.
 *
 * A template applies only to repositories created after it; make the
 * registry's replication configuration depend on {@link templates}. An
 * existing replica keeps its settings until it is deleted and replicated again.
 */
export class ReplicaRepositoryTemplate extends Construct {
  /** The templates, one per replica region: what replication must wait for. */
  readonly templates: readonly ITerraformDependable[];
  /** The key of each replica region's repositories, by region. */
  readonly kmsKeyArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ReplicaRepositoryTemplateProps) {
    super(scope, id);
    requireProps(/^[a-z0-9][a-z0-9._-]*$/.test(props.repositoryPrefix), 'ReplicaRepositoryTemplate', id, `repositoryPrefix must be a repository namespace without slashes (got "${props.repositoryPrefix}")`);
    requireProps(props.replicaRegions.length > 0, 'ReplicaRepositoryTemplate', id, 'replicaRegions must name at least one region');
    const namePrefix = props.namePrefix ?? `${props.repositoryPrefix}-image-replicas`;
    const { accountId, partition } = awsContext(this);

    const keys = props.replicaRegions.map(
      ({ region, provider }) =>
        [region, new EncryptionKey(this, `Key-${region}`, { aliasName: namePrefix, description: `Encrypts the ${props.repositoryPrefix}/ images ECR replicates to ${region}`, provider })] as const,
    );
    const role = new IamRole(this, 'Role', {
      name: namePrefix,
      description: `ECR creates the ${props.repositoryPrefix}/ replica repositories as this role, under their region's key`,
      assumeRolePolicy: serviceTrustPolicy('ecr.amazonaws.com', { sourceAccount: accountId }),
    });
    const policy = new IamRolePolicy(this, 'RolePolicy', {
      role: role.name,
      name: 'create-replica-repositories',
      policy: policyDocument([
        {
          Sid: 'CreateReplicaRepositories',
          Effect: 'Allow',
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
          Resource: props.replicaRegions.map(({ region }) => `arn:${partition}:ecr:${region}:${accountId}:repository/${props.repositoryPrefix}/*`),
        },
        // A repository under a customer key holds a grant on it, which ECR creates and retires.
        { Sid: 'UseReplicaKeys', Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'], Resource: keys.map(([, key]) => key.keyArn) },
      ]),
    });

    this.templates = keys.map(
      ([region, key]) =>
        new EcrRepositoryCreationTemplate(this, `Template-${region}`, {
          prefix: props.repositoryPrefix,
          description: `The ${props.repositoryPrefix}/ repositories ECR creates by replication: as the primary ones`,
          appliedFor: ['REPLICATION'],
          imageTagMutability: 'IMMUTABLE',
          encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.keyArn }],
          lifecyclePolicy: props.lifecyclePolicy,
          customRoleArn: role.arn,
          provider: props.replicaRegions.find((r) => r.region === region)!.provider,
          dependsOn: [policy],
        }),
    );
    this.kmsKeyArns = Object.fromEntries(keys.map(([region, key]) => [region, key.keyArn]));
  }
}

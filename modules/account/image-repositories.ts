import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import type { PolicyStatement } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { EncryptionKey } from '../security/kms-key.ts';

export interface ImageRepositoriesProps {
  /** Repository names, e.g. `hexabid/api`. */
  readonly repositoryNames: readonly string[];
  /** Alias of the repositories' KMS key, without `alias/`. */
  readonly keyAliasName: string;
  /**
   * Days an untagged image (a failed or superseded push) is kept.
   * @default 7
   */
  readonly untaggedImageExpiryDays?: number;
  /**
   * Tagged images kept per repository; older ones expire. Keep enough to roll back to any release still in use.
   * @default 200
   */
  readonly taggedImagesKept?: number;
  /**
   * Registries every push is replicated to: another region of this account
   * (a standby pulls there while this region is down), or another account,
   * whose registry policy must let this one replicate into it
   * ({@link ImageReplicaRegistry}). Each environment then pulls from its own
   * account and region.
   * @default [] - no replication
   */
  readonly replicationDestinations?: readonly ImageReplicationDestination[];
  /**
   * What replication waits for: the creation templates of the replica
   * repositories (`ReplicaRepositoryTemplate`), which apply only to
   * repositories created after them.
   * @default []
   */
  readonly replicationDependsOn?: readonly ITerraformDependable[];
}

/** A registry images are replicated to. */
export interface ImageReplicationDestination {
  readonly region: string;
  /** The destination registry's account. @default - this account */
  readonly accountId?: string;
}

/** Every default of {@link ImageRepositoriesProps}, applied in one place. */
export const IMAGE_REPOSITORIES_DEFAULTS = {
  untaggedImageExpiryDays: 7,
  taggedImagesKept: 200,
  replicationDestinations: [],
  replicationDependsOn: [],
} as const satisfies Partial<ImageRepositoriesProps>;

/** The repositories' lifecycle policy: untagged images expire, and only the newest tagged ones are kept. */
export function imageLifecyclePolicy(options: { readonly untaggedImageExpiryDays: number; readonly taggedImagesKept: number } = IMAGE_REPOSITORIES_DEFAULTS): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${options.untaggedImageExpiryDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: options.untaggedImageExpiryDays },
        action: { type: 'expire' },
      },
      {
        // `any` must be the last rule: it sees what the rules before it left.
        rulePriority: 2,
        description: `Keep the newest ${options.taggedImagesKept} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: options.taggedImagesKept },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * Private ECR repositories for the app's images: immutable tags (a tag always
 * means the same image), a vulnerability scan on every push, a customer-managed
 * KMS key, and a lifecycle policy that bounds what is stored.
 */
export class ImageRepositories extends Construct {
  /** Repository URL (`<registry>/<name>`) by repository name. */
  readonly repositoryUrls: Readonly<Record<string, string>>;
  /** Repository ARN by repository name. */
  readonly repositoryArns: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
  /** The lifecycle policy JSON every repository has (replicas should keep it too). */
  readonly lifecyclePolicy: string;

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const p = withDefaults(props, IMAGE_REPOSITORIES_DEFAULTS);
    requireProps(p.repositoryNames.length > 0, 'ImageRepositories', id, 'repositoryNames must name at least one repository');
    requireProps(p.untaggedImageExpiryDays >= 1, 'ImageRepositories', id, `untaggedImageExpiryDays must be at least 1 (got ${p.untaggedImageExpiryDays})`);
    requireProps(p.taggedImagesKept >= 1, 'ImageRepositories', id, `taggedImagesKept must be at least 1 (got ${p.taggedImagesKept})`);
    const key = new EncryptionKey(this, 'Key', { aliasName: p.keyAliasName, description: 'Encrypts HexaBid container images' });
    if (p.replicationDestinations.length > 0) {
      const { accountId } = awsContext(this);
      const prefixes = [...new Set(p.repositoryNames.map((name) => name.split('/')[0]!))];
      // One configuration per registry; the replicas are created on the first push, AES-256 encrypted by ECR.
      new EcrReplicationConfiguration(this, 'Replication', {
        replicationConfiguration: {
          rule: [
            {
              destination: p.replicationDestinations.map((d) => ({ region: d.region, registryId: d.accountId ?? accountId })),
              repositoryFilter: prefixes.map((prefix) => ({ filter: `${prefix}/`, filterType: 'PREFIX_MATCH' })),
            },
          ],
        },
        dependsOn: [...p.replicationDependsOn],
      });
    }
    this.kmsKeyArn = key.keyArn;

    const lifecycle = imageLifecyclePolicy(p);
    this.lifecyclePolicy = lifecycle;
    const urls: Record<string, string> = {};
    const arns: Record<string, string> = {};
    for (const name of p.repositoryNames) {
      const repository = new EcrRepository(this, `Repository-${name}`, {
        name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.keyArn }],
      });
      new EcrLifecyclePolicy(this, `Lifecycle-${name}`, { repository: repository.name, policy: lifecycle });
      urls[name] = repository.repositoryUrl;
      arns[name] = repository.arn;
    }
    this.repositoryUrls = urls;
    this.repositoryArns = arns;
  }

  /**
   * What a pipeline needs to push images here: a registry login, and the
   * layer and manifest uploads on these repositories only. ECR decrypts
   * through its own KMS grant, so pushers need no key permission.
   */
  pushStatements(): PolicyStatement[] {
    return [
      { Sid: 'LogInToRegistry', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'PushImages',
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:PutImage',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
          'ecr:DescribeImages',
        ],
        Resource: Object.values(this.repositoryArns),
      },
    ];
  }
}

import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';
import { withDefaults } from '../../internal/props.ts';
import { EncryptionKey } from '../../security/kms-key.ts';

export interface EncryptedStorageClassProps {
  /** The EBS CSI driver's role, which creates and attaches the volumes. */
  readonly ebsCsiRoleArn: string;
  /** Alias of the volumes' KMS key, without `alias/`. */
  readonly keyAliasName: string;
  /** @default 'gp3-encrypted' */
  readonly name?: string;
  /**
   * Whether volumes without a class get this one. Since EKS 1.30 no class is
   * the default, so a PersistentVolumeClaim without one would wait forever.
   * @default true
   */
  readonly isDefault?: boolean;
  /**
   * What happens to a volume when its claim is deleted.
   * @default 'Delete'
   */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
}

/** Every default of {@link EncryptedStorageClassProps}, applied in one place. */
export const ENCRYPTED_STORAGE_CLASS_DEFAULTS = {
  name: 'gp3-encrypted',
  isDefault: true,
  reclaimPolicy: 'Delete',
} as const satisfies Partial<EncryptedStorageClassProps>;

/**
 * A gp3 StorageClass whose EBS volumes are encrypted with a key of their own.
 * Volumes bind where their pod is scheduled, so a zonal volume never strands
 * a pod, and they can grow in place.
 */
export class EncryptedStorageClass extends Construct {
  readonly storageClassName: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: EncryptedStorageClassProps) {
    super(scope, id);
    const p = withDefaults(props, ENCRYPTED_STORAGE_CLASS_DEFAULTS);
    // The driver creates grants for EC2 to attach the volume, as the EKS User Guide's
    // "Store Kubernetes volumes with Amazon EBS" KMS policy shows.
    const key = new EncryptionKey(this, 'Key', {
      aliasName: p.keyAliasName,
      description: 'Encrypts the cluster\'s EBS persistent volumes',
      additionalStatements: [
        {
          Sid: 'EbsCsiDriverCreatesGrantsForEc2',
          Effect: 'Allow',
          Principal: { AWS: p.ebsCsiRoleArn },
          Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
        },
        {
          Sid: 'EbsCsiDriverUsesKey',
          Effect: 'Allow',
          Principal: { AWS: p.ebsCsiRoleArn },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        },
      ],
    });
    const storageClass = new StorageClassV1(this, 'StorageClass', {
      metadata: {
        name: p.name,
        annotations: { 'storageclass.kubernetes.io/is-default-class': String(p.isDefault) },
        labels: { 'app.kubernetes.io/managed-by': 'terraform' },
      },
      storageProvisioner: 'ebs.csi.aws.com',
      // Parameter names from kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md.
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: key.keyArn, 'csi.storage.k8s.io/fstype': 'ext4' },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: p.reclaimPolicy,
    });
    this.storageClassName = storageClass.metadata.name;
    this.kmsKeyArn = key.keyArn;
  }
}

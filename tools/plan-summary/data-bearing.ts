/**
 * Resource types that hold data which does not come back when the resource is
 * recreated: destroying or replacing one loses that data, so the plan summary
 * flags it and CI gates it. Types that only attach to or front such data
 * (an aws_rds_cluster_instance, a bucket policy) are left out: recreating them
 * loses nothing.
 */
import type { ResourceChange } from './plan-format.ts';

/** What each data-bearing type holds that a recreated one would not. */
export const DATA_BEARING_REASONS = {
  aws_db_instance: 'the database and, unless a final snapshot is taken, its automated backups',
  aws_rds_cluster: "an Aurora cluster's storage volume; its instances hold no data of their own",
  aws_elasticache_replication_group: 'cached and, with persistence, stored Redis/Valkey data',
  aws_elasticache_cluster: 'cached and stored Redis/Valkey/Memcached data',
  aws_elasticache_serverless_cache: 'cached and stored Redis/Valkey/Memcached data',
  aws_opensearch_domain: 'search indexes, some of them not rebuildable from a source of truth',
  aws_elasticsearch_domain: 'search indexes (the older API of the OpenSearch domain)',
  aws_s3_bucket: 'objects (in the bootstrap stack: the Terraform state of every stack)',
  aws_kms_key: 'the key material; whatever it encrypted cannot be decrypted once the key is deleted',
  aws_secretsmanager_secret: 'secret values that may exist nowhere else (generated credentials)',
  aws_eks_cluster: "the cluster's etcd: every Kubernetes object not managed by Terraform",
  aws_ecr_repository: 'container images, including the ones running now',
  aws_ebs_volume: 'a block device',
  aws_efs_file_system: 'a file system',
  aws_dynamodb_table: 'table items (including Terraform state locks)',
  aws_route53_zone: 'DNS records made outside Terraform, and the name servers the registrar delegates to',
  kubernetes_persistent_volume_claim: 'the volume bound to the claim, deleted with it under the Delete reclaim policy',
  kubernetes_persistent_volume_claim_v1: 'the volume bound to the claim, deleted with it under the Delete reclaim policy',
} as const satisfies Readonly<Record<string, string>>;

export type DataBearingType = keyof typeof DATA_BEARING_REASONS;

/** Destroying or replacing one of these loses data, so the summary flags it and CI gates it. */
export const DATA_BEARING_TYPES: readonly DataBearingType[] = Object.keys(DATA_BEARING_REASONS) as DataBearingType[];

export function isDataBearingType(type: string): type is DataBearingType {
  return Object.hasOwn(DATA_BEARING_REASONS, type);
}

/** A managed data-bearing resource this change deletes: a destroy, or a replace that deletes the old object. Forget keeps the object. */
export function destroysData(resource: ResourceChange): boolean {
  return resource.mode === 'managed' && isDataBearingType(resource.type) && (resource.change.actions as readonly string[]).includes('delete');
}

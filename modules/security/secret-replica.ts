/**
 * A copy of a secret that Secrets Manager keeps in another region, so that a
 * standby environment there can read it while the secret's own region is down.
 */
export interface SecretReplica {
  readonly region: string;
  /** A key in that region: a KMS key never leaves its region. */
  readonly kmsKeyArn: string;
}

/**
 * The replication arguments of `aws_secretsmanager_secret`: the `replica`
 * block, and `force_overwrite_replica_secret`. A failover promotes each copy
 * to a standalone secret (`stop-replication-to-replica`); on failback the
 * primary's next apply re-adds the replica, which meets a secret of the same
 * name in that region. Secrets Manager overwrites it only when asked
 * (`ForceOverwriteReplicaSecret`, API reference "ReplicateSecretToRegions";
 * the provider's `force_overwrite_replica_secret`). Failback puts every value
 * changed in the DR region back in the primary first (docs/DISASTER-RECOVERY.md).
 */
export function replicaSettings(replica: SecretReplica | undefined): { replica?: { region: string; kmsKeyId: string }[]; forceOverwriteReplicaSecret?: boolean } {
  return replica ? { replica: [{ region: replica.region, kmsKeyId: replica.kmsKeyArn }], forceOverwriteReplicaSecret: true } : {};
}

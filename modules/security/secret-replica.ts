/**
 * A copy of a secret that Secrets Manager keeps in another region, so that a
 * standby environment there can read it while the secret's own region is down.
 */
export interface SecretReplica {
  readonly region: string;
  /** A key in that region: a KMS key never leaves its region. */
  readonly kmsKeyArn: string;
}

/** The `replica` blocks of `aws_secretsmanager_secret`. */
export function replicaBlocks(replica: SecretReplica | undefined): { region: string; kmsKeyId: string }[] | undefined {
  return replica ? [{ region: replica.region, kmsKeyId: replica.kmsKeyArn }] : undefined;
}

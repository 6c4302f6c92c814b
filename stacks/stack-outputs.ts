/**
 * The names of the outputs one stack reads from another: a home of their own,
 * so a stack and the stacks that read it import the names, not each other.
 */

/** The outputs of `hexabid-<env>` that other stacks may read; the compiler checks each is produced. */
export const INFRASTRUCTURE_OUTPUTS = [
  'vpc_id', 'private_subnet_ids', 'public_subnet_ids',
  'cluster_name', 'cluster_endpoint', 'cluster_certificate_authority_data', 'cluster_version', 'cluster_security_group_id',
  'oidc_provider_arn', 'oidc_issuer_url', 'node_role_arn', 'eks_secrets_kms_key_arn',
  'db_instance_identifier', 'db_instance_address', 'db_instance_endpoint', 'db_instance_port', 'db_name', 'db_replica_addresses',
  'db_master_secret_arn', 'db_security_group_id', 'db_kms_key_arn', 'db_migrator_secret_name', 'db_app_secret_name', 'db_app_readonly_secret_name',
  'cache_primary_endpoint', 'cache_reader_endpoint', 'cache_port', 'cache_auth_secret_arn', 'cache_security_group_id', 'cache_kms_key_arn',
  'cache_replication_group_id', 'cache_replication_group_arn', 'cache_app_user_name', 'cache_app_user_arn',
  'documents_bucket_name', 'documents_bucket_arn', 'documents_kms_key_arn',
  'access_logs_bucket_name', 'access_logs_bucket_arn', 'alb_access_logs_prefix',
  'opensearch_endpoint', 'opensearch_domain_arn', 'opensearch_master_role_arn', 'opensearch_security_group_id', 'opensearch_kms_key_arn',
  'alerts_critical_topic_arn', 'alerts_warning_topic_arn', 'alerting_kms_key_arn', 'alerting_pagerduty_secret_name', 'alerting_slack_secret_name',
  'db_secrets_kms_key_arn', 'app_secrets_kms_key_arn', 'app_secret_names',
] as const;
/** Outputs only an environment with disaster recovery has. */
export const DISASTER_RECOVERY_OUTPUTS = [
  'documents_replica_bucket_arn', 'dr_secrets_kms_key_arn', 'search_snapshot_bucket_name', 'search_snapshot_role_arn',
  'health_check_alerts_critical_topic_arn', 'health_check_alerts_warning_topic_arn', 'alertmanager_heartbeat_topic_arn',
] as const;
export type InfrastructureOutputName = (typeof INFRASTRUCTURE_OUTPUTS)[number] | (typeof DISASTER_RECOVERY_OUTPUTS)[number];

/** The outputs of `hexabid-<standby>-standby` that the standby's infrastructure stack reads on failover. */
export const STANDBY_OUTPUTS = [
  'vpc_id', 'private_subnet_ids', 'public_subnet_ids', 'database_subnet_ids', 'nat_gateway_ids',
  'db_instance_identifier', 'db_instance_arn', 'db_instance_address', 'db_instance_endpoint', 'db_instance_port', 'db_security_group_id', 'db_kms_key_arn', 'db_master_secret_name',
  'alerts_critical_topic_arn', 'alerts_warning_topic_arn', 'alerting_kms_key_arn', 'alerting_pagerduty_secret_name', 'alerting_slack_secret_name',
  'access_logs_bucket_name', 'access_logs_bucket_arn',
] as const;
export type StandbyOutputName = (typeof STANDBY_OUTPUTS)[number];

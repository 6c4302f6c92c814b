/**
 * Which resource types cost money and how each is priced, and which cost
 * nothing. Every type in a synthesized stack must be in exactly one of the
 * two; any other type stops the estimate, named (see estimate.ts).
 */
import type { LineItem, PricingContext } from '../line-items.ts';
import type { TfResource } from '../resources.ts';
import { priceEksClusters, priceNodeGroups } from './compute.ts';
import { priceDbInstances, priceReplicationGroups, priceSearchDomains } from './data-stores.ts';
import { priceHealthChecks, priceHostedZones, priceWebAcls } from './edge.ts';
import { priceFunctions, priceQueues, priceTopics } from './messaging.ts';
import { priceElasticIps, priceNatGateways, priceVpcEndpoints } from './network.ts';
import { priceAlarms, priceLogGroups } from './observability.ts';
import { priceKmsKeys, priceSecrets } from './security.ts';
import { priceBucketReplication, priceBuckets, priceImageRepositories, priceRegistryReplication } from './storage.ts';

/** Prices every resource of one type in an environment. */
export type Pricer = (resources: readonly TfResource[], ctx: PricingContext) => LineItem[];

export const PRICED_TYPES: Readonly<Record<string, Pricer>> = {
  aws_eks_cluster: priceEksClusters,
  aws_eks_node_group: priceNodeGroups,
  aws_db_instance: priceDbInstances,
  aws_elasticache_replication_group: priceReplicationGroups,
  aws_opensearch_domain: priceSearchDomains,
  aws_nat_gateway: priceNatGateways,
  aws_eip: priceElasticIps,
  aws_vpc_endpoint: priceVpcEndpoints,
  aws_kms_key: priceKmsKeys,
  aws_kms_replica_key: priceKmsKeys,
  aws_secretsmanager_secret: priceSecrets,
  aws_route53_zone: priceHostedZones,
  aws_route53_health_check: priceHealthChecks,
  aws_wafv2_web_acl: priceWebAcls,
  aws_cloudwatch_log_group: priceLogGroups,
  aws_cloudwatch_metric_alarm: priceAlarms,
  aws_s3_bucket: priceBuckets,
  aws_s3_bucket_replication_configuration: priceBucketReplication,
  aws_ecr_repository: priceImageRepositories,
  aws_ecr_replication_configuration: priceRegistryReplication,
  aws_lambda_function: priceFunctions,
  aws_sns_topic: priceTopics,
  aws_sqs_queue: priceQueues,
};

/** Types that cost nothing themselves, each with why (where their cost shows up instead, if anywhere). */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  aws_account_region: 'enabling a Region is free',
  aws_acm_certificate: 'public ACM certificates are free',
  aws_acm_certificate_validation: 'a wait, not a resource',
  aws_budgets_budget: 'budgets without actions are free (AWS Budgets pricing)',
  aws_ce_anomaly_monitor: 'Cost Anomaly Detection is free',
  aws_ce_anomaly_subscription: 'Cost Anomaly Detection is free',
  aws_ce_cost_allocation_tag: 'activating a tag is free',
  aws_cloudwatch_event_rule: 'scheduled rules on the default event bus are free',
  aws_cloudwatch_event_target: 'configuration',
  aws_cloudwatch_log_resource_policy: 'a policy',
  aws_cloudwatch_query_definition: 'saved Logs Insights queries are free; running them is per GB scanned (not estimated)',
  aws_db_parameter_group: 'configuration',
  aws_db_subnet_group: 'configuration',
  aws_default_security_group: 'configuration',
  aws_ecr_lifecycle_policy: 'configuration; it bounds the ECR storage priced on the repository',
  aws_ecr_repository_creation_template: 'configuration of the replica repositories ECR creates',
  aws_eks_access_entry: 'access configuration',
  aws_eks_access_policy_association: 'access configuration',
  aws_eks_addon: "add-ons are free; their pods run on the priced nodes",
  aws_eks_pod_identity_association: 'access configuration',
  aws_elasticache_subnet_group: 'configuration',
  aws_elasticache_user: 'configuration',
  aws_elasticache_user_group: 'configuration',
  aws_flow_log: 'its logs are priced as ingestion into its CloudWatch log group',
  aws_iam_openid_connect_provider: 'IAM is free',
  aws_iam_role: 'IAM is free',
  aws_iam_role_policy: 'IAM is free',
  aws_iam_role_policy_attachment: 'IAM is free',
  aws_iam_service_linked_role: 'IAM is free',
  aws_internet_gateway: 'free; traffic through it is priced as data transfer',
  aws_kms_alias: 'aliases are free',
  aws_lambda_permission: 'a policy',
  aws_launch_template: 'free; the volumes it describes are priced on the node group that uses it',
  aws_network_acl: 'configuration',
  aws_network_acl_rule: 'configuration',
  aws_route: 'configuration',
  aws_route53_record: 'records are free; queries are priced on the hosted zone',
  aws_route_table: 'configuration',
  aws_route_table_association: 'configuration',
  aws_s3_bucket_lifecycle_configuration: 'configuration (storage is priced as S3 Standard, an upper bound)',
  aws_s3_bucket_logging: 'free; the logs are stored in a priced bucket',
  aws_s3_bucket_ownership_controls: 'configuration',
  aws_s3_bucket_policy: 'a policy',
  aws_s3_bucket_public_access_block: 'configuration',
  aws_s3_bucket_server_side_encryption_configuration: 'configuration; KMS requests are priced on the key',
  aws_s3_bucket_versioning: 'configuration; old versions count in the bucket storage in the usage file',
  aws_secretsmanager_secret_rotation: 'free; the rotation Lambda runs a few times a month',
  aws_secretsmanager_secret_version: 'a version of a priced secret',
  aws_security_group: 'configuration',
  aws_serverlessapplicationrepository_cloudformation_stack: "free; the rotation Lambda it deploys runs a few times a month, within Lambda's free tier",
  aws_servicequotas_service_quota: 'a quota request',
  aws_sns_topic_policy: 'a policy',
  aws_sns_topic_subscription: 'free; deliveries to Lambda are free',
  aws_sqs_queue_policy: 'a policy',
  aws_subnet: 'configuration',
  aws_vpc: 'free',
  aws_vpc_security_group_egress_rule: 'configuration',
  aws_vpc_security_group_ingress_rule: 'configuration',
  aws_wafv2_web_acl_association: 'free; the web ACL is priced',
  aws_wafv2_web_acl_logging_configuration: 'free; the logs are priced as ingestion into their log group',
  helm_release: 'free; what its charts make in AWS is inferred and priced (the ALB, the monitoring volumes)',
  kubernetes_cluster_role_binding_v1: 'a Kubernetes object',
  kubernetes_cluster_role_v1: 'a Kubernetes object',
  kubernetes_config_map_v1: 'a Kubernetes object',
  kubernetes_job_v1: 'a Kubernetes object; its pods run on the priced nodes',
  kubernetes_cron_job_v1: 'a Kubernetes object; its pods run on the priced nodes',
  kubernetes_limit_range_v1: 'a Kubernetes object',
  kubernetes_namespace_v1: 'a Kubernetes object',
  kubernetes_resource_quota_v1: 'a Kubernetes object',
  kubernetes_role_binding_v1: 'a Kubernetes object',
  kubernetes_role_v1: 'a Kubernetes object',
  kubernetes_secret_v1: 'a Kubernetes object',
  kubernetes_service_account_v1: 'a Kubernetes object',
  kubernetes_storage_class_v1: "a Kubernetes object; volumes of the claims that use it are priced from the charts' values",
};

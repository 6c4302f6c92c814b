import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { OPENSEARCH_SECURITY_SERVICE_ACCOUNT } from '../environments/account.ts';
import { SYSTEM_NAMESPACE } from '../lib/namespaces.ts';
import type { EnvironmentConfig } from '../environments/types.ts';
import { EksCluster } from '../modules/eks.ts';
import { CacheReplicationGroup } from '../modules/elasticache.ts';
import { SearchDomain } from '../modules/elasticsearch.ts';
import { Alerting } from '../modules/monitoring/alerting.ts';
import { CostBudget } from '../modules/monitoring/cost-budget.ts';
import { ManagedStoreAlarms } from '../modules/monitoring/managed-store-alarms.ts';
import { PostgresDatabase } from '../modules/rds.ts';
import { DocumentStorage } from '../modules/s3.ts';
import { Vpc } from '../modules/vpc.ts';
import { awsProvider, cacheAuthSecretName, requireTerraformVersion, secretNamePrefix, stateBackend } from './stack-foundation.ts';
import { clusterAccessGrants } from './cluster-access.ts';
import { postgresMaxConnections } from '../lib/aws-catalog.ts';
import { rotationWindowWithin } from '../lib/cron.ts';
import { ENVIRONMENT_TAG_KEY, infrastructureStackName } from '../environments/stack-names.ts';
import { databaseUserSecretNames, DatabaseUsers } from '../modules/security/database-users.ts';
import { EncryptionKey } from '../modules/security/kms-key.ts';
import { SearchSnapshotStorage } from '../modules/search-snapshot-storage.ts';
import { ReplicationAlarms } from '../modules/monitoring/replication-alarms.ts';
import { SecretReplicationAlarms } from '../modules/monitoring/secret-replication-alarms.ts';
import { THIRD_PARTY_SECRETS } from './third-party-secrets.ts';
import { AppSecrets } from '../modules/security/app-secrets.ts';
import { credentialCopies, WATCH_REGION, watchRegionAlerting } from './watch-region.ts';
import { StandbyOutputs } from './infrastructure-outputs.ts';
import type { INFRASTRUCTURE_OUTPUTS, InfrastructureOutputName } from './stack-outputs.ts';
import { adoptStandbyNetwork, adoptPromotedDatabase, adoptReplicatedDocuments, adoptStandbyAlerting, type AlertingAttributes, type DatabaseAttributes, type DocumentsAttributes, type NetworkAttributes } from './standby-adoption.ts';



/**
 * The AWS side of one environment: network, cluster and data stores. The
 * Kubernetes layer is a separate stack that reads this one's outputs.
 */
export class InfrastructureStack extends TerraformStack {
  readonly network: NetworkAttributes;
  readonly cluster: EksCluster;
  readonly database: DatabaseAttributes;
  readonly cache: CacheReplicationGroup;
  readonly search: SearchDomain;
  readonly documents: DocumentsAttributes;
  readonly alerting: AlertingAttributes;

  constructor(scope: Construct, config: EnvironmentConfig) {
    const id = infrastructureStackName(config);
    super(scope, id);
    const prefix = id;

    awsProvider(this, config);
    requireTerraformVersion(this);
    const drRegion = config.documents.replicationRegion;
    const drProvider = drRegion ? awsProvider(this, config, { id: 'aws-dr', alias: 'dr', region: drRegion }) : undefined;
    stateBackend(this, config, id);
    // A standby takes its network, database and alerting from its always-on stack, and its documents from the primary's replica.
    const standby = config.standbyFor ? new StandbyOutputs(this, 'Standby', config) : undefined;

    const clusterName = prefix;
    const network: NetworkAttributes = standby ? adoptStandbyNetwork(standby, config) : new Vpc(this, 'Network', {
      namePrefix: prefix,
      cidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      publicSubnets: config.network.publicSubnets,
      privateSubnets: config.network.privateSubnets,
      databaseSubnets: config.network.databaseSubnets,
      eksClusterName: clusterName,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      prefixReservation: config.cluster.prefixDelegation ?? false,
    });

    const cluster = new EksCluster(this, 'Cluster', {
      clusterName,
      kubernetesVersion: config.cluster.kubernetesVersion,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      nodeGroups: Object.fromEntries(
        Object.entries(config.cluster.nodeGroups).map(([name, group]) => [name, { ...group, ...(config.cluster.offHours ? { offHours: config.cluster.offHours } : {}) }]),
      ),
      adminRoleArns: config.cluster.adminRoleArns,
      accessGrants: clusterAccessGrants(config),
      publicAccessCidrs: config.cluster.publicAccessCidrs,
      logRetentionDays: config.cluster.logRetentionDays,
      prefixDelegation: config.cluster.prefixDelegation ?? false,
    });

    // Every node and pod carries the cluster security group, so it is the one source data stores admit.
    const clusterSources = [cluster.clusterSecurityGroupId];
    const secretPrefix = secretNamePrefix(config);

    // The key of the secrets a standby reads in the DR region, which Secrets Manager keeps in sync.
    const secretsReplicaKey = drProvider && config.disasterRecovery
      ? new EncryptionKey(this, 'SecretsReplicaKey', {
          aliasName: `${prefix}-secrets-replica`,
          description: `Encrypts the copies of ${secretPrefix} secrets that ${config.disasterRecovery.standbyEnvironment} reads in ${drRegion}`,
          provider: drProvider,
        })
      : undefined;
    const secretReplica = secretsReplicaKey && drRegion ? { region: drRegion, kmsKeyArn: secretsReplicaKey.keyArn } : undefined;

    // A database that stops with the nodes out of hours, and rotates its credentials inside working hours.
    const offHours = config.database.stopOutOfHours ? config.cluster.offHours : undefined;
    const stopSchedule = offHours ? { stop: offHours.scaleDown, start: offHours.scaleUp, timeZone: offHours.timeZone } : undefined;
    const rotationWindow = offHours ? rotationWindowWithin(offHours.scaleDown, offHours.scaleUp, offHours.timeZone, config.credentialRotationDays) : undefined;
    if (typeof rotationWindow === 'string') throw new Error(`${config.name}: database.stopOutOfHours: ${rotationWindow}`); // validate.ts reports it first

    const database: DatabaseAttributes = standby ? adoptPromotedDatabase(this, standby, { config, clusterSecurityGroupId: cluster.clusterSecurityGroupId }) : new PostgresDatabase(this, 'Database', {
      identifier: prefix,
      instanceClass: config.database.instanceClass,
      engineVersion: config.database.engineVersion,
      vpcId: network.vpcId,
      subnetIds: network.databaseSubnetIds,
      allowedSecurityGroupIds: clusterSources,
      masterSecretName: `${secretPrefix}/database/master`,
      allocatedStorage: config.database.allocatedStorageGiB,
      maxAllocatedStorage: config.database.maxAllocatedStorageGiB,
      multiAz: config.database.multiAz,
      readReplicas: config.database.readReplicas,
      backupRetentionPeriod: config.database.backupRetentionDays,
      deletionProtection: config.database.deletionProtection,
      dbName: config.database.databaseName,
      username: config.database.masterUsername,
      masterPasswordVersion: config.database.masterPasswordVersion,
      logRetentionDays: config.cluster.logRetentionDays,
      secretRecoveryWindowDays: config.secretRecoveryWindowDays,
      masterSecretReplica: secretReplica,
      ...(stopSchedule ? { stopSchedule } : {}),
    });
    // The app's own users (schema owner, read-write, read-only), each rotated, and the master's rotation.
    // A standby's users are the primary's: they came over with the data, and their secrets are the replicated copies.
    const databaseUsers = standby ? { secretNames: databaseUserSecretNames(secretPrefix) } : new DatabaseUsers(this, 'DatabaseUsers', {
      secretPrefix,
      namePrefix: prefix,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      ...(config.network.interfaceEndpointZones === 'one' ? { endpointSubnetIds: network.privateSubnetIds.slice(0, 1) } : {}),
      dbInstanceAddress: database.dbInstanceAddress,
      dbName: database.dbName,
      databaseSecurityGroupId: database.securityGroupId,
      kmsKeyArn: database.kmsKeyArn,
      masterSecretArn: database.masterSecretArn,
      rotationDays: config.credentialRotationDays,
      ...(rotationWindow ? { rotationWindow } : {}),
      recoveryWindowInDays: config.secretRecoveryWindowDays,
      secretReplica,
    });

    const cache = new CacheReplicationGroup(this, 'Cache', {
      replicationGroupId: prefix,
      engine: config.cache.engine,
      engineVersion: config.cache.engineVersion,
      nodeType: config.cache.nodeType,
      numCacheClusters: config.cache.numCacheClusters,
      snapshotRetentionLimit: config.cache.snapshotRetentionDays,
      authTokenVersion: config.cache.authTokenVersion,
      vpcId: network.vpcId,
      subnetIds: network.databaseSubnetIds,
      allowedSecurityGroupIds: clusterSources,
      authSecretName: cacheAuthSecretName(secretPrefix),
      // The app signs in as its IAM user; the AUTH token is left to the metrics exporter, which cannot sign.
      defaultUserAccess: 'monitoring',
      logRetentionDays: config.cluster.logRetentionDays,
      secretRecoveryWindowDays: config.secretRecoveryWindowDays,
    });

    const search = new SearchDomain(this, 'Search', {
      domainName: prefix,
      engineVersion: config.search.engineVersion,
      instanceType: config.search.instanceType,
      instanceCount: config.search.instanceCount,
      availabilityZoneCount: config.search.availabilityZoneCount,
      volumeSizeGiB: config.search.volumeSizeGiB,
      dedicatedMasterType: config.search.dedicatedMasterType,
      vpcId: network.vpcId,
      subnetIds: network.databaseSubnetIds,
      allowedSecurityGroupIds: clusterSources,
      logRetentionDays: config.cluster.logRetentionDays,
      masterRoleTrustedArns: config.cluster.adminRoleArns,
      // The Kubernetes stack's job that maps the app's role inside the domain.
      masterRoleServiceAccount: { clusterName, namespace: SYSTEM_NAMESPACE, name: OPENSEARCH_SECURITY_SERVICE_ACCOUNT },
    });

    const documents: DocumentsAttributes = standby ? adoptReplicatedDocuments(this, standby, config) : new DocumentStorage(this, 'Documents', {
      namePrefix: prefix,
      forceDestroy: config.documents.forceDestroy,
      noncurrentVersionExpirationDays: config.documents.noncurrentVersionExpirationDays,
      intelligentTieringAfterDays: config.documents.intelligentTieringAfterDays,
      accessLogRetentionDays: config.documents.accessLogRetentionDays,
      replication: drProvider && drRegion ? { provider: drProvider, region: drRegion } : undefined,
    });

    // CloudWatch alarms to SNS and on to PagerDuty or Slack: they page when the cluster cannot.
    // With disaster recovery, the credentials are copied to the watch region, whose alerting pages while this region is down.
    const copies = config.disasterRecovery && !standby ? credentialCopies(this, prefix) : undefined;
    const alerting: AlertingAttributes = standby ? adoptStandbyAlerting(standby) : new Alerting(this, 'Alerting', {
      namePrefix: prefix,
      secretNamePrefix: secretPrefix,
      receivers: config.monitoring.receivers,
      logRetentionDays: config.cluster.logRetentionDays,
      secretRecoveryWindowDays: config.secretRecoveryWindowDays,
      credentialReplica: copies,
      acceptCostNotifications: true,
    });
    // The environment's real spend against its budget; a standby's is its always-on stack's.
    if (!standby) new CostBudget(this, 'Budget', { budgetName: prefix, limitUsdPerMonth: config.budgetUsdPerMonth, tag: { key: ENVIRONMENT_TAG_KEY, value: config.name }, topics: alerting.topicArns });
    new ManagedStoreAlarms(this, 'Alarms', {
      namePrefix: prefix,
      topics: alerting.topicArns,
      thresholds: { ...config.monitoring.alarms, databaseConnections: Math.floor((postgresMaxConnections(config.database.instanceClass) * config.monitoring.alarms.databaseConnectionsPercent) / 100) },
      // A standby's database alarms are its always-on stack's, set up before the failover.
      database: standby ? undefined : { primaryIdentifier: database.dbInstanceIdentifier, replicaIdentifiers: database.replicaIdentifiers },
      cache: { replicationGroupId: cache.replicationGroupId, numCacheClusters: cache.numCacheClusters },
      search: { domainName: search.domainName },
      // …and so are its NAT gateways'.
      natGatewayIds: standby ? [] : network.natGatewayIds,
    });

    // Disaster recovery: search snapshots replicate beside the documents, and both replications alarm past their 15 minutes.
    const snapshots = drProvider && drRegion && config.disasterRecovery
      ? new SearchSnapshotStorage(this, 'SearchSnapshots', {
          namePrefix: prefix,
          replication: { provider: drProvider, region: drRegion },
          accessLogs: { bucketId: documents.accessLogsBucketName, prefix: 'search-snapshots/' },
        })
      : undefined;
    if (snapshots && documents instanceof DocumentStorage && documents.replicaBucketName && documents.replicationRuleId) {
      new ReplicationAlarms(this, 'ReplicationAlarms', {
        namePrefix: prefix,
        topics: alerting.topicArns,
        buckets: [
          { label: 'documents', sourceBucket: documents.documentsBucketName, destinationBucket: documents.replicaBucketName, ruleId: documents.replicationRuleId },
          { label: 'search-snapshots', sourceBucket: snapshots.bucketName, destinationBucket: snapshots.replicaBucketName, ruleId: snapshots.replicationRuleId },
        ],
      });
    }

    // Third-party credentials: empty containers, which ops fill before the Kubernetes stack's first apply
    // (docs/FIRST-DEPLOY.md). A standby reads the primary's copies (same names, its own region).
    const appSecrets = standby
      ? undefined
      : new AppSecrets(this, 'AppSecrets', {
          namePrefix: secretPrefix,
          secrets: THIRD_PARTY_SECRETS,
          recoveryWindowInDays: config.secretRecoveryWindowDays,
          replica: secretReplica,
        });

    // Secrets Manager reports replication nowhere: a scheduled check reads it, and pages when a copy falls out of sync:
    // the standby's copies of the database and third-party credentials, and the watch region's of the receivers'.
    if (secretReplica && !standby && alerting instanceof Alerting) {
      const names = databaseUserSecretNames(secretPrefix);
      const dr = [`${secretPrefix}/database/master`, names.migrator, names.app, names.appReadonly, ...THIRD_PARTY_SECRETS.map((secret) => `${secretPrefix}/${secret.name}`)];
      new SecretReplicationAlarms(this, 'SecretReplicationAlarms', {
        namePrefix: prefix,
        secrets: [
          ...dr.map((secretId) => ({ secretId, regions: [secretReplica.region] })),
          ...(copies ? Object.values(alerting.secretNames).map((secretId) => ({ secretId, regions: [copies.region] })) : []),
        ],
        topics: alerting.topicArns,
      });
    }

    // The failover health check's alarm lives in us-east-1 (Route53's metrics do) and pages from there, through
    // alerting of its own, as does the dead man's switch of the Alertmanagers: neither needs this region.
    const watch = copies && alerting instanceof Alerting ? watchRegionAlerting(this, { config, prefix, secretNamePrefix: secretPrefix, primary: alerting, copies }) : undefined;

    this.network = network;
    this.cluster = cluster;
    this.database = database;
    this.cache = cache;
    this.search = search;
    this.documents = documents;
    this.alerting = alerting;

    // What the Kubernetes layer (hexabid-<env>-k8s) reads from this stack.
    const outputs: Record<(typeof INFRASTRUCTURE_OUTPUTS)[number], { value: string | number | string[]; description: string }> & Partial<Record<InfrastructureOutputName, { value: string | number | string[]; description: string }>> = {
      vpc_id: { value: network.vpcId, description: 'VPC ID' },
      private_subnet_ids: { value: network.privateSubnetIds, description: 'Private (node and pod) subnet IDs' },
      public_subnet_ids: { value: network.publicSubnetIds, description: 'Public (load balancer) subnet IDs' },
      cluster_name: { value: cluster.clusterName, description: 'EKS cluster name' },
      cluster_endpoint: { value: cluster.clusterEndpoint, description: 'EKS API server endpoint' },
      cluster_certificate_authority_data: { value: cluster.clusterCertificateAuthorityData, description: 'Base64 CA bundle of the EKS API server' },
      cluster_version: { value: cluster.clusterVersion, description: 'Kubernetes version' },
      cluster_security_group_id: { value: cluster.clusterSecurityGroupId, description: 'Security group on every node and pod' },
      oidc_provider_arn: { value: cluster.oidcProviderArn, description: 'IAM OIDC provider of the cluster (for IRSA)' },
      oidc_issuer_url: { value: cluster.oidcIssuerUrl, description: 'OIDC issuer URL of the cluster' },
      node_role_arn: { value: cluster.nodeRoleArn, description: 'IAM role of the managed nodes' },
      eks_secrets_kms_key_arn: { value: cluster.secretsKeyArn, description: 'KMS key for Kubernetes secrets envelope encryption' },
      db_instance_identifier: { value: database.dbInstanceIdentifier, description: 'RDS primary identifier' },
      db_instance_address: { value: database.dbInstanceAddress, description: 'RDS primary hostname' },
      db_instance_endpoint: { value: database.dbInstanceEndpoint, description: 'RDS primary host:port' },
      db_instance_port: { value: database.dbInstancePort, description: 'RDS port' },
      db_name: { value: database.dbName, description: 'Application database name' },
      db_replica_addresses: { value: database.replicaAddresses, description: 'RDS read replica hostnames' },
      db_master_secret_arn: { value: database.masterSecretArn, description: 'Secrets Manager ARN of the RDS master credential' },
      db_migrator_secret_name: { value: databaseUsers.secretNames.migrator, description: 'Secrets Manager name of the schema owner (migrations)' },
      db_app_secret_name: { value: databaseUsers.secretNames.app, description: "Secrets Manager name of the app's read-write user" },
      db_app_readonly_secret_name: { value: databaseUsers.secretNames.appReadonly, description: "Secrets Manager name of the app's read-only user" },
      db_security_group_id: { value: database.securityGroupId, description: 'Security group of the database' },
      db_kms_key_arn: { value: database.kmsKeyArn, description: 'KMS key of the database and its secret' },
      cache_primary_endpoint: { value: cache.primaryEndpointAddress, description: 'ElastiCache primary endpoint (TLS, port 6379)' },
      cache_reader_endpoint: { value: cache.readerEndpointAddress, description: 'ElastiCache reader endpoint' },
      cache_port: { value: cache.port, description: 'ElastiCache port' },
      cache_auth_secret_arn: { value: cache.authSecretArn, description: 'Secrets Manager ARN of the cache AUTH token' },
      cache_security_group_id: { value: cache.securityGroupId, description: 'Security group of the cache' },
      cache_kms_key_arn: { value: cache.kmsKeyArn, description: 'KMS key of the cache and its secret' },
      cache_replication_group_id: { value: cache.replicationGroupId, description: 'Replication group ID: the host an IAM sign-in token is signed for' },
      cache_replication_group_arn: { value: cache.replicationGroupArn, description: 'Replication group ARN, for elasticache:Connect' },
      cache_app_user_name: { value: cache.appUserName, description: "The app's IAM-authenticated cache user (its ID equals its name)" },
      cache_app_user_arn: { value: cache.appUserArn, description: "The app's cache user ARN, for elasticache:Connect" },
      documents_bucket_name: { value: documents.documentsBucketName, description: 'Tenant documents bucket' },
      documents_bucket_arn: { value: documents.documentsBucketArn, description: 'Tenant documents bucket ARN' },
      documents_kms_key_arn: { value: documents.kmsKeyArn, description: 'KMS key of the documents bucket' },
      access_logs_bucket_name: { value: documents.accessLogsBucketName, description: 'S3 server access logs bucket (also for ALB logs)' },
      access_logs_bucket_arn: { value: documents.accessLogsBucketArn, description: 'S3 server access logs bucket ARN' },
      alb_access_logs_prefix: { value: documents.loadBalancerLogsPrefix, description: 'Prefix in the access logs bucket that load balancers may write to' },
      opensearch_endpoint: { value: search.domainEndpoint, description: 'OpenSearch HTTPS endpoint (VPC)' },
      opensearch_domain_arn: { value: search.domainArn, description: 'OpenSearch domain ARN' },
      opensearch_master_role_arn: { value: search.masterRoleArn, description: 'IAM role mapped to the OpenSearch all_access role' },
      opensearch_security_group_id: { value: search.securityGroupId, description: 'Security group of the OpenSearch domain' },
      opensearch_kms_key_arn: { value: search.kmsKeyArn, description: 'KMS key of the OpenSearch domain' },
      alerts_critical_topic_arn: { value: alerting.criticalTopicArn, description: 'SNS topic of critical CloudWatch alarms (forwarded to the critical receiver)' },
      alerts_warning_topic_arn: { value: alerting.warningTopicArn, description: 'SNS topic of warning CloudWatch alarms (forwarded to the warning receiver)' },
      alerting_kms_key_arn: { value: alerting.kmsKeyArn, description: 'KMS key of the alerting credential secrets (External Secrets needs kms:Decrypt on it)' },
      alerting_pagerduty_secret_name: { value: alerting.secretNames.pagerduty, description: 'Secrets Manager name of the PagerDuty Events API v2 routing key' },
      alerting_slack_secret_name: { value: alerting.secretNames.slack, description: 'Secrets Manager name of the Slack incoming webhook URL' },
      db_secrets_kms_key_arn: { value: database.secretsKmsKeyArn ?? database.kmsKeyArn, description: "KMS key of the database credentials' secrets in this region (External Secrets needs kms:Decrypt on it)" },
      app_secret_names: {
        value: THIRD_PARTY_SECRETS.map((secret) => `${secretPrefix}/${secret.name}`),
        description: appSecrets ? 'Third-party credentials: containers made empty, whose values ops put (docs/FIRST-DEPLOY.md)' : "Third-party credentials: the primary's copies in this region",
      },
      app_secrets_kms_key_arn: {
        value: appSecrets?.kmsKeyArn ?? database.secretsKmsKeyArn ?? database.kmsKeyArn,
        description: "KMS key of the third-party credentials' secrets in this region (a standby's copies are under its database secrets' key)",
      },
    };
    if (watch) {
      outputs.health_check_alerts_critical_topic_arn = { value: watch.alerting.criticalTopicArn, description: `SNS topic in ${WATCH_REGION} for the Route53 health checks' critical alarms, forwarded from ${WATCH_REGION}` };
      outputs.health_check_alerts_warning_topic_arn = { value: watch.alerting.warningTopicArn, description: `SNS topic in ${WATCH_REGION} for the Route53 health checks' warning alarms, forwarded from ${WATCH_REGION}` };
      outputs.alertmanager_heartbeat_topic_arn = { value: watch.heartbeat.topicArn, description: `SNS topic in ${WATCH_REGION} the Alertmanagers send their Watchdog to; silence pages` };
    }
    if (snapshots) {
      outputs.search_snapshot_bucket_name = { value: snapshots.bucketName, description: `Search snapshot repository (replicated to ${drRegion})` };
      outputs.search_snapshot_role_arn = { value: snapshots.roleArn, description: 'Role OpenSearch assumes to read and write the snapshot repositories' };
    }
    if (secretsReplicaKey) {
      outputs.dr_secrets_kms_key_arn = { value: secretsReplicaKey.keyArn, description: `KMS key of the secrets' copies in ${drRegion}` };
    }
    if (documents.replicaBucketArn) {
      outputs.documents_replica_bucket_arn = { value: documents.replicaBucketArn, description: `DR replica of the documents bucket (${drRegion})` };
    }
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

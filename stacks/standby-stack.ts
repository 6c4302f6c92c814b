import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { postgresMaxConnections } from '../lib/aws-catalog.ts';
import { Alerting } from '../modules/monitoring/alerting.ts';
import { CostBudget } from '../modules/monitoring/cost-budget.ts';
import { DatabaseAlarms, NatGatewayAlarms } from '../modules/monitoring/managed-store-alarms.ts';
import { PostgresDatabase } from '../modules/rds.ts';
import { Vpc } from '../modules/vpc.ts';
import { awsProvider, requireTerraformVersion, secretNamePrefix, stateBackend } from './stack-foundation.ts';
import { ENVIRONMENT_TAG_KEY, infrastructureStackName, standbyStackName } from '../environments/stack-names.ts';
import { standbyLoadBalancerLogs } from './standby-adoption.ts';
import type { StandbyOutputName } from './stack-outputs.ts';


/** The ARN of an environment's primary database, from its name alone: the standby must not read the primary region's state. */
export function primaryDatabaseArn(config: EnvironmentConfig): string {
  const standbyFor = config.standbyFor;
  if (!standbyFor) throw new Error(`${config.name} is not a standby environment`);
  return `arn:aws:rds:${standbyFor.primaryRegion}:${config.accountId}:db:${infrastructureStackName({ name: standbyFor.primary })}`;
}

/**
 * What a standby environment keeps running before any failover, in its own
 * region with its own state: the network, a cross-region read replica of the
 * primary's database (the recovery point), the alerting that watches it, and
 * its alarms. Everything else is built on failover by the standby's
 * infrastructure and Kubernetes stacks, which read this stack's outputs.
 */
export class StandbyStack extends TerraformStack {
  readonly network: Vpc;
  readonly database: PostgresDatabase;

  constructor(scope: Construct, config: EnvironmentConfig) {
    const id = standbyStackName(config);
    super(scope, id);
    if (!config.standbyFor) throw new Error(`${config.name} is not a standby environment`);
    awsProvider(this, config);
    requireTerraformVersion(this);
    stateBackend(this, config, id);
    // Resource names are the environment's (hexabid-production-dr), as its other stacks expect.
    const prefix = infrastructureStackName(config);
    const secretPrefix = secretNamePrefix(config);

    const network = new Vpc(this, 'Network', {
      namePrefix: prefix,
      cidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      publicSubnets: config.network.publicSubnets,
      privateSubnets: config.network.privateSubnets,
      databaseSubnets: config.network.databaseSubnets,
      eksClusterName: prefix,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
    });

    const database = new PostgresDatabase(this, 'Database', {
      identifier: prefix,
      replicateSourceDbArn: primaryDatabaseArn(config),
      instanceClass: config.database.instanceClass,
      engineVersion: config.database.engineVersion,
      vpcId: network.vpcId,
      subnetIds: network.databaseSubnetIds,
      // The cluster that will connect does not exist yet: the failover's infrastructure stack admits it.
      allowedSecurityGroupIds: [],
      masterSecretName: `${secretPrefix}/database/master`,
      allocatedStorage: config.database.allocatedStorageGiB,
      maxAllocatedStorage: config.database.maxAllocatedStorageGiB,
      multiAz: config.database.multiAz,
      deletionProtection: config.database.deletionProtection,
      dbName: config.database.databaseName,
      logRetentionDays: config.cluster.logRetentionDays,
    });

    // The region's own alerting, so the replica is watched now and the failed-over environment pages later.
    const alerting = new Alerting(this, 'Alerting', {
      namePrefix: prefix,
      secretNamePrefix: secretPrefix,
      receivers: config.monitoring.receivers,
      logRetentionDays: config.cluster.logRetentionDays,
      secretRecoveryWindowDays: config.secretRecoveryWindowDays,
      acceptCostNotifications: true,
    });
    // The standby's real spend: what standing by costs, and after a failover what serving does.
    new CostBudget(this, 'Budget', { budgetName: prefix, limitUsdPerMonth: config.budgetUsdPerMonth, tag: { key: ENVIRONMENT_TAG_KEY, value: config.name }, topics: alerting.topicArns });
    const alarms = config.monitoring.alarms;
    new DatabaseAlarms(this, 'DatabaseAlarms', {
      namePrefix: prefix,
      topics: alerting.topicArns,
      primaryIdentifier: database.dbInstanceIdentifier,
      standby: true,
      thresholds: {
        ...alarms,
        databaseConnections: Math.floor((postgresMaxConnections(config.database.instanceClass) * alarms.databaseConnectionsPercent) / 100),
      },
    });

    new NatGatewayAlarms(this, 'NatGatewayAlarms', { namePrefix: prefix, topics: alerting.topicArns, natGatewayIds: network.natGatewayIds });
    // The load balancer's logs bucket, here so that its logs outlive the failover's stacks.
    const loadBalancerLogs = standbyLoadBalancerLogs(this, config);

    this.network = network;
    this.database = database;
    const outputs: Record<StandbyOutputName, { value: string | number | string[]; description: string }> = {
      vpc_id: { value: network.vpcId, description: 'VPC ID' },
      private_subnet_ids: { value: network.privateSubnetIds, description: 'Private (node and pod) subnet IDs' },
      public_subnet_ids: { value: network.publicSubnetIds, description: 'Public (load balancer) subnet IDs' },
      database_subnet_ids: { value: network.databaseSubnetIds, description: 'Database subnet IDs' },
      nat_gateway_ids: { value: network.natGatewayIds, description: 'NAT gateway IDs' },
      db_instance_identifier: { value: database.dbInstanceIdentifier, description: 'The cross-region replica, promoted on failover' },
      db_instance_arn: { value: database.dbInstanceArn, description: 'ARN of the cross-region replica' },
      db_instance_address: { value: database.dbInstanceAddress, description: 'Hostname of the replica (the database after promotion)' },
      db_instance_endpoint: { value: database.dbInstanceEndpoint, description: 'host:port of the replica' },
      db_instance_port: { value: database.dbInstancePort, description: 'RDS port' },
      db_security_group_id: { value: database.securityGroupId, description: 'Security group of the replica' },
      db_kms_key_arn: { value: database.kmsKeyArn, description: 'KMS key of the replica' },
      db_master_secret_name: { value: database.masterSecretArn, description: "The master credential: the primary's secret, replicated to this region" },
      alerts_critical_topic_arn: { value: alerting.criticalTopicArn, description: 'SNS topic of critical CloudWatch alarms in this region' },
      alerts_warning_topic_arn: { value: alerting.warningTopicArn, description: 'SNS topic of warning CloudWatch alarms in this region' },
      alerting_kms_key_arn: { value: alerting.kmsKeyArn, description: 'KMS key of the alerting credential secrets' },
      alerting_pagerduty_secret_name: { value: alerting.secretNames.pagerduty, description: 'PagerDuty routing key of this region (ops put the value once)' },
      alerting_slack_secret_name: { value: alerting.secretNames.slack, description: 'Slack webhook URL of this region (ops put the value once)' },
      access_logs_bucket_name: { value: loadBalancerLogs.bucketId, description: "Access logs of the failed-over load balancer; kept through failbacks" },
      access_logs_bucket_arn: { value: loadBalancerLogs.bucketArn, description: 'ARN of the access-logs bucket' },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { DB_INSTANCE_CLASSES } from '../lib/aws-catalog.ts';
import { GeneratedCredential } from './security/generated-credential.ts';
import { awsContext } from './internal/aws-context.ts';
import { requireProps, withDefaults } from './internal/props.ts';
import { managedPolicyArn, policyDocument, serviceTrustPolicy } from './internal/iam.ts';
import { toSchedulerCron } from '../lib/cron.ts';
import { IngressSecurityGroup } from './internal/ingress-security-group.ts';
import { EncryptionKey } from './security/kms-key.ts';
import type { SecretReplica } from './security/secret-replica.ts';

/** PostgreSQL log streams exported to CloudWatch. */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

export interface PostgresDatabaseProps {
  /** Instance identifier, also the prefix of replica, group and secret names. */
  readonly identifier: string;
  readonly instanceClass: string;
  readonly vpcId: string;
  /** Database-tier subnets in at least two zones. */
  readonly subnetIds: string[];
  /** Security groups allowed to connect on 5432: the cluster's nodes and pods. */
  readonly allowedSecurityGroupIds: readonly string[];
  /** Secrets Manager name of the master credential. */
  readonly masterSecretName: string;
  /** @default '17' */
  readonly engineVersion?: string;
  /** @default 20 */
  readonly allocatedStorage?: number;
  /** Ceiling for storage autoscaling. @default 5 × allocatedStorage */
  readonly maxAllocatedStorage?: number;
  /** @default true */
  readonly multiAz?: boolean;
  /** @default 0 */
  readonly readReplicas?: number;
  /** @default 30 */
  readonly backupRetentionPeriod?: number;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default 'hexabid' */
  readonly dbName?: string;
  /** @default 'hexabid_admin' */
  readonly username?: string;
  /** Bump to rotate the master password. @default 1 */
  readonly masterPasswordVersion?: number;
  /** Statements slower than this are logged. @default 1000 */
  readonly slowQueryThresholdMs?: number;
  /** @default 60 */
  readonly monitoringInterval?: number;
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default 30 */
  readonly secretRecoveryWindowDays?: number;
  /** @default '03:00-04:00' (UTC, 08:30 IST) */
  readonly backupWindow?: string;
  /** @default 'sun:04:30-sun:05:30' (UTC) */
  readonly maintenanceWindow?: string;
  /**
   * ARN of an instance in another region to replicate: this construct then
   * builds a cross-region read replica, encrypted with its own key, which a
   * failover promotes. It creates no master credential (`masterSecretName`
   * names the primary's secret, replicated to this region), no backups until
   * promotion (RDS for PostgreSQL backs up no replica), and ignores the
   * promotion, Multi-AZ and backup changes the failover makes.
   * @default - a primary instance
   */
  readonly replicateSourceDbArn?: string;
  /**
   * A copy of the master credential in another region, for a standby whose replica takes over.
   * @default - this region only
   */
  readonly masterSecretReplica?: SecretReplica;
  /**
   * Stops the instance and starts it again on weekly crons (minute hour * *
   * day-of-week, in `timeZone`), through EventBridge Scheduler: for an
   * environment whose nodes stop out of hours too, so nothing connects.
   * RDS refuses to stop an instance with read replicas, or a replica.
   * @default - always running
   */
  readonly stopSchedule?: { readonly stop: string; readonly start: string; readonly timeZone: string };
}

/** Every default of {@link PostgresDatabaseProps}, applied in one place. */
export const POSTGRES_DEFAULTS = {
  engineVersion: '17',
  allocatedStorage: 20,
  multiAz: true,
  readReplicas: 0,
  backupRetentionPeriod: 30,
  deletionProtection: true,
  dbName: 'hexabid',
  username: 'hexabid_admin',
  masterPasswordVersion: 1,
  slowQueryThresholdMs: 1000,
  monitoringInterval: 60,
  logRetentionDays: 90,
  secretRecoveryWindowDays: 30,
  backupWindow: '03:00-04:00',
  maintenanceWindow: 'sun:04:30-sun:05:30',
} as const satisfies Partial<PostgresDatabaseProps>;

/**
 * RDS for PostgreSQL: encrypted gp3 with autoscaling, TLS-only, slow-query
 * logging, Database Insights and enhanced monitoring, a final snapshot and
 * retained backups on delete, and optional read replicas.
 *
 * The master password comes from {@link GeneratedCredential} through the
 * write-only `password_wo` rather than `manage_master_user_password`, which
 * RDS refuses for instances that have read replicas.
 */
export class PostgresDatabase extends Construct {
  readonly dbInstanceIdentifier: string;
  readonly dbInstanceArn: string;
  readonly dbInstanceAddress: string;
  readonly dbInstanceEndpoint: string;
  readonly dbInstancePort: number;
  readonly dbName: string;
  readonly replicaAddresses: string[];
  /** `DBInstanceIdentifier` of each read replica, in order (for per-instance alarms). */
  readonly replicaIdentifiers: string[];
  readonly securityGroupId: string;
  readonly masterSecretArn: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const p = withDefaults(props, POSTGRES_DEFAULTS);
    const identifier = p.identifier;
    requireProps(p.subnetIds.length >= 2, 'PostgresDatabase', identifier, `subnetIds must name at least 2 subnets in different zones (got ${p.subnetIds.length})`);
    requireProps(
      p.readReplicas === 0 || p.backupRetentionPeriod >= 1,
      'PostgresDatabase',
      identifier,
      `readReplicas (${p.readReplicas}) needs backupRetentionPeriod of at least 1, not ${p.backupRetentionPeriod}: replicas copy from backups`,
    );
    const replicaOf = p.replicateSourceDbArn;
    requireProps(
      p.stopSchedule === undefined || (p.readReplicas === 0 && replicaOf === undefined),
      'PostgresDatabase',
      identifier,
      `stopSchedule needs an instance that neither has read replicas (got ${p.readReplicas}) nor is one: RDS stops neither`,
    );
    requireProps(replicaOf === undefined || p.readReplicas === 0, 'PostgresDatabase', identifier, `a cross-region replica (replicateSourceDbArn) cannot have readReplicas (got ${p.readReplicas})`);
    const { accountId, partition } = awsContext(this);
    const allocatedStorage = p.allocatedStorage;
    const insights = DB_INSTANCE_CLASSES[p.instanceClass]?.performanceInsights ?? true;

    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${identifier}-rds`,
      description: `Encrypts ${identifier} storage, snapshots, insights, logs and credentials`,
      cloudWatchLogGroupPrefix: `/aws/rds/instance/${identifier}`,
    });
    this.kmsKeyArn = key.keyArn;

    // AWS's rotation functions read the engine, host, port and database beside the
    // credential. The host is the instance's, which needs this password first: resolved late.
    let primaryAddress = '';
    const credential = replicaOf ? undefined : new GeneratedCredential(this, 'MasterCredential', {
      secretName: p.masterSecretName,
      description: `Master credential of ${identifier} (username, password and where they work)`,
      kmsKeyArn: key.keyArn,
      username: p.username,
      version: p.masterPasswordVersion,
      recoveryWindowInDays: p.secretRecoveryWindowDays,
      replica: p.masterSecretReplica,
      extraFields: { engine: 'postgres', host: Lazy.stringValue({ produce: () => primaryAddress }), port: '5432', dbname: p.dbName },
    });
    // A replica's credential is the primary's, in the secret replicated to this region (by name: its ARN is AWS's to suffix).
    this.masterSecretArn = credential?.secretArn ?? p.masterSecretName;

    const securityGroup = new IngressSecurityGroup(this, 'SecurityGroup', {
      name: `${identifier}-rds`,
      description: `PostgreSQL ${identifier} from the EKS cluster`,
      vpcId: p.vpcId,
      port: 5432,
      sourceSecurityGroupIds: p.allowedSecurityGroupIds,
    });
    this.securityGroupId = securityGroup.securityGroupId;

    const subnetGroup = new DbSubnetGroup(this, 'SubnetGroup', { name: identifier, subnetIds: p.subnetIds });
    const major = p.engineVersion.split('.')[0];
    const parameters = new DbParameterGroup(this, 'ParameterGroup', {
      // A prefix, not a name: with create-before-destroy a replacement needs a free name.
      namePrefix: `${identifier}-postgres${major}-`,
      family: `postgres${major}`,
      description: `TLS-only connections and slow-query logging for ${identifier}`,
      parameter: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_min_duration_statement', value: String(p.slowQueryThresholdMs) },
        { name: 'log_lock_waits', value: '1' },
        { name: 'log_temp_files', value: '10240' },
        { name: 'log_autovacuum_min_duration', value: '1000' },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    const monitoringRole = new IamRole(this, 'MonitoringRole', {
      name: `${identifier}-rds-monitoring`,
      assumeRolePolicy: serviceTrustPolicy('monitoring.rds.amazonaws.com', { sourceAccount: accountId }),
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, 'MonitoringPolicy', {
      role: monitoringRole.name,
      policyArn: managedPolicyArn(partition, 'service-role/AmazonRDSEnhancedMonitoringRole'),
    });

    // Settings a primary and its replicas share.
    const common = {
      instanceClass: p.instanceClass,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: key.keyArn,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      parameterGroupName: parameters.name,
      publiclyAccessible: false,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      deletionProtection: p.deletionProtection,
      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      performanceInsightsEnabled: insights,
      performanceInsightsKmsKeyId: insights ? key.keyArn : undefined,
      performanceInsightsRetentionPeriod: insights ? 7 : undefined,
      databaseInsightsMode: insights ? 'standard' : undefined,
      monitoringInterval: p.monitoringInterval,
      monitoringRoleArn: monitoringRole.arn,
      maintenanceWindow: p.maintenanceWindow,
    };
    const logGroups = (instanceId: string) =>
      POSTGRES_LOG_EXPORTS.map(
        (stream) =>
          new CloudwatchLogGroup(this, `Logs-${instanceId}-${stream}`, {
            name: `/aws/rds/instance/${instanceId}/${stream}`,
            retentionInDays: p.logRetentionDays,
            kmsKeyId: key.keyArn,
          }),
      );

    const primary = replicaOf
      ? new DbInstance(this, 'Primary', {
          ...common,
          identifier,
          // Across regions the source is named by ARN, and the engine, version, name and master user come from it.
          replicateSourceDb: replicaOf,
          allocatedStorage,
          maxAllocatedStorage: p.maxAllocatedStorage ?? allocatedStorage * 5,
          iamDatabaseAuthenticationEnabled: true,
          multiAz: p.multiAz,
          dbSubnetGroupName: subnetGroup.name,
          backupRetentionPeriod: 0,
          // RDS takes no final snapshot of a replica; deletion protection guards it instead.
          skipFinalSnapshot: true,
          // The failover promotes the replica and turns on backups and Multi-AZ outside Terraform (docs/DISASTER-RECOVERY.md).
          lifecycle: { ignoreChanges: ['replicate_source_db', 'backup_retention_period', 'multi_az'] },
          dependsOn: [...logGroups(identifier), monitoringPolicy],
        })
      : new DbInstance(this, 'Primary', {
          ...common,
          identifier,
          engine: 'postgres',
          engineVersion: p.engineVersion,
          // No paid extended support: an end-of-life major is upgraded, not billed.
          engineLifecycleSupport: 'open-source-rds-extended-support-disabled',
          allocatedStorage,
          maxAllocatedStorage: p.maxAllocatedStorage ?? allocatedStorage * 5,
          dbName: p.dbName,
          username: p.username,
          passwordWo: credential?.passwordForWriteOnly,
          passwordWoVersion: credential?.version,
          iamDatabaseAuthenticationEnabled: true,
          multiAz: p.multiAz,
          dbSubnetGroupName: subnetGroup.name,
          backupRetentionPeriod: p.backupRetentionPeriod,
          backupWindow: p.backupWindow,
          skipFinalSnapshot: false,
          // Named for the creation time: a fixed name would collide, on the next destroy, with the
          // snapshot the last destroy left. Ignored after create, so the name never shows as a diff.
          finalSnapshotIdentifier: `${identifier}-final-${Fn.formatdate('YYYYMMDDhhmmss', Fn.timestamp())}`,
          deleteAutomatedBackups: false,
          lifecycle: { ignoreChanges: ['final_snapshot_identifier'] },
          // RDS rejects a monitoring role whose policy is not attached yet.
          dependsOn: [...logGroups(identifier), monitoringPolicy],
        });

    const replicas = Array.from({ length: p.readReplicas }, (_, i) => {
      const replicaId = `${identifier}-replica-${i + 1}`;
      return new DbInstance(this, `Replica${i + 1}`, {
        ...common,
        identifier: replicaId,
        replicateSourceDb: primary.identifier,
        // Replicas take their backups and snapshots from the primary, and no final snapshot.
        multiAz: false,
        backupRetentionPeriod: 0,
        skipFinalSnapshot: true,
        dependsOn: [...logGroups(replicaId), monitoringPolicy],
      });
    });

    if (p.stopSchedule) this.schedule(identifier, primary.arn, p.stopSchedule, accountId, partition);

    this.dbInstanceIdentifier = primary.identifier;
    this.dbInstanceArn = primary.arn;
    this.dbInstanceAddress = primary.address;
    primaryAddress = primary.address;
    this.dbInstanceEndpoint = primary.endpoint;
    this.dbInstancePort = primary.port;
    this.dbName = p.dbName;
    this.replicaAddresses = replicas.map((r) => r.address);
    this.replicaIdentifiers = replicas.map((r) => r.identifier);
  }

  /** Two EventBridge Scheduler schedules that call RDS's StopDBInstance and StartDBInstance, with a role for just those. */
  private schedule(identifier: string, instanceArn: string, schedule: NonNullable<PostgresDatabaseProps['stopSchedule']>, accountId: string, partition: string): void {
    const role = new IamRole(this, 'SchedulerRole', {
      name: `${identifier}-rds-schedule`,
      assumeRolePolicy: serviceTrustPolicy('scheduler.amazonaws.com', { sourceAccount: accountId }),
    });
    new IamRolePolicy(this, 'SchedulerPolicy', {
      role: role.name,
      name: 'stop-and-start',
      policy: policyDocument([{ Sid: 'StopAndStartThisInstance', Effect: 'Allow', Action: ['rds:StopDBInstance', 'rds:StartDBInstance'], Resource: instanceArn }]),
    });
    for (const [id, action, cron] of [['Stop', 'stopDBInstance', schedule.stop], ['Start', 'startDBInstance', schedule.start]] as const) {
      new SchedulerSchedule(this, `Schedule${id}`, {
        name: `${identifier}-${id.toLowerCase()}`,
        description: `${id}s ${identifier} (${cron}, ${schedule.timeZone})`,
        scheduleExpression: toSchedulerCron(cron),
        scheduleExpressionTimezone: schedule.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          // EventBridge Scheduler's universal target: the RDS API call itself.
          arn: `arn:${partition}:scheduler:::aws-sdk:rds:${action}`,
          roleArn: role.arn,
          input: JSON.stringify({ DbInstanceIdentifier: identifier }),
          retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
        },
      });
    }
  }
}

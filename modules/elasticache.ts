import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { CACHE_ENGINE_VERSIONS } from '../lib/aws-catalog.ts';
import { GeneratedCredential } from './security/generated-credential.ts';
import { IngressSecurityGroup } from './internal/ingress-security-group.ts';
import { requireProps, withDefaults } from './internal/props.ts';
import { EncryptionKey } from './security/kms-key.ts';

export interface CacheReplicationGroupProps {
  /** Replication group ID, also the prefix of log groups and the key alias. */
  readonly replicationGroupId: string;
  readonly nodeType: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** Security groups allowed to connect on 6379: the cluster's nodes and pods. */
  readonly allowedSecurityGroupIds: readonly string[];
  /** Secrets Manager name of the AUTH token. */
  readonly authSecretName: string;
  /**
   * Valkey is Redis-compatible and about 20% cheaper; Redis OSS stays available.
   * @default 'valkey'
   */
  readonly engine?: 'valkey' | 'redis';
  /** @default '8.0' */
  readonly engineVersion?: string;
  /**
   * Primary plus replicas. Two or more turns on Multi-AZ with automatic failover.
   * @default 2
   */
  readonly numCacheClusters?: number;
  /** Days of daily snapshots. @default 7 */
  readonly snapshotRetentionLimit?: number;
  /** @default '19:00-20:00' (UTC, 00:30 IST) */
  readonly snapshotWindow?: string;
  /** @default 'sun:20:30-sun:21:30' (UTC) */
  readonly maintenanceWindow?: string;
  /** Bump to rotate the AUTH token. @default 1 */
  readonly authTokenVersion?: number;
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default 30 */
  readonly secretRecoveryWindowDays?: number;
}

/** Every default of {@link CacheReplicationGroupProps}, applied in one place. */
export const CACHE_DEFAULTS = {
  engine: 'valkey',
  engineVersion: '8.0',
  numCacheClusters: 2,
  snapshotRetentionLimit: 7,
  snapshotWindow: '19:00-20:00',
  maintenanceWindow: 'sun:20:30-sun:21:30',
  authTokenVersion: 1,
  logRetentionDays: 90,
  secretRecoveryWindowDays: 30,
} as const satisfies Partial<CacheReplicationGroupProps>;

/**
 * An ElastiCache replication group (cluster mode off) that requires TLS and
 * an AUTH token, encrypts at rest with its own key, fails over across zones,
 * takes daily snapshots, and ships slow and engine logs to CloudWatch.
 */
export class CacheReplicationGroup extends Construct {
  readonly replicationGroupId: string;
  readonly primaryEndpointAddress: string;
  readonly readerEndpointAddress: string;
  /** Member clusters (primary plus replicas), named `<replicationGroupId>-001` onwards: the per-node metrics' `CacheClusterId`. */
  readonly numCacheClusters: number;
  readonly port = 6379;
  readonly securityGroupId: string;
  readonly authSecretArn: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: CacheReplicationGroupProps) {
    super(scope, id);
    const p = withDefaults(props, CACHE_DEFAULTS);
    const groupId = p.replicationGroupId;
    const { engine, engineVersion } = p;
    const family = CACHE_ENGINE_VERSIONS[engine]?.[engineVersion];
    requireProps(family !== undefined, 'CacheReplicationGroup', groupId, `engineVersion "${engineVersion}" is not a known ${engine} version`);
    const clusters = p.numCacheClusters;
    requireProps(clusters >= 1 && clusters <= 6, 'CacheReplicationGroup', groupId, `numCacheClusters must be 1 to 6 (got ${clusters})`);
    requireProps(
      clusters === 1 || p.subnetIds.length >= 2,
      'CacheReplicationGroup',
      groupId,
      `numCacheClusters (${clusters}) asks for Multi-AZ, which needs subnetIds in at least 2 zones (got ${p.subnetIds.length})`,
    );
    const snapshotDays = p.snapshotRetentionLimit;

    const key = new EncryptionKey(this, 'Key', {
      aliasName: `${groupId}-cache`,
      description: `Encrypts ${groupId} cache data, snapshots, logs and AUTH token`,
      cloudWatchLogGroupPrefix: `/aws/elasticache/${groupId}/`,
    });
    this.kmsKeyArn = key.keyArn;

    const token = new GeneratedCredential(this, 'AuthToken', {
      secretName: p.authSecretName,
      description: `AUTH token of ${groupId}`,
      kmsKeyArn: key.keyArn,
      version: p.authTokenVersion,
      recoveryWindowInDays: p.secretRecoveryWindowDays,
    });
    this.authSecretArn = token.secretArn;

    const securityGroup = new IngressSecurityGroup(this, 'SecurityGroup', {
      name: `${groupId}-cache`,
      description: `${engine} ${groupId} from the EKS cluster`,
      vpcId: p.vpcId,
      port: this.port,
      sourceSecurityGroupIds: p.allowedSecurityGroupIds,
    });
    this.securityGroupId = securityGroup.securityGroupId;

    const subnetGroup = new ElasticacheSubnetGroup(this, 'SubnetGroup', { name: groupId, subnetIds: p.subnetIds });
    const logs = (['slow-log', 'engine-log'] as const).map((logType) => ({
      logType,
      group: new CloudwatchLogGroup(this, `Logs-${logType}`, {
        name: `/aws/elasticache/${groupId}/${logType}`,
        retentionInDays: p.logRetentionDays,
        kmsKeyId: key.keyArn,
      }),
    }));

    const group = new ElasticacheReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: groupId,
      description: `HexaBid cache (${groupId})`,
      engine,
      engineVersion,
      parameterGroupName: `default.${family}`,
      nodeType: p.nodeType,
      numCacheClusters: clusters,
      port: this.port,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.securityGroupId],
      automaticFailoverEnabled: clusters > 1,
      multiAzEnabled: clusters > 1,
      atRestEncryptionEnabled: 'true',
      kmsKeyId: key.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      // Read back from Secrets Manager: ElastiCache has no write-only token argument.
      authToken: token.storedPassword(),
      authTokenUpdateStrategy: 'ROTATE',
      autoMinorVersionUpgrade: 'true',
      snapshotRetentionLimit: snapshotDays,
      snapshotWindow: p.snapshotWindow,
      // Named for the creation time: a fixed name would collide, on the next destroy, with the
      // snapshot the last destroy left. Ignored after create, so the name never shows as a diff.
      finalSnapshotIdentifier: snapshotDays > 0 ? `${groupId}-final-${Fn.formatdate('YYYYMMDDhhmmss', Fn.timestamp())}` : undefined,
      maintenanceWindow: p.maintenanceWindow,
      logDeliveryConfiguration: logs.map(({ logType, group: logGroup }) => ({
        destination: logGroup.name,
        destinationType: 'cloudwatch-logs',
        logFormat: 'json',
        logType,
      })),
      lifecycle: { ignoreChanges: ['final_snapshot_identifier'] },
    });
    this.replicationGroupId = group.replicationGroupId;
    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.numCacheClusters = clusters;
  }
}

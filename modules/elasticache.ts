import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { CACHE_ENGINE_VERSIONS } from '../lib/aws-catalog.ts';
import { GeneratedCredential } from './security/generated-credential.ts';
import type { PolicyStatement } from './internal/iam.ts';
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
  /**
   * Secrets Manager name of the former AUTH token, now the password of the
   * mandatory `default` user (see {@link CacheReplicationGroupProps.defaultUserAccess}).
   */
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
  /**
   * Bump to regenerate the `default` user's password (the former AUTH token).
   * Bump it once clients have left the token, so no copy of it still opens the
   * cache. It replaces the password at once: no two-password window.
   * @default 1
   */
  readonly authTokenVersion?: number;
  /**
   * The app's cache user, authenticated with IAM. IAM authentication needs its
   * user ID to equal its name, and user IDs are unique per account and Region,
   * hence the replication group ID in the default.
   * @default `${replicationGroupId}-app`
   */
  readonly appUserName?: string;
  /**
   * What the `default` user, which every user group must hold, may do.
   * `'disabled'`: nothing (`off -@all`). `'monitoring'`: the read-only server
   * commands a metrics exporter sends (INFO, SLOWLOG, LATENCY), no key, with
   * the former AUTH token as its password: for redis_exporter, which cannot
   * sign IAM tokens. `'auth-token'`: everything, as AUTH allowed: for a move
   * from AUTH only, while clients still send the token.
   * @default 'disabled'
   */
  readonly defaultUserAccess?: CacheDefaultUserAccess;
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
  defaultUserAccess: 'disabled',
} as const satisfies Partial<CacheReplicationGroupProps>;

/** What the mandatory `default` user may do; see {@link CacheReplicationGroupProps.defaultUserAccess}. */
export type CacheDefaultUserAccess = 'disabled' | 'monitoring' | 'auth-token';

/**
 * The app user's ACL, for an app that uses the cache as a cache and a job
 * queue (reads, writes, blocking pops, streams, MULTI, Lua, pub/sub):
 * - `on ~* &*`: enabled, every key and channel: the app owns the whole cache.
 * - `-@all` then `+@read +@write +@transaction +@connection +@pubsub`: data
 *   commands, including blocking ones (BLMOVE, BZPOPMIN, XREADGROUP BLOCK).
 * - `+eval +evalsha +eval_ro +evalsha_ro +script|load +script|exists`: queue
 *   libraries run Lua; commands a script calls are checked against this ACL too.
 *   Not `@scripting`, which holds SCRIPT FLUSH/KILL and the FUNCTION library.
 * - `-@admin -@dangerous -function`, last so nothing above brings them back:
 *   no CONFIG, FLUSHALL, FLUSHDB, KEYS, SORT, MIGRATE, RESTORE, SWAPDB,
 *   CLIENT KILL/LIST, MONITOR, DEBUG, ACL SETUSER, SHUTDOWN, and no FUNCTION
 *   (in `@write`). SCAN stays for what KEYS would do.
 * - `+info`: queue libraries read the server version from INFO; it is
 *   `@dangerous` only for what it reveals about the server, not for harm.
 */
const APP_USER_ACCESS_STRING = [
  'on ~* &* -@all',
  '+@read +@write +@transaction +@connection +@pubsub',
  '+eval +evalsha +eval_ro +evalsha_ro +script|load +script|exists',
  '-@admin -@dangerous -function',
  '+info',
].join(' ');

/** The `default` user's ACL per mode: off, or everything as under AUTH. */
const DEFAULT_USER_ACCESS_STRINGS: Readonly<Record<CacheDefaultUserAccess, string>> = {
  disabled: 'off -@all',
  // No key pattern: no key command works. Keyspace sizes come from INFO.
  monitoring: 'on -@all +ping +info +slowlog|get +slowlog|len +latency|latest +latency|histogram +dbsize',
  'auth-token': 'on ~* &* +@all',
};

/** The oldest engine version with IAM authentication (AWS, "Authenticating with IAM"). */
const IAM_AUTH_MIN_VERSION: Readonly<Record<'valkey' | 'redis', string>> = { valkey: '7.2', redis: '7.0' };

/**
 * An ElastiCache replication group (cluster mode off) that requires TLS and
 * role-based access control, encrypts at rest with its own key, fails over
 * across zones, takes daily snapshots, and ships slow and engine logs to
 * CloudWatch.
 *
 * Access is through one user group: the app's user, authenticated with IAM,
 * and the mandatory `default` user, disabled. The app's role connects with
 * {@link connectStatements}.
 *
 * Why IAM authentication and not a rotated password. ElastiCache offers IAM
 * authentication from Valkey 7.2 and Redis OSS 7.0, over TLS, for users whose
 * ID equals their name. The app's pods already have an IAM role (Pod Identity),
 * so IAM leaves no password to store, hand out or rotate: no secret, no
 * rotation Lambda, no two-password window to manage, nothing to leak; and
 * access follows the role, which is revoked in IAM. A rotated password
 * (Secrets Manager's ElastiCache user rotation function, which sets the new
 * password beside the current one, ElastiCache users holding two) works with
 * any client, but needs a Lambda per secret, a provider that ignores the
 * password it no longer owns, and every pod to re-read the secret before the
 * next rotation drops the old one. The price of IAM is app code: the client
 * signs a SigV4 token (valid 15 minutes; host = the replication group ID,
 * `Action=connect`, `User=<appUserId>`) for each new connection, and
 * re-authenticates (AUTH or HELLO with a fresh token) before ElastiCache drops
 * an IAM-authenticated connection after 12 hours.
 *
 * Moving an existing group from AUTH: one in-place ModifyReplicationGroup
 * (`UserGroupIdsToAdd` with `AuthTokenUpdateStrategy=DELETE`, the way AWS
 * documents to turn AUTH into RBAC); `auth_token`, `user_group_ids` and the
 * strategy force no replacement. Deploy with `defaultUserAccess: 'auth-token'`
 * first: the `default` user then takes the AUTH token as its password with
 * full access, so clients sending the token keep working (AWS's own AUTH to
 * IAM migration does this). Once the app connects with IAM and nothing reads
 * the token, drop the prop (`'disabled'`) and bump `authTokenVersion`.
 */
export class CacheReplicationGroup extends Construct {
  readonly replicationGroupId: string;
  readonly replicationGroupArn: string;
  readonly primaryEndpointAddress: string;
  readonly readerEndpointAddress: string;
  /** Member clusters (primary plus replicas), named `<replicationGroupId>-001` onwards: the per-node metrics' `CacheClusterId`. */
  readonly numCacheClusters: number;
  readonly port = 6379;
  readonly securityGroupId: string;
  /**
   * The former AUTH token's secret: the `default` user's password, read by
   * nobody once `defaultUserAccess` is `'disabled'`. Kept, not destroyed.
   */
  readonly authSecretArn: string;
  readonly kmsKeyArn: string;
  /** The user group attached to the replication group: the `default` user and the app user. */
  readonly userGroupId: string;
  /** The app user's name: the `User` of its IAM authentication token. */
  readonly appUserName: string;
  /** The app user's ID, equal to its name as IAM authentication requires. */
  readonly appUserId: string;
  readonly appUserArn: string;

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
    requireProps(
      versionAtLeast(engineVersion, IAM_AUTH_MIN_VERSION[engine]),
      'CacheReplicationGroup',
      groupId,
      `IAM authentication needs ${engine} ${IAM_AUTH_MIN_VERSION[engine]} or later (got engineVersion "${engineVersion}")`,
    );
    const appUserName = p.appUserName ?? `${groupId}-app`;
    requireProps(
      /^[a-z][a-z0-9-]*$/.test(appUserName) && !appUserName.endsWith('-') && !appUserName.includes('--') && appUserName !== 'default',
      'CacheReplicationGroup',
      groupId,
      `appUserName "${appUserName}" must start with a lowercase letter, hold only lowercase letters, digits and single hyphens, not end with a hyphen, and not be "default"`,
    );

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

    // Every user group must hold a user named `default`. Its password is the
    // former AUTH token, so `'auth-token'` admits exactly what AUTH admitted.
    const defaultUser = new ElasticacheUser(this, 'DefaultUser', {
      userId: `${groupId}-default`,
      userName: 'default',
      engine,
      accessString: DEFAULT_USER_ACCESS_STRINGS[p.defaultUserAccess],
      authenticationMode: { type: 'password', passwords: [token.storedPassword()] },
    });
    const appUser = new ElasticacheUser(this, 'AppUser', {
      userId: appUserName,
      userName: appUserName,
      engine,
      accessString: APP_USER_ACCESS_STRING,
      authenticationMode: { type: 'iam' },
    });
    const userGroup = new ElasticacheUserGroup(this, 'UserGroup', {
      userGroupId: `${groupId}-users`,
      engine,
      userIds: [defaultUser.userId, appUser.userId],
    });
    this.userGroupId = userGroup.userGroupId;
    this.appUserName = appUser.userName;
    this.appUserId = appUser.userId;
    this.appUserArn = appUser.arn;

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
      // RBAC instead of AUTH. On a group created with AUTH this is one in-place
      // modify: the user group is added and the token deleted in the same call
      // (the provider sends DELETE with UserGroupIdsToAdd); nothing is replaced.
      userGroupIds: [userGroup.userGroupId],
      authTokenUpdateStrategy: 'DELETE',
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
    this.replicationGroupArn = group.arn;
    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.numCacheClusters = clusters;
  }

  /**
   * What a role needs to connect as the app user with IAM authentication:
   * `elasticache:Connect` on this replication group and on the app user, both
   * required. Give them to the app's role; it then signs its own tokens.
   */
  connectStatements(): PolicyStatement[] {
    return cacheConnectStatements(this.replicationGroupArn, this.appUserArn);
  }
}

/**
 * What a role needs to sign in to a cache as its IAM user: `elasticache:Connect`
 * on the replication group and on the user. For a role in another stack,
 * which knows the two ARNs from outputs.
 */
export function cacheConnectStatements(replicationGroupArn: string, userArn: string): PolicyStatement[] {
  return [{ Sid: 'ConnectToCacheAsAppUser', Effect: 'Allow', Action: 'elasticache:Connect', Resource: [replicationGroupArn, userArn] }];
}

/** Whether a `major.minor` engine version is at least another. */
function versionAtLeast(version: string, minimum: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = minimum.split('.').map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

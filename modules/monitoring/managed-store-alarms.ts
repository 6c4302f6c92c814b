import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { requireProps } from '../internal/props.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import { metricAlarms, type IdentifiedAlarmSpec } from './internal/metric-alarm.ts';

const GIB_IN_BYTES = 1024 ** 3;
const GIB_IN_MIB = 1024;

/** The thresholds of the managed-store alarms (the environment's `monitoring.alarms` fits). */
export interface ManagedStoreAlarmThresholds {
  readonly databaseCpuPercent: number;
  readonly databaseFreeStorageGiB: number;
  /** Connections per instance. */
  readonly databaseConnections: number;
  readonly replicaLagSeconds: number;
  readonly cacheMemoryPercent: number;
  /** Keys evicted per 5 minutes, per cache node. */
  readonly cacheEvictionsPer5Minutes: number;
  readonly searchFreeStorageGiB: number;
  readonly searchJvmMemoryPressurePercent: number;
}

/** What every alarm construct here takes: where names start and where notifications go. */
interface AlarmsBaseProps {
  /** Alarm names start with it, e.g. `hexabid-production`. */
  readonly namePrefix: string;
  readonly topics: AlarmTopics;
}

function requirePercent(construct: string, id: string, name: string, value: number): void {
  requireProps(value > 0 && value < 100, construct, id, `${name} must be a percentage between 0 and 100 (got ${value})`);
}

function requirePositive(construct: string, id: string, name: string, value: number): void {
  requireProps(Number.isFinite(value) && value > 0, construct, id, `${name} must be more than 0 (got ${value})`);
}

export interface DatabaseAlarmsProps extends AlarmsBaseProps {
  readonly thresholds: Pick<ManagedStoreAlarmThresholds, 'databaseCpuPercent' | 'databaseFreeStorageGiB' | 'databaseConnections' | 'replicaLagSeconds'>;
  /** `DBInstanceIdentifier` of the primary. */
  readonly primaryIdentifier: string;
  /** `DBInstanceIdentifier` of each read replica. @default [] */
  readonly replicaIdentifiers?: readonly string[];
  /**
   * The "primary" is a cross-region replica standing by for a failover: it is
   * labelled `standby` and also gets the replica-lag alarm, which is how the
   * DR side's recovery point is watched. That alarm is critical: a standby
   * that falls behind is a recovery point being lost, not a stale read.
   * @default false
   */
  readonly standby?: boolean;
}

/**
 * RDS alarms, per instance (primary and each read replica): CPU and
 * connections (warning), free storage (critical), and replica lag (warning;
 * critical for a standby, whose lag is the recovery point).
 */
export class DatabaseAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    requirePercent('DatabaseAlarms', id, 'databaseCpuPercent', t.databaseCpuPercent);
    requirePositive('DatabaseAlarms', id, 'databaseFreeStorageGiB', t.databaseFreeStorageGiB);
    requirePositive('DatabaseAlarms', id, 'databaseConnections', t.databaseConnections);
    requirePositive('DatabaseAlarms', id, 'replicaLagSeconds', t.replicaLagSeconds);
    const instances = [
      props.standby ? { label: 'standby', identifier: props.primaryIdentifier, replica: true } : { label: 'primary', identifier: props.primaryIdentifier, replica: false },
      ...(props.replicaIdentifiers ?? []).map((identifier, i) => ({ label: `replica-${i + 1}`, identifier, replica: true })),
    ];
    const specs = instances.flatMap(({ label, identifier, replica }) => {
      const name = `${props.namePrefix}-db-${label}`;
      const rds = { namespace: 'AWS/RDS', dimensions: { DBInstanceIdentifier: identifier } };
      const instance = `RDS instance ${identifier} (${label})`;
      const specs: IdentifiedAlarmSpec[] = [
        {
          id: `${label}-cpu`,
          alarmName: `${name}-cpu-high`,
          summary: `PostgreSQL ${label} CPU above ${t.databaseCpuPercent}% for 15 minutes.`,
          detail: `${instance}: look for slow queries in Database Insights and the slow-query log before scaling the instance class.`,
          runbook: 'performance-troubleshooting',
          severity: 'warning',
          ...rds,
          metricName: 'CPUUtilization',
          statistic: 'Average',
          periodSeconds: 300,
          evaluationPeriods: 3,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: t.databaseCpuPercent,
          // RDS reports every minute while the instance runs; a gap (stopped, rebooting) says nothing about load.
          treatMissingData: 'missing',
        },
        {
          id: `${label}-storage`,
          alarmName: `${name}-free-storage-low`,
          summary: `PostgreSQL ${label} has less than ${t.databaseFreeStorageGiB} GiB of free storage.`,
          detail: `${instance}: a full volume stops writes. Storage autoscaling may be at its ceiling (max allocated storage) or in its 6-hour cool-down.`,
          runbook: 'scaling',
          severity: 'critical',
          ...rds,
          metricName: 'FreeStorageSpace',
          statistic: 'Minimum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'LessThanThreshold',
          // FreeStorageSpace is in bytes.
          threshold: t.databaseFreeStorageGiB * GIB_IN_BYTES,
          // As for CPU: no data while the instance is stopped or rebooting, which is not a full disk.
          treatMissingData: 'missing',
        },
        {
          id: `${label}-connections`,
          alarmName: `${name}-connections-high`,
          summary: `PostgreSQL ${label} has more than ${t.databaseConnections} connections for 15 minutes.`,
          detail: `${instance}: near max_connections new connections fail. Look for a connection leak or too many pods before raising the limit.`,
          runbook: 'database-connections',
          severity: 'warning',
          ...rds,
          metricName: 'DatabaseConnections',
          statistic: 'Maximum',
          periodSeconds: 300,
          evaluationPeriods: 3,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: t.databaseConnections,
          // A gap means the instance is not running, not that it is crowded.
          treatMissingData: 'missing',
        },
      ];
      if (replica) {
        specs.push({
          id: `${label}-lag`,
          alarmName: `${name}-replica-lag-high`,
          summary: `PostgreSQL ${label} lags the primary by more than ${t.replicaLagSeconds} s for 5 minutes.`,
          detail: `${instance}: reads from it are stale. A replica that reports no lag at all is not replicating, so silence counts as lag.`,
          runbook: 'replica-lag',
          severity: label === 'standby' ? 'critical' : 'warning',
          ...rds,
          metricName: 'ReplicaLag',
          statistic: 'Maximum',
          periodSeconds: 60,
          evaluationPeriods: 5,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: t.replicaLagSeconds,
          // A running replica reports lag every minute; five silent minutes mean replication (or the replica) stopped.
          treatMissingData: 'breaching',
        });
      }
      return specs;
    });
    this.alarmNames = metricAlarms(this, props.topics, specs);
  }
}

export interface CacheAlarmsProps extends AlarmsBaseProps {
  readonly thresholds: Pick<ManagedStoreAlarmThresholds, 'cacheMemoryPercent' | 'cacheEvictionsPer5Minutes'>;
  readonly replicationGroupId: string;
  /** Member clusters of the group: ElastiCache names them `<replicationGroupId>-001` onwards. */
  readonly numCacheClusters: number;
}

/**
 * ElastiCache alarms per member node: memory use and evictions (warning).
 * The metrics are per node (`CacheClusterId`); a replication group has no
 * metric of its own.
 */
export class CacheAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: CacheAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const clusters = props.numCacheClusters;
    requireProps(Number.isInteger(clusters) && clusters >= 1 && clusters <= 6, 'CacheAlarms', id, `numCacheClusters must be 1 to 6 (got ${clusters})`);
    requirePercent('CacheAlarms', id, 'cacheMemoryPercent', t.cacheMemoryPercent);
    requirePositive('CacheAlarms', id, 'cacheEvictionsPer5Minutes', t.cacheEvictionsPer5Minutes);
    const specs = Array.from({ length: clusters }, (_, i) => {
      const node = i + 1;
      const clusterId = `${props.replicationGroupId}-${String(node).padStart(3, '0')}`;
      const name = `${props.namePrefix}-cache-node-${node}`;
      const cache = { namespace: 'AWS/ElastiCache', dimensions: { CacheClusterId: clusterId } };
      return [
        {
          id: `node-${node}-memory`,
          alarmName: `${name}-memory-high`,
          summary: `Cache node ${node} uses more than ${t.cacheMemoryPercent}% of its memory for 15 minutes.`,
          detail: `ElastiCache node ${clusterId}: past maxmemory it evicts keys, and evicted queue keys are lost jobs.`,
          runbook: 'redis-memory-and-evictions',
          severity: 'warning',
          ...cache,
          metricName: 'DatabaseMemoryUsagePercentage',
          statistic: 'Maximum',
          periodSeconds: 300,
          evaluationPeriods: 3,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: t.cacheMemoryPercent,
          // A node being replaced (failover, maintenance) reports nothing for a while; that is not memory pressure.
          treatMissingData: 'missing',
        },
        {
          id: `node-${node}-evictions`,
          alarmName: `${name}-evictions-high`,
          summary: `Cache node ${node} evicted more than ${t.cacheEvictionsPer5Minutes} keys in 5 minutes.`,
          detail: `ElastiCache node ${clusterId} is out of memory and dropping keys; queued jobs may be lost.`,
          runbook: 'redis-memory-and-evictions',
          severity: 'warning',
          ...cache,
          metricName: 'Evictions',
          statistic: 'Sum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: t.cacheEvictionsPer5Minutes,
          // A count: no data is no evictions.
          treatMissingData: 'notBreaching',
        },
      ] satisfies IdentifiedAlarmSpec[];
    }).flat();
    this.alarmNames = metricAlarms(this, props.topics, specs);
  }
}

export interface SearchDomainAlarmsProps extends AlarmsBaseProps {
  readonly thresholds: Pick<ManagedStoreAlarmThresholds, 'searchFreeStorageGiB' | 'searchJvmMemoryPressurePercent'>;
  readonly domainName: string;
}

/**
 * OpenSearch alarms, on AWS's recommended settings: red status (critical),
 * yellow status (warning), free storage (critical) and JVM memory pressure
 * (warning). Domain metrics need `ClientId`, the account ID, beside `DomainName`.
 */
export class SearchDomainAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: SearchDomainAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    requirePositive('SearchDomainAlarms', id, 'searchFreeStorageGiB', t.searchFreeStorageGiB);
    requirePercent('SearchDomainAlarms', id, 'searchJvmMemoryPressurePercent', t.searchJvmMemoryPressurePercent);
    const { accountId } = awsContext(this);
    const name = `${props.namePrefix}-search`;
    const domain = `OpenSearch domain ${props.domainName}`;
    const es = { namespace: 'AWS/ES', dimensions: { DomainName: props.domainName, ClientId: accountId } };
    const specs: IdentifiedAlarmSpec[] = [
      {
        id: 'red',
        alarmName: `${name}-cluster-red`,
        summary: 'OpenSearch cluster status is red: a primary shard is unassigned.',
        detail: `${domain}: searches on the affected indices fail and writes to them are lost. Check node health and free storage first.`,
        runbook: 'incident-response',
        severity: 'critical',
        ...es,
        metricName: 'ClusterStatus.red',
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        // The domain reports its status every minute; a domain that stops reporting is not known to be healthy.
        treatMissingData: 'breaching',
      },
      {
        id: 'yellow',
        alarmName: `${name}-cluster-yellow`,
        summary: 'OpenSearch cluster status is yellow for 5 minutes: a replica shard is unassigned.',
        detail: `${domain}: no data is lost yet, but one more node failure could lose it. Single-node domains are yellow whenever an index asks for replicas.`,
        runbook: 'incident-response',
        severity: 'warning',
        ...es,
        metricName: 'ClusterStatus.yellow',
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 5,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        // Silence is already the red alarm's to report; paging twice for it adds nothing.
        treatMissingData: 'notBreaching',
      },
      {
        id: 'storage',
        alarmName: `${name}-free-storage-low`,
        summary: `An OpenSearch node has less than ${t.searchFreeStorageGiB} GiB of free storage.`,
        detail: `${domain}: at the flood-stage watermark OpenSearch blocks writes to the node's indices. Delete old indices or raise the volume size.`,
        runbook: 'scaling',
        severity: 'critical',
        ...es,
        metricName: 'FreeStorageSpace',
        // The domain-level minimum is the fullest node.
        statistic: 'Minimum',
        periodSeconds: 60,
        evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold',
        // OpenSearch reports FreeStorageSpace in MiB, not bytes.
        threshold: t.searchFreeStorageGiB * GIB_IN_MIB,
        // A gap comes with the red alarm's silence; it does not mean the disk is full.
        treatMissingData: 'missing',
      },
      {
        id: 'jvm',
        alarmName: `${name}-jvm-memory-pressure-high`,
        summary: `OpenSearch JVM memory pressure above ${t.searchJvmMemoryPressurePercent}% for 3 minutes.`,
        detail: `${domain}: near 100% the JVM collects garbage constantly and nodes fail with out-of-memory errors. Look for heavy aggregations or too many shards.`,
        runbook: 'performance-troubleshooting',
        severity: 'warning',
        ...es,
        metricName: 'JVMMemoryPressure',
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.searchJvmMemoryPressurePercent,
        // As for storage: a gap is the red alarm's business.
        treatMissingData: 'missing',
      },
    ];
    this.alarmNames = metricAlarms(this, props.topics, specs);
  }
}

export interface NatGatewayAlarmsProps extends AlarmsBaseProps {
  readonly natGatewayIds: readonly string[];
}

/**
 * NAT gateway alarms per gateway (warning): port allocation errors, which
 * mean connections to one destination ran out of source ports, and dropped
 * packets. Either shows as failing calls from pods to the internet.
 */
export class NatGatewayAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: NatGatewayAlarmsProps) {
    super(scope, id);
    const specs = props.natGatewayIds.flatMap((natGatewayId, i) => {
      const name = `${props.namePrefix}-nat-${i + 1}`;
      const nat = { namespace: 'AWS/NATGateway', dimensions: { NatGatewayId: natGatewayId } };
      return [
        {
          id: `nat-${i + 1}-port-allocation`,
          alarmName: `${name}-port-allocation-errors`,
          summary: `NAT gateway ${i + 1} could not allocate source ports.`,
          detail: `NAT gateway ${natGatewayId}: more than 55,000 concurrent connections to one destination; new outbound connections fail. Pool connections or add an IP to the gateway.`,
          runbook: 'incident-response',
          severity: 'warning',
          ...nat,
          metricName: 'ErrorPortAllocation',
          statistic: 'Sum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          // A count: no data is no errors.
          treatMissingData: 'notBreaching',
        },
        {
          id: `nat-${i + 1}-packets-dropped`,
          alarmName: `${name}-packets-dropped`,
          summary: `NAT gateway ${i + 1} dropped packets.`,
          detail: `NAT gateway ${natGatewayId}: outbound traffic from the private subnets is being lost. Check the AWS Health Dashboard for the gateway's zone.`,
          runbook: 'incident-response',
          severity: 'warning',
          ...nat,
          metricName: 'PacketsDropCount',
          statistic: 'Sum',
          periodSeconds: 300,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          // A count: no data is no drops.
          treatMissingData: 'notBreaching',
        },
      ] satisfies IdentifiedAlarmSpec[];
    });
    this.alarmNames = metricAlarms(this, props.topics, specs);
  }
}

export interface ManagedStoreAlarmsProps extends AlarmsBaseProps {
  readonly thresholds: ManagedStoreAlarmThresholds;
  /** @default - no database alarms */
  readonly database?: Omit<DatabaseAlarmsProps, keyof AlarmsBaseProps | 'thresholds'>;
  /** @default - no cache alarms */
  readonly cache?: Omit<CacheAlarmsProps, keyof AlarmsBaseProps | 'thresholds'>;
  /** @default - no search domain alarms */
  readonly search?: Omit<SearchDomainAlarmsProps, keyof AlarmsBaseProps | 'thresholds'>;
  /** @default [] */
  readonly natGatewayIds?: readonly string[];
}

/**
 * The CloudWatch alarms on everything AWS manages for an environment: the
 * database, the cache, the search domain and the NAT gateways. They notify
 * the alert topics, so they page even when the cluster (and its Prometheus)
 * is down.
 */
export class ManagedStoreAlarms extends Construct {
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: ManagedStoreAlarmsProps) {
    super(scope, id);
    const base = { namePrefix: props.namePrefix, topics: props.topics };
    const t = props.thresholds;
    const names: string[] = [];
    if (props.database) names.push(...new DatabaseAlarms(this, 'Database', { ...base, ...props.database, thresholds: t }).alarmNames);
    if (props.cache) names.push(...new CacheAlarms(this, 'Cache', { ...base, ...props.cache, thresholds: t }).alarmNames);
    if (props.search) names.push(...new SearchDomainAlarms(this, 'Search', { ...base, ...props.search, thresholds: t }).alarmNames);
    const nats = props.natGatewayIds ?? [];
    if (nats.length > 0) names.push(...new NatGatewayAlarms(this, 'NatGateways', { ...base, natGatewayIds: nats }).alarmNames);
    this.alarmNames = names;
  }
}

import { describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS } from '../../../environments/common.ts';
import {
  CacheAlarms,
  DatabaseAlarms,
  ManagedStoreAlarms,
  NatGatewayAlarms,
  SearchDomainAlarms,
  type ManagedStoreAlarmThresholds,
} from '../../../modules/monitoring/managed-store-alarms.ts';
import { runbookAnchorOf } from '../../../content/monitoring/runbook-sections.ts';
import { resourcesOf, synthConstruct, type TfJson } from '../../helpers/synth.ts';

const topics = { critical: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-critical', warning: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-warning' };
const thresholds: ManagedStoreAlarmThresholds = { ...ALARM_THRESHOLDS, databaseConnections: 400 };
const base = { namePrefix: 'hexabid-test', topics };

type Alarm = Record<string, any>;

function alarmsOf(json: TfJson): Alarm[] {
  return resourcesOf(json, 'aws_cloudwatch_metric_alarm');
}

/** name → [metric, statistic, comparison, threshold, severity, treat_missing_data] */
function table(alarms: Alarm[]): Record<string, unknown[]> {
  const severity = (a: Alarm) => (a.alarm_actions[0] === topics.critical ? 'critical' : 'warning');
  return Object.fromEntries(
    alarms.map((a) => [a.alarm_name, [a.metric_name, a.statistic ?? a.extended_statistic, a.comparison_operator, a.threshold, severity(a), a.treat_missing_data]]),
  );
}

/** What every alarm must carry: both actions to one of the topics, a one-line summary first, a runbook link. */
function expectWellFormed(alarms: Alarm[]): void {
  expect(alarms.length).toBeGreaterThan(0);
  for (const alarm of alarms) {
    expect([topics.critical, topics.warning]).toContain(alarm.alarm_actions[0]);
    expect(alarm.alarm_actions).toEqual([alarm.alarm_actions[0]]);
    expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
    expect(alarm.treat_missing_data).toMatch(/^(missing|notBreaching|breaching)$/);
    const [summary, ...rest] = (alarm.alarm_description as string).split('\n');
    expect(summary).toMatch(/^[A-Z].*\.$/);
    const link = rest.at(-1)!.replace(/^Runbook: /, '');
    expect(runbookAnchorOf(link), `${alarm.alarm_name}: ${link}`).toBeDefined();
    expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
    expect(alarm.datapoints_to_alarm).toBe(alarm.evaluation_periods);
  }
}

describe('DatabaseAlarms', () => {
  const json = synthConstruct((scope) => new DatabaseAlarms(scope, 'Db', { ...base, thresholds, primaryIdentifier: 'db', replicaIdentifiers: ['db-replica-1', 'db-replica-2'] }));

  it('watches CPU, storage and connections on every instance, and lag on the replicas', () => {
    const storageBytes = 10 * 1024 ** 3;
    expect(table(alarmsOf(json))).toEqual({
      'hexabid-test-db-primary-cpu-high': ['CPUUtilization', 'Average', 'GreaterThanThreshold', 80, 'warning', 'missing'],
      'hexabid-test-db-primary-free-storage-low': ['FreeStorageSpace', 'Minimum', 'LessThanThreshold', storageBytes, 'critical', 'missing'],
      'hexabid-test-db-primary-connections-high': ['DatabaseConnections', 'Maximum', 'GreaterThanThreshold', 400, 'warning', 'missing'],
      ...Object.fromEntries(
        [1, 2].flatMap((n) => [
          [`hexabid-test-db-replica-${n}-cpu-high`, ['CPUUtilization', 'Average', 'GreaterThanThreshold', 80, 'warning', 'missing']],
          [`hexabid-test-db-replica-${n}-free-storage-low`, ['FreeStorageSpace', 'Minimum', 'LessThanThreshold', storageBytes, 'critical', 'missing']],
          [`hexabid-test-db-replica-${n}-connections-high`, ['DatabaseConnections', 'Maximum', 'GreaterThanThreshold', 400, 'warning', 'missing']],
          [`hexabid-test-db-replica-${n}-replica-lag-high`, ['ReplicaLag', 'Maximum', 'GreaterThanThreshold', 60, 'warning', 'breaching']],
        ]),
      ),
    });
    expect([...new Set(alarmsOf(json).map((a) => a.dimensions.DBInstanceIdentifier))].sort()).toEqual(['db', 'db-replica-1', 'db-replica-2']);
    for (const alarm of alarmsOf(json)) expect(alarm.namespace).toBe('AWS/RDS');
    expectWellFormed(alarmsOf(json));
  });

  it('links each alarm to its runbook section', () => {
    const anchors = Object.fromEntries(alarmsOf(json).map((a) => [a.metric_name, a.alarm_description.split('#').at(-1)]));
    expect(anchors).toEqual({ CPUUtilization: 'performance-troubleshooting', FreeStorageSpace: 'scaling', DatabaseConnections: 'database-connections', ReplicaLag: 'replica-lag' });
  });

  it('refuses thresholds that cannot be met', () => {
    const build = (t: Partial<ManagedStoreAlarmThresholds>) => () =>
      synthConstruct((scope) => new DatabaseAlarms(scope, 'Db', { ...base, thresholds: { ...thresholds, ...t }, primaryIdentifier: 'db' }));
    expect(build({ databaseCpuPercent: 100 })).toThrow('DatabaseAlarms Db: databaseCpuPercent must be a percentage between 0 and 100 (got 100)');
    expect(build({ databaseFreeStorageGiB: 0 })).toThrow('databaseFreeStorageGiB must be more than 0');
  });
});

describe('CacheAlarms', () => {
  it('watches memory and evictions on every member node, named <group>-00N', () => {
    const json = synthConstruct((scope) => new CacheAlarms(scope, 'Cache', { ...base, thresholds, replicationGroupId: 'rg', numCacheClusters: 3 }));
    expect(Object.fromEntries(alarmsOf(json).map((a) => [a.alarm_name, a.dimensions.CacheClusterId]))).toEqual(
      Object.fromEntries(
        [1, 2, 3].flatMap((n) => [
          [`hexabid-test-cache-node-${n}-memory-high`, `rg-00${n}`],
          [`hexabid-test-cache-node-${n}-evictions-high`, `rg-00${n}`],
        ]),
      ),
    );
    expect(table(alarmsOf(json).filter((a) => a.dimensions.CacheClusterId === 'rg-001'))).toEqual({
      'hexabid-test-cache-node-1-memory-high': ['DatabaseMemoryUsagePercentage', 'Maximum', 'GreaterThanThreshold', 80, 'warning', 'missing'],
      'hexabid-test-cache-node-1-evictions-high': ['Evictions', 'Sum', 'GreaterThanThreshold', 100, 'warning', 'notBreaching'],
    });
    const evictions = alarmsOf(json).find((a) => a.metric_name === 'Evictions')!;
    expect([evictions.period, evictions.evaluation_periods]).toEqual([300, 1]);
    expectWellFormed(alarmsOf(json));
  });

  it('refuses a node count ElastiCache does not allow', () => {
    expect(() => synthConstruct((scope) => new CacheAlarms(scope, 'Cache', { ...base, thresholds, replicationGroupId: 'rg', numCacheClusters: 0 }))).toThrow(
      'CacheAlarms Cache: numCacheClusters must be 1 to 6 (got 0)',
    );
  });
});

describe('SearchDomainAlarms', () => {
  it("follows AWS's recommended OpenSearch alarms, with storage in MiB and the account as ClientId", () => {
    const json = synthConstruct((scope) => new SearchDomainAlarms(scope, 'Search', { ...base, thresholds, domainName: 'search' }));
    expect(table(alarmsOf(json))).toEqual({
      'hexabid-test-search-cluster-red': ['ClusterStatus.red', 'Maximum', 'GreaterThanOrEqualToThreshold', 1, 'critical', 'breaching'],
      'hexabid-test-search-cluster-yellow': ['ClusterStatus.yellow', 'Maximum', 'GreaterThanOrEqualToThreshold', 1, 'warning', 'notBreaching'],
      'hexabid-test-search-free-storage-low': ['FreeStorageSpace', 'Minimum', 'LessThanThreshold', 10 * 1024, 'critical', 'missing'],
      'hexabid-test-search-jvm-memory-pressure-high': ['JVMMemoryPressure', 'Maximum', 'GreaterThanThreshold', 85, 'warning', 'missing'],
    });
    for (const alarm of alarmsOf(json)) {
      expect(alarm.namespace).toBe('AWS/ES');
      expect(alarm.dimensions).toEqual({ DomainName: 'search', ClientId: expect.stringMatching(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/) });
      expect(alarm.period).toBe(60);
    }
    const evaluations = Object.fromEntries(alarmsOf(json).map((a) => [a.metric_name, a.evaluation_periods]));
    expect(evaluations).toEqual({ 'ClusterStatus.red': 1, 'ClusterStatus.yellow': 5, FreeStorageSpace: 1, JVMMemoryPressure: 3 });
    expectWellFormed(alarmsOf(json));
  });
});

describe('NatGatewayAlarms', () => {
  it('watches port allocation errors and dropped packets on every gateway', () => {
    const json = synthConstruct((scope) => new NatGatewayAlarms(scope, 'Nat', { ...base, natGatewayIds: ['nat-a', 'nat-b'] }));
    const rows = alarmsOf(json).map((a) => [a.alarm_name, a.metric_name, a.dimensions.NatGatewayId, a.threshold, a.treat_missing_data]);
    expect(rows.sort()).toEqual([
      ['hexabid-test-nat-1-packets-dropped', 'PacketsDropCount', 'nat-a', 0, 'notBreaching'],
      ['hexabid-test-nat-1-port-allocation-errors', 'ErrorPortAllocation', 'nat-a', 0, 'notBreaching'],
      ['hexabid-test-nat-2-packets-dropped', 'PacketsDropCount', 'nat-b', 0, 'notBreaching'],
      ['hexabid-test-nat-2-port-allocation-errors', 'ErrorPortAllocation', 'nat-b', 0, 'notBreaching'],
    ]);
    for (const alarm of alarmsOf(json)) expect(alarm.alarm_actions).toEqual([topics.warning]);
    expectWellFormed(alarmsOf(json));
  });
});

describe('ManagedStoreAlarms', () => {
  it('makes the alarms of the stores it is given, and only those', () => {
    let names: readonly string[] = [];
    const json = synthConstruct((scope) => {
      names = new ManagedStoreAlarms(scope, 'Alarms', {
        ...base,
        thresholds,
        database: { primaryIdentifier: 'db' },
        cache: { replicationGroupId: 'rg', numCacheClusters: 1 },
        natGatewayIds: ['nat-a'],
      }).alarmNames;
    });
    expect(alarmsOf(json).map((a) => a.alarm_name).sort()).toEqual([...names].sort());
    expect(names).toHaveLength(3 + 2 + 2);
    expect(alarmsOf(json).some((a) => a.namespace === 'AWS/ES')).toBe(false);
    expect(new Set(names).size).toBe(names.length);
  });
});

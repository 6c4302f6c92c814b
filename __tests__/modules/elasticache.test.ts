import { describe, expect, it } from 'vitest';
import { CacheReplicationGroup, type CacheReplicationGroupProps } from '../../modules/elasticache.ts';
import { onlyResource, synthConstruct } from '../helpers/synth.ts';

const props: CacheReplicationGroupProps = {
  replicationGroupId: 'hexabid-test',
  nodeType: 'cache.r5.large',
  vpcId: 'vpc-123',
  subnetIds: ['subnet-a', 'subnet-b'],
  allowedSecurityGroupIds: ['sg-cluster'],
  authSecretName: 'hexabid/test/cache/auth',
};

describe('CacheReplicationGroup', () => {
  const json = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', props));
  const group = onlyResource(json, 'aws_elasticache_replication_group');

  it('defaults to Valkey 8.0 with one replica, Multi-AZ and automatic failover', () => {
    expect(group).toMatchObject({
      engine: 'valkey',
      engine_version: '8.0',
      parameter_group_name: 'default.valkey8',
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
  });

  it('keeps Redis selectable', () => {
    const redis = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, engine: 'redis', engineVersion: '7.1' }));
    expect(onlyResource(redis, 'aws_elasticache_replication_group')).toMatchObject({ engine: 'redis', parameter_group_name: 'default.redis7' });
  });

  it('refuses a version the engine does not have', () => {
    expect(() => synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, engineVersion: '7.1' }))).toThrow(
      'engineVersion "7.1" is not a known valkey version',
    );
  });

  it('requires TLS and an AUTH token read from Secrets Manager, and encrypts at rest with its own key', () => {
    expect(group).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'required', at_rest_encryption_enabled: 'true' });
    expect(group.auth_token).toMatch(/^\$\{jsondecode\(data\.aws_secretsmanager_secret_version\..*\.secret_string\)\.password\}$/);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(onlyResource(json, 'aws_secretsmanager_secret').name).toBe('hexabid/test/cache/auth');
  });

  it('takes daily snapshots and a final one, and ships slow and engine logs', () => {
    expect(group.snapshot_retention_limit).toBe(7);
    expect(group.final_snapshot_identifier).toMatch(/^hexabid-test-final-/);
    expect(group.log_delivery_configuration.map((l: { log_type: string }) => l.log_type)).toEqual(['slow-log', 'engine-log']);
  });

  it('names the final snapshot for its creation time, fixed once created, so a recreated group cannot collide', () => {
    expect(group.final_snapshot_identifier).toBe('hexabid-test-final-${formatdate("YYYYMMDDhhmmss", timestamp())}');
    expect(group.lifecycle).toEqual({ ignore_changes: ['final_snapshot_identifier'] });
    const noSnapshots = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, snapshotRetentionLimit: 0 }));
    expect(onlyResource(noSnapshots, 'aws_elasticache_replication_group').final_snapshot_identifier).toBeUndefined();
  });

  it('admits 6379 only from the cluster', () => {
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ from_port: 6379, to_port: 6379, referenced_security_group_id: 'sg-cluster' });
  });

  it('drops failover for a single node', () => {
    const single = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, numCacheClusters: 1 }));
    expect(onlyResource(single, 'aws_elasticache_replication_group')).toMatchObject({ automatic_failover_enabled: false, multi_az_enabled: false });
  });

  it('refuses Multi-AZ in a single subnet', () => {
    expect(() => synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, subnetIds: ['subnet-a'] }))).toThrow(
      'CacheReplicationGroup hexabid-test: numCacheClusters (2) asks for Multi-AZ, which needs subnetIds in at least 2 zones (got 1)',
    );
  });
});

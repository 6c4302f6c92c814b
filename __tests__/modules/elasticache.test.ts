import { TerraformOutput } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { CacheReplicationGroup, type CacheReplicationGroupProps } from '../../modules/elasticache.ts';
import { policyDocument } from '../../modules/internal/iam.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson } from '../helpers/synth.ts';

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

  it('requires TLS and encrypts at rest with its own key', () => {
    expect(group).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'required', at_rest_encryption_enabled: 'true' });
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  describe('access control', () => {
    const users = (synth: TfJson) => Object.fromEntries(resourcesOf(synth, 'aws_elasticache_user').map((u) => [u.user_name as string, u]));
    const { default: defaultUser, 'hexabid-test-app': appUser } = users(json);
    const userGroup = onlyResource(json, 'aws_elasticache_user_group');

    it('attaches one user group and no AUTH token, the token deleted in the same in-place modify', () => {
      expect(group.user_group_ids).toEqual([expect.stringMatching(/^\$\{aws_elasticache_user_group\.Cache_UserGroup_\w+\.user_group_id\}$/)]);
      expect(group.auth_token).toBeUndefined();
      expect(group.auth_token_update_strategy).toBe('DELETE');
    });

    it('holds the disabled default user and the app user, both of the cache engine', () => {
      expect(userGroup).toMatchObject({ user_group_id: 'hexabid-test-users', engine: 'valkey' });
      expect(userGroup.user_ids).toEqual([
        expect.stringMatching(/^\$\{aws_elasticache_user\.Cache_DefaultUser_\w+\.user_id\}$/),
        expect.stringMatching(/^\$\{aws_elasticache_user\.Cache_AppUser_\w+\.user_id\}$/),
      ]);
      expect(defaultUser).toMatchObject({ user_id: 'hexabid-test-default', engine: 'valkey', access_string: 'off -@all' });
      expect(appUser).toMatchObject({ engine: 'valkey' });
    });

    it('keeps the former AUTH token secret, now the default user password, so nothing data-bearing is destroyed', () => {
      expect(onlyResource(json, 'aws_secretsmanager_secret').name).toBe('hexabid/test/cache/auth');
      expect(defaultUser!.authentication_mode).toEqual({
        type: 'password',
        passwords: [expect.stringMatching(/^\$\{jsondecode\(data\.aws_secretsmanager_secret_version\.Cache_AuthToken_ReadBack_\w+\.secret_string\)\.password\}$/)],
      });
    });

    it("gives the default user AUTH's full access only while moving off the token", () => {
      const moving = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, defaultUserAccess: 'auth-token' }));
      expect(users(moving).default).toMatchObject({ access_string: 'on ~* &* +@all' });
    });

    it('authenticates the app user with IAM, its ID equal to its name', () => {
      expect(appUser).toMatchObject({ user_id: 'hexabid-test-app', user_name: 'hexabid-test-app', authentication_mode: { type: 'iam' } });
      expect(appUser!.authentication_mode.passwords).toBeUndefined();
      const named = synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, appUserName: 'hexabid-app' }));
      expect(users(named)['hexabid-app']).toMatchObject({ user_id: 'hexabid-app', authentication_mode: { type: 'iam' } });
    });

    it('gives the app user data, queue and Lua commands, and takes admin and dangerous ones away last', () => {
      const rules = (appUser!.access_string as string).split(' ');
      expect(rules.slice(0, 4)).toEqual(['on', '~*', '&*', '-@all']);
      for (const granted of ['+@read', '+@write', '+@transaction', '+@connection', '+@pubsub', '+eval', '+evalsha', '+script|load']) expect(rules).toContain(granted);
      for (const never of ['+@all', '+@admin', '+@dangerous', '+@scripting', '+config', '+flushall', '+flushdb', '+keys', '+debug', '+monitor', '+acl', '+function'])
        expect(rules).not.toContain(never);
      // Later rules win: nothing granted after the removals but INFO.
      const lastRemoval = Math.max(rules.indexOf('-@admin'), rules.indexOf('-@dangerous'), rules.indexOf('-function'));
      expect(rules.slice(lastRemoval + 1)).toEqual(['+info']);
      expect(rules.lastIndexOf('-@admin')).toBeGreaterThan(Math.max(...rules.filter((r) => r.startsWith('+@')).map((r) => rules.indexOf(r))));
    });

    it('grants elasticache:Connect on the replication group and the app user, nothing more', () => {
      const withPolicy = synthConstruct((scope) => {
        const cache = new CacheReplicationGroup(scope, 'Cache', props);
        new TerraformOutput(scope, 'Policy', { value: policyDocument(cache.connectStatements()) });
      });
      expect(parsePolicy(withPolicy.output!.Policy!.value as string).Statement).toEqual([
        {
          Sid: 'ConnectToCacheAsAppUser',
          Effect: 'Allow',
          Action: 'elasticache:Connect',
          Resource: [
            expect.stringMatching(/^\$\{aws_elasticache_replication_group\.Cache_ReplicationGroup_\w+\.arn\}$/),
            expect.stringMatching(/^\$\{aws_elasticache_user\.Cache_AppUser_\w+\.arn\}$/),
          ],
        },
      ]);
    });

    it('refuses an app user name IAM authentication or ElastiCache cannot take', () => {
      for (const appUserName of ['default', 'Hexabid-App', 'hexabid_app', 'hexabid--app', 'hexabid-', '1app'])
        expect(() => synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, appUserName }))).toThrow(`appUserName "${appUserName}"`);
    });

    it('accepts every catalogued engine version, all new enough for IAM authentication', () => {
      for (const [engine, engineVersion] of [['valkey', '7.2'], ['redis', '7.0']] as const)
        expect(() => synthConstruct((scope) => new CacheReplicationGroup(scope, 'Cache', { ...props, engine, engineVersion }))).not.toThrow();
    });
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

import { describe, expect, it } from 'vitest';
import { staging } from '../../environments/staging.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';

describe('staging', () => {
  const { json } = synthEnvironment(staging);

  it('runs the cost plan: 3 × t3.large, db.t3.medium, cache.t3.small, OpenSearch t3.small', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.large'], min: 2, max: 4, desired: 2 },
        worker: { instanceTypes: ['t3.large'], min: 1, max: 3, desired: 1 },
      },
      dbInstanceClass: 'db.t3.medium',
      dbMultiAz: true,
      dbReplicas: 0,
      cacheNodeType: 'cache.t3.small',
      searchInstanceType: 't3.small.search',
      searchInstanceCount: 2,
    });
  });

  it('mirrors production resilience: NAT per zone, deletion protection, a cache replica', () => {
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(3);
    expect(onlyResource(json, 'aws_db_instance').deletion_protection).toBe(true);
    const cache = onlyResource(json, 'aws_elasticache_replication_group');
    expect(cache.num_cache_clusters).toBe(2);
    expect(cache.automatic_failover_enabled).toBe(true);
    expect(cache.multi_az_enabled).toBe(true);
  });

  it('has its own /16', () => {
    expect(onlyResource(json, 'aws_vpc').cidr_block).toBe('10.1.0.0/16');
  });

  it('serves staging.hexabid.in from a zone of its own, and needs an image tag on every deploy', () => {
    expectKubernetesLayer(staging, { domainName: 'staging.hexabid.in', ownsZone: true, requiresImageTag: true });
  });
});

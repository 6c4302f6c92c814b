import { describe, expect, it } from 'vitest';
import { staging } from '../../environments/staging.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';

describe('staging', () => {
  const { json } = synthEnvironment(staging);

  it('runs 2 × t3.large app nodes, a Spot worker over four types, db.t4g.medium, cache.t4g.small, OpenSearch t3.small', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.large'], min: 2, max: 4, desired: 2, capacity: 'ON_DEMAND', maxPods: 40 },
        worker: { instanceTypes: ['t3.large', 't3a.large', 'm6i.large', 'm5.large'], min: 1, max: 3, desired: 1, capacity: 'SPOT', maxPods: 24 },
      },
      dbInstanceClass: 'db.t4g.medium',
      dbMultiAz: false,
      dbReplicas: 0,
      cacheNodeType: 'cache.t4g.small',
      searchInstanceType: 't3.small.search',
      searchInstanceCount: 1,
    });
  });

  it("keeps production's zones and guard rails but pays for no zone failure: one NAT gateway, one cache and one search node", () => {
    expect(resourcesOf(json, 'aws_subnet').filter((s) => s.tags.tier === 'private')).toHaveLength(3);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    expect(onlyResource(json, 'aws_db_instance')).toMatchObject({ deletion_protection: true, backup_retention_period: 7 });
    expect(onlyResource(json, 'aws_elasticache_replication_group').num_cache_clusters).toBe(1);
    expect(onlyResource(json, 'aws_opensearch_domain').cluster_config.instance_count).toBe(1);
  });


  it('has its own /16', () => {
    expect(onlyResource(json, 'aws_vpc').cidr_block).toBe('10.1.0.0/16');
  });

  it('serves staging.hexabid.in from its zone, which the non-production bootstrap creates, and needs an image tag on every deploy', () => {
    expectKubernetesLayer(staging, { domainName: 'staging.hexabid.in', zoneName: 'staging.hexabid.in', requiresImageTag: true });
  });
});

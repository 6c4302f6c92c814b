import { describe, expect, it } from 'vitest';
import { production, productionAt } from '../../environments/production.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';

describe('production', () => {
  const { json } = synthEnvironment(production);

  it('runs the launch plan on Graviton data stores: app 3-10 × t3.xlarge, worker 2-10 × t3.large, db.r6g.xlarge Multi-AZ + replica, cache.r6g.large × 2, r6g.large × 3', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.xlarge'], min: 3, max: 10, desired: 3, capacity: 'ON_DEMAND', maxPods: 58 },
        worker: { instanceTypes: ['t3.large'], min: 2, max: 10, desired: 2, capacity: 'ON_DEMAND', maxPods: 24 },
      },
      dbInstanceClass: 'db.r6g.xlarge',
      dbMultiAz: true,
      dbReplicas: 1,
      cacheNodeType: 'cache.r6g.large',
      searchInstanceType: 'r6g.large.search',
      searchInstanceCount: 3,
    });
  });

  it('keeps 30 days of backups, as the DR plan says', () => {
    const primary = resourcesOf(json, 'aws_db_instance').find((d) => d.replicate_source_db === undefined)!;
    expect(primary.backup_retention_period).toBe(30);
  });

  it('spreads search across three zones and replicates documents to the DR region', () => {
    const search = onlyResource(json, 'aws_opensearch_domain').cluster_config;
    expect(search.zone_awareness_enabled).toBe(true);
    expect(search.zone_awareness_config.availability_zone_count).toBe(3);
    // The watch region's resources (us-east-1) name their region themselves: provider 6's per-resource `region`.
    expect(json.provider.aws!.map((p) => p.region)).toEqual(['ap-south-1', 'ap-south-2']);
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm').some((a) => a.region === 'us-east-1')).toBe(true);
    // The documents and the search snapshots, each with Replication Time Control's 15 minutes.
    const replications = resourcesOf(json, 'aws_s3_bucket_replication_configuration');
    expect(replications).toHaveLength(2);
    for (const replication of replications) {
      expect(replication.rule[0].destination).toMatchObject({ encryption_configuration: expect.anything(), replication_time: { status: 'Enabled', time: { minutes: 15 } } });
    }
  });

  it('owns 10.0.0.0/16, as in the design', () => {
    expect(onlyResource(json, 'aws_vpc').cidr_block).toBe('10.0.0.0/16');
  });
});

describe('production at the cost-optimised launch capacity', () => {
  const { json } = synthEnvironment(productionAt('costOptimised'), 'production-cost-optimised');

  it('keeps the guarantees (Multi-AZ, a replica, two cache and three search nodes) on 3 × t3.large app nodes and Spot workers', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.large'], min: 3, max: 10, desired: 3, capacity: 'ON_DEMAND', maxPods: 40 },
        worker: { instanceTypes: ['t3.large', 't3a.large', 'm6i.large', 'm5.large'], min: 2, max: 10, desired: 2, capacity: 'SPOT', maxPods: 24 },
      },
      dbInstanceClass: 'db.r6g.xlarge',
      dbMultiAz: true,
      dbReplicas: 1,
      cacheNodeType: 'cache.r6g.large',
      searchInstanceType: 'r6g.large.search',
      searchInstanceCount: 3,
    });
    expect(onlyResource(json, 'aws_elasticache_replication_group').num_cache_clusters).toBe(2);
  });
});

describe('production scaled for 1000 tenants', () => {
  const { json } = synthEnvironment(productionAt('scaled1000Tenants'), 'production-scaled');

  it('runs 15 × t3.xlarge, db.r6g.4xlarge + 2 replicas, cache.r6g.2xlarge, r6g.2xlarge × 6', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.xlarge'], min: 10, max: 20, desired: 10, capacity: 'ON_DEMAND', maxPods: 58 },
        worker: { instanceTypes: ['t3.xlarge'], min: 5, max: 10, desired: 5, capacity: 'ON_DEMAND', maxPods: 24 },
      },
      dbInstanceClass: 'db.r6g.4xlarge',
      dbMultiAz: true,
      dbReplicas: 2,
      cacheNodeType: 'cache.r6g.2xlarge',
      searchInstanceType: 'r6g.2xlarge.search',
      searchInstanceCount: 6,
    });
    const desired = resourcesOf(json, 'aws_eks_node_group').reduce((n, g) => n + g.scaling_config.desired_size, 0);
    expect(desired).toBe(15);
  });

  it('serves hexabid.in from the existing apex zone, and needs an immutable image tag on every deploy', () => {
    expectKubernetesLayer(production, { domainName: 'hexabid.in', zoneName: 'hexabid.in', requiresImageTag: true });
  });
});

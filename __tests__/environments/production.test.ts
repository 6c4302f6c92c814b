import { describe, expect, it } from 'vitest';
import { production, productionAt } from '../../environments/production.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';

describe('production', () => {
  const { json } = synthEnvironment(production);

  it('runs the launch plan: app 3-10 × t3.xlarge, worker 2-10 × t3.large, db.r5.xlarge Multi-AZ + replica, cache.r5.large, r5.large × 3', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.xlarge'], min: 3, max: 10, desired: 3 },
        worker: { instanceTypes: ['t3.large'], min: 2, max: 10, desired: 2 },
      },
      dbInstanceClass: 'db.r5.xlarge',
      dbMultiAz: true,
      dbReplicas: 1,
      cacheNodeType: 'cache.r5.large',
      searchInstanceType: 'r5.large.search',
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

describe('production scaled for 1000 tenants', () => {
  const { json } = synthEnvironment(productionAt('scaled1000Tenants'), 'production-scaled');

  it('runs 15 × t3.xlarge, db.r5.4xlarge + 2 replicas, cache.r5.2xlarge, r5.2xlarge × 6', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.xlarge'], min: 10, max: 20, desired: 10 },
        worker: { instanceTypes: ['t3.xlarge'], min: 5, max: 10, desired: 5 },
      },
      dbInstanceClass: 'db.r5.4xlarge',
      dbMultiAz: true,
      dbReplicas: 2,
      cacheNodeType: 'cache.r5.2xlarge',
      searchInstanceType: 'r5.2xlarge.search',
      searchInstanceCount: 6,
    });
    const desired = resourcesOf(json, 'aws_eks_node_group').reduce((n, g) => n + g.scaling_config.desired_size, 0);
    expect(desired).toBe(15);
  });

  it('serves hexabid.in from the existing apex zone, and needs an immutable image tag on every deploy', () => {
    expectKubernetesLayer(production, { domainName: 'hexabid.in', ownsZone: false, requiresImageTag: true });
  });
});

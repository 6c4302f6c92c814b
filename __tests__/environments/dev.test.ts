import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';

describe('dev', () => {
  const { json } = synthEnvironment(dev);

  it('runs the cost plan: 4 × t3.medium, db.t3.small, cache.t3.micro and one small search node', () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.medium'], min: 3, max: 4, desired: 3 },
        worker: { instanceTypes: ['t3.medium'], min: 1, max: 2, desired: 1 },
      },
      dbInstanceClass: 'db.t3.small',
      dbMultiAz: false,
      dbReplicas: 0,
      cacheNodeType: 'cache.t3.micro',
      searchInstanceType: 't3.small.search',
      searchInstanceCount: 1,
    });
  });

  it('saves money where durability matters less', () => {
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    expect(onlyResource(json, 'aws_opensearch_domain').cluster_config.zone_awareness_enabled).toBe(false);
    expect(resourcesOf(json, 'aws_s3_bucket').every((b) => b.force_destroy === true)).toBe(true);
    expect(resourcesOf(json, 'aws_secretsmanager_secret').every((s) => s.recovery_window_in_days === 0)).toBe(true);
  });

  it('has its own /16', () => {
    expect(onlyResource(json, 'aws_vpc').cidr_block).toBe('10.2.0.0/16');
  });

  it('serves dev.hexabid.in from its zone, which the non-production bootstrap creates, and deploys without an image tag unless given one', () => {
    expectKubernetesLayer(dev, { domainName: 'dev.hexabid.in', zoneName: 'dev.hexabid.in', requiresImageTag: false });
  });
});

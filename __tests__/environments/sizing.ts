import { expect } from 'vitest';
import type { TfJson } from '../helpers/synth.ts';
import { resourcesOf } from '../helpers/synth.ts';
import { maxPodsOf } from '../../modules/internal/node-config.ts';

/** What the capacity plan says an environment runs. */
export interface ExpectedSizing {
  /** Each group's types, sizes, capacity type and the maxPods its launch template sets (undefined: EKS's default). */
  readonly nodeGroups: Record<string, { instanceTypes: string[]; min: number; max: number; desired: number; capacity: 'ON_DEMAND' | 'SPOT'; maxPods: number | undefined }>;
  readonly dbInstanceClass: string;
  readonly dbMultiAz: boolean;
  readonly dbReplicas: number;
  readonly cacheNodeType: string;
  readonly searchInstanceType: string;
  readonly searchInstanceCount: number;
}

/** The launch template a node group references. */
export function launchTemplateOf(json: TfJson, group: Record<string, any>): Record<string, any> {
  const name = /^\$\{aws_launch_template\.([^.]+)\.id\}$/.exec(group.launch_template.id)?.[1];
  const template = name ? json.resource.aws_launch_template?.[name] : undefined;
  if (!template) throw new Error(`no launch template for ${group.launch_template.id}`);
  return template;
}

/** Asserts the synthesized stack runs exactly the planned sizes. */
export function expectSizing(json: TfJson, expected: ExpectedSizing): void {
  const groups = Object.fromEntries(
    resourcesOf(json, 'aws_eks_node_group').map((g) => [
      g.node_group_name,
      {
        instanceTypes: g.instance_types,
        min: g.scaling_config.min_size,
        max: g.scaling_config.max_size,
        desired: g.scaling_config.desired_size,
        capacity: g.capacity_type,
        maxPods: maxPodsOf(launchTemplateOf(json, g).user_data ?? ''),
      },
    ]),
  );
  expect(groups).toEqual(expected.nodeGroups);
  const dbs = resourcesOf(json, 'aws_db_instance');
  const primary = dbs.filter((d) => d.replicate_source_db === undefined);
  expect(primary).toHaveLength(1);
  expect(primary[0]!.instance_class).toBe(expected.dbInstanceClass);
  expect(primary[0]!.multi_az).toBe(expected.dbMultiAz);
  expect(dbs.filter((d) => d.replicate_source_db !== undefined)).toHaveLength(expected.dbReplicas);
  expect(resourcesOf(json, 'aws_elasticache_replication_group')[0]!.node_type).toBe(expected.cacheNodeType);
  const search = resourcesOf(json, 'aws_opensearch_domain')[0]!.cluster_config;
  expect(search.instance_type).toBe(expected.searchInstanceType);
  expect(search.instance_count).toBe(expected.searchInstanceCount);
}

/** The EKS control plane and the managed node groups (instances and their root volumes). */
import { EKS_VERSIONS } from '../../aws-catalog.ts';
import { priceLine, type LineItem, type PricingContext } from '../line-items.ts';
import { HOURS_PER_MONTH } from '../price-table.ts';
import { block, list, num, resolve, str, where, type TfResource } from '../resources.ts';
import { isObject } from '../stacks.ts';

export function priceEksClusters(clusters: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return clusters.map((cluster) => {
    const version = str(cluster.attrs, 'version') ?? '?';
    // AWS's default upgrade policy is EXTENDED; a version past standard support then costs the extended rate.
    const policy = str(block(cluster.attrs, 'upgrade_policy') ?? {}, 'support_type') ?? 'EXTENDED';
    const extended = !EKS_VERSIONS.includes(version) && policy === 'EXTENDED';
    return priceLine(ctx, {
      component: `EKS control plane ${str(cluster.attrs, 'name') ?? cluster.name}`,
      detail: `Kubernetes ${version}, ${extended ? 'extended' : 'standard'} support, ${HOURS_PER_MONTH} h`,
      category: 'controlPlane',
      resources: [cluster],
      region: cluster.region,
      priceKey: extended ? 'eks.cluster-hour.extended' : 'eks.cluster-hour.standard',
      quantity: HOURS_PER_MONTH,
      unit: 'cluster-hours',
      usageBased: false,
      facts: { clusters: 1, version },
    });
  });
}

/** The root volume a node group's nodes get: from its launch template, else from disk_size. */
function nodeVolume(group: TfResource, ctx: PricingContext): { sizeGiB: number; type: string; from: string } {
  const template = resolve(group, block(group.attrs, 'launch_template')?.id, ctx.resources);
  if (template) {
    for (const mapping of list(template.attrs, 'block_device_mappings')) {
      const ebs = isObject(mapping) ? block(mapping, 'ebs') : undefined;
      const size = ebs ? num(ebs, 'volume_size') : undefined;
      if (ebs && size !== undefined) return { sizeGiB: size, type: str(ebs, 'volume_type') ?? 'gp3', from: `launch template ${str(template.attrs, 'name') ?? template.name}` };
    }
  }
  const diskSize = num(group.attrs, 'disk_size');
  ctx.warn(`${where(group)}: no volume size in a launch template; priced ${diskSize ?? 20} GiB (${diskSize === undefined ? "EKS's default" : 'disk_size'}) as gp3`);
  return { sizeGiB: diskSize ?? 20, type: 'gp3', from: diskSize === undefined ? "EKS's default disk size" : 'disk_size' };
}

export function priceNodeGroups(groups: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return groups.flatMap((group) => {
    const name = str(group.attrs, 'node_group_name') ?? group.name;
    const scaling = block(group.attrs, 'scaling_config') ?? {};
    const desired = num(scaling, 'desired_size') ?? num(scaling, 'min_size') ?? 0;
    const min = num(scaling, 'min_size') ?? desired;
    const max = num(scaling, 'max_size') ?? desired;
    const types = list(group.attrs, 'instance_types').filter((t): t is string => typeof t === 'string');
    const instanceType = types[0] ?? 't3.medium';
    const capacity = str(group.attrs, 'capacity_type') ?? 'ON_DEMAND';
    const notes = [
      ...(types.length === 0 ? ["no instance_types: EKS's default t3.medium"] : []),
      ...(types.length > 1 ? [`priced as the first of ${types.join(', ')}`] : []),
      ...(capacity === 'SPOT' ? ['Spot capacity priced at the on-demand list rate, an upper bound'] : []),
    ];
    const volume = nodeVolume(group, ctx);
    const range = `desired ${desired}; min ${min}, max ${max}`;
    const facts = { nodeGroup: name, nodes: desired, minNodes: min, maxNodes: max, instanceType, capacityType: capacity };
    return [
      priceLine(ctx, {
        component: `EKS node group ${name}`,
        detail: `${desired} × ${instanceType} (${range})${notes.length ? `; ${notes.join('; ')}` : ''}`,
        category: 'nodes',
        resources: [group],
        region: group.region,
        priceKey: `ec2.instance-hour.${instanceType}`,
        quantity: desired * HOURS_PER_MONTH,
        quantityAtMin: min * HOURS_PER_MONTH,
        quantityAtMax: max * HOURS_PER_MONTH,
        unit: 'instance-hours',
        usageBased: false,
        facts,
      }),
      priceLine(ctx, {
        component: `EKS node group ${name}: volumes`,
        detail: `${desired} × ${volume.sizeGiB} GiB ${volume.type} (${volume.from})`,
        category: 'nodes',
        resources: [group],
        region: group.region,
        priceKey: `ebs.${volume.type}.gb-month`,
        quantity: desired * volume.sizeGiB,
        quantityAtMin: min * volume.sizeGiB,
        quantityAtMax: max * volume.sizeGiB,
        unit: 'GB-months',
        usageBased: false,
        facts: { ...facts, volumeGiB: volume.sizeGiB },
      }),
    ];
  });
}

/** The EKS control plane and the managed node groups (instances and their root volumes). */
import { EKS_VERSIONS, NODE_INSTANCE_TYPES } from '../../../lib/aws-catalog.ts';
import { parseWeeklyCron, weeklyUpFraction } from '../../../lib/cron.ts';
import { priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { HOURS_PER_MONTH } from '../price-table.ts';
import { block, list, num, reference, resolve, str, where, type TfResource } from '../resources.ts';
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

/**
 * The share of the month a node group runs: less than all of it when
 * scheduled actions on its Auto Scaling group stop it (max 0) and start it
 * again, both on weekly recurrences.
 */
function runningShare(group: TfResource, ctx: PricingContext): { share: number; note?: string } {
  const schedules = ctx.resources.filter((r) => {
    if (r.type !== 'aws_autoscaling_schedule' || r.stack !== group.stack) return false;
    const ref = reference(r.attrs.autoscaling_group_name);
    return ref?.type === group.type && ref.name === group.name;
  });
  if (schedules.length === 0) return { share: 1 };
  const down = schedules.filter((s) => num(s.attrs, 'max_size') === 0);
  const up = schedules.filter((s) => (num(s.attrs, 'max_size') ?? 0) > 0);
  const crons = [down, up].map((list) => (list.length === 1 ? parseWeeklyCron(str(list[0]!.attrs, 'recurrence') ?? '') : 'needs one schedule'));
  const zones = new Set(schedules.map((s) => str(s.attrs, 'time_zone') ?? 'UTC'));
  if (crons.some((c) => typeof c === 'string') || zones.size !== 1) {
    ctx.warn(`${where(group)}: its scheduled actions are not one weekly stop and one start in one time zone; priced as always on`);
    return { share: 1 };
  }
  const share = weeklyUpFraction(crons[0] as Exclude<(typeof crons)[0], string>, crons[1] as Exclude<(typeof crons)[1], string>);
  return { share, note: `runs ${Math.round(share * 1000) / 10}% of the week (${str(up[0]!.attrs, 'recurrence')} to ${str(down[0]!.attrs, 'recurrence')}, ${[...zones][0]})` };
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
    const spot = capacity === 'SPOT';
    const { share, note: schedule } = runningShare(group, ctx);
    const hours = HOURS_PER_MONTH * share;
    const notes = [
      ...(types.length === 0 ? ["no instance_types: EKS's default t3.medium"] : []),
      ...(types.length > 1 ? [`priced as the first of ${types.join(', ')}`] : []),
      ...(spot ? ['Spot priced at the on-demand list rate, an upper bound no commitment lowers'] : []),
      ...(schedule ? [schedule] : []),
    ];
    const volume = nodeVolume(group, ctx);
    const range = `desired ${desired}; min ${min}, max ${max}`;
    const facts = { nodeGroup: name, nodes: desired, minNodes: min, maxNodes: max, instanceType, capacityType: capacity, runningShare: share };
    const lines = [
      priceLine(ctx, {
        component: `EKS node group ${name}`,
        detail: `${desired} × ${instanceType} (${range})${notes.length ? `; ${notes.join('; ')}` : ''}`,
        category: 'nodes',
        resources: [group],
        region: group.region,
        priceKey: `ec2.instance-hour.${instanceType}`,
        quantity: desired * hours,
        quantityAtMin: min * hours,
        quantityAtMax: max * hours,
        unit: 'instance-hours',
        usageBased: false,
        noCommitment: spot,
        facts,
      }),
      priceLine(ctx, {
        component: `EKS node group ${name}: volumes`,
        detail: `${desired} × ${volume.sizeGiB} GiB ${volume.type} (${volume.from})${schedule ? '; deleted with their nodes while stopped' : ''}`,
        category: 'nodes',
        resources: [group],
        region: group.region,
        priceKey: `ebs.${volume.type}.gb-month`,
        quantity: desired * volume.sizeGiB * share,
        quantityAtMin: min * volume.sizeGiB * share,
        quantityAtMax: max * volume.sizeGiB * share,
        unit: 'GB-months',
        usageBased: false,
        facts: { ...facts, volumeGiB: volume.sizeGiB },
      }),
    ];
    const surplus = surplusCredits(group, instanceType, { desired: desired * hours, min: min * hours, max: max * hours }, ctx);
    if (surplus) lines.push(priceLine(ctx, { ...surplus, category: 'nodes', resources: [group], region: group.region, usageBased: true, noCommitment: true, facts }));
    return lines;
  });
}

/**
 * T instances run in unlimited mode by default (EC2 RunInstances,
 * CreditSpecification): average CPU above the baseline is billed as surplus
 * credits per vCPU-hour. The usage file gives each group's sustained CPU.
 */
function surplusCredits(group: TfResource, instanceType: string, nodeHours: { desired: number; min: number; max: number }, ctx: PricingContext) {
  const spec = NODE_INSTANCE_TYPES[instanceType];
  const family = /^(t\d[a-z]*)\./.exec(instanceType)?.[1];
  if (!spec?.baselineCpuPercent || !family) return undefined;
  const sustained = usageOf(ctx, group, 'sustained_cpu_percent');
  const above = Math.max(0, sustained - spec.baselineCpuPercent) / 100;
  return {
    component: `EKS node group ${str(group.attrs, 'node_group_name') ?? group.name}: surplus CPU credits`,
    detail: `${sustained}% sustained against a ${spec.baselineCpuPercent}% baseline: ${Math.round(above * 100)}% of ${spec.vcpus} vCPUs × ${Math.round(nodeHours.desired)} node-hours (unlimited mode)`,
    priceKey: `ec2.cpu-credits.${family === 't3a' ? 't3' : family}.vcpu-hour`,
    quantity: above * spec.vcpus * nodeHours.desired,
    quantityAtMin: above * spec.vcpus * nodeHours.min,
    quantityAtMax: above * spec.vcpus * nodeHours.max,
    unit: 'vCPU-hours',
  };
}

/** EC2 instances the stacks run themselves (a NAT instance): their hours and root volumes. */
export function priceInstances(instances: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return instances.flatMap((instance) => {
    const name = str(block(instance.attrs, 'tags') ?? {}, 'Name') ?? instance.name;
    const instanceType = str(instance.attrs, 'instance_type') ?? '?';
    const root = block(instance.attrs, 'root_block_device') ?? {};
    const sizeGiB = num(root, 'volume_size') ?? 8;
    const volumeType = str(root, 'volume_type') ?? 'gp3';
    const facts = { instance: name, instanceType };
    return [
      priceLine(ctx, {
        component: `EC2 instance ${name}`,
        detail: `1 × ${instanceType}, ${HOURS_PER_MONTH} h`,
        category: 'network',
        resources: [instance],
        region: instance.region,
        priceKey: `ec2.instance-hour.${instanceType}`,
        quantity: HOURS_PER_MONTH,
        unit: 'instance-hours',
        usageBased: false,
        facts,
      }),
      priceLine(ctx, {
        component: `EC2 instance ${name}: root volume`,
        detail: `${sizeGiB} GiB ${volumeType}`,
        category: 'network',
        resources: [instance],
        region: instance.region,
        priceKey: `ebs.${volumeType}.gb-month`,
        quantity: sizeGiB,
        unit: 'GB-months',
        usageBased: false,
        facts,
      }),
    ];
  });
}

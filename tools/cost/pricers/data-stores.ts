/** RDS instances (primaries, standbys, read replicas in any Region), ElastiCache replication groups and OpenSearch domains. */
import { priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { HOURS_PER_MONTH } from '../price-table.ts';
import { block, bool, num, resolve, str, where, type TfResource } from '../resources.ts';
import { parseSchedulerCron, weeklyUpFraction } from '../../../lib/cron.ts';

/** The instance a replica replicates: a reference in its stack, or an ARN or identifier found in any synthesized stack. */
function replicationSource(replica: TfResource, ctx: PricingContext): { source?: TfResource; region?: string } {
  const value = replica.attrs.replicate_source_db;
  const sameStack = resolve(replica, value, ctx.resources);
  if (sameStack) return { source: sameStack, region: sameStack.region };
  if (typeof value !== 'string') return {};
  const arn = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d*:db:(.+)$/.exec(value);
  const identifier = arn ? arn[2] : value;
  const source = ctx.everything.find((r) => r.type === 'aws_db_instance' && str(r.attrs, 'identifier') === identifier);
  return { source, region: arn?.[1] ?? source?.region };
}

/**
 * The share of the month an instance runs: less than all of it when
 * EventBridge Scheduler schedules in its stack stop it and start it again
 * (modules/rds.ts `stopSchedule`), both weekly in one time zone.
 */
function dbRunningShare(db: TfResource, identifier: string, ctx: PricingContext): { share: number; note?: string } {
  const schedules = ctx.resources.filter((r) => {
    if (r.type !== 'aws_scheduler_schedule' || r.stack !== db.stack) return false;
    const target = block(r.attrs, 'target') ?? {};
    if (!/:rds:(stop|start)DBInstance$/.test(str(target, 'arn') ?? '')) return false;
    try {
      return JSON.parse(str(target, 'input') ?? '{}').DbInstanceIdentifier === identifier;
    } catch {
      return false;
    }
  });
  if (schedules.length === 0) return { share: 1 };
  const action = (r: TfResource) => /:rds:(stop|start)DBInstance$/.exec(str(block(r.attrs, 'target') ?? {}, 'arn') ?? '')?.[1];
  const stops = schedules.filter((s) => action(s) === 'stop');
  const starts = schedules.filter((s) => action(s) === 'start');
  const crons = [stops, starts].map((l) => (l.length === 1 ? parseSchedulerCron(str(l[0]!.attrs, 'schedule_expression') ?? '') : 'needs one schedule'));
  const zones = new Set(schedules.map((s) => str(s.attrs, 'schedule_expression_timezone') ?? 'UTC'));
  if (crons.some((c) => typeof c === 'string') || zones.size !== 1) {
    ctx.warn(`${where(db)}: its schedules are not one weekly stop and one start in one time zone; priced as always running`);
    return { share: 1 };
  }
  const share = weeklyUpFraction(crons[0] as Exclude<(typeof crons)[0], string>, crons[1] as Exclude<(typeof crons)[1], string>);
  return { share, note: `runs ${Math.round(share * 1000) / 10}% of the week, stopped by schedule` };
}

export function priceDbInstances(instances: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return instances.flatMap((db) => {
    const identifier = str(db.attrs, 'identifier') ?? db.name;
    const instanceClass = str(db.attrs, 'instance_class') ?? '?';
    const isReplica = db.attrs.replicate_source_db !== undefined;
    const { source, region: sourceRegion } = isReplica ? replicationSource(db, ctx) : {};
    const crossRegion = isReplica && sourceRegion !== undefined && sourceRegion !== db.region;
    const engine = str(db.attrs, 'engine') ?? (source ? str(source.attrs, 'engine') : undefined) ?? 'postgres';
    const multiAz = bool(db.attrs, 'multi_az') ?? false;
    const copies = multiAz ? 2 : 1;
    const role = isReplica ? (crossRegion ? `cross-region read replica of ${sourceRegion}` : 'read replica') : 'primary';
    const storageGiB = num(db.attrs, 'allocated_storage') ?? (source ? num(source.attrs, 'allocated_storage') : undefined) ?? ctx.usage.value(db, 'storage_gb');
    const storageType = str(db.attrs, 'storage_type') ?? (source ? str(source.attrs, 'storage_type') : undefined) ?? 'gp2';
    if (storageGiB === undefined) ctx.warn(`${where(db)}: its storage size is not in the stacks (source ${String(db.attrs.replicate_source_db)} not found); set resource_usage ${db.address}: storage_gb`);
    if ((num(db.attrs, 'performance_insights_retention_period') ?? 7) > 7 || str(db.attrs, 'database_insights_mode') === 'advanced') {
      ctx.warn(`${where(db)}: paid Performance Insights or Database Insights retention is not priced`);
    }
    const { share, note: schedule } = isReplica ? { share: 1, note: undefined } : dbRunningShare(db, identifier, ctx);
    const facts = { identifier, instanceClass, multiAz, role: isReplica ? 'replica' : 'primary', crossRegion, engine, ...(share < 1 ? { runningShare: share } : {}) };
    const hours = share * HOURS_PER_MONTH;
    const lines = [
      priceLine(ctx, {
        component: `RDS ${engine} ${identifier}`,
        detail: `${instanceClass}, ${role}, ${multiAz ? `Multi-AZ (primary and standby: 2 × ${Math.round(hours)} h)` : `Single-AZ, ${Math.round(hours)} h`}${schedule ? `; ${schedule}` : ''}`,
        category: 'database',
        resources: [db],
        region: db.region,
        priceKey: `rds.${engine}.instance-hour.${instanceClass}`,
        quantity: copies * hours,
        unit: 'instance-hours',
        usageBased: false,
        // A reserved instance bills all 730 hours, stopped or not: for a part-time instance, on-demand may be cheaper.
        ...(share < 1 ? { committedQuantity: copies * HOURS_PER_MONTH } : {}),
        facts,
      }),
      priceLine(ctx, {
        component: `RDS ${engine} ${identifier}: storage`,
        detail: `${storageGiB ?? 0} GiB ${storageType}${multiAz ? ' × 2 (Multi-AZ)' : ''}${storageGiB !== undefined && num(db.attrs, 'allocated_storage') === undefined ? (source ? ` (the source's ${where(source)})` : ' (usage file)') : ''}`,
        category: 'database',
        resources: [db],
        region: db.region,
        priceKey: `rds.${storageType}.gb-month`,
        quantity: copies * (storageGiB ?? 0),
        unit: 'GB-months',
        usageBased: num(db.attrs, 'allocated_storage') === undefined && source === undefined,
        facts: { ...facts, storageGiB: storageGiB ?? 0 },
      }),
    ];
    if ((num(db.attrs, 'backup_retention_period') ?? 0) > 0) {
      lines.push(
        priceLine(ctx, {
          component: `RDS ${engine} ${identifier}: backups`,
          detail: `beyond the free allowance of 100% of provisioned storage, ${num(db.attrs, 'backup_retention_period')} days kept`,
          category: 'backups',
          resources: [db],
          region: db.region,
          priceKey: 'rds.backup.gb-month',
          quantity: usageOf(ctx, db, 'additional_backup_storage_gb'),
          unit: 'GB-months',
          usageBased: true,
          facts,
        }),
      );
    }
    if (crossRegion && sourceRegion) {
      lines.push(
        priceLine(ctx, {
          component: `RDS ${engine} ${identifier}: replication traffic`,
          detail: `${usageOf(ctx, db, 'monthly_cross_region_replication_gb')} GB from ${sourceRegion} to ${db.region}, charged to the source Region`,
          category: 'dataTransfer',
          resources: [db],
          region: sourceRegion,
          priceKey: 'transfer.inter-region.gb',
          quantity: usageOf(ctx, db, 'monthly_cross_region_replication_gb'),
          unit: 'GB',
          usageBased: true,
          facts,
        }),
      );
    }
    return lines;
  });
}

export function priceReplicationGroups(groups: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return groups.map((group) => {
    const engine = str(group.attrs, 'engine') ?? 'redis';
    const nodeType = str(group.attrs, 'node_type') ?? '?';
    const shards = num(group.attrs, 'num_node_groups');
    const nodes = num(group.attrs, 'num_cache_clusters') ?? (shards !== undefined ? shards * ((num(group.attrs, 'replicas_per_node_group') ?? 0) + 1) : 1);
    const id = str(group.attrs, 'replication_group_id') ?? group.name;
    return priceLine(ctx, {
      component: `ElastiCache ${engine} ${id}`,
      detail: `${nodes} × ${nodeType} (${shards !== undefined ? `${shards} shards` : 'num_cache_clusters'}), ${HOURS_PER_MONTH} h`,
      category: 'cache',
      resources: [group],
      region: group.region,
      priceKey: `elasticache.${engine}.node-hour.${nodeType}`,
      quantity: nodes * HOURS_PER_MONTH,
      unit: 'node-hours',
      usageBased: false,
      facts: { nodes, nodeType, engine },
    });
  });
}

export function priceSearchDomains(domains: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return domains.flatMap((domain) => {
    const name = str(domain.attrs, 'domain_name') ?? domain.name;
    const cluster = block(domain.attrs, 'cluster_config') ?? {};
    const instanceType = str(cluster, 'instance_type') ?? 'm4.large.search';
    const count = num(cluster, 'instance_count') ?? 1;
    if (bool(cluster, 'warm_enabled')) ctx.warn(`${where(domain)}: UltraWarm nodes are not priced`);
    const facts = { nodes: count, instanceType };
    const lines = [
      priceLine(ctx, {
        component: `OpenSearch ${name}: data nodes`,
        detail: `${count} × ${instanceType}, ${HOURS_PER_MONTH} h`,
        category: 'search',
        resources: [domain],
        region: domain.region,
        priceKey: `opensearch.instance-hour.${instanceType}`,
        quantity: count * HOURS_PER_MONTH,
        unit: 'instance-hours',
        usageBased: false,
        facts,
      }),
    ];
    if (bool(cluster, 'dedicated_master_enabled')) {
      const masterType = str(cluster, 'dedicated_master_type') ?? instanceType;
      const masters = num(cluster, 'dedicated_master_count') ?? 3;
      lines.push(
        priceLine(ctx, {
          component: `OpenSearch ${name}: dedicated masters`,
          detail: `${masters} × ${masterType}, ${HOURS_PER_MONTH} h`,
          category: 'search',
          resources: [domain],
          region: domain.region,
          priceKey: `opensearch.instance-hour.${masterType}`,
          quantity: masters * HOURS_PER_MONTH,
          unit: 'instance-hours',
          usageBased: false,
          facts: { masters, masterType },
        }),
      );
    }
    const ebs = block(domain.attrs, 'ebs_options') ?? {};
    if (bool(ebs, 'ebs_enabled') !== false) {
      const size = num(ebs, 'volume_size') ?? 10;
      const volumeType = str(ebs, 'volume_type') ?? 'gp2';
      if ((num(ebs, 'iops') ?? 0) > 3000 || (num(ebs, 'throughput') ?? 0) > 125) ctx.warn(`${where(domain)}: gp3 IOPS or throughput above the baseline are not priced`);
      lines.push(
        priceLine(ctx, {
          component: `OpenSearch ${name}: storage`,
          detail: `${count} × ${size} GiB ${volumeType}`,
          category: 'search',
          resources: [domain],
          region: domain.region,
          priceKey: `opensearch.${volumeType}.gb-month`,
          quantity: count * size,
          unit: 'GB-months',
          usageBased: false,
          facts: { ...facts, volumeGiB: size },
        }),
      );
    }
    return lines;
  });
}

/** CloudWatch log groups (ingestion and archived storage) and metric alarms. */
import { byStackAndRegion, located, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { block, list, num, str, type TfResource } from '../resources.ts';
import { isObject } from '../stacks.ts';

/** Days in a month, to turn a retention in days into months of logs kept. */
const DAYS_PER_MONTH = 365 / 12;

/**
 * Archived GB of a log group at steady state: its own `storage_gb`, else a
 * month's ingestion × the months its retention keeps × the compressed
 * fraction. A group kept forever is counted at a year's worth.
 */
function storedGb(group: TfResource, ctx: PricingContext): number {
  const explicit = ctx.usage.value(group, 'storage_gb');
  if (explicit !== undefined) return explicit;
  const retention = num(group.attrs, 'retention_in_days') || 365;
  return usageOf(ctx, group, 'monthly_data_ingested_gb') * (retention / DAYS_PER_MONTH) * (ctx.usage.value(group, 'compressed_storage_fraction') ?? 1);
}

export function priceLogGroups(groups: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(groups).flatMap((members) => {
    const region = members[0]!.region;
    const classes = new Set(members.map((g) => str(g.attrs, 'log_group_class') ?? 'STANDARD'));
    const logClass = classes.size === 1 ? [...classes][0]!.toLowerCase() : 'mixed';
    const ingested = members.reduce((sum, g) => sum + usageOf(ctx, g, 'monthly_data_ingested_gb'), 0);
    const stored = members.reduce((sum, g) => sum + storedGb(g, ctx), 0);
    const retentions = [...new Set(members.map((g) => num(g.attrs, 'retention_in_days') ?? 0))].sort((a, b) => a - b);
    const suffix = logClass === 'standard' ? '' : `.${logClass}`;
    return [
      priceLine(ctx, {
        component: 'CloudWatch Logs: ingestion',
        detail: `${ingested.toFixed(2)} GB into ${plural(members.length, 'log group')} ${located(ctx, members)}`,
        category: 'observability',
        resources: members,
        region,
        priceKey: `cloudwatch.logs.ingest-gb${suffix}`,
        quantity: ingested,
        unit: 'GB',
        usageBased: true,
        facts: { logGroups: members.length },
      }),
      priceLine(ctx, {
        component: 'CloudWatch Logs: storage',
        detail: `${stored.toFixed(2)} GB archived at steady state (retention ${retentions.join('/')} days)`,
        category: 'observability',
        resources: members,
        region,
        priceKey: 'cloudwatch.logs.storage-gb-month',
        quantity: stored,
        unit: 'GB-months',
        usageBased: true,
        facts: { logGroups: members.length },
      }),
    ];
  });
}

/** Metrics an alarm is billed for: one, each metric of a metric-math query, three for anomaly detection. */
function alarmMetrics(alarm: TfResource): number {
  const queries = list(alarm.attrs, 'metric_query').filter(isObject);
  const metrics = queries.length > 0 ? queries.filter((q) => block(q, 'metric')).length || 1 : 1;
  return str(alarm.attrs, 'threshold_metric_id') ? metrics * 3 : metrics;
}

export function priceAlarms(alarms: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(alarms).flatMap((members) => {
    const high = members.filter((a) => (num(a.attrs, 'period') ?? 60) < 60);
    const standard = members.filter((a) => !high.includes(a));
    return [
      { alarms: standard, key: 'cloudwatch.alarm-metric-month', label: 'standard resolution' },
      { alarms: high, key: 'cloudwatch.alarm-metric-month.high-resolution', label: 'high resolution' },
    ]
      .filter((g) => g.alarms.length > 0)
      .map((g) => {
        const metrics = g.alarms.reduce((sum, a) => sum + alarmMetrics(a), 0);
        return priceLine(ctx, {
          component: 'CloudWatch alarms',
          detail: `${plural(g.alarms.length, 'alarm')}, ${plural(metrics, 'metric')}, ${g.label}, ${located(ctx, members)}`,
          category: 'observability',
          resources: g.alarms,
          region: members[0]!.region,
          priceKey: g.key,
          quantity: metrics,
          unit: 'alarm metric-months',
          usageBased: false,
          facts: { alarms: g.alarms.length },
        });
      });
  });
}

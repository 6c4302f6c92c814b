/** S3 buckets (storage, requests), S3 cross-Region replication traffic, ECR image storage and its replicas in other Regions. */
import { byStackAndRegion, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { block, list, resolve, str, where, type TfResource } from '../resources.ts';
import { isObject } from '../stacks.ts';

/** A bucket name with its Terraform interpolations shortened: `hexabid-dev-documents-<…>`. */
export function displayName(value: string | undefined, fallback: string): string {
  return value ? value.replace(/\$\{[^}]*\}/g, '<…>') : fallback;
}

/** Storage is priced as S3 Standard, an upper bound for buckets whose lifecycle moves objects to cheaper classes. */
export function priceBuckets(buckets: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return buckets.flatMap((bucket) => {
    const name = displayName(str(bucket.attrs, 'bucket'), bucket.name);
    const stored = usageOf(ctx, bucket, 'storage_gb');
    const tier1 = usageOf(ctx, bucket, 'monthly_tier_1_requests');
    const tier2 = usageOf(ctx, bucket, 'monthly_tier_2_requests');
    const common = { category: 'objectStorage', resources: [bucket], region: bucket.region, usageBased: true } as const;
    return [
      priceLine(ctx, { ...common, component: `S3 ${name}`, detail: `${stored.toLocaleString('en-US')} GB, priced as S3 Standard`, priceKey: 's3.standard.gb-month', quantity: stored, unit: 'GB-months', facts: { storageGb: stored } }),
      priceLine(ctx, { ...common, component: `S3 ${name}: PUT/COPY/POST/LIST`, detail: `${tier1.toLocaleString('en-US')} requests`, priceKey: 's3.requests.tier1-1k', quantity: tier1 / 1000, unit: '1k requests' }),
      priceLine(ctx, { ...common, component: `S3 ${name}: GET and other`, detail: `${tier2.toLocaleString('en-US')} requests`, priceKey: 's3.requests.tier2-1k', quantity: tier2 / 1000, unit: '1k requests' }),
    ];
  });
}

/** Replication to a bucket in another Region is charged as inter-Region transfer out of the source Region. */
export function priceBucketReplication(configurations: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return configurations.flatMap((configuration) => {
    const source = resolve(configuration, configuration.attrs.bucket, ctx.resources);
    const sourceRegion = source?.region ?? configuration.region;
    const destinations = list(configuration.attrs, 'rule')
      .filter(isObject)
      .map((rule) => resolve(configuration, block(rule, 'destination')?.bucket, ctx.resources));
    const regions = [...new Set(destinations.map((d) => d?.region ?? '?'))];
    if (regions.includes('?')) ctx.warn(`${where(configuration)}: a destination bucket is not in the environment's stacks; its Region is unknown`);
    const remote = regions.filter((r) => r !== sourceRegion && r !== '?');
    if (remote.length === 0) return [];
    const name = displayName(str(source?.attrs ?? {}, 'bucket'), configuration.name);
    const replicated = usageOf(ctx, configuration, 'monthly_replicated_gb');
    const lines = [
      priceLine(ctx, {
        component: `S3 replication ${name}`,
        detail: `${replicated} GB from ${sourceRegion} to ${remote.join(', ')}`,
        category: 'dataTransfer',
        resources: [configuration],
        region: sourceRegion,
        priceKey: 'transfer.inter-region.gb',
        quantity: replicated,
        unit: 'GB',
        usageBased: true,
      }),
    ];
    // Replication Time Control (the 15-minute SLA) adds a fee for every GB it replicates.
    const timed = list(configuration.attrs, 'rule')
      .filter(isObject)
      .some((rule) => str(block(block(rule, 'destination') ?? {}, 'replication_time') ?? {}, 'status') === 'Enabled');
    if (timed) {
      lines.push(
        priceLine(ctx, {
          component: `S3 Replication Time Control ${name}`,
          detail: `${replicated} GB replicated under the 15-minute SLA`,
          category: 'dataTransfer',
          resources: [configuration],
          region: sourceRegion,
          priceKey: 's3.rtc.gb',
          quantity: replicated,
          unit: 'GB',
          usageBased: true,
        }),
      );
    }
    return lines;
  });
}

export function priceImageRepositories(repositories: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(repositories).map((group) => {
    const stored = group.reduce((sum, r) => sum + usageOf(ctx, r, 'storage_gb'), 0);
    return priceLine(ctx, {
      component: 'ECR image storage',
      detail: `${stored} GB in ${plural(group.length, 'repository', 'repositories')}`,
      category: 'objectStorage',
      resources: group,
      region: group[0]!.region,
      priceKey: 'ecr.storage-gb-month',
      quantity: stored,
      unit: 'GB-months',
      usageBased: true,
    });
  });
}

/**
 * Registry replication keeps a copy of each matching repository's images in
 * each destination Region (their storage is the repositories' own, from the
 * usage file) and pays inter-Region transfer for what it copies.
 */
export function priceRegistryReplication(configurations: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return configurations.flatMap((configuration) => {
    const rules = list(block(configuration.attrs, 'replication_configuration') ?? {}, 'rule').filter(isObject);
    return rules.flatMap((rule) => {
      const prefixes = list(rule, 'repository_filter')
        .filter(isObject)
        .map((f) => str(f, 'filter') ?? '');
      const repositories = ctx.resources.filter(
        (r) => r.type === 'aws_ecr_repository' && r.stack === configuration.stack && (prefixes.length === 0 || prefixes.some((p) => (str(r.attrs, 'name') ?? '').startsWith(p))),
      );
      const stored = repositories.reduce((sum, r) => sum + usageOf(ctx, r, 'storage_gb'), 0);
      const regions = list(rule, 'destination')
        .filter(isObject)
        .map((d) => str(d, 'region') ?? '?')
        .filter((region) => region !== configuration.region);
      return regions.flatMap((region) => [
        priceLine(ctx, {
          component: `ECR replica images in ${region}`,
          detail: `${stored} GB: copies of ${plural(repositories.length, 'repository', 'repositories')} (${prefixes.join(', ') || 'all'})`,
          category: 'objectStorage',
          resources: [configuration],
          region,
          priceKey: 'ecr.storage-gb-month',
          quantity: stored,
          unit: 'GB-months',
          usageBased: true,
        }),
        priceLine(ctx, {
          component: `ECR replication to ${region}`,
          detail: `${usageOf(ctx, configuration, 'monthly_replicated_gb')} GB from ${configuration.region} to ${region}`,
          category: 'dataTransfer',
          resources: [configuration],
          region: configuration.region,
          priceKey: 'transfer.inter-region.gb',
          quantity: usageOf(ctx, configuration, 'monthly_replicated_gb'),
          unit: 'GB',
          usageBased: true,
        }),
      ]);
    });
  });
}

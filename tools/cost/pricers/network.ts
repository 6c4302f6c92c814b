/** NAT gateways, public IPv4 addresses (Elastic IPs) and VPC endpoints. */
import { byStackAndRegion, located, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { HOURS_PER_MONTH } from '../price-table.ts';
import { list, str, where, type TfResource } from '../resources.ts';

export function priceNatGateways(gateways: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(gateways).flatMap((group) => {
    const first = group[0]!;
    const processed = group.reduce((sum, g) => sum + usageOf(ctx, g, 'monthly_data_processed_gb'), 0);
    return [
      priceLine(ctx, {
        component: 'NAT gateways',
        detail: `${plural(group.length, 'gateway')} × ${HOURS_PER_MONTH} h ${located(ctx, group)}`,
        category: 'network',
        resources: group,
        region: first.region,
        priceKey: 'vpc.nat-gateway-hour',
        quantity: group.length * HOURS_PER_MONTH,
        unit: 'gateway-hours',
        usageBased: false,
        facts: { gateways: group.length },
      }),
      priceLine(ctx, {
        component: 'NAT gateways: data processed',
        detail: `${processed} GB through ${plural(group.length, 'gateway')}`,
        category: 'network',
        resources: group,
        region: first.region,
        priceKey: 'vpc.nat-gateway-gb',
        quantity: processed,
        unit: 'GB',
        usageBased: true,
        facts: { gateways: group.length },
      }),
    ];
  });
}

/** Every public IPv4 address is charged by the hour, an Elastic IP on a NAT gateway included. */
export function priceElasticIps(ips: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(ips).map((group) =>
    priceLine(ctx, {
      component: 'Public IPv4 addresses (Elastic IPs)',
      detail: `${plural(group.length, 'address', 'addresses')} × ${HOURS_PER_MONTH} h ${located(ctx, group)}`,
      category: 'network',
      resources: group,
      region: group[0]!.region,
      priceKey: 'vpc.public-ipv4-hour',
      quantity: group.length * HOURS_PER_MONTH,
      unit: 'address-hours',
      usageBased: false,
      facts: { addresses: group.length },
    }),
  );
}

/** Interface endpoints cost per hour in each subnet (zone) and per GB; gateway endpoints (S3, DynamoDB) are free. */
export function priceVpcEndpoints(endpoints: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return endpoints.flatMap((endpoint) => {
    const kind = str(endpoint.attrs, 'vpc_endpoint_type') ?? 'Gateway';
    if (kind === 'Gateway') return [];
    if (kind !== 'Interface') {
      ctx.warn(`${where(endpoint)}: ${kind} endpoints are not priced`);
      return [];
    }
    const zones = list(endpoint.attrs, 'subnet_ids').length || 1;
    const service = (str(endpoint.attrs, 'service_name') ?? '?').split('.').at(-1);
    return [
      priceLine(ctx, {
        component: `VPC interface endpoint ${service}`,
        detail: `${plural(zones, 'zone')} × ${HOURS_PER_MONTH} h`,
        category: 'network',
        resources: [endpoint],
        region: endpoint.region,
        priceKey: 'vpc.interface-endpoint-hour',
        quantity: zones * HOURS_PER_MONTH,
        unit: 'endpoint-zone-hours',
        usageBased: false,
        facts: { zones },
      }),
      priceLine(ctx, {
        component: `VPC interface endpoint ${service}: data`,
        detail: `${usageOf(ctx, endpoint, 'monthly_data_processed_gb')} GB processed`,
        category: 'network',
        resources: [endpoint],
        region: endpoint.region,
        priceKey: 'vpc.interface-endpoint-gb',
        quantity: usageOf(ctx, endpoint, 'monthly_data_processed_gb'),
        unit: 'GB',
        usageBased: true,
      }),
    ];
  });
}

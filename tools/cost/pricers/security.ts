/** KMS customer managed keys and Secrets Manager secrets (with their replicas in other Regions). */
import { byStackAndRegion, located, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { bool, list, str, type TfResource } from '../resources.ts';
import { isObject } from '../stacks.ts';

export function priceKmsKeys(keys: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(keys).flatMap((group) => {
    const rotating = group.filter((k) => bool(k.attrs, 'enable_key_rotation')).length;
    const requests = group.reduce((sum, k) => sum + usageOf(ctx, k, 'monthly_requests'), 0);
    return [
      priceLine(ctx, {
        component: 'KMS keys',
        detail: `${plural(group.length, 'key')} ${located(ctx, group)}${rotating ? `; ${rotating} ${rotating === 1 ? 'rotates' : 'rotate'} yearly, and each of the first two rotations adds a key-month (not included)` : ''}`,
        category: 'security',
        resources: group,
        region: group[0]!.region,
        priceKey: 'kms.key-month',
        quantity: group.length,
        unit: 'key-months',
        usageBased: false,
        facts: { keys: group.length },
      }),
      priceLine(ctx, {
        component: 'KMS keys: requests',
        detail: `${requests.toLocaleString('en-US')} requests to ${plural(group.length, 'key')}`,
        category: 'security',
        resources: group,
        region: group[0]!.region,
        priceKey: 'kms.requests-10k',
        quantity: requests / 1e4,
        unit: '10k requests',
        usageBased: true,
      }),
    ];
  });
}

/** A secret costs a month in its Region; each replica is a secret of its own in the replica's Region. */
export function priceSecrets(secrets: readonly TfResource[], ctx: PricingContext): LineItem[] {
  const lines = byStackAndRegion(secrets).flatMap((group) => {
    const requests = group.reduce((sum, s) => sum + usageOf(ctx, s, 'monthly_requests'), 0);
    return [
      priceLine(ctx, {
        component: 'Secrets Manager secrets',
        detail: `${plural(group.length, 'secret')} ${located(ctx, group)}`,
        category: 'security',
        resources: group,
        region: group[0]!.region,
        priceKey: 'secretsmanager.secret-month',
        quantity: group.length,
        unit: 'secret-months',
        usageBased: false,
        facts: { secrets: group.length },
      }),
      priceLine(ctx, {
        component: 'Secrets Manager secrets: API calls',
        detail: `${requests.toLocaleString('en-US')} calls`,
        category: 'security',
        resources: group,
        region: group[0]!.region,
        priceKey: 'secretsmanager.requests-10k',
        quantity: requests / 1e4,
        unit: '10k calls',
        usageBased: true,
      }),
    ];
  });
  const replicas = new Map<string, TfResource[]>();
  for (const secret of secrets) {
    for (const replica of list(secret.attrs, 'replica').filter(isObject)) {
      const region = str(replica, 'region') ?? '?';
      replicas.set(`${secret.stack}@${region}`, [...(replicas.get(`${secret.stack}@${region}`) ?? []), secret]);
    }
  }
  for (const [id, group] of replicas) {
    const region = id.split('@')[1]!;
    lines.push(
      priceLine(ctx, {
        component: 'Secrets Manager replica secrets',
        detail: `${plural(group.length, 'replica')} in ${region}, of secrets in ${group[0]!.stack}`,
        category: 'security',
        resources: group,
        region,
        priceKey: 'secretsmanager.secret-month',
        quantity: group.length,
        unit: 'secret-months',
        usageBased: false,
        facts: { secrets: group.length, replicas: true },
      }),
    );
  }
  return lines;
}

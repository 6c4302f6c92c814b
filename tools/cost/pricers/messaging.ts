/** Lambda functions, SNS topics and SQS queues: usage-based, and small at these volumes. */
import { byStackAndRegion, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { bool, list, num, str, type TfResource } from '../resources.ts';

/** Requests by the million and compute by the GB-second, at list prices (the always-free tier is not taken off). */
export function priceFunctions(functions: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return functions.flatMap((fn) => {
    const name = str(fn.attrs, 'function_name') ?? fn.name;
    const architecture = list(fn.attrs, 'architectures')[0] === 'arm64' ? 'arm64' : 'x86_64';
    const memoryMb = num(fn.attrs, 'memory_size') ?? 128;
    const requests = usageOf(ctx, fn, 'monthly_requests');
    const durationMs = usageOf(ctx, fn, 'request_duration_ms');
    const gbSeconds = requests * (durationMs / 1000) * (memoryMb / 1024);
    return [
      priceLine(ctx, {
        component: `Lambda ${name}: requests`,
        detail: `${requests.toLocaleString('en-US')} invocations`,
        category: 'messaging',
        resources: [fn],
        region: fn.region,
        priceKey: 'lambda.requests-1m',
        quantity: requests / 1e6,
        unit: 'million requests',
        usageBased: true,
      }),
      priceLine(ctx, {
        component: `Lambda ${name}: compute`,
        detail: `${requests.toLocaleString('en-US')} × ${durationMs} ms × ${memoryMb} MB, ${architecture}`,
        category: 'messaging',
        resources: [fn],
        region: fn.region,
        priceKey: `lambda.gb-second.${architecture}`,
        quantity: gbSeconds,
        unit: 'GB-seconds',
        usageBased: true,
      }),
    ];
  });
}

export function priceTopics(topics: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(topics).map((group) => {
    const requests = group.reduce((sum, t) => sum + usageOf(ctx, t, 'monthly_requests'), 0);
    return priceLine(ctx, {
      component: 'SNS topics: publishes',
      detail: `${requests.toLocaleString('en-US')} to ${plural(group.length, 'topic')} (deliveries to Lambda are free)`,
      category: 'messaging',
      resources: group,
      region: group[0]!.region,
      priceKey: 'sns.requests-1m',
      quantity: requests / 1e6,
      unit: 'million requests',
      usageBased: true,
    });
  });
}

export function priceQueues(queues: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(queues).flatMap((group) =>
    [false, true].flatMap((fifo) => {
      const members = group.filter((q) => (bool(q.attrs, 'fifo_queue') ?? false) === fifo);
      if (members.length === 0) return [];
      const requests = members.reduce((sum, q) => sum + usageOf(ctx, q, 'monthly_requests'), 0);
      return [
        priceLine(ctx, {
          component: `SQS ${fifo ? 'FIFO' : 'standard'} queues: requests`,
          detail: `${requests.toLocaleString('en-US')} to ${plural(members.length, 'queue')}`,
          category: 'messaging',
          resources: members,
          region: members[0]!.region,
          priceKey: fifo ? 'sqs.requests-1m.fifo' : 'sqs.requests-1m',
          quantity: requests / 1e6,
          unit: 'million requests',
          usageBased: true,
        }),
      ];
    }),
  );
}

/**
 * Why an estimate differs from the design's: category by category, the
 * difference and a reason computed from the line items (counts, classes,
 * Multi-AZ, usage) and the design's own lines.
 */
import type { DesignEstimate, DesignLine } from './design.ts';
import type { EnvironmentEstimate } from './estimate.ts';
import { CATEGORIES, plural, type CostCategory, type LineItem } from './line-items.ts';
import { HOURS_PER_MONTH } from './price-table.ts';
import { usd } from './money.ts';

export interface Difference {
  readonly category: CostCategory;
  readonly estimateUsd: number;
  readonly designUsd: number;
  readonly deltaUsd: number;
  readonly reason: string;
}

const total = (items: readonly { readonly monthlyUsd?: number; readonly usd?: number }[]) => items.reduce((s, i) => s + (i.monthlyUsd ?? i.usd ?? 0), 0);
const whole = (amount: number) => usd(amount, { cents: false });
const share = (part: number, of: number) => (of > 0 ? `${Math.round((part / of) * 100)}% of list` : '');

function nodes(lines: readonly LineItem[], design: readonly DesignLine[]): string {
  const groups = lines.filter((l) => l.priceKey.startsWith('ec2.instance-hour.'));
  const credits = lines.filter((l) => l.priceKey.startsWith('ec2.cpu-credits.'));
  const count = groups.reduce((s, l) => s + Number(l.facts?.nodes ?? 0), 0);
  const volumes = lines.filter((l) => l.priceKey.startsWith('ebs.'));
  const volumeGb = volumes.reduce((s, l) => s + l.quantity, 0);
  const planned = design[0];
  const described = groups.map((l) => {
    const share = Number(l.facts?.runningShare ?? 1);
    const spot = l.facts?.capacityType === 'SPOT' ? ' Spot' : '';
    return `${l.facts?.nodeGroup} ${l.facts?.nodes} × ${l.facts?.instanceType}${spot}${share < 1 ? `, ${Math.round(share * 100)}% of the week` : ''}`;
  });
  const parts = [`${plural(count, 'node')} at desired size (${described.join('; ')})${planned?.count ? ` against the design's ${planned.count} × ${planned.what}` : ''}`];
  const perNode = groups[0] ? groups[0].unitPriceUsd * HOURS_PER_MONTH : 0;
  if (planned?.count && groups.length > 0 && groups.every((l) => l.facts?.instanceType === planned.what)) {
    parts.push(`the design prices a ${planned.what} at ${whole(planned.usd / planned.count)} a month, list is ${whole(perNode)}`);
  }
  if (volumeGb > 0) parts.push(`${Math.round(volumeGb)} GB-months of root volumes (${whole(total(volumes))}) are not in the design`);
  if (credits.length > 0 && total(credits) >= 0.5) parts.push(`surplus CPU credits at the usage file's sustained load add ${whole(total(credits))}`);
  const min = total(groups.map((l) => ({ monthlyUsd: l.atMinUsd ?? l.monthlyUsd })));
  const max = total(groups.map((l) => ({ monthlyUsd: l.atMaxUsd ?? l.monthlyUsd })));
  if (max > min) parts.push(`instances cost ${whole(min)}–${whole(max)} between the groups' minimum and maximum sizes`);
  return parts.join('; ');
}

function database(lines: readonly LineItem[], design: readonly DesignLine[]): string {
  const instances = lines.filter((l) => l.unit === 'instance-hours');
  const storage = lines.filter((l) => l.unit === 'GB-months');
  const parts: string[] = [];
  const primaries = instances.filter((l) => l.facts?.role === 'primary');
  const replicas = instances.filter((l) => l.facts?.role === 'replica');
  const designPrimary = design.filter((d) => d.what !== 'replica');
  const designReplicas = design.filter((d) => d.what === 'replica');
  for (const primary of primaries) {
    parts.push(
      `${primary.facts?.multiAz ? 'Multi-AZ ' : ''}${primary.facts?.instanceClass} at list is ${whole(primary.monthlyUsd)}` +
        (Number(primary.facts?.runningShare ?? 1) < 1 ? `, running ${Math.round(Number(primary.facts?.runningShare) * 100)}% of the week` : '') +
        (designPrimary.length > 0 ? `; the design has ${whole(total(designPrimary))} (${share(total(designPrimary), primary.monthlyUsd)})` : ''),
    );
  }
  if (replicas.length > 0 || designReplicas.length > 0) {
    const designCount = designReplicas.reduce((s, d) => s + (d.count ?? 1), 0);
    parts.push(
      `${plural(replicas.length, 'read replica')} at list ${whole(total(replicas))}` +
        (designReplicas.length > 0 ? `; the design has ${designCount} at ${whole(total(designReplicas))} (${share(total(designReplicas), total(replicas))})` : ''),
    );
  }
  const storageGb = storage.reduce((s, l) => s + l.quantity, 0);
  if (storageGb > 0) parts.push(`${storageGb} GB-months of storage (Multi-AZ counts twice) add ${whole(total(storage))}, not in the design`);
  return parts.join('; ');
}

function countedAgainstDesign(lines: readonly LineItem[], design: readonly DesignLine[], noun: string): string {
  const instances = lines.filter((l) => l.unit === 'instance-hours' || l.unit === 'node-hours');
  const count = instances.reduce((s, l) => s + l.quantity / HOURS_PER_MONTH, 0);
  const types = [...new Set(instances.map((l) => String(l.facts?.instanceType ?? l.facts?.nodeType ?? l.facts?.masterType ?? '')))].join(', ');
  const storage = lines.filter((l) => l.unit === 'GB-months');
  const planned = design[0];
  return (
    `${plural(count, noun)} (${types})${storage.length ? ` and ${storage.reduce((s, l) => s + l.quantity, 0)} GB of storage` : ''} at list` +
    (planned ? ` against the design's ${planned.count ?? 1} × ${planned.what} at ${whole(planned.usd)}` : ', not in the design')
  );
}

function itemised(lines: readonly LineItem[]): string {
  const byComponent = new Map<string, number>();
  for (const line of lines) {
    const key = line.component.split(':')[0]!.replace(/ for helm release .*/, '');
    byComponent.set(key, (byComponent.get(key) ?? 0) + line.monthlyUsd);
  }
  return [...byComponent].filter(([, amount]) => amount >= 0.5).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([what, amount]) => `${what} ${whole(amount)}`).join(', ');
}

function usageBased(lines: readonly LineItem[], design: readonly DesignLine[]): string {
  const described = [...lines]
    .filter((l) => l.monthlyUsd >= 0.5)
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd)
    .slice(0, 3)
    .map((l) => `${l.component} ${whole(l.monthlyUsd)} (${l.detail.split(':')[0]}${l.region === lines[0]?.region ? '' : `, ${l.region}`})`)
    .join('; ');
  return `from the usage file${described ? ` (${described})` : ''}${design.length ? ` against the design's ${design.map((d) => d.label).join(', ')}` : ''}`;
}

function reasonFor(category: CostCategory, lines: readonly LineItem[], design: readonly DesignLine[]): string {
  if (lines.length === 0) return `the design's ${design.map((d) => d.label).join(', ')} has nothing to price in the stacks${category === 'edge' ? ' (no CloudFront distribution is defined)' : ''}`;
  switch (category) {
    case 'nodes':
      return nodes(lines, design);
    case 'database':
      return database(lines, design);
    case 'cache':
      return countedAgainstDesign(lines, design, 'node');
    case 'search':
      return countedAgainstDesign(lines, design, 'node');
    case 'objectStorage':
    case 'dataTransfer':
    case 'backups':
      return usageBased(lines, design);
    default:
      return `${itemised(lines)}${design.length ? ` against the design's ${design.map((d) => `${d.label} ${whole(d.usd)}`).join(', ')}` : ', not in the design'}`;
  }
}

/** Each category where the estimate and the design differ by a dollar or more, the largest difference first. */
export function differences(estimate: EnvironmentEstimate, design: DesignEstimate): Difference[] {
  const categories = Object.keys(CATEGORIES) as CostCategory[];
  return categories
    .map((category) => {
      const lines = estimate.lines.filter((l) => l.category === category);
      const planned = design.lines.filter((d) => d.category === category);
      const estimateUsd = total(lines);
      const designUsd = total(planned);
      return { category, estimateUsd, designUsd, deltaUsd: estimateUsd - designUsd, lines, planned };
    })
    .filter((d) => Math.abs(d.deltaUsd) >= 1)
    .sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd))
    .map(({ lines, planned, ...d }) => ({ ...d, reason: reasonFor(d.category, lines, planned) }));
}

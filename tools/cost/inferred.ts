/**
 * What costs money without being a resource of the stacks: AWS objects that
 * controllers in the cluster create from Helm releases, and traffic.
 *
 * - The ALB the AWS Load Balancer Controller makes for each release whose
 *   values turn on an `alb` Ingress (one per Ingress, as no group is set),
 *   with a public IPv4 address in each zone it spans when internet-facing.
 * - The EBS volumes the EBS CSI driver makes for kube-prometheus-stack's
 *   persistent volume claims (Prometheus, Alertmanager, Grafana).
 * - Data transfer out to the internet, from the usage file, in an
 *   environment with an internet-facing ALB or a NAT gateway.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { plural, priceLine, type LineItem, type PricingContext } from './line-items.ts';
import { HOURS_PER_MONTH } from './price-table.ts';
import { block, list, resolve, str, where, type TfResource } from './resources.ts';
import { isObject, type JsonObject, type JsonValue } from './stacks.ts';

type Values = Record<string, unknown>;

function isValues(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(into: Values, from: Values): Values {
  const out: Values = { ...into };
  for (const [key, value] of Object.entries(from)) out[key] = isValues(value) && isValues(out[key]) ? merge(out[key] as Values, value) : value;
  return out;
}

/** Parsed values documents by their text: environments share charts and most values, and YAML parsing is the slow part. */
const parsedDocuments = new Map<string, unknown>();

/** A values document: JSON (as cdktf writes most) or YAML. */
function parseValues(text: string): unknown {
  let parsed = parsedDocuments.get(text);
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = parse(text);
    }
    parsedDocuments.set(text, parsed ?? null);
  }
  return parsed;
}

/** The default values of a release's chart, when the chart is a local asset of the stack (no repository). */
function chartDefaults(release: TfResource): string | undefined {
  const chart = str(release.attrs, 'chart');
  if (!chart || release.attrs.repository !== undefined || !release.stackDir || chart.startsWith('/')) return undefined;
  const file = join(release.stackDir, chart, 'values.yaml');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** A release's values as Helm sees them: its chart's defaults (a local chart's), its values documents in order, then its literal `set` entries. */
export function releaseValues(release: TfResource): Values {
  let values: Values = {};
  for (const doc of [chartDefaults(release), ...list(release.attrs, 'values')]) {
    if (typeof doc !== 'string') continue;
    const parsed = parseValues(doc);
    if (isValues(parsed)) values = merge(values, parsed);
  }
  for (const entry of list(release.attrs, 'set').filter(isObject)) {
    const name = str(entry, 'name');
    const raw = entry.value;
    if (!name || typeof raw !== 'string' || raw.includes('${')) continue;
    const value: unknown = raw === 'true' ? true : raw === 'false' ? false : raw;
    const path = name.split('.');
    let node = values;
    for (const step of path.slice(0, -1)) node = (isValues(node[step]) ? node[step] : (node[step] = {})) as Values;
    node[path.at(-1)!] = value;
  }
  return values;
}

function at(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, step) => (isValues(node) ? node[step] : undefined), values);
}

/** Whether a release's values, or its local chart's defaults, say anything of an Ingress: only those are parsed. */
function mentionsIngress(release: TfResource): boolean {
  const texts = [chartDefaults(release) ?? '', ...list(release.attrs, 'values').filter((v): v is string => typeof v === 'string')];
  return texts.some((t) => /ingress/i.test(t)) || list(release.attrs, 'set').some((s) => isObject(s) && str(s, 'name')?.startsWith('ingress.'));
}

/** Subnets the controller may place an internet-facing load balancer in: tagged `kubernetes.io/role/elb`. */
function publicLoadBalancerZones(ctx: PricingContext): number {
  return ctx.resources.filter((r) => {
    const tags = block(r.attrs, 'tags');
    return r.type === 'aws_subnet' && tags !== undefined && tags['kubernetes.io/role/elb'] === '1';
  }).length;
}

/** The controller's load balancers: one per release with an `alb` Ingress, in a stack that installs the controller. */
export function inferLoadBalancers(ctx: PricingContext): LineItem[] {
  const releases = ctx.resources.filter((r) => r.type === 'helm_release');
  return releases.flatMap((release) => {
    if (!mentionsIngress(release)) return [];
    const values = releaseValues(release);
    const ingress = at(values, 'ingress');
    const annotations = at(ingress, 'annotations');
    const annotation = (key: string): unknown => (isValues(annotations) ? annotations[key] : undefined);
    const className = at(ingress, 'className') ?? annotation('kubernetes.io/ingress.class');
    if (at(ingress, 'enabled') !== true || !(className === 'alb' || at(ingress, 'alb.enabled') === true)) return [];
    const controller = releases.some((r) => r.stack === release.stack && str(r.attrs, 'chart') === 'aws-load-balancer-controller');
    if (!controller) {
      ctx.warn(`${where(release)}: an alb Ingress, but no aws-load-balancer-controller release in ${release.stack}; no load balancer priced`);
      return [];
    }
    // The controller's default scheme is internal.
    const scheme = String(at(ingress, 'alb.scheme') ?? annotation('alb.ingress.kubernetes.io/scheme') ?? 'internal');
    const name = str(release.attrs, 'name') ?? release.name;
    const subject = { type: 'aws_lb', name: release.name };
    const usage = (key: string) => ctx.usage.value(subject, key) ?? 0;
    // An LCU is the most of: 25 new connections/s, 3,000 active connections/min, 1 GB/h to instance or IP targets, 1,000 rule evaluations/s.
    const lcus = Math.max(usage('new_connections') / 25, usage('active_connections') / 3000, usage('processed_bytes_gb'), usage('rule_evaluations') / 1000);
    const common = { category: 'loadBalancer', resources: [release], resourceType: 'aws_lb', region: release.region } as const;
    const lines = [
      priceLine(ctx, { ...common, component: `ALB for helm release ${name}`, detail: `${scheme}, made by the AWS Load Balancer Controller, ${HOURS_PER_MONTH} h`, priceKey: 'elb.alb-hour', quantity: HOURS_PER_MONTH, unit: 'load balancer-hours', usageBased: false, facts: { loadBalancers: 1, scheme, release: release.name } }),
      priceLine(ctx, { ...common, component: `ALB for helm release ${name}: capacity units`, detail: `${lcus.toFixed(2)} LCU on average × ${HOURS_PER_MONTH} h`, priceKey: 'elb.alb-lcu-hour', quantity: lcus * HOURS_PER_MONTH, unit: 'LCU-hours', usageBased: true }),
    ];
    if (scheme === 'internet-facing') {
      const zones = publicLoadBalancerZones(ctx);
      if (zones === 0) ctx.warn(`${where(release)}: no subnet tagged kubernetes.io/role/elb; priced the ALB's minimum of two zones`);
      const addresses = zones || 2;
      lines.push(
        priceLine(ctx, {
          ...common,
          component: `ALB for helm release ${name}: public IPv4`,
          detail: `${plural(addresses, 'address', 'addresses')} (one per public subnet) × ${HOURS_PER_MONTH} h`,
          priceKey: 'vpc.public-ipv4-hour',
          quantity: addresses * HOURS_PER_MONTH,
          unit: 'address-hours',
          usageBased: false,
          facts: { addresses },
        }),
      );
    }
    return lines;
  });
}

/** "200Gi", "50G", "1Ti" in GiB. */
function gibibytes(quantity: unknown): number | undefined {
  const match = typeof quantity === 'string' ? /^(\d+(?:\.\d+)?)\s*(Mi|Gi|Ti|M|G|T)?$/.exec(quantity) : undefined;
  if (!match) return undefined;
  const scale: Record<string, number> = { Mi: 1 / 1024, Gi: 1, Ti: 1024, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30 };
  return Number(match[1]) * scale[match[2] ?? 'Gi']!;
}

/** The EBS volume type of a storage class: the one a claim names, else the cluster's default class, else EKS's gp2. */
function volumeType(release: TfResource, storageClassName: unknown, ctx: PricingContext): string {
  const classes = ctx.resources.filter((r) => r.type === 'kubernetes_storage_class_v1' && r.stack === release.stack);
  const named = resolve(release, storageClassName as JsonValue, ctx.resources)
    ?? classes.find((c) => str(block(c.attrs, 'metadata') ?? {}, 'name') === storageClassName)
    ?? classes.find((c) => (block(block(c.attrs, 'metadata') ?? {}, 'annotations') as JsonObject | undefined)?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  return (named && str(block(named.attrs, 'parameters') ?? {}, 'type')) || 'gp2';
}

/** kube-prometheus-stack's claims: Prometheus and Alertmanager per replica, Grafana when persistence is on. */
export function inferMonitoringVolumes(ctx: PricingContext): LineItem[] {
  return ctx.resources
    .filter((r) => r.type === 'helm_release' && str(r.attrs, 'chart') === 'kube-prometheus-stack')
    .flatMap((release) => {
      const values = releaseValues(release);
      const claims = [
        { who: 'Prometheus', spec: at(values, 'prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec'), replicas: at(values, 'prometheus.prometheusSpec.replicas') },
        { who: 'Alertmanager', spec: at(values, 'alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec'), replicas: at(values, 'alertmanager.alertmanagerSpec.replicas') },
        ...(at(values, 'grafana.persistence.enabled') === true
          ? [{ who: 'Grafana', spec: { resources: { requests: { storage: at(values, 'grafana.persistence.size') ?? '10Gi' } }, storageClassName: at(values, 'grafana.persistence.storageClassName') }, replicas: 1 }]
          : []),
      ];
      return claims.flatMap(({ who, spec, replicas }) => {
        const size = gibibytes(at(spec, 'resources.requests.storage'));
        if (size === undefined) return [];
        const count = typeof replicas === 'number' ? replicas : 1;
        const type = volumeType(release, at(spec, 'storageClassName'), ctx);
        return [
          priceLine(ctx, {
            component: `${who} volumes (kube-prometheus-stack)`,
            detail: `${count} × ${size} GiB ${type}, made by the EBS CSI driver for the release's claims`,
            category: 'observability',
            resources: [release],
            resourceType: 'aws_ebs_volume',
            region: release.region,
            priceKey: `ebs.${type}.gb-month`,
            quantity: count * size,
            unit: 'GB-months',
            usageBased: false,
            facts: { volumes: count, volumeGiB: size },
          }),
        ];
      });
    });
}

/** Data transfer out to the internet, in the Region of the environment's load balancer or NAT gateway. */
export function inferInternetTransfer(ctx: PricingContext, loadBalancers: readonly LineItem[]): LineItem[] {
  const gb = ctx.usage.dataTransfer('monthly_outbound_internet_gb');
  const publicLb = loadBalancers.find((l) => l.priceKey === 'elb.alb-hour' && l.facts?.scheme === 'internet-facing');
  const nat = ctx.resources.find((r) => r.type === 'aws_nat_gateway');
  const origin = publicLb ? { stack: publicLb.stack, region: publicLb.region } : nat ? { stack: nat.stack, region: nat.region } : undefined;
  if (!origin) {
    if (gb) ctx.warn(`${ctx.usage.file.path}: data_transfer is set, but the environment has no internet-facing load balancer or NAT gateway`);
    return [];
  }
  return [
    priceLine(ctx, {
      component: 'Data transfer out to the internet',
      detail: `${(gb ?? 0).toLocaleString('en-US')} GB: responses through the load balancer and egress through NAT (the account's first 100 GB a month are free)`,
      category: 'dataTransfer',
      resources: [],
      resourceType: 'data_transfer',
      stack: origin.stack,
      region: origin.region,
      priceKey: 'transfer.internet-out.gb',
      quantity: gb ?? 0,
      unit: 'GB',
      usageBased: true,
    }),
  ];
}

/**
 * Data transfer between zones of a Region, from the usage file: AWS charges
 * each side (out of one zone, into the other), so a GB moved is billed twice.
 * Priced where the environment's cluster runs; a standby with no cluster
 * running has none.
 */
export function inferCrossZoneTransfer(ctx: PricingContext): LineItem[] {
  const gb = ctx.usage.dataTransfer('monthly_cross_zone_gb');
  const cluster = ctx.resources.find((r) => r.type === 'aws_eks_cluster');
  if (!cluster) {
    if (gb) ctx.warn(`${ctx.usage.file.path}: data_transfer.monthly_cross_zone_gb is set, but the environment has no cluster to send it`);
    return [];
  }
  return [
    priceLine(ctx, {
      component: 'Data transfer between zones',
      detail: `${(gb ?? 0).toLocaleString('en-US')} GB between zones (pods, cache, search and database replicas), charged out and in`,
      category: 'dataTransfer',
      resources: [],
      resourceType: 'data_transfer',
      stack: cluster.stack,
      region: cluster.region,
      priceKey: 'transfer.cross-zone.gb',
      quantity: 2 * (gb ?? 0),
      unit: 'GB charged',
      usageBased: true,
    }),
  ];
}

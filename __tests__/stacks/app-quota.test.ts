import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { chartFile } from '../../lib/chart-path.ts';

type Values = Record<string, any>;

/** Helm's merge of a values file over the chart's defaults: maps merge, everything else replaces. */
function merge(base: Values, override: Values): Values {
  const result: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current) ? merge(current, value) : value;
  }
  return result;
}

/** A Kubernetes quantity in cores or bytes. */
function quantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`not a quantity: ${text}`);
  const scale = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * scale;
}

/**
 * The most the chart can ask of the namespace: every component at its
 * autoscaling maximum plus a 25% rolling-update surge, and one scrape.
 */
function peakDemand(values: Values): { pods: number; requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number } {
  const demand = { pods: 0, requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  const add = (count: number, resources: Values) => {
    demand.pods += count;
    demand.requestsCpu += count * quantity(String(resources.requests.cpu));
    demand.requestsMemory += count * quantity(String(resources.requests.memory));
    demand.limitsCpu += count * quantity(String(resources.limits.cpu));
    demand.limitsMemory += count * quantity(String(resources.limits.memory));
  };
  for (const name of ['api', 'worker', 'frontend']) {
    const component = values[name];
    if (!component.enabled) continue;
    const replicas = component.autoscaling.enabled ? component.autoscaling.maxReplicas : component.replicaCount;
    add(replicas + Math.ceil(replicas * 0.25), component.resources);
  }
  if (values.scraper.enabled) add(1, values.scraper.resources);
  return demand;
}

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('the app namespace quota of %s', (_name, config) => {
  const values = merge(parse(readFileSync(chartFile('values.yaml'), 'utf8')), parse(readFileSync(chartFile(config.app.valuesFile), 'utf8')));
  const peak = peakDemand(values);
  const quota = config.kubernetes.appQuota;

  it('admits the chart at full autoscale during a rolling update', () => {
    expect(peak.pods).toBeLessThanOrEqual(quota.pods);
    expect(peak.requestsCpu).toBeLessThanOrEqual(quantity(quota.requestsCpu));
    expect(peak.requestsMemory).toBeLessThanOrEqual(quantity(quota.requestsMemory));
    expect(peak.limitsCpu).toBeLessThanOrEqual(quantity(quota.limitsCpu));
    expect(peak.limitsMemory).toBeLessThanOrEqual(quantity(quota.limitsMemory));
  });

  it('is a ceiling, not a blank cheque: requests at most four times the peak', () => {
    expect(quantity(quota.requestsCpu)).toBeLessThanOrEqual(4 * peak.requestsCpu);
    expect(quantity(quota.requestsMemory)).toBeLessThanOrEqual(4 * peak.requestsMemory);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_METRICS_ENDPOINT, SCRAPED_COMPONENTS } from '../../../content/monitoring/app-metrics.ts';

const chart = join(__dirname, '..', '..', '..', 'helm', 'hexabid');
const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, { metricsPort?: number }>;
const podMonitor = readFileSync(join(chart, 'templates', 'podmonitor.yaml'), 'utf8');

describe('the metric contract and the chart', () => {
  it('agree on the metrics port of every scraped component', () => {
    for (const component of SCRAPED_COMPONENTS) expect(values[component]?.metricsPort, component).toBe(APP_METRICS_ENDPOINT.port);
  });

  it('agree on the components and the port name the PodMonitor scrapes', () => {
    expect(podMonitor).toContain(`values: [${SCRAPED_COMPONENTS.join(', ')}]`);
    expect(podMonitor).toContain(`- port: ${APP_METRICS_ENDPOINT.portName}`);
    // No path set: the Prometheus Operator's default, /metrics.
    expect(podMonitor).not.toMatch(/^\s*path:/m);
    expect(APP_METRICS_ENDPOINT.path).toBe('/metrics');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAppMetricsContract } from '../../../content/monitoring/app-metrics.ts';
import { GENERATED_BLOCKS, generatedBlockOf, OBSERVABILITY_DOC, withGeneratedBlocks } from '../../../content/monitoring/docs.ts';

const DOC = readFileSync(join(__dirname, '..', '..', '..', OBSERVABILITY_DOC), 'utf8');

/** The text of one `## ` section. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) return '';
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe(OBSERVABILITY_DOC, () => {
  it('has the sections of the design', () => {
    for (const heading of ['Dashboards', 'Alerts and routing', 'Metrics the app must expose']) expect(section(DOC, heading), heading).not.toBe('');
  });

  it('holds the rendered app metric contract under "Metrics the app must expose"', () => {
    expect(generatedBlockOf(section(DOC, 'Metrics the app must expose'), 'app-metrics')).toBe(renderAppMetricsContract());
  });

  it.each(Object.keys(GENERATED_BLOCKS))('has the generated block %s up to date (npx tsx content/monitoring/render-docs.ts)', (name) => {
    expect(generatedBlockOf(DOC, name)).toBe(GENERATED_BLOCKS[name]!());
  });

  it('is unchanged by re-rendering', () => {
    expect(withGeneratedBlocks(DOC)).toBe(DOC);
  });
});

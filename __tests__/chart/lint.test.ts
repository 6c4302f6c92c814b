import { describe, expect, it } from 'vitest';
import { CHART_DIR, CHART_ENVIRONMENTS, helm, KUBE_VERSION, valuesFile } from './helm.ts';

describe('helm lint --strict', () => {
  it.each(CHART_ENVIRONMENTS)('passes with values-%s.yaml', async (env) => {
    const result = await helm(['lint', '--strict', CHART_DIR, '-f', valuesFile(env), '--kube-version', KUBE_VERSION]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

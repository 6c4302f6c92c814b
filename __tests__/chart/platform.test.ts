import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helm, KUBE_VERSION, parseDocuments } from './helm.ts';
import { schemaProblems } from './kubernetes-schema.ts';

const PLATFORM_CHART = resolve(__dirname, '../../helm/platform');
const valid = ['--set', 'clusterSecretStore.region=ap-south-1', '--set', 'clusterSecretStore.namespaces={hexabid-production}'];

describe('the platform chart', () => {
  it('passes helm lint --strict', async () => {
    const result = await helm(['lint', '--strict', PLATFORM_CHART, '--kube-version', KUBE_VERSION, ...valid]);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders one ClusterSecretStore on Secrets Manager, usable only from the listed namespaces', async () => {
    const result = await helm(['template', 'cluster-secret-store', PLATFORM_CHART, '--kube-version', KUBE_VERSION, ...valid]);
    expect(result.code).toBe(0);
    const [store, ...rest] = parseDocuments(result.stdout);
    expect(rest).toEqual([]);
    expect(store!.kind).toBe('ClusterSecretStore');
    expect(store!.spec).toEqual({
      provider: { aws: { service: 'SecretsManager', region: 'ap-south-1' } },
      conditions: [{ namespaces: ['hexabid-production'] }],
    });
    expect(schemaProblems(store!)).toEqual([]);
  });

  it('refuses to render without a region or a namespace', async () => {
    const result = await helm(['template', 'x', PLATFORM_CHART, '--kube-version', KUBE_VERSION]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('clusterSecretStore.region');
    expect(result.stderr).toContain('clusterSecretStore.namespaces');
  });
});
